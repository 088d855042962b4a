from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, ValidationError

from ..forms import DateField, as_choices, chosen, clean_text, max_length, optional
from ..formatting import local_today
from ..interactions.filters import check_terms
from ..labels import choices
from .models import Attitude, Influence
from .service import NOTE_LENGTH


KINDS = {"organisatie": 0, "contactpersoon": 1}


def parse_relation(value: str | None) -> tuple[int | None, int | None] | None:
    """"organisatie:12" or "contactpersoon:5" as (organisation id, contact id);
    (None, None) for nothing picked; None for anything else."""
    if not value:
        return None, None
    kind, _, number = str(value).partition(":")
    if kind not in KINDS or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return None
    ids = [None, None]
    ids[KINDS[kind]] = int(number)
    return ids[0], ids[1]


class PositionFields(FlaskForm):
    influence = RadioField(_l("Invloed op de prioriteit"), choices=as_choices(choices(Influence)),
                           validators=[chosen(_l("Kies de invloed: laag, midden of hoog."))])
    attitude = RadioField(_l("Houding tegenover de inzet van Zaanstad"), choices=as_choices(choices(Attitude)),
                          validators=[chosen(_l("Kies de houding: tegen, neutraal, voor of onbekend."))])
    note = StringField(_l("Korte toelichting"), filters=[clean_text], validators=[max_length(NOTE_LENGTH)],
                       description=_l("Bijvoorbeeld waarom de houding veranderde; hoogstens %(max)d tekens.",
                                      max=NOTE_LENGTH))


class AddStakeholderForm(PositionFields):
    """Find an organisation or contact person by name, pick one, place it."""

    zoek = StringField(_l("Zoek een organisatie of contactpersoon"), filters=[clean_text],
                       description=_l("Naam of afkorting; alle woorden moeten voorkomen."))
    relation = StringField(_l("Kies wie u toevoegt"), filters=[clean_text])

    def validate_zoek(self, field):
        check_terms(field)

    def validate_relation(self, field):
        if len(field.raw_data or []) > 1:
            raise ValidationError(_l("Kies één organisatie of contactpersoon, niet meer."))
        if parse_relation(field.data) is None:
            raise ValidationError(_l("Kies een organisatie of contactpersoon uit de zoekresultaten."))
        if parse_relation(field.data) == (None, None):
            raise ValidationError(_l("Zoek een organisatie of contactpersoon en kies er een."))

    @property
    def chosen_ids(self) -> tuple[int | None, int | None]:
        return parse_relation(self.relation.data) or (None, None)


class EditStakeholderForm(PositionFields):
    """Moving a stakeholder on the map: the relation itself stays."""


class RemoveStakeholderForm(FlaskForm):
    """Only the CSRF token: the button is the confirmation."""


class CompareForm(FlaskForm):
    """A GET form: which earlier day to compare the map with."""

    class Meta:
        csrf = False

    vergelijk = DateField(_l("Vergelijk met de stand op"), validators=[optional()],
                          description=_l("Een dag in het verleden, zoals 01-06-2026."))

    def validate_vergelijk(self, field):
        if field.data is not None and field.data.year < 2000:
            raise ValidationError(_l("Kies een dag vanaf 2000."))
        if field.data is not None and field.data > local_today():
            raise ValidationError(_l("Kies vandaag of een dag in het verleden."))
