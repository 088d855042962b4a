"""What every response carries, whatever it is, and what a login leaves
behind: the security headers on pages, static files, redirects, errors and
the health check; a session cookie from before the login that gives no
access after it; and a login that takes as long for an unknown address as
for a wrong password."""

import base64
import hashlib
import re
import statistics
import time

import pytest
from sqlalchemy import select

from tracker.auth import passwords
from tracker.auth.models import User
from tracker.extensions import db as _db

from .conftest import PASSWORD, QUICK_HASHING
from .test_security_sessions import (WRONG, client_with_cookie, configured_app, goes_to_login, log_in,
                                     session_cookie)

# One request of every kind: who asks (None: not logged in), what, and the status it gets.
RESPONSES = {
    "page": ("employee", "GET", "/organisaties", 200),
    "login page": (None, "GET", "/inloggen", 200),
    "refused login": (None, "POST", "/inloggen", 200),
    "static file": (None, "GET", "/static/css/app.css", 200),
    "health check": (None, "GET", "/healthz", 200),
    "redirect to the login page": (None, "GET", "/organisaties", 302),
    "redirect after logging in": ("login", "POST", "/inloggen", 302),
    "not found": ("employee", "GET", "/bestaat-niet", 404),
    "not found, not logged in": (None, "GET", "/static/bestaat-niet.css", 404),
    "method not allowed": ("employee", "GET", "/uitloggen", 405),
    "forbidden": ("employee", "GET", "/beheer/gebruikers", 403),
    "CSV download": ("administrator", "GET", "/beheer/gebruikers/export.csv", 200),
}


def assert_secure_headers(response, what: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src"), f"{what}: no Content-Security-Policy default-src ({policy!r})"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, f"{what}: {policy!r}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{what}: may be framed ({policy!r})"
    assert directives.get("object-src") == ["'none'"], f"{what}: {policy!r}"
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), what
    assert headers.get("X-Frame-Options") == "DENY", what


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_kind_of_response_carries_the_security_headers(app, login, employee, administrator, kind):
    who, method, path, status = RESPONSES[kind]
    client = {"employee": lambda: login(employee), "administrator": lambda: login(administrator)}.get(
        who, app.test_client)()
    data = {"email": employee.email, "password": PASSWORD if who == "login" else "verkeerd-wachtwoord"}
    response = client.open(path, method=method, data=data if method == "POST" else None)
    response.close()  # a static file's handle
    assert response.status_code == status, f"{kind}: {method} {path} answered {response.status_code}"
    assert_secure_headers(response, kind)


def test_a_throttled_login_and_an_unexpected_error_carry_them_too(app, employee_client, employee, monkeypatch):
    guesser = app.test_client()
    for _ in range(6):
        throttled = log_in(guesser, employee.email, "verkeerd-wachtwoord")
    assert throttled.status_code == 429
    assert_secure_headers(throttled, "throttled login")

    from tracker.main import routes
    monkeypatch.setattr(routes.interactions, "recent_for_user", lambda *args, **kwargs: 1 / 0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failed = employee_client.get("/")
    assert failed.status_code == 500
    assert_secure_headers(failed, "500 page")


def test_the_digest_as_e_mail_is_the_one_framed_response_and_runs_no_script(manager_client):
    """The digest's own HTML, shown in a frame of /weekoverzicht exactly as
    mail clients get it: its inline styles are allowed one by one by their
    hashes, and nothing else: no script, no other resource, no other site
    framing it."""
    response = manager_client.get("/weekoverzicht/html")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'none'"] and "script-src" not in directives
    assert directives["frame-ancestors"] == ["'self'"]
    styles = set(re.findall(r'style="([^"]*)"', response.text))
    assert len(styles) > 5
    assert set(directives["style-src"]) == {"'unsafe-hashes'", *(
        f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" for style in styles)}
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------ the session at login

def test_a_session_cookie_from_before_the_login_gives_no_access_after_it(app, employee):
    """Session fixation: a cookie planted in the browser before the login
    (or copied from it) is not the logged-in session."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_cookie(client)
    assert log_in(client, employee.email).status_code == 302
    after = session_cookie(client)
    assert after != before
    assert client.get("/organisaties").status_code == 200
    assert goes_to_login(client_with_cookie(app, before).get("/organisaties"))
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_login_takes_as_long_for_an_unknown_address_as_for_a_wrong_password(database_uri, employee):
    """With the production Argon2 parameters: an unknown address costs a hash
    verification too, so the time of the answer tells nothing."""
    email = employee.email
    production_hashing = dict.fromkeys(QUICK_HASHING)  # unset: argon2-cffi's defaults
    with configured_app(database_uri, RATELIMIT_ENABLED=False, **production_hashing) as production:
        user = _db.session.scalar(select(User).where(User.email == email))
        user.set_password(PASSWORD)  # as stored in production
        _db.session.commit()
        assert passwords.hasher().memory_cost >= 64 * 1024

        def median_time(address):
            client, times = production.test_client(), []
            for _ in range(3):
                start = time.perf_counter()
                response = log_in(client, address, "verkeerd-wachtwoord")
                times.append(time.perf_counter() - start)
                assert response.status_code == 200 and WRONG in response.text
            return statistics.median(times)

        wrong_password, unknown = median_time(email), median_time("niemand@zaanstad.nl")
    assert 0.5 < unknown / wrong_password < 2, f"unknown address {unknown:.3f}s, wrong password {wrong_password:.3f}s"
