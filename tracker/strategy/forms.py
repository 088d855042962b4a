from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from ..forms import as_choices, chosen, clean_text, max_length, required
from ..labels import choices
from .models import PriorityStatus


class PriorityStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=as_choices(choices(PriorityStatus)), validators=[chosen()])
    note = TextAreaField(_l("Toelichting"), filters=[clean_text],
                         validators=[required(_l("Licht de status toe in een korte notitie.")), max_length(2000)],
                         description=_l("Wat is er veranderd, en waarom deze status?"))
