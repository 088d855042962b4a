from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..forms import (
    DateField, MultiCheckboxField, as_choices, check_choice, clean_text, max_length, optional, optional_int, required,
)
from ..labels import choices
from ..strategy.models import BidStatus

# Numeric(14, 2): up to twelve digits before the comma.
LARGEST_AMOUNT = Decimal("999999999999.99")
INVALID_AMOUNT = _l("Vul een bedrag in euro's in, zoals 1.250.000 of 2500,50.")


class AmountField(StringField):
    """An amount in euros as the Dutch write it: 1.250.000,50; empty is none."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        text = clean_text(valuelist[0]).removeprefix("€").strip()
        if not text:
            return
        try:
            amount = parse_decimal(text, locale="nl", strict=True)
        except (NumberFormatError, InvalidOperation, ValueError) as error:
            raise ValueError(str(INVALID_AMOUNT)) from error
        if not amount.is_finite():
            raise ValueError(str(INVALID_AMOUNT))
        if amount < 0 or amount > LARGEST_AMOUNT:
            raise ValueError(str(_l("Vul een bedrag in tussen 0 en 999.999.999.999,99 euro.")))
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(str(_l("Vul een bedrag in hele centen in, zoals 2500,50.")))
        self.data = amount

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


class FundingStreamForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(300)])
    provider_id = SelectField(_l("Ministerie of organisatie"), coerce=optional_int, validate_choice=False)
    provider_name = StringField(_l("Fonds of verstrekker"), filters=[clean_text], validators=[max_length(200)],
                                description=_l("Als de verstrekker geen organisatie in de lijst is."))
    description = TextAreaField(_l("Omschrijving"), filters=[clean_text], validators=[max_length(5000)])
    amount = AmountField(_l("Omvang van de geldstroom (euro)"))
    deadline = DateField(_l("Deadline"), validators=[optional()])
    bid_status = SelectField(_l("Status van de aanvraag van Zaanstad"),
                             choices=as_choices(choices(BidStatus), blank=_l("— nog geen aanvraag —")))
    amount_requested = AmountField(_l("Aangevraagd bedrag (euro)"))
    amount_granted = AmountField(_l("Toegekend bedrag (euro)"))
    priority_ids = MultiCheckboxField(_l("Strategische prioriteiten"), coerce=int)

    def validate_provider_id(self, field):
        check_choice(field)
