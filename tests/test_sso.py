"""Single sign-on, end to end against a real OpenID Connect provider.

oidc-provider-mock runs in a thread on a free loopback port. The Flask test
client plays the browser on our side; `requests` plays it on the provider's:
the app redirects to the provider's authorize URL, the test "logs in" there
as the mock expects (a form POST with the subject), and hands the callback
URL the provider redirects to back to the test client. Discovery, the token
exchange and the ID-token signature check go over real HTTP.
"""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import oidc_provider_mock
import pytest
import requests
from sqlalchemy import select

from tracker import create_app
from tracker.auth.models import Role, User
from tracker.auth.sso_service import parse_role_groups, role_for_groups
from tracker.extensions import db as _db

from .conftest import PASSWORD, RequestClient, app_config

ROLE_GROUPS = ("beheerder=GG-Lobby-Beheer;directeur=GG-Lobby-Directie;manager=GG-Lobby-Managers;"
               "medewerker=GG-Lobby-Medewerkers")
REFUSED = "zit niet in een van de groepen die toegang geven"

# The mock provider is built on older Authlib server interfaces; what Authlib
# says about that inside the provider's thread is no failure of ours.
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib"),
              pytest.mark.filterwarnings("ignore:.*deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::authlib.deprecate.AuthlibDeprecationWarning")]


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso_app(database_uri, tmp_path, provider):
    app = create_app(app_config(database_uri, OIDC_ISSUER=provider, OIDC_CLIENT_ID="lobbytracker",
                                OIDC_CLIENT_SECRET="geheim", OIDC_ROLE_GROUPS=ROLE_GROUPS))
    app.instance_path = str(tmp_path)
    app.test_client_class = RequestClient
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def set_claims(provider: str, sub: str, **claims) -> None:
    """The user the provider will vouch for at the next login as `sub`."""
    response = requests.put(f"{provider}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def authorize_at_provider(location: str, sub: str, *, deny: bool = False) -> str:
    """What the user does at the provider: log in as `sub` (or cancel).
    Returns the callback URL the provider sends the browser to."""
    assert location.startswith("http://localhost:")
    query = parse_qs(urlsplit(location).query)
    assert query["nonce"] and query["state"] and query["code_challenge_method"] == ["S256"]
    form = {"action": "deny"} if deny else {"sub": sub}
    response = requests.post(location, data=form, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def on_our_side(url: str) -> str:
    """The callback URL as the test client takes it: path and query."""
    parts = urlsplit(url)
    assert parts.path == "/inloggen/sso/callback"
    return urlunsplit(("", "", parts.path, parts.query, ""))


def sso_login(client, provider: str, sub: str, *, deny: bool = False, tamper=None):
    start = client.get("/inloggen/sso")
    assert start.status_code == 302
    callback = authorize_at_provider(start.location, sub, deny=deny)
    if tamper is not None:
        callback = tamper(callback)
    return client.get(on_our_side(callback))


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


def user_by_sub(sub: str) -> User | None:
    return _db.session.scalar(select(User).where(User.oidc_subject == sub))


def test_first_login_creates_the_user_with_the_mapped_role(sso_app, provider):
    set_claims(provider, "sub-anna", email="Anna.Jansen@Zaanstad.nl", name="Anna Jansen",
               groups=["GG-Alle-Medewerkers", "GG-Lobby-Managers", "GG-Lobby-Medewerkers"])
    client = sso_app.test_client()
    response = sso_login(client, provider, "sub-anna")
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/")
    assert page.status_code == 200 and "Anna Jansen" in page.text
    anna = user_by_sub("sub-anna")
    assert anna.email == "anna.jansen@zaanstad.nl" and anna.name == "Anna Jansen"
    assert anna.role == Role.MANAGER and anna.password_hash is None and anna.last_login_at is not None
    # An account without a password takes part like any other.
    assert anna.can_log_in and anna.receives_digest


def test_the_role_follows_the_groups_at_every_login(sso_app, provider):
    set_claims(provider, "sub-bart", email="bart@zaanstad.nl", name="Bart", groups=["GG-Lobby-Medewerkers"])
    client = sso_app.test_client()
    sso_login(client, provider, "sub-bart")
    assert user_by_sub("sub-bart").role == Role.EMPLOYEE
    client.post("/uitloggen")

    set_claims(provider, "sub-bart", email="bart@zaanstad.nl", name="Bart",
               groups=["GG-Lobby-Medewerkers", "GG-Lobby-Beheer"])
    sso_login(client, provider, "sub-bart")
    assert user_by_sub("sub-bart").role == Role.ADMINISTRATOR
    assert client.get("/beheer/gebruikers").status_code == 200
    client.post("/uitloggen")

    # Taken out of every group: refused, and the role no longer counts.
    set_claims(provider, "sub-bart", email="bart@zaanstad.nl", name="Bart", groups=[])
    response = sso_login(client, provider, "sub-bart")
    assert response.location == "/inloggen"
    assert REFUSED in client.get("/inloggen").text
    assert not logged_in(client)
    assert _db.session.scalars(select(User).where(User.email == "bart@zaanstad.nl")).one().oidc_subject == "sub-bart"


def test_an_existing_account_is_linked_by_email(sso_app, provider, make_user):
    local = make_user(Role.EMPLOYEE, name="Carla Local", email="carla@zaanstad.nl")
    set_claims(provider, "sub-carla", email="CARLA@zaanstad.nl", name="C. de Vries", groups=["GG-Lobby-Directie"])
    client = sso_app.test_client()
    sso_login(client, provider, "sub-carla")
    assert logged_in(client)
    _db.session.refresh(local)
    assert local.oidc_subject == "sub-carla" and local.role == Role.DIRECTOR
    assert local.name == "Carla Local"  # the name kept in the app stays
    assert _db.session.scalars(select(User).where(User.email == "carla@zaanstad.nl")).one().id == local.id
    # The password still works (for a beheerder: the way in when SSO is down).
    other = sso_app.test_client()
    assert other.post("/inloggen", data={"email": "carla@zaanstad.nl", "password": PASSWORD}).status_code == 302


def test_someone_in_none_of_the_groups_is_refused_without_a_session(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)  # so that the login page shows instead of the first-run page
    set_claims(provider, "sub-dirk", email="dirk@zaanstad.nl", name="Dirk", groups=["GG-Alle-Medewerkers"])
    client = sso_app.test_client()
    response = sso_login(client, provider, "sub-dirk")
    assert response.status_code == 302 and response.location == "/inloggen"
    page = client.get("/inloggen")
    assert REFUSED in page.text and "U heeft geen toegang tot de Lobbytracker" in page.text
    assert not logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert user_by_sub("sub-dirk") is None
    assert _db.session.scalar(select(User).where(User.email == "dirk@zaanstad.nl")) is None


def test_a_tampered_state_is_refused(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)  # so that the login page shows instead of the first-run page
    set_claims(provider, "sub-eva", email="eva@zaanstad.nl", name="Eva", groups=["GG-Lobby-Beheer"])
    client = sso_app.test_client()

    def tamper(url: str) -> str:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        query["state"] = ["aanvaller" + query["state"][0][:8]]
        return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))

    response = sso_login(client, provider, "sub-eva", tamper=tamper)
    assert response.status_code == 302 and response.location == "/inloggen"
    assert "Deze inlogpoging is verlopen of ongeldig" in client.get("/inloggen").text
    assert not logged_in(client)
    assert user_by_sub("sub-eva") is None


def test_a_callback_replayed_in_another_browser_is_refused(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)  # so that the login page shows instead of the first-run page
    set_claims(provider, "sub-fleur", email="fleur@zaanstad.nl", name="Fleur", groups=["GG-Lobby-Beheer"])
    victim = sso_app.test_client()
    start = victim.get("/inloggen/sso")
    callback = authorize_at_provider(start.location, "sub-fleur")
    attacker = sso_app.test_client()
    assert attacker.get(on_our_side(callback)).location == "/inloggen"
    assert not logged_in(attacker)


def test_a_cancelled_login_says_so_on_the_login_page(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)  # so that the login page shows instead of the first-run page
    client = sso_app.test_client()
    response = sso_login(client, provider, "sub-gert", deny=True)
    assert response.status_code == 302 and response.location == "/inloggen"
    page = client.get("/inloggen")
    assert page.status_code == 200 and "Het inloggen met uw gemeenteaccount is afgebroken" in page.text
    assert not logged_in(client)


def test_a_provider_error_or_a_bare_callback_is_never_a_500(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)  # so that the login page shows instead of the first-run page
    client = sso_app.test_client()
    response = client.get("/inloggen/sso/callback?error=server_error&error_description=kapot")
    assert response.location == "/inloggen"
    assert "Inloggen met uw gemeenteaccount is niet gelukt" in client.get("/inloggen").text
    response = client.get("/inloggen/sso/callback?code=verzonnen&state=verzonnen")
    assert response.location == "/inloggen"
    assert "Deze inlogpoging is verlopen of ongeldig" in client.get("/inloggen").text


def test_an_unreachable_provider_gives_a_dutch_message(database_uri, tmp_path, make_user):
    app = create_app(app_config(database_uri, OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="x",
                                OIDC_ROLE_GROUPS="medewerker=G"))
    app.test_client_class = RequestClient
    make_user(Role.ADMINISTRATOR)
    with app.app_context():
        try:
            client = app.test_client()
            response = client.get("/inloggen/sso")
            assert response.location == "/inloggen"
            assert "De inlogdienst van de gemeente is nu niet bereikbaar" in client.get("/inloggen").text
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_an_inactive_account_is_refused(sso_app, provider, make_user, db):
    gone = make_user(Role.EMPLOYEE, email="hans@zaanstad.nl")
    gone.active = False
    db.session.commit()
    set_claims(provider, "sub-hans", email="hans@zaanstad.nl", name="Hans", groups=["GG-Lobby-Medewerkers"])
    client = sso_app.test_client()
    sso_login(client, provider, "sub-hans")
    assert "Uw account in de Lobbytracker is uitgeschakeld" in client.get("/inloggen").text
    assert not logged_in(client)


def test_the_login_page_offers_sso_and_keeps_the_password_form(sso_app, provider, make_user):
    make_user(Role.ADMINISTRATOR)
    page = sso_app.test_client().get("/inloggen?next=/organisaties")
    assert "Inloggen met uw gemeenteaccount" in page.text
    assert 'href="/inloggen/sso?next=/organisaties"' in page.text
    assert 'name="password"' in page.text


def test_sso_returns_to_the_page_asked_for(sso_app, provider):
    set_claims(provider, "sub-ilse", email="ilse@zaanstad.nl", name="Ilse", groups=["GG-Lobby-Medewerkers"])
    client = sso_app.test_client()
    start = client.get("/inloggen/sso?next=/organisaties")
    response = client.get(on_our_side(authorize_at_provider(start.location, "sub-ilse")))
    assert response.location == "/organisaties"


def test_without_an_issuer_there_is_no_button_and_no_sso_route(client, administrator):
    page = client.get("/inloggen")
    assert page.status_code == 200 and "gemeenteaccount" not in page.text
    assert client.get("/inloggen/sso").status_code == 404
    assert client.get("/inloggen/sso/callback?code=x&state=y").status_code == 404


def test_the_role_groups_setting():
    mapping = parse_role_groups(ROLE_GROUPS + ";manager=GG-Extra, GG-Nog-Een")
    assert mapping[Role.MANAGER] == {"GG-Lobby-Managers", "GG-Extra", "GG-Nog-Een"}
    assert role_for_groups(["GG-Lobby-Medewerkers", "GG-Lobby-Directie"], mapping) == Role.DIRECTOR
    assert role_for_groups(["GG-Iets-Anders"], mapping) is None
    with pytest.raises(ValueError, match="unknown role 'baas'"):
        parse_role_groups("baas=GG-X")
    with pytest.raises(RuntimeError, match="OIDC_ROLE_GROUPS"):
        create_app(app_config("sqlite://", OIDC_ISSUER="https://login.example.org", OIDC_CLIENT_ID="x",
                              OIDC_ROLE_GROUPS="baas=GG-X"))
