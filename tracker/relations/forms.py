from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField, ValidationError

from ..forms import (
    as_choices, check_choice, chosen, clean_text, email_address, max_length, optional, optional_int, required,
)
from ..forms import PickerField
from ..labels import choices
from . import service
from .models import OrganisationKind, is_public_office


def contact_picker(label, **kwargs) -> PickerField:
    """Contacts chosen by search (a form may not list all 10,000)."""
    return PickerField(label, labels=service.contact_labels, find=service.find_contacts,
                       search_endpoint="relations.pick_contacts",
                       search_label=_l("Zoek een contactpersoon op naam, functie, organisatie of e-mailadres"),
                       unknown_message=_l("Kies contactpersonen die bestaan: zoek ze op en vink ze aan."), **kwargs)


def organisation_picker(label, **kwargs) -> PickerField:
    """Organisations chosen by search."""
    return PickerField(label, labels=service.organisation_labels, find=service.find_organisations,
                       search_endpoint="relations.pick_organisations",
                       search_label=_l("Zoek een organisatie op naam of afkorting"),
                       unknown_message=_l("Kies organisaties die bestaan: zoek ze op en vink ze aan."), **kwargs)


PUBLIC_FIGURE_MODES = [("functie", _l("Afleiden uit de functie")), ("ja", _l("Ja, een publiek figuur")),
                       ("nee", _l("Nee"))]
CADENCE_MODES = [("standaard", _l("Standaard")), ("eigen", _l("Eigen ritme")), ("uit", _l("Geen ritme (niet signaleren)"))]


class RelationshipFields:
    """Who owns a relationship and how often it should be worked on."""

    owner_id = SelectField(_l("Eigenaar van de relatie"), coerce=optional_int, validate_choice=False,
                           description=_l("Krijgt de signalering als de relatie verwaarloosd raakt."))
    cadence_mode = RadioField(_l("Ritme"), choices=as_choices(CADENCE_MODES), default="standaard",
                              validators=[chosen()])
    cadence_days = IntegerField(_l("Eigen ritme in dagen"), validators=[optional()],
                                description=_l("Binnen hoeveel dagen er opnieuw contact moet zijn."))

    def validate_owner_id(self, field):
        check_choice(field)

    def validate_cadence_days(self, field):
        if field.data is not None and not 1 <= field.data <= 3650:
            raise ValidationError(_l("Kies een ritme tussen 1 en 3650 dagen."))

    def validate(self, extra_validators=None) -> bool:
        # Checked after the fields: an empty optional field stops its own validators.
        valid = super().validate(extra_validators)
        if self.cadence_mode.data == "eigen" and self.cadence_days.data is None and not self.cadence_days.errors:
            self.cadence_days.errors.append(_l("Vul het aantal dagen in, of kies een ander ritme."))
            valid = False
        return valid

    def cadence(self) -> tuple[int | None, bool]:
        """(days, disabled) as the service takes them."""
        mode = self.cadence_mode.data
        return (self.cadence_days.data if mode == "eigen" else None), mode == "uit"

    def show_cadence(self, relation) -> None:
        self.cadence_mode.data = "uit" if relation.cadence_disabled else (
            "eigen" if relation.cadence_days else "standaard")


class ContactForm(RelationshipFields, FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    function = StringField(_l("Functie"), filters=[clean_text], validators=[max_length(200)],
                           description=_l("Bijvoorbeeld: Kamerlid (VVD), wethouder Wonen, beleidsadviseur."))
    organisation_id = SelectField(_l("Organisatie"), coerce=optional_int, validate_choice=False)
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[optional(), max_length(254), email_address()])
    phone = StringField(_l("Telefoon"), filters=[clean_text], validators=[max_length(50)])
    notes = TextAreaField(_l("Notities"), filters=[clean_text], validators=[max_length(5000)])
    # Not sent (an older form, another client): follows the function.
    public_figure_mode = RadioField(_l("Publiek figuur"), choices=as_choices(PUBLIC_FIGURE_MODES), default="functie",
                                    description=_l("Politici en bestuurders zijn publieke figuren: een Woo-export "
                                                   "noemt hen bij naam, anderen alleen met hun functie. Afgeleid "
                                                   "uit de functie: wethouder, Kamerlid, minister, bestuurder en "
                                                   "dergelijke."))

    def validate_organisation_id(self, field):
        check_choice(field)

    def public_figure(self) -> bool:
        mode = self.public_figure_mode.data
        return is_public_office(self.function.data) if mode == "functie" else mode == "ja"

    def show_public_figure(self, contact) -> None:
        self.public_figure_mode.data = "ja" if contact.public_figure else "nee"


class OrganisationForm(RelationshipFields, FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(300)])
    abbreviation = StringField(_l("Afkorting"), filters=[clean_text], validators=[max_length(50)])
    kind = SelectField(_l("Soort"), choices=as_choices(choices(OrganisationKind)), validators=[chosen()])
    arena_id = SelectField(_l("Netwerk"), coerce=optional_int, validate_choice=False)
    parent_id = SelectField(_l("Valt onder"), coerce=optional_int, validate_choice=False)
    description = TextAreaField(_l("Omschrijving"), filters=[clean_text], validators=[max_length(5000)])

    def validate_arena_id(self, field):
        check_choice(field)

    def validate_parent_id(self, field):
        check_choice(field)
