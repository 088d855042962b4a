from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ..forms import MultiCheckboxField


class PreferencesForm(FlaskForm):
    wants_digest = BooleanField(_l("Stuur mij elke maandag het weekoverzicht"))
    theme_ids = MultiCheckboxField(_l("Opgaven die ik volg"), coerce=int, description=_l(
        "Het weekoverzicht gaat over deze opgaven. Kiest u er geen, dan over alle opgaven."))
