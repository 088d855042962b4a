from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField

from ..forms import (
    as_choices, check_choice, chosen, clean_text, email_address, max_length, optional, optional_int, required,
)
from ..labels import choices
from .models import OrganisationKind


class ContactForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    function = StringField(_l("Functie"), filters=[clean_text], validators=[max_length(200)],
                           description=_l("Bijvoorbeeld: Kamerlid (VVD), wethouder Wonen, beleidsadviseur."))
    organisation_id = SelectField(_l("Organisatie"), coerce=optional_int, validate_choice=False)
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[optional(), max_length(254), email_address()])
    phone = StringField(_l("Telefoon"), filters=[clean_text], validators=[max_length(50)])
    notes = TextAreaField(_l("Notities"), filters=[clean_text], validators=[max_length(5000)])

    def validate_organisation_id(self, field):
        check_choice(field)


class OrganisationForm(FlaskForm):
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
