"""The filters of the contactmomenten list, shared by the page and its exports.

The parameter names are part of the app's links (the dashboards link here
with theme_id and arena_id): keep them.
"""

from dataclasses import asdict, dataclass
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import exists, func, or_, select
from wtforms import SelectField, StringField, ValidationError

from ..auth.models import User
from ..auth.service import colleague_choices
from ..extensions import db
from ..formatting import from_local
from ..forms import DateField, as_choices, check_choice, clean_text, optional, optional_int
from ..labels import choices
from ..relations.models import Organisation
from ..relations.service import organisation_choices
from ..search import service as search
from ..search.service import MAX_TERMS_LENGTH, words
from ..strategy.models import Arena, Priority, Theme
from .models import (
    Interaction, InteractionKind, Level, interaction_contacts, interaction_organisations, interaction_participants,
    interaction_priorities,
)

EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 12, 31)


class IdSelectField(SelectField):
    """A select of records by id: anything but an id on the list gets a Dutch message."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=optional_int, validate_choice=False,
                         validators=[optional_choice], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(str(_l("Kies uit de lijst."))) from error


def optional_choice(form, field):
    check_choice(field)


class FilterDateField(DateField):
    invalid_message = _l("Vul een bestaande datum in, zoals 30-11-2026.")

    def pre_validate(self, form):
        if self.data is not None and not EARLIEST <= self.data <= LATEST:
            raise ValidationError(_l("Vul een datum tussen 1900 en 9000 in."))


def check_terms(field):
    if len(field.data or "") > MAX_TERMS_LENGTH:
        raise ValidationError(_l("Gebruik hoogstens %(max)d tekens.", max=MAX_TERMS_LENGTH))
    if field.data and not words(field.data):
        raise ValidationError(_l("Vul een of meer woorden in, met letters of cijfers."))


class FilterForm(FlaskForm):
    """A GET form: no CSRF token (it changes nothing), its values in the URL."""

    class Meta:
        csrf = False

    zoek = StringField(_l("Zoekwoorden"), filters=[clean_text], description=_l(
        "Zoekt in onderwerp, samenvatting en uitkomst."))
    date_from = FilterDateField(_l("Vanaf"), validators=[optional()])
    date_to = FilterDateField(_l("Tot en met"), validators=[optional()])
    theme_id = IdSelectField(_l("Opgave"))
    priority_id = IdSelectField(_l("Strategische prioriteit"))
    arena_id = IdSelectField(_l("Netwerk"))
    organisation_id = IdSelectField(_l("Organisatie"))
    contact = StringField(_l("Contactpersoon"), filters=[clean_text], description=_l(
        "Naam, functie of e-mailadres; alle woorden moeten voorkomen."))
    colleague_id = IdSelectField(_l("Collega"), description=_l("Vastgelegd door of deelgenomen."))
    kind = SelectField(_l("Soort contact"), validate_choice=False, validators=[optional_choice])
    level = SelectField(_l("Niveau"), validate_choice=False, validators=[optional_choice])

    def validate_zoek(self, field):
        check_terms(field)

    def validate_contact(self, field):
        check_terms(field)

    def validate_date_to(self, field):
        start = self.date_from.data
        if field.data and start and not self.date_from.errors and field.data < start:
            raise ValidationError(_l("Kies een einddatum op of na de begindatum."))


@dataclass
class Filters:
    """The valid filters of one request; None is "no filter on this"."""
    terms: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    theme_id: int | None = None
    priority_id: int | None = None
    arena_id: int | None = None
    organisation_id: int | None = None
    contact: str | None = None
    colleague_id: int | None = None
    kind: InteractionKind | None = None
    level: Level | None = None
    author_id: int | None = None  # "door mij vastgelegd"

    def as_dict(self) -> dict:
        """The filters in use, as plain values (for the audit log)."""
        return {name: str(value) for name, value in asdict(self).items() if value is not None}


def populate(form: FilterForm) -> None:
    """The choices of every list; the records' names, in one query each."""
    form.theme_id.choices = as_choices(
        ((id_, f"{number}. {name}") for id_, number, name in db.session.execute(
            select(Theme.id, Theme.number, Theme.name).order_by(Theme.number))), blank=_l("— alle —"))
    form.priority_id.choices = as_choices(
        ((id_, f"{theme}.{number} {title}") for id_, theme, number, title in db.session.execute(
            select(Priority.id, Theme.number, Priority.number, Priority.title)
            .join(Theme, Theme.id == Priority.theme_id).order_by(Theme.number, Priority.number))),
        blank=_l("— alle —"))
    form.arena_id.choices = as_choices(db.session.execute(
        select(Arena.id, Arena.name).order_by(Arena.sort_order, Arena.name)).all(), blank=_l("— alle —"))
    form.organisation_id.choices = as_choices(organisation_choices(), blank=_l("— alle —"))
    form.colleague_id.choices = as_choices(colleague_choices(), blank=_l("— alle —"))
    form.kind.choices = as_choices(choices(InteractionKind), blank=_l("— alle —"))
    form.level.choices = as_choices(choices(Level), blank=_l("— alle —"))


def read(form: FilterForm, author: User | None = None) -> Filters:
    """Validates the form and keeps the fields that are valid: a wrong
    value gets its message next to its field and filters nothing."""
    form.validate()
    def value(field):
        return None if field.errors or field.data in (None, "") else field.data
    return Filters(
        terms=value(form.zoek), date_from=value(form.date_from),
        date_to=value(form.date_to), theme_id=value(form.theme_id), priority_id=value(form.priority_id),
        arena_id=value(form.arena_id), organisation_id=value(form.organisation_id),
        contact=value(form.contact), colleague_id=value(form.colleague_id),
        kind=InteractionKind(value(form.kind)) if value(form.kind) else None,
        level=Level(value(form.level)) if value(form.level) else None,
        author_id=author.id if author is not None else None)


def _linked(link, column, model, condition):
    """EXISTS a link from this contactmoment to a record of `model` (through
    the link's `column`) meeting the condition: quick when many contactmomenten
    qualify and the list is read in date order. A join, not `column IN (the
    records)`: SQLite would otherwise try each of a network's hundred
    organisations against every contactmoment it walks past."""
    return exists().where(link.c.interaction_id == Interaction.id, model.id == column, condition)


# A contact filter that matches more links than this (a common surname) walks
# the list in date order, testing each contactmoment; fewer are looked up by id
# and sorted. Either way the first page costs a few thousand rows at most.
FEW_CONTACT_LINKS = 2000


def _contact_condition(text: str):
    hits = search.matching_contact_ids(text)
    links = select(interaction_contacts.c.interaction_id).where(interaction_contacts.c.contact_id.in_(hits))
    many = db.session.scalar(select(func.count()).select_from(links.limit(FEW_CONTACT_LINKS + 1).subquery()))
    if many > FEW_CONTACT_LINKS:
        # "+ 0": each contactmoment's few links are found by its id, then
        # compared with the hits; not every hit looked up for every contactmoment.
        return exists().where(interaction_contacts.c.interaction_id == Interaction.id,
                              (interaction_contacts.c.contact_id + 0).in_(hits))
    return Interaction.id.in_(links)


def conditions(filters: Filters, *, with_terms: bool = True) -> list:
    """The SQL conditions on Interaction for these filters (the search terms
    left out on request: `search.count_interactions` takes them apart)."""
    result = []
    if filters.terms and with_terms:
        result.append(search.interaction_condition(filters.terms))
    if filters.date_from:
        result.append(Interaction.occurred_at >= from_local(filters.date_from, time.min))
    if filters.date_to:
        result.append(Interaction.occurred_at < from_local(filters.date_to + timedelta(days=1), time.min))
    if filters.theme_id is not None:
        result.append(_linked(interaction_priorities, interaction_priorities.c.priority_id, Priority,
                              Priority.theme_id == filters.theme_id))
    if filters.priority_id is not None:
        result.append(exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                                     interaction_priorities.c.priority_id == filters.priority_id))
    if filters.arena_id is not None:
        result.append(_linked(interaction_organisations, interaction_organisations.c.organisation_id, Organisation,
                              Organisation.arena_id == filters.arena_id))
    if filters.organisation_id is not None:
        # One organisation has few contactmomenten: start from its index.
        result.append(Interaction.id.in_(
            select(interaction_organisations.c.interaction_id)
            .where(interaction_organisations.c.organisation_id == filters.organisation_id)))
    if filters.contact:
        result.append(_contact_condition(filters.contact))
    if filters.colleague_id is not None:
        result.append(or_(Interaction.author_id == filters.colleague_id, exists().where(
            interaction_participants.c.interaction_id == Interaction.id,
            interaction_participants.c.user_id == filters.colleague_id)))
    if filters.kind is not None:
        result.append(Interaction.kind == filters.kind)
    if filters.level is not None:
        result.append(Interaction.level == filters.level)
    if filters.author_id is not None:
        result.append(Interaction.author_id == filters.author_id)
    return result
