from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import ValidationError

from ..auth.models import Role
from ..forms import as_choices, chosen, clean_text, email_address, max_length, optional, required
from ..labels import choices


def days_between(low: int, high: int, message):
    """NumberRange without its float conversion, which raises OverflowError (a 500) on a
    number with hundreds of digits: compares the integer as it is."""
    def check(form, field):
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(message)
    return check


class UserForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    email = EmailField(_l("E-mailadres"), filters=[clean_text],
                       validators=[required(), max_length(254), email_address()])
    role = SelectField(_l("Rol"), choices=as_choices(choices(Role)), validators=[chosen()])
    password = PasswordField(_l("Tijdelijk wachtwoord"), description=_l(
        "Minstens 12 tekens. Geef het veilig door; de collega kan het daarna wijzigen."),
        validators=[required(), max_length(500)])


class EditUserForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    title = StringField(_l("Functie"), filters=[clean_text], validators=[optional(), max_length(200)],
                        description=_l("Voor bestuurders: bijvoorbeeld wethouder Wonen."))
    role = SelectField(_l("Rol"), choices=as_choices(choices(Role)), validators=[chosen()])
    active = BooleanField(_l("Actief"), description=_l("Een inactieve gebruiker kan niet meer inloggen."))


class OfficialForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[clean_text], validators=[required(), max_length(200)])
    title = StringField(_l("Functie"), filters=[clean_text], validators=[required(), max_length(200)],
                        description=_l("Bijvoorbeeld: wethouder Wonen en Bereikbaarheid."))


class CadenceDefaultsForm(FlaskForm):
    leading = IntegerField(_l("Leidende rol (voorzitter, vicevoorzitter, voortrekker, trekker)"),
                           validators=[chosen(_l("Vul een aantal dagen in.")),
                                       days_between(1, 3650, _l("Kies een ritme tussen 1 en 3650 dagen."))])
    member = IntegerField(_l("Andere inzet (lid, actief deelnemer, …)"),
                          validators=[chosen(_l("Vul een aantal dagen in.")),
                                      days_between(1, 3650, _l("Kies een ritme tussen 1 en 3650 dagen."))])
    watching = IntegerField(_l("Monitoren of geen voortrekkersrol"),
                            validators=[chosen(_l("Vul een aantal dagen in.")),
                                        days_between(1, 3650, _l("Kies een ritme tussen 1 en 3650 dagen."))])
