"""The API's errors: JSON with a Dutch message, never a page."""

from flask import jsonify
from flask_babel import lazy_gettext as _l

TITLES = {
    400: _l("Ongeldig verzoek"),
    401: _l("Niet aangemeld"),
    403: _l("Geen toegang"),
    404: _l("Niet gevonden"),
    405: _l("Niet toegestaan"),
    413: _l("Verzoek te groot"),
    500: _l("Er ging iets mis"),
}
DETAILS = {
    400: _l("Het verzoek kon niet worden verwerkt."),
    401: _l("Stuur een geldig persoonlijk toegangstoken mee in de kop Authorization: Bearer <token>. "
            "U maakt er een onder Mijn instellingen → API-tokens."),
    403: _l("U heeft geen rechten voor deze gegevens."),
    404: _l("Dit adres of dit nummer bestaat niet in de API. De beschrijving staat op /api/v1/openapi.json."),
    405: _l("De API kan alleen lezen: gebruik GET."),
    413: _l("Wat u verstuurde is te groot."),
    500: _l("Er ging aan onze kant iets mis. Probeer het opnieuw."),
}
AUTHENTICATE = 'Bearer realm="Lobbytracker API"'


def json_error(status: int, detail=None, parameter: str | None = None):
    body = {"status": status, "title": str(TITLES.get(status, TITLES[400])),
            "detail": str(detail or DETAILS.get(status, DETAILS[400]))}
    if parameter is not None:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = AUTHENTICATE + (', error="invalid_token"' if detail else "")
    return response
