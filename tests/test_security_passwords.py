"""Passwords: the rules for new ones, how they are stored (Argon2id, older
Werkzeug hashes renewed at login), that an unknown address costs the same
work as a wrong password, and the page where a user changes their own."""

import time

import argon2
import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker import create_app
from tracker.auth import passwords
from tracker.auth.models import Role, User
from tracker.auth.service import check_password_rules
from tracker.errors import DomainError

from .conftest import PASSWORD

COMMON = "Qwerty123456"          # "qwerty123456" is on the list
NEW_PASSWORD = "lange-zin-over-de-zaan-2027"
COMMON_MESSAGE = "Dit wachtwoord komt voor op een lijst van veelgebruikte wachtwoorden"


def stored_hash(db, user) -> str:
    db.session.rollback()
    return db.session.scalar(select(User.password_hash).where(User.id == user.id))


# ------------------------------------------------------------ the list

def test_the_common_password_list_is_shipped_with_its_source():
    text = passwords.COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("zxcvbn" in line for line in header) and any("MIT" in line for line in header)
    entries = passwords.common_passwords()
    assert 9_000 <= len(entries) <= 10_000
    assert all(len(entry) >= 8 for entry in entries)
    assert {"password", "12345678", "qwerty123456", "iloveyou"} <= entries


@pytest.mark.parametrize("password", ["qwerty123456", "QWERTY123456", COMMON, "1q2w3e4r5t6y", " qazwsxedcrfv "])
def test_common_passwords_are_refused_in_any_case(app, password):
    with pytest.raises(DomainError) as refused:
        check_password_rules(password)
    assert COMMON_MESSAGE in str(refused.value.message) and refused.value.field == "password"


def test_an_uncommon_long_password_passes_and_short_ones_still_fail(app):
    check_password_rules(NEW_PASSWORD)
    with pytest.raises(DomainError, match="minstens 12 tekens"):
        check_password_rules("kort")


def test_a_beheerder_cannot_give_a_common_password(admin_client, db):
    response = admin_client.post("/beheer/gebruikers/nieuw", data={
        "name": "Sanne Bakker", "email": "sanne@zaanstad.nl", "role": "medewerker", "password": COMMON})
    assert response.status_code == 200
    # The message sits next to the field, tied to it for screen readers.
    assert COMMON_MESSAGE in response.text and 'id="password-error"' in response.text
    assert db.session.scalar(select(User).where(User.email == "sanne@zaanstad.nl")) is None


def test_the_first_beheerder_cannot_choose_a_common_password(client, db):
    response = client.post("/eerste-gebruik", data={
        "name": "Anna", "email": "anna@zaanstad.nl", "password": COMMON, "password_again": COMMON})
    assert COMMON_MESSAGE in response.text
    assert db.session.scalar(select(User).where(User.email == "anna@zaanstad.nl")) is None


# ------------------------------------------------------------ hashing

def test_new_passwords_are_hashed_with_argon2id(db, employee):
    stored = stored_hash(db, employee)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert employee.check_password(PASSWORD) and not employee.check_password(PASSWORD + "x")


def test_production_uses_argon2_defaults_and_tests_cheap_settings(app, database_uri):
    assert passwords.hasher().memory_cost == 1024  # the test configuration
    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_uri})
    with production.app_context():
        default = argon2.PasswordHasher()
        used = passwords.hasher()
        assert (used.time_cost, used.memory_cost, used.parallelism) == \
               (default.time_cost, default.memory_cost, default.parallelism)
        assert default.memory_cost >= 64 * 1024


def test_a_werkzeug_hash_still_logs_in_and_is_replaced_by_argon2(app, db, employee):
    employee.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.commit()
    client = app.test_client()
    wrong = client.post("/inloggen", data={"email": employee.email, "password": "verkeerd-wachtwoord"})
    assert wrong.status_code == 200 and stored_hash(db, employee).startswith("pbkdf2:")
    assert client.post("/inloggen", data={"email": employee.email, "password": PASSWORD}).status_code == 302
    renewed = stored_hash(db, employee)
    assert renewed.startswith("$argon2id$") and passwords.verify_password(renewed, PASSWORD)


def test_a_hash_with_old_parameters_is_renewed_at_login(app, db, employee):
    old = stored_hash(db, employee)
    assert "t=1," in old
    app.config["PASSWORD_HASH_TIME_COST"] = 2
    assert app.test_client().post("/inloggen", data={"email": employee.email, "password": PASSWORD}).status_code == 302
    renewed = stored_hash(db, employee)
    assert renewed != old and "t=2," in renewed
    # A hash with the current parameters stays as it is.
    app.test_client().post("/inloggen", data={"email": employee.email, "password": PASSWORD})
    assert stored_hash(db, employee) == renewed


def test_a_damaged_hash_refuses_instead_of_failing(db, employee):
    for broken in ("$argon2id$nonsense", "nonsense", "pbkdf2:sha256:1000$zout"):
        employee.password_hash = broken
        assert not employee.check_password(PASSWORD)


@pytest.fixture
def verifications(monkeypatch):
    """Counts Argon2 verifications."""
    calls = []
    original = argon2.PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash)
        return original(self, hash, password)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return calls


def test_an_unknown_address_costs_the_same_verification_as_a_wrong_password(
        app, db, client, employee, make_user, verifications):
    stopped = make_user(Role.EMPLOYEE, email="weg@zaanstad.nl")
    stopped.active = False
    db.session.commit()
    answers = {}
    for email in (employee.email, "niemand@zaanstad.nl", stopped.email):
        verifications.clear()
        response = client.post("/inloggen", data={"email": email, "password": "verkeerd-wachtwoord"})
        answers[email] = (response.status_code, "horen niet bij elkaar" in response.text)
        # One Argon2 verification, with the parameters of a real one.
        assert len(verifications) == 1 and "m=1024,t=1,p=1" in verifications[0], email
    assert len(set(answers.values())) == 1


# ------------------------------------------------------------ changing one's own

def change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post("/instellingen/wachtwoord", data={
        "current_password": current, "new_password": new, "new_password_again": new if again is None else again})


def test_the_change_password_page_is_linked_from_my_settings(employee_client):
    assert 'href="/instellingen/wachtwoord"' in employee_client.get("/instellingen").text
    page = employee_client.get("/instellingen/wachtwoord")
    assert page.status_code == 200
    for label in ("Huidig wachtwoord", "Nieuw wachtwoord", "Herhaal het nieuwe wachtwoord"):
        assert label in page.text
    assert 'autocomplete="current-password"' in page.text and 'autocomplete="new-password"' in page.text


def test_the_change_password_page_needs_a_login(client, employee):
    response = client.get("/instellingen/wachtwoord")
    assert response.status_code == 302 and "/inloggen" in response.location


def test_a_user_changes_their_password(app, db, employee_client, employee):
    response = change(employee_client)
    assert response.status_code == 302 and response.location == "/instellingen"
    assert "Uw wachtwoord is gewijzigd." in employee_client.get("/instellingen").text
    fresh = app.test_client()
    assert fresh.post("/inloggen", data={"email": employee.email, "password": PASSWORD}).status_code == 200
    assert fresh.post("/inloggen", data={"email": employee.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("current, new, again, field, message", [
    ("niet-mijn-wachtwoord", NEW_PASSWORD, None, "current_password", "Dit is niet uw huidige wachtwoord."),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password_again", "De wachtwoorden zijn niet gelijk."),
    (PASSWORD, "kort", None, "new_password", "Kies een wachtwoord van minstens 12 tekens."),
    (PASSWORD, COMMON, None, "new_password", COMMON_MESSAGE),
    (PASSWORD, PASSWORD, None, "new_password", "Kies een ander wachtwoord dan uw huidige."),
    ("", NEW_PASSWORD, None, "current_password", "Vul uw huidige wachtwoord in."),
])
def test_a_refused_change_says_why_next_to_the_field(db, employee_client, employee, current, new, again,
                                                      field, message):
    before = stored_hash(db, employee)
    response = change(employee_client, current, new, again)
    assert response.status_code == 200
    assert message in response.text and f'id="{field}-error"' in response.text
    assert "Het formulier is niet opgeslagen." in response.text
    assert stored_hash(db, employee) == before


def test_guessing_the_current_password_is_throttled(employee_client, db, employee):
    for _ in range(5):
        assert change(employee_client, current="geraden-wachtwoord").status_code == 200
    refused = change(employee_client)  # even the right one, for now
    assert refused.status_code == 429
    assert "Er is te vaak een verkeerd wachtwoord ingevuld." in refused.text
    assert 'name="current_password"' in refused.text
    db.session.refresh(employee)
    assert employee.check_password(PASSWORD)


def test_a_single_sign_on_user_is_told_where_to_change_it(app, db):
    user = User(name="Sso Gebruiker", email="sso@zaanstad.nl", role=Role.EMPLOYEE, oidc_subject="abc-123")
    db.session.add(user)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True, "session_version": user.session_version,
                        "last_seen": int(time.time())})
    page = client.get("/instellingen/wachtwoord")
    assert page.status_code == 200 and "U logt in met uw gemeenteaccount" in page.text
    assert 'name="new_password"' not in page.text
    assert change(client).status_code == 200
    db.session.refresh(user)
    assert user.password_hash is None


def test_create_user_command_refuses_a_common_password(runner, monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD", COMMON)
    result = runner.invoke(args=["create-user", "--email", "k@zaanstad.nl", "--name", "K"])
    assert result.exit_code != 0 and "veelgebruikte wachtwoorden" in result.output

