from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField

from ..forms import as_choices, chosen
from .models import ImportKind
from .service import KIND_LABELS


class UploadForm(FlaskForm):
    kind = RadioField(_l("Wat importeert u?"), choices=as_choices((kind.value, label) for kind, label in
                                                                 KIND_LABELS.items()),
                      default=ImportKind.CONTACTS.value, validators=[chosen()])
    file = FileField(_l("Bestand"), validators=[FileRequired(_l("Kies een bestand."))],
                     description=_l("Een CSV-bestand (UTF-8, met ; of , tussen de kolommen) of een Excel-werkmap "
                                    "(.xlsx, het eerste werkblad), hoogstens 2 MB en 5.000 regels."))


class ConfirmForm(FlaskForm):
    """The rows are kept on the server; the form carries the fingerprint of the plan the page showed."""

    plan = HiddenField()
