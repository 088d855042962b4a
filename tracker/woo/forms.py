from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, ValidationError

from ..forms import DateField, MultiCheckboxField, chosen, clean_text, max_length

INVALID_DATE = _l("Vul een bestaande datum in, zoals 30-11-2026.")


class WooExportForm(FlaskForm):
    start = DateField(_l("Van"), validators=[chosen(INVALID_DATE)])
    end = DateField(_l("Tot en met"), validators=[chosen(INVALID_DATE)])
    terms = StringField(_l("Zoektermen"), filters=[clean_text], validators=[max_length(500)], description=_l(
        "Woorden uit onderwerp, samenvatting of uitkomst, bijvoorbeeld: woningbouw Achtersluispolder."))
    priority_ids = MultiCheckboxField(_l("Strategische prioriteiten"), coerce=int)
    organisation_ids = MultiCheckboxField(_l("Organisaties"), coerce=int)
    replace_names = BooleanField(_l("Namen vervangen door functies"), description=_l(
        "Namen van personen die geen publiek figuur zijn (politici en bestuurders wel) worden vervangen door "
        "hun functie en organisatie."))

    def validate_start(self, field):
        if field.data is not None and field.data.year < 2000:
            raise ValidationError(_l("Kies een datum na 1 januari 2000."))

    def validate_end(self, field):
        if field.data is not None and field.data.year > 2999:
            raise ValidationError(_l("Kies een datum voor het jaar 3000."))
