from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo

from ..forms import clean_text, email_address, max_length, required


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[required(_l("Vul uw e-mailadres in.")), max_length(254)])
    password = PasswordField(_l("Wachtwoord"), validators=[required(_l("Vul uw wachtwoord in.")),
                                                            max_length(500)])


class SetupForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[required(), max_length(254), email_address()])
    password = PasswordField(_l("Wachtwoord"), description=_l("Minstens 12 tekens."),
                             validators=[required(), max_length(500)])
    password_again = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        required(), EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk."))])
