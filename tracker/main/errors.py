"""Dutch error pages; a failed request never leaves a transaction open."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from ..api import is_api_path
from ..api.errors import json_error
from ..extensions import db

MESSAGES = {
    400: (_l("Ongeldig verzoek"), _l("Het verzoek kon niet worden verwerkt. Ga terug en probeer het opnieuw.")),
    403: (_l("Geen toegang"), _l("U heeft geen rechten voor deze pagina of handeling.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer). Controleer het adres.")),
    405: (_l("Niet toegestaan"), _l("Deze handeling is op deze pagina niet mogelijk.")),
    413: (_l("Bestand te groot"), _l("Wat u verstuurde is te groot. Verklein het en probeer het opnieuw.")),
    500: (_l("Er ging iets mis"), _l("Er ging aan onze kant iets mis. Er is niets opgeslagen; probeer het opnieuw.")),
}


def render_error(status: int, message=None):
    db.session.rollback()
    if is_api_path(request.path):
        return json_error(status)  # the API answers in JSON, also when no route matched
    title, text = MESSAGES[status]
    return render_template("errors/error.html", status=status, title=title,
                           message=message or text), status


def init_app(app):
    for status in MESSAGES:
        app.register_error_handler(status, lambda error, status=status: render_error(status))
    app.register_error_handler(CSRFError, lambda error: render_error(
        400, _l("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")))
