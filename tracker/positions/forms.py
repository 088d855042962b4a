from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError

from ..forms import (
    DateField, MultiCheckboxField, as_choices, check_choice, chosen, clean_text, max_length, optional, optional_int,
    required,
)
from ..labels import choices
from ..strategy.models import IntendedRole, PositionStatus


class PositionForm(FlaskForm):
    organisation_id = SelectField(_l("Gremium"), coerce=optional_int, validate_choice=False,
                                  validators=[chosen(_l("Kies een gremium."))])
    title = StringField(_l("Positie"), filters=[clean_text],
                        validators=[required(_l("Vul de naam van de positie in.")), max_length(200)],
                        description=_l("Bijvoorbeeld: voorzitter van de themagroep Duurzaamheid."))
    role = SelectField(_l("Rol"), choices=as_choices(choices(IntendedRole), blank=_l("— niet genoemd —")))
    portfolio = StringField(_l("Portefeuille"), filters=[clean_text], validators=[max_length(200)])
    theme_ids = MultiCheckboxField(_l("Opgaven die deze positie dient"), coerce=int)
    status = SelectField(_l("Status"), choices=as_choices(choices(PositionStatus)), validators=[chosen()])
    holder_id = SelectField(_l("Bestuurder"), coerce=optional_int, validate_choice=False,
                            description=_l("Wie de positie heeft (of voor wie ze beoogd is)."))
    held_since = DateField(_l("Sinds"), validators=[optional()],
                           description=_l("Nodig bij de status Verkregen of Beëindigd."))
    held_until = DateField(_l("Tot"), validators=[optional()],
                           description=_l("Leeg als de termijn nog loopt of niet bekend is."))
    text = TextAreaField(_l("Toelichting"), filters=[clean_text], validators=[max_length(5000)])

    def validate_organisation_id(self, field):
        check_choice(field)

    def validate_holder_id(self, field):
        check_choice(field)
        if self.status.data in (PositionStatus.HELD.value, PositionStatus.ENDED.value) and field.data is None:
            raise ValidationError(_l("Vul in welke bestuurder deze positie heeft gekregen."))

    def validate(self, extra_validators=None) -> bool:
        # After the fields: an empty optional date stops its own validators.
        valid = super().validate(extra_validators)
        needs_holder = self.status.data in (PositionStatus.HELD.value, PositionStatus.ENDED.value)
        since, until = self.held_since, self.held_until
        if needs_holder and since.data is None and not since.errors:
            since.errors.append(_l("Vul in sinds wanneer de bestuurder deze positie heeft."))
            valid = False
        if self.status.data == PositionStatus.ENDED.value and until.data is None and not until.errors:
            until.errors.append(_l("Vul in tot wanneer de bestuurder deze positie had."))
            valid = False
        if since.data is not None and until.data is not None and until.data < since.data:
            until.errors.append(_l("De einddatum ligt vóór de begindatum: kies een datum op of na %(since)s.",
                                   since=since.data.strftime("%d-%m-%Y")))
            valid = False
        return valid
