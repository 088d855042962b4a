"""/healthz: what a load balancer or monitoring asks before sending traffic."""

from tracker import create_app
from tracker.extensions import db

from . import databases
from .conftest import app_config


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def unreachable_database(request, tmp_path):
    """A URL whose database cannot be reached yet, and a function that makes it
    reachable: a SQLite file in a folder that does not exist, or a PostgreSQL
    database that was not created."""
    if request.config.getoption("postgresql"):
        server = databases.postgres_url()
        name = databases.unique_name("lobbytracker_absent")
        request.addfinalizer(lambda: databases.drop_database(server, name))
        return databases.with_database(server, name), lambda: databases.create_database(server, name)
    folder = tmp_path / "not-yet"
    return f"sqlite:///{folder / 'tracker.sqlite'}", lambda: folder.mkdir()


def test_healthz_answers_503_while_the_database_cannot_be_reached_and_200_once_it_can(request, tmp_path):
    uri, make_reachable = unreachable_database(request, tmp_path)
    app = create_app(app_config(uri))
    app.instance_path = str(tmp_path)
    client = app.test_client()
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "database unavailable"}
        assert client.get("/healthz").status_code == 503  # and again: nothing is left half-open

        make_reachable()
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json == {"status": "ok"}
    finally:
        with app.app_context():
            db.engine.dispose()


def test_healthz_answers_503_when_no_postgresql_server_listens(tmp_path):
    """Nothing listens on port 1: the connection is refused (needs no server)."""
    app = create_app(app_config("postgresql+psycopg://postgres@127.0.0.1:1/lobbytracker"))
    app.instance_path = str(tmp_path)
    assert app.test_client().get("/healthz").status_code == 503


def api_links(app, make_user, headers: dict) -> dict:
    from tracker.api.service import create_token

    user = make_user()
    _token, secret = create_token(user, "proxy", None, user)
    db.session.commit()
    response = app.test_client().get("/api/v1/opgaven?limit=1", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                                     headers={"Authorization": f"Bearer {secret}", **headers})
    assert response.status_code == 200
    return response.json["links"]


PROXY_HEADERS = {"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Proto": "https",
                 "X-Forwarded-Host": "lobbytracker.zaanstad.nl"}


def test_behind_a_trusted_proxy_absolute_links_use_the_address_the_visitor_used(database_uri, tmp_path, make_user):
    app = create_app(app_config(database_uri, TRUSTED_PROXIES=1))
    app.instance_path = str(tmp_path)
    with app.app_context():
        links = api_links(app, make_user, PROXY_HEADERS)
        assert links["self"].startswith("https://lobbytracker.zaanstad.nl/api/v1/opgaven")
        db.session.remove()
        db.engine.dispose()


def test_without_trusted_proxies_forwarding_headers_are_ignored(app, make_user):
    links = api_links(app, make_user, PROXY_HEADERS)
    assert links["self"].startswith("http://localhost/api/v1/opgaven")
