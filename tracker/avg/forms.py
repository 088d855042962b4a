from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField, ValidationError

from ..forms import DateField, as_choices, chosen, clean_text, max_length, optional, required
from ..relations.forms import contact_picker
from .models import RequestKind

INVALID_DATE = _l("Vul een bestaande datum in, zoals 30-11-2026.")
KINDS = [(RequestKind.WOO.value, _l("Woo-verzoek")), (RequestKind.AVG.value, _l("AVG-verzoek"))]


class RequestForm(FlaskForm):
    kind = RadioField(_l("Soort verzoek"), choices=as_choices(KINDS), validators=[chosen()])
    subject = StringField(_l("Onderwerp"), filters=[clean_text], validators=[required(), max_length(300)])
    reference = StringField(_l("Kenmerk"), filters=[clean_text], validators=[max_length(100)],
                            description=_l("Het zaak- of documentnummer, als dat er is."))
    opened_on = DateField(_l("Binnengekomen op"), validators=[chosen(INVALID_DATE)])
    closed_on = DateField(_l("Afgesloten op"), validators=[optional()], description=_l(
        "Leeg zolang het verzoek loopt. Zolang het loopt, worden de contactpersonen niet geanonimiseerd of "
        "verwijderd."))
    contact_ids = contact_picker(_l("Contactpersonen waar het verzoek over gaat"))

    def validate_opened_on(self, field):
        if field.data is not None and field.data.year < 2000:
            raise ValidationError(_l("Kies een datum na 1 januari 2000."))


class ReasonForm(FlaskForm):
    """A decision that needs its reason: anonymising, or keeping after review."""

    reason = TextAreaField(_l("Reden"), filters=[clean_text], validators=[
        required(_l("Vul de reden in.")), max_length(2000)])
