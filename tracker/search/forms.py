from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError

from ..forms import clean_text
from .service import MAX_TERMS_LENGTH, words


class SearchForm(FlaskForm):
    """A GET form: no CSRF token (it changes nothing), the terms in the URL."""

    class Meta:
        csrf = False

    zoek = StringField(_l("Zoekwoorden"), filters=[clean_text], description=_l(
        "Zoekt in contactmomenten (onderwerp, samenvatting, uitkomst), contactpersonen (naam, functie, "
        "e-mailadres) en organisaties (naam, afkorting). Alle woorden moeten voorkomen; het laatste mag "
        "het begin van een woord zijn."))

    def validate_zoek(self, field):
        if len(field.data or "") > MAX_TERMS_LENGTH:
            raise ValidationError(_l("Gebruik hoogstens %(max)d tekens.", max=MAX_TERMS_LENGTH))
        if not words(field.data):
            raise ValidationError(_l("Vul een of meer woorden in, met letters of cijfers."))
