from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from ..forms import DateField, clean_text, max_length, optional, required
from .service import NAME_LENGTH


class TokenForm(FlaskForm):
    name = StringField(_l("Naam van het token"), filters=[clean_text],
                       validators=[required(_l("Geef het token een naam, zodat u het later herkent.")),
                                   max_length(NAME_LENGTH)],
                       description=_l("Waarvoor u het gebruikt, bijvoorbeeld: Power BI dashboard directie."))
    expires_on = DateField(_l("Geldig tot en met"), validators=[optional()],
                           description=_l("Leeg laten: het token werkt tot u het intrekt."))


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the address."""
