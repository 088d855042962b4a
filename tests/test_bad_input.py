"""Bad input on every form: what a user sees, and that nothing is stored.

Every hostile post must answer the form again (or 400/403/404/413) with a
Dutch message next to the field it belongs to, show whatever was typed
escaped, and leave every row in the database as it was.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tracker.auth.models import Role, User
from tracker.interactions.models import FollowUp, Interaction
from tracker.relations.models import Contact, Organisation

from .conftest import PASSWORD

LONG = "x" * 100_000
SCRIPT = '<script>alert("xss")</script>'
HTML = '<b onmouseover="alert(1)">vet</b>'
CONTROL = "\x00\x01\x07\x1b\x7f "
HUGE = "9" * 30
MISSING = object()
NOT_SAVED = "Het formulier is niet opgeslagen. Verbeter de gemarkeerde velden:"


# ---------------------------------------------------------------- helpers

@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Every test here logs someone in: a cheap hash keeps the run short.
    (How passwords are really stored is tested in test_auth.)"""
    from tracker.auth import models
    monkeypatch.setattr(models, "generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def database_state(db) -> dict:
    """Every row of every table: equal before and after means nothing changed
    (the audit log aside: it records a refused login)."""
    db.session.rollback()
    return {table.name: [tuple(row) for row in db.session.execute(
        select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables
        if table.name != "audit_events"}


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def fill(value, ids: dict):
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value.format(**ids) if isinstance(value, str) and "{" in value else value


def form_data(base: dict, overrides: dict, ids: dict) -> dict:
    data = {**base, **overrides}
    return {name: fill(value, ids) for name, value in data.items() if value is not MISSING}


def post(client, url: str, data: dict):
    """Posts; whatever came back, hostile markup in it is escaped, never raw."""
    response = client.post(url, data=data)
    assert SCRIPT not in response.text and HTML not in response.text
    return response


def assert_field_error(response, field_id: str, message: str) -> None:
    """The form is shown again with `message` tied to the field `field_id`."""
    assert response.status_code == 200
    assert NOT_SAVED in response.text
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{re.escape(field_id)}-error">(.*?)</div>',
                      response.text, re.S)
    assert match, f"no error message shown for {field_id}"
    assert str(escape(message)) in match.group(1), match.group(1)
    described = [(tag, attrs) for tag, attrs in Tags(response.text).tags
                 if f"{field_id}-error" in (attrs.get("aria-describedby") or "").split()]
    assert len(described) == 1, f"{field_id}-error is not tied to one control"
    tag, attrs = described[0]
    assert attrs.get("aria-invalid") == "true"
    # A single control carries the field's id; a list of checkboxes is a fieldset.
    assert attrs.get("id") == field_id or tag == "fieldset"


def assert_not_logged_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/inloggen" in response.location


def check_form(db, client, url, base, overrides, ids, field_id, message):
    before = database_state(db)
    response = post(client, url.format(**ids), form_data(base, overrides, ids))
    assert_field_error(response, field_id, message)
    assert database_state(db) == before


@pytest.fixture
def ids(db, employee, priority, make_interaction) -> dict:
    """Records the hostile posts point at, by id."""
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    child = Organisation(name="Directie Wijkenaanpak", parent=bzk)
    existing = Contact(name="Bestaande Contactpersoon", email="bestaand@minbzk.nl")
    gone = User(name="Oud Collega", email="oud@zaanstad.nl", active=False)
    db.session.add_all([child, existing, gone])
    db.session.commit()
    own = make_interaction(employee, organisations=[bzk],
                           follow_ups=[("Notitie sturen", employee, date.today() + timedelta(days=7))])
    return {"priority": priority.id, "organisation": bzk.id, "child": child.id, "contact": existing.id,
            "inactive": gone.id, "employee": employee.id,
            "interaction": own.id, "follow_up": own.follow_ups[0].id,
            "yesterday": (date.today() - timedelta(days=1)).isoformat(),
            "future": (date.today() + timedelta(days=30)).isoformat()}


# ------------------------------------------------------------- login form

LOGIN = {"email": "mila@zaanstad.nl", "password": PASSWORD}


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"email": MISSING}, "email", "Vul uw e-mailadres in."),
    ({"email": CONTROL}, "email", "Vul uw e-mailadres in."),
    ({"password": MISSING}, "password", "Vul uw wachtwoord in."),
    ({"email": LONG}, "email", "Gebruik hoogstens 254 tekens."),
    ({"password": LONG}, "password", "Gebruik hoogstens 500 tekens."),
    ({"email": SCRIPT}, "password", "Dit e-mailadres en wachtwoord horen niet bij elkaar."),
    ({"password": "\x00" + PASSWORD}, "password", "Dit e-mailadres en wachtwoord horen niet bij elkaar."),
    ({"email": "mila@zaanstad.nl' OR '1'='1"}, "password", "Dit e-mailadres en wachtwoord horen niet bij elkaar."),
])
def test_login_refuses_bad_input(db, client, employee, overrides, field_id, message):
    check_form(db, client, "/inloggen", LOGIN, overrides, {}, field_id, message)
    assert_not_logged_in(client)


def test_login_shows_typed_markup_escaped(client, employee):
    response = post(client, "/inloggen", {"email": SCRIPT, "password": "verkeerd"})
    assert str(escape(SCRIPT)) in response.text


# --------------------------------------------------------- first-run form

SETUP = {"name": "Anna de Vries", "email": "anna@zaanstad.nl", "password": PASSWORD, "password_again": PASSWORD}


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"name": MISSING}, "name", "Vul dit veld in."),
    ({"name": CONTROL}, "name", "Vul dit veld in."),
    ({"name": LONG}, "name", "Gebruik hoogstens 200 tekens."),
    ({"name": SCRIPT, "email": MISSING}, "email", "Vul dit veld in."),
    ({"email": "anna"}, "email", "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({"email": SCRIPT}, "email", "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({"email": LONG}, "email", "Gebruik hoogstens 254 tekens."),
    ({"password": MISSING, "password_again": MISSING}, "password", "Vul dit veld in."),
    ({"password": "kort", "password_again": "kort"}, "password", "Kies een wachtwoord van minstens 12 tekens."),
    ({"password": LONG, "password_again": LONG}, "password", "Gebruik hoogstens 500 tekens."),
    ({"password_again": MISSING}, "password_again", "Vul dit veld in."),
    ({"password_again": PASSWORD + "\x00"}, "password_again", "De wachtwoorden zijn niet gelijk."),
])
def test_first_run_refuses_bad_input(db, client, overrides, field_id, message):
    check_form(db, client, "/eerste-gebruik", SETUP, overrides, {}, field_id, message)
    assert client.get("/eerste-gebruik").status_code == 200  # still no beheerder


# ------------------------------------------------------ contactmoment form

def interaction_form(**overrides) -> dict:
    return {"occurred_on": "{yesterday}", "occurred_time": "10:30", "kind": "overleg", "level": "ambtelijk",
            "subject": "Werkbezoek Zaandam Oost", "summary": "Toelichting.", "outcome": "",
            "priority_ids": ["{priority}"], "follow_ups-0-description": "", "follow_ups-1-description": "",
            **overrides}


FOLLOW_UP = {"follow_ups-0-description": "Notitie sturen", "follow_ups-0-owner_id": "{employee}",
             "follow_ups-0-due_date": "{future}"}
NEW_CONTACT = {"new_contact_name": "Ingrid Visser", "new_contact_email": "ingrid@minbzk.nl"}
INVALID_DATE = "Vul een bestaande datum in, zoals 30-11-2026."
UNKNOWN_CONTACTS = "Kies contactpersonen die bestaan: zoek ze op en vink ze aan."
UNKNOWN_ORGANISATIONS = "Kies organisaties die bestaan: zoek ze op en vink ze aan."
CHOOSE_FROM_LIST = "Kies alleen uit de lijst."

INTERACTION_CASES = [
    ({"subject": ""}, "subject", "Vul een onderwerp in."),
    ({"subject": CONTROL}, "subject", "Vul een onderwerp in."),
    ({"subject": LONG}, "subject", "Gebruik hoogstens 200 tekens."),
    ({"summary": LONG}, "summary", "Gebruik hoogstens 20000 tekens."),
    ({"outcome": LONG, "subject": SCRIPT}, "outcome", "Gebruik hoogstens 20000 tekens."),
    ({"occurred_on": ""}, "occurred_on", INVALID_DATE),
    ({"occurred_on": "2026-02-30"}, "occurred_on", INVALID_DATE),
    ({"occurred_on": "99999-01-01"}, "occurred_on", INVALID_DATE),
    ({"occurred_on": "gisteren"}, "occurred_on", INVALID_DATE),
    ({"occurred_on": "\x00"}, "occurred_on", INVALID_DATE),
    ({"occurred_on": "1999-12-31"}, "occurred_on", "Kies een datum na 1 januari 2000."),
    ({"occurred_on": "{future}"}, "occurred_on", "Een contactmoment ligt niet in de toekomst."),
    ({"occurred_time": ""}, "occurred_time", "Vul een tijd in, zoals 14:30."),
    ({"occurred_time": "25:61"}, "occurred_time", "Ongeldige waarde voor tijd."),
    ({"kind": ""}, "kind", "Maak een keuze."),
    ({"kind": "vergadering"}, "kind", "Ongeldige keuze."),
    ({"level": SCRIPT}, "level", "Ongeldige keuze."),
    ({"priority_ids": MISSING}, "priority_ids", "Kies minstens één strategische prioriteit."),
    ({"priority_ids": ["abc"]}, "priority_ids", "Kies minstens één strategische prioriteit."),
    ({"priority_ids": ["999999"]}, "priority_ids", CHOOSE_FROM_LIST),
    ({"priority_ids": ["{priority}", HUGE]}, "priority_ids", CHOOSE_FROM_LIST),
    # The pickers check the ids against the database: gone, made up or not a number.
    ({"contact_ids": ["abc"]}, "contact_ids", UNKNOWN_CONTACTS),
    ({"contact_ids": ["999999"]}, "contact_ids", UNKNOWN_CONTACTS),
    ({"organisation_ids": ["-1"]}, "organisation_ids", UNKNOWN_ORGANISATIONS),
    ({"participant_ids": [HUGE]}, "participant_ids", CHOOSE_FROM_LIST),
    ({"participant_ids": ["{inactive}"]}, "participant_ids", CHOOSE_FROM_LIST),
    ({**NEW_CONTACT, "new_contact_organisation_id": "abc"}, "new_contact_organisation_id",
     "Ongeldige keuze: kon niet omgezet worden."),
    ({**NEW_CONTACT, "new_contact_organisation_id": "999999"}, "new_contact_organisation_id", "Kies uit de lijst."),
    ({**NEW_CONTACT, "new_contact_email": SCRIPT}, "new_contact_email",
     "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({**NEW_CONTACT, "new_contact_name": CONTROL}, "new_contact_email",
     "Vul ook de naam van de nieuwe contactpersoon in."),
    ({**NEW_CONTACT, "new_contact_name": LONG}, "new_contact_name", "Gebruik hoogstens 200 tekens."),
    ({**NEW_CONTACT, "new_contact_email": "Bestaand@MinBZK.nl"}, "new_contact_email",
     "Er is al een contactpersoon met dit e-mailadres; kies die in de lijst."),
    ({**FOLLOW_UP, "follow_ups-0-owner_id": ""}, "follow_ups-0-owner_id", "Kies wie de actie uitvoert."),
    ({**FOLLOW_UP, "follow_ups-0-owner_id": "abc"}, "follow_ups-0-owner_id",
     "Ongeldige keuze: kon niet omgezet worden."),
    ({**FOLLOW_UP, "follow_ups-0-owner_id": HUGE}, "follow_ups-0-owner_id",
     "Ongeldige keuze: kon niet omgezet worden."),
    ({**FOLLOW_UP, "follow_ups-0-owner_id": "{inactive}"}, "follow_ups-0-owner_id", "Kies uit de lijst."),
    ({**FOLLOW_UP, "follow_ups-0-due_date": ""}, "follow_ups-0-due_date",
     "Vul een datum in waarop het af moet zijn."),
    ({**FOLLOW_UP, "follow_ups-0-due_date": "2026-02-30"}, "follow_ups-0-due_date", INVALID_DATE),
    ({**FOLLOW_UP, "follow_ups-0-due_date": "gisteren"}, "follow_ups-0-due_date", INVALID_DATE),
    ({**FOLLOW_UP, "follow_ups-0-due_date": "1999-01-01"}, "follow_ups-0-due_date",
     "Kies een datum na 1 januari 2000."),
    ({**FOLLOW_UP, "follow_ups-0-description": CONTROL}, "follow_ups-0-description",
     "Beschrijf de afspraak of actie, of laat de hele regel leeg."),
    ({**FOLLOW_UP, "follow_ups-0-description": LONG}, "follow_ups-0-description", "Gebruik hoogstens 500 tekens."),
]


# The edit page shares the form: the first case of every field is enough there.
EDIT_CASES = list({field_id: (overrides, field_id, message)
                   for overrides, field_id, message in reversed(INTERACTION_CASES)}.values())


@pytest.mark.parametrize("overrides, field_id, message", INTERACTION_CASES)
def test_the_contactmoment_form_refuses_bad_input(db, employee_client, ids, overrides, field_id, message):
    check_form(db, employee_client, "/contactmomenten/nieuw", interaction_form(), overrides, ids, field_id, message)


@pytest.mark.parametrize("overrides, field_id, message", EDIT_CASES)
def test_the_contactmoment_edit_form_refuses_bad_input(db, employee_client, ids, overrides, field_id, message):
    check_form(db, employee_client, "/contactmomenten/{interaction}/bewerken", interaction_form(), overrides, ids,
               field_id, message)


def test_no_message_on_the_contactmoment_form_is_in_english(db, employee_client, ids):
    """Even the follow-up rows, which are sub-forms, answer in Dutch."""
    response = post(employee_client, "/contactmomenten/nieuw", form_data(interaction_form(), {
        **FOLLOW_UP, "follow_ups-0-owner_id": "abc", "follow_ups-0-due_date": "gisteren",
        "follow_ups-1-description": "Terugbellen", "follow_ups-1-owner_id": "{employee}",
        "follow_ups-1-due_date": "99999-01-01"}, ids))
    assert_field_error(response, "follow_ups-1-due_date", INVALID_DATE)
    for english in ("Not a valid", "Invalid Choice", "could not coerce", "This field is required"):
        assert english not in response.text


def test_the_contactmoment_form_shows_typed_markup_escaped_and_stores_nothing(db, employee_client, ids):
    before = database_state(db)
    response = post(employee_client, "/contactmomenten/nieuw", form_data(interaction_form(), {
        "subject": SCRIPT, "summary": HTML, "priority_ids": MISSING, **NEW_CONTACT, "new_contact_name": SCRIPT},
        ids))
    assert_field_error(response, "priority_ids", "Kies minstens één strategische prioriteit.")
    assert f'value="{escape(SCRIPT)}"' in response.text
    assert f"{escape(HTML)}</textarea>" in response.text
    assert database_state(db) == before


def test_follow_up_ids_of_another_contactmoment_are_not_taken_over(db, login, make_user, employee_client, employee,
                                                                    make_interaction, ids):
    colleague = make_user()
    theirs = make_interaction(colleague, subject="Van een collega",
                              follow_ups=[("Hun actie", colleague, date.today() + timedelta(days=3))])
    their_follow_up = theirs.follow_ups[0].id
    before = db.session.execute(select(FollowUp.__table__).where(FollowUp.id == their_follow_up)).one()

    response = post(employee_client, f"/contactmomenten/{ids['interaction']}/bewerken", form_data(
        interaction_form(), {"follow_ups-0-id": str(their_follow_up), "follow_ups-0-description": "Gekaapt",
                             "follow_ups-0-owner_id": "{employee}", "follow_ups-0-due_date": "{future}",
                             "follow_ups-1-id": str(their_follow_up), "follow_ups-1-remove": "y"}, ids))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.execute(select(FollowUp.__table__).where(FollowUp.id == their_follow_up)).one() == before
    assert "Hun actie" in login(colleague).get(f"/contactmomenten/{theirs.id}").text


# ------------------------------------------------ delete and complete posts

def test_deleting_someone_elses_or_an_unknown_contactmoment_is_refused(db, login, make_user, director,
                                                                       make_interaction, ids):
    colleague = make_user()
    open_one = make_interaction(colleague, subject="Open")
    secret = make_interaction(colleague, subject="Geheim", confidential=True)
    employee = login(db.session.get(User, ids["employee"]))
    director_client = login(director)  # before the snapshot: a login records its time
    before = database_state(db)
    for interaction_id, status in [(open_one.id, 403), (secret.id, 403), (999999, 404), (HUGE, 404)]:
        response = employee.post(f"/contactmomenten/{interaction_id}/verwijderen", data={"confirm": SCRIPT})
        assert response.status_code == status, interaction_id
    response = director_client.post(f"/contactmomenten/{open_one.id}/verwijderen")
    assert response.status_code == 403 and "Geen toegang" in response.text
    assert employee.post("/contactmomenten/abc/verwijderen").status_code == 404
    assert database_state(db) == before


def test_completing_someone_elses_or_an_unknown_follow_up_is_refused(db, login, make_user, make_interaction, ids):
    colleague = make_user()
    theirs = make_interaction(colleague, follow_ups=[("Hun actie", colleague, date.today())])
    employee = login(db.session.get(User, ids["employee"]))
    before = database_state(db)
    assert employee.post(f"/contactmomenten/acties/{theirs.follow_ups[0].id}/afgerond").status_code == 403
    for follow_up_id in ("999999", HUGE, "abc", "-1"):
        response = employee.post(f"/contactmomenten/acties/{follow_up_id}/afgerond")
        assert response.status_code == 404 and "Pagina niet gevonden" in response.text
    response = employee.get(f"/contactmomenten/acties/{ids['follow_up']}/afgerond")
    assert response.status_code == 405 and "Niet toegestaan" in response.text
    assert database_state(db) == before


# ------------------------------------------------------------ contact form

RELATIONSHIP = {"owner_id": "", "cadence_mode": "standaard", "cadence_days": ""}
CONTACT = {"name": "Ingrid Visser", "function": "", "organisation_id": "", "email": "", "phone": "", "notes": "",
           **RELATIONSHIP}
NOT_AN_ID = "Ongeldige keuze: kon niet omgezet worden."
RELATIONSHIP_CASES = [
    ({"owner_id": "abc"}, "owner_id", NOT_AN_ID),
    ({"owner_id": HUGE}, "owner_id", NOT_AN_ID),
    ({"owner_id": "999999"}, "owner_id", "Kies uit de lijst."),
    ({"cadence_mode": SCRIPT}, "cadence_mode", "Ongeldige keuze."),
    ({"cadence_mode": "eigen"}, "cadence_days", "Vul het aantal dagen in, of kies een ander ritme."),
    ({"cadence_mode": "eigen", "cadence_days": "0"}, "cadence_days", "Kies een ritme tussen 1 en 3650 dagen."),
    ({"cadence_mode": "eigen", "cadence_days": HUGE}, "cadence_days", "Kies een ritme tussen 1 en 3650 dagen."),
]


@pytest.mark.parametrize("url", ["/contactpersonen/nieuw", "/contactpersonen/{contact}/bewerken"])
@pytest.mark.parametrize("overrides, field_id, message", [
    ({"name": ""}, "name", "Vul dit veld in."),
    ({"name": CONTROL}, "name", "Vul dit veld in."),
    ({"name": LONG}, "name", "Gebruik hoogstens 200 tekens."),
    ({"function": LONG, "name": SCRIPT}, "function", "Gebruik hoogstens 200 tekens."),
    ({"phone": LONG}, "phone", "Gebruik hoogstens 50 tekens."),
    ({"notes": LONG, "name": HTML}, "notes", "Gebruik hoogstens 5000 tekens."),
    ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({"email": SCRIPT}, "email", "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({"email": LONG}, "email", "Gebruik hoogstens 254 tekens."),
    ({"organisation_id": "abc"}, "organisation_id", NOT_AN_ID),
    ({"organisation_id": "999999"}, "organisation_id", "Kies uit de lijst."),
    ({"organisation_id": HUGE}, "organisation_id", NOT_AN_ID),
    *RELATIONSHIP_CASES,
])
def test_the_contact_form_refuses_bad_input(db, employee_client, ids, url, overrides, field_id, message):
    check_form(db, employee_client, url, CONTACT, overrides, ids, field_id, message)


def test_a_contact_cannot_take_another_contacts_email(db, employee_client, ids):
    other = Contact(name="Ander", email="ander@minbzk.nl")
    db.session.add(other)
    db.session.commit()
    for url in ("/contactpersonen/nieuw", f"/contactpersonen/{ids['contact']}/bewerken"):
        before = database_state(db)
        response = post(employee_client, url, {**CONTACT, "email": " Ander@MinBZK.nl "})
        assert_field_error(response, "email", "Er is al een contactpersoon met dit e-mailadres.")
        assert database_state(db) == before


def test_a_request_beyond_the_size_limit_is_refused_in_dutch(db, employee_client):
    before = database_state(db)
    response = employee_client.post("/contactpersonen/nieuw", data={**CONTACT, "notes": "x" * 3_000_000})
    assert response.status_code == 413 and "Bestand te groot" in response.text
    assert database_state(db) == before


# ------------------------------------------------------- organisation form

ORGANISATION = {"name": "Platform Wijkenaanpak", "abbreviation": "", "kind": "platform", "arena_id": "",
                "parent_id": "", "description": "", **RELATIONSHIP}


@pytest.mark.parametrize("url", ["/organisaties/nieuw", "/organisaties/{organisation}/bewerken"])
@pytest.mark.parametrize("overrides, field_id, message", [
    ({"name": ""}, "name", "Vul dit veld in."),
    ({"name": CONTROL}, "name", "Vul dit veld in."),
    ({"name": LONG}, "name", "Gebruik hoogstens 300 tekens."),
    ({"abbreviation": LONG, "name": SCRIPT}, "abbreviation", "Gebruik hoogstens 50 tekens."),
    ({"description": LONG}, "description", "Gebruik hoogstens 5000 tekens."),
    ({"kind": ""}, "kind", "Maak een keuze."),
    ({"kind": "sekte"}, "kind", "Ongeldige keuze."),
    ({"arena_id": "abc"}, "arena_id", NOT_AN_ID),
    ({"arena_id": "999999"}, "arena_id", "Kies uit de lijst."),
    ({"parent_id": HUGE}, "parent_id", NOT_AN_ID),
    ({"parent_id": "\x00"}, "parent_id", NOT_AN_ID),
    *RELATIONSHIP_CASES,
])
def test_the_organisation_form_refuses_bad_input(db, manager_client, ids, url, overrides, field_id, message):
    check_form(db, manager_client, url, ORGANISATION, overrides, ids, field_id, message)


@pytest.mark.parametrize("parent, message", [
    ("{organisation}", "Kies uit de lijst."),
    ("{child}", "Een organisatie kan niet onder zichzelf vallen."),
])
def test_an_organisation_cannot_fall_under_itself(db, manager_client, ids, parent, message):
    check_form(db, manager_client, "/organisaties/{organisation}/bewerken",
               {**ORGANISATION, "name": "Ministerie van BZK"}, {"parent_id": parent}, ids, "parent_id", message)


# -------------------------------------------------------- beheer: users

NEW_USER = {"name": "Piet Jansen", "email": "piet@zaanstad.nl", "role": "medewerker", "password": PASSWORD}
EDIT_USER = {"name": "Mila Medewerker", "title": "", "role": "medewerker", "active": "y"}


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"name": MISSING}, "name", "Vul dit veld in."),
    ({"name": CONTROL}, "name", "Vul dit veld in."),
    ({"name": LONG}, "name", "Gebruik hoogstens 200 tekens."),
    ({"email": MISSING, "name": SCRIPT}, "email", "Vul dit veld in."),
    ({"email": "piet"}, "email", "Vul een geldig e-mailadres in, zoals naam@zaanstad.nl."),
    ({"email": LONG}, "email", "Gebruik hoogstens 254 tekens."),
    ({"email": " BAS@Zaanstad.nl"}, "email", "Er is al een gebruiker met dit e-mailadres."),
    ({"role": MISSING}, "role", "Maak een keuze."),
    ({"role": "koning"}, "role", "Ongeldige keuze."),
    ({"password": MISSING}, "password", "Vul dit veld in."),
    ({"password": "kort\x00"}, "password", "Kies een wachtwoord van minstens 12 tekens."),
    ({"password": LONG}, "password", "Gebruik hoogstens 500 tekens."),
])
def test_the_new_user_form_refuses_bad_input(db, admin_client, ids, overrides, field_id, message):
    check_form(db, admin_client, "/beheer/gebruikers/nieuw", NEW_USER, overrides, ids, field_id, message)


@pytest.mark.parametrize("target, overrides, field_id, message", [
    ("{employee}", {"name": ""}, "name", "Vul dit veld in."),
    ("{employee}", {"name": CONTROL}, "name", "Vul dit veld in."),
    ("{employee}", {"name": LONG}, "name", "Gebruik hoogstens 200 tekens."),
    ("{employee}", {"title": LONG, "name": SCRIPT}, "title", "Gebruik hoogstens 200 tekens."),
    ("{employee}", {"role": ""}, "role", "Maak een keuze."),
    ("{employee}", {"role": "koning"}, "role", "Ongeldige keuze."),
    ("{administrator}", {"name": "Bas Beheerder", "role": "medewerker"}, "role",
     "U kunt uw eigen beheerdersrol niet intrekken; vraag een andere beheerder."),
    ("{administrator}", {"name": "Bas Beheerder", "role": "beheerder", "active": MISSING}, "role",
     "U kunt uw eigen beheerdersrol niet intrekken; vraag een andere beheerder."),
])
def test_the_edit_user_form_refuses_bad_input(db, admin_client, administrator, ids, target, overrides, field_id,
                                               message):
    check_form(db, admin_client, f"/beheer/gebruikers/{target}/bewerken", EDIT_USER, overrides,
               {**ids, "administrator": administrator.id}, field_id, message)


OFFICIAL = {"name": "Jan Jansen", "title": "wethouder Wonen"}


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"name": MISSING}, "name", "Vul dit veld in."),
    ({"name": CONTROL}, "name", "Vul dit veld in."),
    ({"name": LONG}, "name", "Gebruik hoogstens 200 tekens."),
    ({"title": MISSING, "name": SCRIPT}, "title", "Vul dit veld in."),
    ({"title": "\x00\t"}, "title", "Vul dit veld in."),
    ({"title": LONG}, "title", "Gebruik hoogstens 200 tekens."),
])
def test_the_bestuurder_form_refuses_bad_input(db, admin_client, ids, overrides, field_id, message):
    check_form(db, admin_client, "/beheer/bestuurders/nieuw", OFFICIAL, overrides, ids, field_id, message)


# ------------------------------- what is stored comes back escaped, cleaned

def test_markup_that_is_stored_is_shown_escaped_everywhere(db, employee_client, manager_client, ids):
    response = post(employee_client, "/contactpersonen/nieuw", {**CONTACT, "name": SCRIPT, "notes": HTML})
    assert response.status_code == 302
    for page, query in ((response.location, {}), ("/contactpersonen", {"zoek": SCRIPT})):
        assert str(escape(SCRIPT)) in shown(employee_client, page, query)

    response = post(employee_client, "/contactmomenten/nieuw", form_data(interaction_form(), {
        "subject": SCRIPT, "summary": HTML, "outcome": HTML}, ids))
    assert response.status_code == 302
    for page in (response.location, "/contactmomenten/", "/"):
        assert str(escape(SCRIPT)) in shown(employee_client, page)

    response = post(manager_client, "/organisaties/nieuw", {**ORGANISATION, "name": SCRIPT, "description": HTML})
    assert response.status_code == 302
    for page in (response.location, "/organisaties"):
        assert str(escape(SCRIPT)) in shown(manager_client, page)


def shown(client, page: str, query: dict | None = None) -> str:
    response = client.get(page, query_string=query or {})
    assert response.status_code == 200, page
    assert SCRIPT not in response.text and HTML not in response.text, page
    return response.text


def test_control_characters_are_removed_before_storing(db, employee_client):
    response = post(employee_client, "/contactpersonen/nieuw",
                    {**CONTACT, "name": "\x00Ingrid\x07 Visser\x1b", "notes": "Regel één\nRegel\x00 twee"})
    assert response.status_code == 302
    db.session.rollback()
    stored = db.session.scalars(select(Contact).where(Contact.name.like("%Visser%"))).one()
    assert stored.name == "Ingrid Visser" and stored.notes == "Regel één\nRegel twee"


# ------------------------------------------------ unknown ids, query strings

@pytest.mark.parametrize("page", [
    "/contactmomenten/999999", "/contactmomenten/999999/bewerken", "/contactmomenten/999999/verwijderen",
    "/contactpersonen/999999", "/contactpersonen/999999/bewerken",
    "/organisaties/999999", "/organisaties/999999/bewerken",
    "/beheer/gebruikers/999999/bewerken",
    f"/contactmomenten/{HUGE}", f"/contactmomenten/{HUGE}/bewerken", f"/contactpersonen/{HUGE}",
    f"/contactpersonen/{HUGE}/bewerken", f"/organisaties/{HUGE}", f"/organisaties/{HUGE}/bewerken",
    f"/beheer/gebruikers/{HUGE}/bewerken", f"/opgaven/{HUGE}", f"/prioriteiten/{HUGE}", f"/netwerken/{HUGE}",
    "/contactmomenten/abc", "/organisaties/-1", "/contactpersonen/%00",
])
def test_unknown_ids_answer_404(admin_client, page):
    response = admin_client.get(page)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text


@pytest.mark.parametrize("page", [
    "/organisaties?netwerk=abc&soort=xyz&zoek=%00",
    f"/organisaties?netwerk={HUGE}&soort=%00&zoek=" + "%25_" * 1000,
    "/organisaties?netwerk=-1&zoek=%00%01%1b",
    "/contactpersonen?organisatie=abc&zoek=%00",
    f"/contactpersonen?organisatie={HUGE}",
    "/contactmomenten/?pagina=-5",
    "/contactmomenten/?pagina=abc&van=%00",
    f"/contactmomenten/?pagina={HUGE}",
    f"/contactmomenten/nieuw?organisatie=abc&prioriteit={HUGE}&contactpersoon=-1",
    f"/contactpersonen/nieuw?organisatie={HUGE}",
    "/contactpersonen/nieuw?organisatie=%00",
    "/contactmomenten/nieuw?organisatie=%C2%B2&prioriteit=%C2%B2",
    f"/aandacht/?netwerk={HUGE}&opgave=abc&eigenaar=%00&pagina=-1",
])
def test_garbage_in_the_query_string_still_shows_the_page(employee_client, page):
    response = employee_client.get(page)
    assert response.status_code == 200
    assert "\x00" not in response.text


@pytest.mark.parametrize("user", ["%C2%B2", HUGE, "abc", "-1", "999999"])
def test_an_unknown_user_in_the_digest_preview_answers_404(admin_client, user):
    response = admin_client.get(f"/weekoverzicht?gebruiker={user}")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


def test_search_terms_are_shown_escaped(employee_client):
    for page in ("/organisaties", "/contactpersonen"):
        response = employee_client.get(page, query_string={"zoek": SCRIPT})
        assert response.status_code == 200
        assert SCRIPT not in response.text and str(escape(SCRIPT)) in response.text


def test_a_translated_message_quoting_user_input_is_escaped(app):
    """flask-babel's lazy strings call themselves safe HTML; ours are not."""
    from flask import render_template_string
    from flask_babel import lazy_gettext as _l

    with app.test_request_context():
        page = render_template_string("{{ message }}", message=_l("Contactmoment vastgelegd: %(subject)s",
                                                                  subject="<script>alert(1)</script>"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
