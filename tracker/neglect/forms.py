from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField, ValidationError

from ..forms import DateField, check_choice, chosen, clean_text, max_length, optional_int, required


class SnoozeForm(FlaskForm):
    until = DateField(_l("Snoozen tot"), validators=[chosen(_l("Vul een bestaande datum in, zoals 31-12-2026."))])
    reason = TextAreaField(_l("Reden"), filters=[clean_text],
                           validators=[required(_l("Geef een reden op.")), max_length(1000)],
                           description=_l("Bijvoorbeeld: bewust even rust na het bestuurlijk overleg."))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Toewijzen aan"), coerce=optional_int, validate_choice=False,
                              validators=[chosen(_l("Kies een collega."))])
    note = TextAreaField(_l("Toelichting"), filters=[clean_text], validators=[max_length(1000)])

    def validate_assignee_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Kies een collega."))
        check_choice(field)
