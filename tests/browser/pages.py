"""Every page of the app, for the accessibility sweep in test_accessibility.py.

EVERY NEW PAGE MUST BE ADDED HERE: each GET route (with the roles that may
see it) in PAGES, and each form in FORMS_WITH_ERRORS, shown with its
validation errors. The sweep opens each page as every role and fails on any
axe-core violation or any problem the checks in audit.py find.

Paths name the records of the sweep's data in braces: {theme}, {priority},
{arena}, {organisation}, {contact}, {interaction} (written by the
medewerker), {user} (the medewerker's account), {manager} (the manager's
account), {flag} (an open neglect flag about an organisation), {week} (this
week, as 2026-W49), {mail} (the beheerder's own stored digest e-mail) and
{colleague_mail} (the manager's, of which a beheerder sees the headers only),
{position} and {funding_stream} (seeded), {stakeholder} (on {priority}'s map), {key_moment} (next week's),
{import} (the beheerder's upload awaiting confirmation) and {import_done}
(one confirmed).

tests/test_pages_listed.py fails when a GET route of the app is neither in
PAGES nor, answering with no HTML page (an export, a feed, JSON), in
NOT_PAGES with the reason.
"""

from dataclasses import dataclass, field

EMPLOYEE, MANAGER, DIRECTOR, ADMINISTRATOR = "medewerker", "manager", "directeur", "beheerder"
ROLES = (EMPLOYEE, MANAGER, DIRECTOR, ADMINISTRATOR)
ANONYMOUS = "niet ingelogd"
# How the app names each role (tracker/labels.py).
ROLE_LABELS = {EMPLOYEE: "Medewerker", MANAGER: "Manager", DIRECTOR: "Directeur", ADMINISTRATOR: "Beheerder"}


@dataclass(frozen=True)
class Page:
    path: str
    # The roles that see the page; the others get 403 "Geen toegang".
    roles: tuple[str, ...] = ROLES
    # What the page answers to those roles (404 for the not-found page).
    status: int = 200


PAGES = [
    Page("/"),
    Page("/opgaven"),
    Page("/opgaven/{theme}"),
    Page("/prioriteiten/{priority}"),
    Page("/netwerken"),
    Page("/netwerken/{arena}"),
    Page("/posities"),
    Page("/organisaties"),
    Page("/organisaties/{organisation}"),
    Page("/organisaties/{organisation}?pagina=2"),  # the history's pager
    Page("/organisaties/nieuw", roles=(MANAGER, ADMINISTRATOR)),
    Page("/organisaties/{organisation}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/contactpersonen"),
    Page("/contactpersonen/{contact}"),
    Page("/contactpersonen/nieuw"),
    Page("/contactpersonen/{contact}/bewerken"),
    Page("/contactmomenten/"),
    Page("/contactmomenten/?zoek=overleg&kind=overleg&theme_id={theme}"),
    Page("/zoeken"),
    Page("/zoeken?zoek=overleg"),
    Page("/contactmomenten/nieuw"),
    Page("/contactmomenten/{interaction}"),
    Page("/contactmomenten/{interaction}/bewerken", roles=(EMPLOYEE, MANAGER, ADMINISTRATOR)),
    Page("/contactmomenten/{interaction}/verwijderen", roles=(EMPLOYEE, MANAGER, ADMINISTRATOR)),
    Page("/beheer/gebruikers", roles=(ADMINISTRATOR,)),
    Page("/beheer/gebruikers/nieuw", roles=(ADMINISTRATOR,)),
    Page("/beheer/gebruikers/{user}/bewerken", roles=(ADMINISTRATOR,)),
    Page("/beheer/bestuurders/nieuw", roles=(ADMINISTRATOR,)),
    Page("/beheer/audit", roles=(ADMINISTRATOR,)),
    Page("/instellingen/wachtwoord"),
    Page("/instellingen/tokens"),
    Page("/beheer/gebruikers/toegang", roles=(ADMINISTRATOR,)),
    Page("/aandacht/"),
    Page("/aandacht/?opgave={theme}&netwerk={arena}&eigenaar={user}&gesnoozed=ja"),
    # Managers and beheerders also get the snooze and assign forms.
    Page("/aandacht/{flag}"),
    Page("/instellingen"),
    Page("/weekoverzicht"),
    Page("/weekoverzicht?gebruiker={manager}&week={week}", roles=(MANAGER, DIRECTOR, ADMINISTRATOR)),
    Page("/beheer/ritme", roles=(ADMINISTRATOR,)),
    Page("/beheer/taken", roles=(ADMINISTRATOR,)),
    Page("/beheer/mail", roles=(ADMINISTRATOR,)),
    Page("/beheer/mail/{mail}", roles=(ADMINISTRATOR,)),
    Page("/beheer/mail/{colleague_mail}", roles=(ADMINISTRATOR,)),
    # Seats, key moments and funding streams (issue 4): {position}, {key_moment}, {funding_stream}.
    Page("/posities/nieuw", roles=(MANAGER, ADMINISTRATOR)),
    Page("/posities/{position}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/belangrijke-momenten"),
    Page("/belangrijke-momenten/kalender"),
    Page("/belangrijke-momenten/kalender?maand=2026-13", status=400),
    Page("/belangrijke-momenten/nieuw"),
    Page("/belangrijke-momenten/{key_moment}"),
    Page("/belangrijke-momenten/{key_moment}/bewerken"),
    Page("/geldstromen"),
    Page("/geldstromen/nieuw", roles=(MANAGER, ADMINISTRATOR)),
    Page("/geldstromen/{funding_stream}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/instellingen/agenda"),
    # The directors' dashboards (issue 4), also with filters that do not validate.
    Page("/dashboard/opgaven/{theme}"),
    Page("/dashboard/opgaven/{theme}?niveau=ambtelijk&netwerk={arena}"),
    Page("/dashboard/opgaven/{theme}?vanaf=2026-05-01&tot=2026-04-01&netwerk=abc"),
    Page("/dashboard/strategie"),
    # Woo and AVG (issue 7): {information_request} is an open Woo request.
    Page("/woo", roles=(MANAGER, ADMINISTRATOR)),
    Page("/woo/logboek", roles=(MANAGER, ADMINISTRATOR)),
    Page("/verzoeken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/verzoeken/nieuw", roles=(MANAGER, ADMINISTRATOR)),
    Page("/verzoeken/{information_request}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/contactpersonen/{contact}/avg", roles=(MANAGER, ADMINISTRATOR)),
    Page("/contactpersonen/{contact}/anonimiseren", roles=(ADMINISTRATOR,)),
    Page("/avg/logboek", roles=(MANAGER, ADMINISTRATOR)),
    Page("/avg/bewaartermijn", roles=(ADMINISTRATOR,)),
    # Importing contacts and organisations (issue 7).
    Page("/beheer/import", roles=(ADMINISTRATOR,)),
    Page("/beheer/import/{import}", roles=(ADMINISTRATOR,)),
    Page("/beheer/import/{import_done}/resultaat", roles=(ADMINISTRATOR,)),
    # The stakeholder map per priority (issue 8): {stakeholder} is an organisation on
    # {priority}'s map that moved once; "vorige" draws its earlier place and the arrow.
    Page("/prioriteiten/{priority}/krachtenveld"),
    Page("/prioriteiten/{priority}/krachtenveld?vergelijk=vorige"),
    Page("/prioriteiten/{priority}/krachtenveld?vergelijk=2026-02-30"),
    Page("/prioriteiten/{priority}/krachtenveld/toevoegen", roles=(MANAGER, ADMINISTRATOR)),
    Page("/prioriteiten/{priority}/krachtenveld/toevoegen?zoek=ministerie", roles=(MANAGER, ADMINISTRATOR)),
    Page("/krachtenveld/{stakeholder}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/deze-pagina-bestaat-niet", status=404),
]

# Before logging in. /eerste-gebruik exists only while no one can log in, so
# the sweep opens it on a database without users.
ANONYMOUS_PAGES = [
    Page("/inloggen"),
    Page("/deze-pagina-bestaat-niet", status=404),
]
FIRST_RUN_PAGE = Page("/eerste-gebruik")

# GET routes (by endpoint) that answer with no HTML page of the app, so the
# sweep has nothing to check there, each with why. tests/test_pages_listed.py
# fails on a GET route that is neither in PAGES nor here.
NOT_PAGES = {
    "static": "CSS, scripts and fonts",
    "main.healthz": "plain text for the load balancer",
    "admin.export_users": "CSV download (the access review)",
    "digest.preview_html": "the digest e-mail's own HTML (inline styles for mail clients), "
                           "shown in a frame of /weekoverzicht, which the sweep checks",
    "sso.start": "a redirect to the identity provider (404 while single sign-on is off)",
    "sso.callback": "the identity provider's redirect back; ends in a redirect",
    "positions.export": "Excel download (the positions)",
    "agenda.export": "Excel download (the key moments)",
    "funding.export": "Excel download (the funding streams)",
    "dashboards.theme_export": "Excel download (an opgave's dashboard)",
    "dashboards.strategy_export": "Excel download (the strategy at a glance)",
    "agenda.feed": "the iCalendar feed for Outlook (text/calendar), opened with its secret address",
    "imports.template": "CSV download (the import template)",
    "interactions.export_list": "CSV or Excel download (the filtered contactmomenten)",
    "relations.pick_contacts": "JSON for the contact picker's search (static/js/picker.js)",
    "relations.pick_organisations": "JSON for the organisation picker's search (static/js/picker.js)",
}
# The reporting API: JSON for a token (tests/test_api.py, tests/test_api_schema.py).
NOT_PAGES.update({f"api.{name}{item}": "JSON of the reporting API, for a personal access token"
                  for name in ("opgaven", "prioriteiten", "inzet", "organisaties", "contactmomenten",
                               "signaleringen", "belangrijke_momenten") for item in ("", "_item")})
NOT_PAGES["api.openapi"] = "the API's OpenAPI document (JSON)"


@dataclass(frozen=True)
class FormWithErrors:
    role: str
    path: str
    button: str
    # What to fill in (label: text) or tick (label: True) to get the errors;
    # where a label occurs more than once, the first field.
    fill: dict = field(default_factory=dict)
    # A details section to open first, when the form is inside one.
    expand: str | None = None


FORMS_WITH_ERRORS = [
    FormWithErrors(ANONYMOUS, "/inloggen", "Inloggen"),
    FormWithErrors(ANONYMOUS, "/eerste-gebruik", "Beheerder aanmaken", {"E-mailadres": "geen-adres"}),
    FormWithErrors(EMPLOYEE, "/contactmomenten/nieuw", "Opslaan", {
        "E-mailadres": "pieter@", "Afspraak of actie": "Notitie sturen"}, expand="Nieuwe contactpersoon toevoegen"),
    # Reading an invitation or e-mail into the form, without a file chosen.
    FormWithErrors(EMPLOYEE, "/contactmomenten/nieuw", "Inlezen"),
    FormWithErrors(EMPLOYEE, "/contactpersonen/nieuw", "Opslaan", {"Eigen ritme": True}),
    FormWithErrors(MANAGER, "/organisaties/nieuw", "Opslaan", {"Eigen ritme in dagen": "0"}),
    FormWithErrors(MANAGER, "/prioriteiten/{priority}", "Status opslaan", expand="Status bijwerken"),
    FormWithErrors(ADMINISTRATOR, "/beheer/gebruikers/nieuw", "Opslaan", {"E-mailadres": "geen-adres"}),
    FormWithErrors(ADMINISTRATOR, "/beheer/gebruikers/{user}/bewerken", "Opslaan", {"Naam": ""}),
    FormWithErrors(ADMINISTRATOR, "/beheer/bestuurders/nieuw", "Opslaan"),
    FormWithErrors(EMPLOYEE, "/instellingen/wachtwoord", "Wachtwoord wijzigen"),
    FormWithErrors(EMPLOYEE, "/zoeken", "Zoeken", {"Zoekwoorden": "?!"}),
    FormWithErrors(MANAGER, "/contactmomenten/", "Filter toepassen", {"Contactpersoon": "?!"}, expand="Filteren"),
    FormWithErrors(EMPLOYEE, "/instellingen/tokens", "Token aanmaken", {"Geldig tot en met": "2000-01-01"}),
    FormWithErrors(MANAGER, "/aandacht/{flag}", "Snoozen"),
    FormWithErrors(MANAGER, "/aandacht/{flag}", "Toewijzen"),
    FormWithErrors(ADMINISTRATOR, "/beheer/ritme", "Opslaan", {"Monitoren of geen voortrekkersrol": "0"}),
    FormWithErrors(MANAGER, "/posities/{position}/bewerken", "Opslaan", {"Positie": ""}),
    FormWithErrors(EMPLOYEE, "/belangrijke-momenten/nieuw", "Opslaan", {"Titel": ""}),
    FormWithErrors(MANAGER, "/geldstromen/{funding_stream}/bewerken", "Opslaan", {"Aangevraagd bedrag (euro)": "12.50"}),
    FormWithErrors(MANAGER, "/woo", "Export maken"),
    FormWithErrors(MANAGER, "/verzoeken/nieuw", "Opslaan"),
    FormWithErrors(MANAGER, "/verzoeken/{information_request}/bewerken", "Opslaan", {"Afgesloten op": "2000-01-01"}),
    FormWithErrors(ADMINISTRATOR, "/contactpersonen/{contact}/anonimiseren", "Definitief anonimiseren"),
    FormWithErrors(ADMINISTRATOR, "/avg/bewaartermijn", "Bewaren"),
    FormWithErrors(ADMINISTRATOR, "/beheer/import", "Voorbeeld bekijken"),
    FormWithErrors(MANAGER, "/prioriteiten/{priority}/krachtenveld/toevoegen", "Toevoegen"),
    FormWithErrors(MANAGER, "/prioriteiten/{priority}/krachtenveld/toevoegen?zoek=ministerie", "Toevoegen"),
    # The edit form of a stakeholder has the same fields, filled in: the browser cannot empty them.
    # /instellingen has none to show: its tick boxes accept whatever the page offers.
]
