"""Sessions, login throttling and the access review: a session cookie stops
working at logout, at a password change and after idling; guessing passwords
is slowed and then refused; beheerders see (and export) who has access."""

import csv
import io
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tracker import config, create_app
from tracker.auth.models import Role, User
from tracker.extensions import db as _db

from .conftest import PASSWORD, RequestClient, app_config

LOGIN_PAGE = "/inloggen"
IDLE_MESSAGE = "niet actief en bent daarom uitgelogd"
THROTTLED = "Er is te vaak een verkeerd wachtwoord ingevuld."
WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
REDIS_URL = "redis://127.0.0.1:6379/15"


def goes_to_login(response) -> bool:
    return response.status_code == 302 and response.location.startswith(LOGIN_PAGE)


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def client_with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def log_in(client, email, password=PASSWORD, address=None):
    kwargs = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return client.post(LOGIN_PAGE, data={"email": email, "password": password}, **kwargs)


# ------------------------------------------------------------ session versions

def test_login_records_the_session_version_and_the_login_time(app, db, employee):
    assert employee.last_login_at is None
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    client = app.test_client()
    assert log_in(client, employee.email).status_code == 302
    db.session.refresh(employee)
    assert employee.last_login_at >= before
    with client.session_transaction() as session:
        assert session["session_version"] == employee.session_version
        assert abs(session["last_seen"] - time.time()) < 5


def test_a_session_cookie_copied_before_logout_no_longer_works(app, db, employee_client, employee):
    captured = session_cookie(employee_client)
    # The copy works while the session lasts ...
    assert client_with_cookie(app, captured).get("/").status_code == 200
    employee_client.post("/uitloggen")
    # ... and not after the logout: replayed, it is sent to the login page.
    replayed = client_with_cookie(app, captured).get("/organisaties")
    assert goes_to_login(replayed)
    assert goes_to_login(client_with_cookie(app, captured).get("/"))
    # Logging in again works, with a new session.
    assert log_in(app.test_client(), employee.email).status_code == 302


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, login, employee):
    laptop, phone = login(employee), login(employee)
    captured = session_cookie(laptop)
    response = laptop.post("/instellingen/wachtwoord", data={
        "current_password": PASSWORD, "new_password": "een-nieuwe-lange-zin-2027",
        "new_password_again": "een-nieuwe-lange-zin-2027"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert goes_to_login(phone.get("/"))
    assert goes_to_login(client_with_cookie(app, captured).get("/"))


def test_a_session_without_a_version_is_refused(app, employee):
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": str(employee.id), "_fresh": True, "last_seen": int(time.time())})
    assert goes_to_login(client.get("/"))


def test_a_raised_version_ends_every_session(app, db, employee_client, employee):
    employee.session_version += 1
    db.session.commit()
    assert goes_to_login(employee_client.get("/"))


# ------------------------------------------------------------ idle timeout

def idle_for(client, minutes: float) -> None:
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time() - minutes * 60)


def test_after_30_idle_minutes_the_next_request_goes_to_the_login_page(app, employee_client):
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    idle_for(employee_client, 31)
    response = employee_client.get("/organisaties")
    assert goes_to_login(response) and "next=/organisaties" in response.location
    page = employee_client.get(response.location)
    assert page.status_code == 200 and IDLE_MESSAGE in page.text
    assert goes_to_login(employee_client.get("/"))


def test_each_request_refreshes_the_idle_clock(app, employee_client):
    idle_for(employee_client, 25)
    assert employee_client.get("/").status_code == 200
    with employee_client.session_transaction() as session:
        assert time.time() - session["last_seen"] < 5
    idle_for(employee_client, 25)
    assert employee_client.get("/").status_code == 200


def test_the_idle_limit_is_a_setting(app, employee_client):
    app.config["SESSION_IDLE_MINUTES"] = 5
    idle_for(employee_client, 6)
    response = employee_client.get("/")
    assert goes_to_login(response)
    assert "5 minuten" in employee_client.get(LOGIN_PAGE).text


def test_an_idle_post_is_not_carried_out(app, db, employee_client):
    idle_for(employee_client, 45)
    response = employee_client.post("/instellingen", data={"wants_digest": "y"})
    assert goes_to_login(response)


def test_session_settings_come_from_the_environment():
    settings = config.from_environment({"SESSION_IDLE_MINUTES": "15", "SESSION_COOKIE_SECURE": "true",
                                        "RATELIMIT_STORAGE_URI": REDIS_URL, "TRUSTED_PROXIES": "1"})
    assert settings == {"SESSION_IDLE_MINUTES": 15, "SESSION_COOKIE_SECURE": True,
                        "RATELIMIT_STORAGE_URI": REDIS_URL, "TRUSTED_PROXIES": 1}


# ------------------------------------------------------------ cookies

def test_the_session_cookie_is_httponly_and_samesite_lax(app, employee):
    response = log_in(app.test_client(), employee.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


@contextmanager
def configured_app(database_uri, **settings):
    """A second app on the test's database, with other settings. The test's
    own session ends its transaction first (SQLite: it holds the lock)."""
    _db.session.rollback()
    other = create_app(app_config(database_uri, **settings))
    other.test_client_class = RequestClient
    with other.app_context():
        try:
            yield other
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_cookies_are_secure_when_the_site_is_https(database_uri, employee):
    email = employee.email
    with configured_app(database_uri, SESSION_COOKIE_SECURE=True) as secure:
        response = log_in(secure.test_client(), email)
        assert "Secure" in response.headers["Set-Cookie"]
        # Remember-me is not used; its cookie would be as safe and short-lived.
        assert secure.config["REMEMBER_COOKIE_SECURE"] is True
        assert secure.config["REMEMBER_COOKIE_HTTPONLY"] is True
        assert secure.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
        assert secure.config["REMEMBER_COOKIE_DURATION"] <= timedelta(minutes=30)
        assert "remember_token" not in response.headers.get("Set-Cookie", "")


def test_a_remember_cookie_alone_does_not_log_in(app, employee):
    from flask_login.utils import encode_cookie

    client = app.test_client()
    client.set_cookie("remember_token", encode_cookie(str(employee.id)))
    assert goes_to_login(client.get("/"))


# ------------------------------------------------------------ throttling

def test_failed_logins_for_one_account_from_one_address_are_refused_for_a_while(app, client, employee):
    for _ in range(5):
        response = log_in(client, employee.email, "verkeerd-wachtwoord")
        assert response.status_code == 200 and WRONG in response.text
    refused = log_in(client, employee.email)  # even the right password, for now
    assert refused.status_code == 429
    assert THROTTLED in refused.text and "minuut opnieuw" in refused.text
    assert 'name="password"' in refused.text and 'value="mila@zaanstad.nl"' in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert goes_to_login(client.get("/"))
    # The page itself stays open, and other accounts from this address log in.
    assert client.get(LOGIN_PAGE).status_code == 200


def test_after_ten_failures_the_account_is_refused_for_a_quarter_from_that_address(app, client, employee):
    storage = app.extensions["tracker_limiter"]
    for round_ in range(2):
        for _ in range(5):
            assert log_in(client, employee.email, "verkeerd-wachtwoord").status_code == 200
        if round_ == 0:
            assert log_in(client, employee.email, "verkeerd-wachtwoord").status_code == 429
            # A minute later the short limit has passed: forget its counts only.
            move_clock(storage, 61)
    refused = log_in(client, employee.email)
    assert refused.status_code == 429 and 60 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "minuten opnieuw" in refused.text


def move_clock(limiter, seconds: float) -> None:
    """Ages every entry in the limiter's memory storage by `seconds`."""
    storage = limiter._storage
    for entries in storage.events.values():
        for entry in entries:
            entry.atime -= seconds
            entry.expiry -= seconds


def test_the_same_account_from_another_address_and_other_accounts_still_log_in(app, make_user, employee):
    colleague = make_user(Role.EMPLOYEE, email="kees@zaanstad.nl")
    guesser = app.test_client()
    for _ in range(6):
        log_in(guesser, employee.email, "verkeerd-wachtwoord", address="192.0.2.10")
    assert log_in(guesser, employee.email, address="192.0.2.10").status_code == 429
    assert log_in(app.test_client(), colleague.email, address="192.0.2.10").status_code == 302
    assert log_in(app.test_client(), employee.email, address="192.0.2.20").status_code == 302


def test_an_unknown_address_is_throttled_exactly_like_a_known_one(app, employee):
    def answers(email):
        client = app.test_client()
        result = []
        for _ in range(7):
            response = log_in(client, email, "verkeerd-wachtwoord")
            result.append((response.status_code, WRONG in response.text, THROTTLED in response.text))
        return result
    assert answers(employee.email) == answers("niemand@zaanstad.nl")


def test_one_account_guessed_from_many_addresses_is_refused(app, employee):
    for number in range(20):
        log_in(app.test_client(), employee.email, "verkeerd-wachtwoord", address=f"198.51.100.{number}")
    assert log_in(app.test_client(), employee.email, address="198.51.100.200").status_code == 429


def test_one_address_trying_many_accounts_is_refused(app, employee):
    client = app.test_client()
    for number in range(30):
        assert log_in(client, f"iemand{number}@zaanstad.nl", "verkeerd-wachtwoord").status_code == 200
    assert log_in(client, employee.email).status_code == 429
    assert log_in(app.test_client(), employee.email, address="192.0.2.30").status_code == 302


def test_successful_logins_and_empty_forms_do_not_count(app, employee):
    for _ in range(12):
        client = app.test_client()
        assert log_in(client, employee.email).status_code == 302
        client.post("/uitloggen")
        assert client.post(LOGIN_PAGE, data={"email": employee.email, "password": ""}).status_code == 200


def test_throttling_can_be_switched_off(database_uri, employee):
    email = employee.email
    with configured_app(database_uri, RATELIMIT_ENABLED=False) as relaxed:
        client = relaxed.test_client()
        for _ in range(12):
            assert log_in(client, email, "verkeerd-wachtwoord").status_code == 200
        assert log_in(client, email).status_code == 302


def test_behind_a_proxy_the_forwarded_address_counts(database_uri, employee):
    email = employee.email
    with configured_app(database_uri, TRUSTED_PROXIES=1) as proxied:
        def attempt(forwarded, password="verkeerd-wachtwoord"):
            return proxied.test_client().post(LOGIN_PAGE, data={"email": email, "password": password},
                                              headers={"X-Forwarded-For": forwarded})
        for _ in range(5):
            attempt("203.0.113.7")
        assert attempt("203.0.113.7", PASSWORD).status_code == 429
        assert attempt("203.0.113.8", PASSWORD).status_code == 302


def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return client


def test_with_redis_every_worker_shares_the_counts(database_uri, employee):
    server = redis_client()
    server.flushdb()
    email = employee.email
    try:
        with configured_app(database_uri, RATELIMIT_STORAGE_URI=REDIS_URL) as first:
            for _ in range(5):
                assert log_in(first.test_client(), email, "verkeerd-wachtwoord").status_code == 200
            assert any(b"lobbytracker" in key for key in server.keys("*"))
            assert not any(email.encode() in key for key in server.keys("*"))
        # Another worker (a second app on the same Redis) refuses too.
        with configured_app(database_uri, RATELIMIT_STORAGE_URI=REDIS_URL) as second:
            refused = log_in(second.test_client(), email)
            assert refused.status_code == 429 and THROTTLED in refused.text
    finally:
        server.flushdb()


def test_an_unreachable_store_does_not_stop_logins(database_uri, employee):
    email = employee.email
    with configured_app(database_uri, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0") as broken:
        assert log_in(broken.test_client(), email).status_code == 302
        assert log_in(broken.test_client(), email, "verkeerd-wachtwoord").status_code == 200


# ------------------------------------------------------------ access review

def test_the_access_review_shows_who_can_log_in_and_when_they_last_did(app, db, admin_client, employee, make_user):
    log_in(app.test_client(), employee.email)
    gone = make_user(Role.MANAGER, name="Oud Manager", email="oud@zaanstad.nl")
    gone.active = False
    db.session.commit()
    users = admin_client.get("/beheer/gebruikers")
    assert 'href="/beheer/gebruikers/toegang"' in users.text
    page = admin_client.get("/beheer/gebruikers/toegang")
    assert page.status_code == 200 and "Toegangsoverzicht" in page.text
    assert 'href="/beheer/gebruikers/export.csv"' in page.text
    row = page.text[page.text.index("Mila Medewerker"):]
    row = row[:row.index("</tr>")]
    db.session.refresh(employee)
    assert "wachtwoord" in row and "ja" in row and str(employee.last_login_at.year) in row
    assert any(month in row for month in ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt",
                                          "nov", "dec"))
    gone_row = page.text[page.text.index("Oud Manager"):]
    gone_row = gone_row[:gone_row.index("</tr>")]
    assert "nooit" in gone_row and "nee" in gone_row


def read_export(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_access_review_exports_as_csv_for_excel(app, db, admin_client, administrator, employee, make_user):
    log_in(app.test_client(), employee.email)
    make_user(Role.EMPLOYEE, name="=HYPERLINK(\"http://example.org\")", email="formule@zaanstad.nl")
    response = admin_client.get("/beheer/gebruikers/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="toegangsoverzicht-')
    rows = read_export(response)
    assert rows[0] == ["Naam", "Functie", "E-mailadres", "Rol", "Actief", "Kan inloggen", "Inlogwijze",
                       "Laatst ingelogd"]
    by_email = {row[2]: row for row in rows[1:]}
    mila = by_email["mila@zaanstad.nl"]
    assert mila[3] == "Medewerker" and mila[4] == mila[5] == "ja" and mila[6] == "wachtwoord"
    assert datetime.strptime(mila[7], "%d-%m-%Y %H:%M")
    assert by_email["bas@zaanstad.nl"][3] == "Beheerder"
    # A name that a spreadsheet would run as a formula stays text.
    assert by_email["formule@zaanstad.nl"][0].startswith("'=")
    # Bestuurders without an account are listed, and cannot log in.
    hamming = next(row for row in rows if row[0] == "Jan Hamming")
    assert hamming[5] == "nee" and hamming[7] == "nooit"
    assert len(rows) - 1 == db.session.scalar(select(_db.func.count()).select_from(User))


@pytest.mark.parametrize("path", ["/beheer/gebruikers/toegang", "/beheer/gebruikers/export.csv"])
def test_only_beheerders_see_the_access_review(client, employee_client, manager_client, director_client, path):
    for other in (employee_client, manager_client, director_client):
        assert other.get(path).status_code == 403
    assert goes_to_login(client.get(path))
