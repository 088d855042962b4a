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


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Huidig wachtwoord"), validators=[
        required(_l("Vul uw huidige wachtwoord in.")), max_length(500)])
    new_password = PasswordField(_l("Nieuw wachtwoord"), description=_l(
        "Minstens 12 tekens, en geen veelgebruikt wachtwoord. Een zin van een paar woorden is sterk en "
        "goed te onthouden."), validators=[required(_l("Vul een nieuw wachtwoord in.")), max_length(500)])
    new_password_again = PasswordField(_l("Herhaal het nieuwe wachtwoord"), validators=[
        required(_l("Herhaal het nieuwe wachtwoord.")),
        EqualTo("new_password", message=_l("De wachtwoorden zijn niet gelijk."))])
