"""Every page of the app, for the accessibility sweep in test_accessibility.py.

EVERY NEW PAGE MUST BE ADDED HERE: each GET route (with the roles that may
see it) in PAGES, and each form in FORMS_WITH_ERRORS, shown with its
validation errors. The sweep opens each page as every role and fails on any
axe-core violation or any problem the checks in audit.py find.

Paths name the records of the sweep's data in braces: {theme}, {priority},
{arena}, {organisation}, {contact}, {interaction} (written by the
medewerker) and {user} (the medewerker's account).

Not yet listed: the pages being built at the same time as this list
(/aandacht/…, /instellingen, /beheer/taken); add them when they are done.
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
    Page("/organisaties/nieuw", roles=(MANAGER, ADMINISTRATOR)),
    Page("/organisaties/{organisation}/bewerken", roles=(MANAGER, ADMINISTRATOR)),
    Page("/contactpersonen"),
    Page("/contactpersonen/{contact}"),
    Page("/contactpersonen/nieuw"),
    Page("/contactpersonen/{contact}/bewerken"),
    Page("/contactmomenten/"),
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
    Page("/beheer/gebruikers/toegang", roles=(ADMINISTRATOR,)),
    Page("/deze-pagina-bestaat-niet", status=404),
]

# Before logging in. /eerste-gebruik exists only while no one can log in, so
# the sweep opens it on a database without users.
ANONYMOUS_PAGES = [
    Page("/inloggen"),
    Page("/deze-pagina-bestaat-niet", status=404),
]
FIRST_RUN_PAGE = Page("/eerste-gebruik")


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
    FormWithErrors(EMPLOYEE, "/contactpersonen/nieuw", "Opslaan", {"Eigen ritme": True}),
    FormWithErrors(MANAGER, "/organisaties/nieuw", "Opslaan", {"Eigen ritme in dagen": "0"}),
    FormWithErrors(MANAGER, "/prioriteiten/{priority}", "Status opslaan", expand="Status bijwerken"),
    FormWithErrors(ADMINISTRATOR, "/beheer/gebruikers/nieuw", "Opslaan", {"E-mailadres": "geen-adres"}),
    FormWithErrors(ADMINISTRATOR, "/beheer/gebruikers/{user}/bewerken", "Opslaan", {"Naam": ""}),
    FormWithErrors(ADMINISTRATOR, "/beheer/bestuurders/nieuw", "Opslaan"),
    FormWithErrors(EMPLOYEE, "/instellingen/wachtwoord", "Wachtwoord wijzigen"),
]
