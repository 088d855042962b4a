from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, TimeField, ValidationError

from ..forms import (
    DateField, MultiCheckboxField, check_choice, chosen, clean_text, max_length, optional, optional_int, required,
)
from .service import FIRST_MONTH, LAST_MONTH

INVALID_DATE = _l("Vul een bestaande datum in, zoals 30-11-2026.")


class DutchTimeField(TimeField):
    """A time field whose unreadable input gets a Dutch message with an example."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Vul een tijd in, zoals 14:30, of laat de tijd leeg."))) from error


class KeyMomentForm(FlaskForm):
    day = DateField(_l("Datum"), validators=[chosen(INVALID_DATE)])
    clock = DutchTimeField(_l("Tijd"), validators=[optional()],
                           description=_l("Leeg voor een moment dat de hele dag duurt."))
    title = StringField(_l("Titel"), filters=[clean_text],
                        validators=[required(_l("Vul een titel in.")), max_length(300)],
                        description=_l("Bijvoorbeeld: Commissiedebat Wonen en Ruimte, Tweede Kamer."))
    organisation_id = SelectField(_l("Organisatie"), coerce=optional_int, validate_choice=False)
    arena_id = SelectField(_l("Netwerk"), coerce=optional_int, validate_choice=False,
                           description=_l("Leeg: het netwerk van de organisatie."))
    priority_ids = MultiCheckboxField(_l("Strategische prioriteiten"), coerce=int)
    notes = TextAreaField(_l("Notities"), filters=[clean_text], validators=[max_length(5000)],
                          description=_l("Wat er op het spel staat en wat Zaanstad inbrengt."))

    def validate_day(self, field):
        if field.data is not None and not FIRST_MONTH <= field.data.replace(day=1) <= LAST_MONTH:
            raise ValidationError(_l("Kies een datum tussen 2000 en 2099."))

    def validate_organisation_id(self, field):
        check_choice(field)

    def validate_arena_id(self, field):
        check_choice(field)


class FeedForm(FlaskForm):
    """Only the CSRF token: making or revoking the address is a POST from us."""
