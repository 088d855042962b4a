"""CSRF protection, switched on as in production.

Every state-changing POST answers 400 without the form's token, with a
made-up token or with another session's token, and changes nothing; the
same POST with the token from the page succeeds.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tracker import create_app
from tracker.extensions import db as _db
from tracker.interactions.models import FollowUp, Interaction
from tracker.relations.models import Contact, Organisation

from .conftest import PASSWORD, RequestClient, app_config

EXPIRED = "Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."


@pytest.fixture
def app(database_uri, tmp_path):
    """The app with CSRF protection on; every fixture built on `app` uses it."""
    app = create_app(app_config(database_uri, WTF_CSRF_ENABLED=True))
    app.instance_path = str(tmp_path)
    app.test_client_class = RequestClient
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


class CsrfTokens(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.values: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrf_token":
            self.values.append(attrs["value"])


def token_from(client, page: str) -> str:
    """GETs the page and takes the token from its form, as a browser would."""
    response = client.get(page)
    assert response.status_code == 200, page
    tokens = CsrfTokens(response.text).values
    assert tokens, f"no csrf_token on {page}"
    return tokens[0]


def database_state(db) -> dict:
    db.session.rollback()
    return {table.name: [tuple(row) for row in db.session.execute(
        select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}


def logged_in(app, user):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                              "csrf_token": token_from(client, "/inloggen")})
    assert response.status_code == 302
    return client


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert EXPIRED in response.text


def wrong_tokens(app, page: str = "/inloggen") -> list[str]:
    """No token, a made-up one, and a real one that belongs to another session."""
    other_session = token_from(app.test_client(), page)
    return ["", "verzonnen-token", other_session]


# ----------------------------------------------------------------- forms

def test_the_login_form_needs_its_token(app, db, employee):
    client = app.test_client()
    credentials = {"email": employee.email, "password": PASSWORD}
    assert_refused(client.post("/inloggen", data=credentials))
    for wrong in wrong_tokens(app):
        assert_refused(client.post("/inloggen", data={**credentials, "csrf_token": wrong}))
    assert not is_logged_in(client)

    response = client.post("/inloggen", data={**credentials, "csrf_token": token_from(client, "/inloggen")})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_first_run_form_needs_its_token(app, db):
    client = app.test_client()
    data = {"name": "Anna de Vries", "email": "anna@zaanstad.nl", "password": PASSWORD, "password_again": PASSWORD}
    before = database_state(db)
    assert_refused(client.post("/eerste-gebruik", data=data))
    for wrong in wrong_tokens(app, "/eerste-gebruik"):
        assert_refused(client.post("/eerste-gebruik", data={**data, "csrf_token": wrong}))
    assert database_state(db) == before

    response = client.post("/eerste-gebruik", data={**data, "csrf_token": token_from(client, "/eerste-gebruik")})
    assert response.status_code == 302
    assert database_state(db) != before and is_logged_in(client)


@pytest.fixture
def ids(db, employee, priority, make_interaction) -> dict:
    interaction = make_interaction(employee, follow_ups=[("Notitie sturen", employee, date.today())])
    contact = db.session.scalars(select(Contact).order_by(Contact.id)).first()
    organisation = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    return {"interaction": interaction.id, "follow_up": interaction.follow_ups[0].id, "contact": contact.id,
            "organisation": organisation.id, "employee": employee.id, "priority": priority.id,
            "yesterday": (date.today() - timedelta(days=1)).isoformat()}


RELATIONSHIP = {"owner_id": "", "cadence_mode": "standaard", "cadence_days": ""}
INTERACTION = {"occurred_on": "{yesterday}", "occurred_time": "10:30", "kind": "overleg", "level": "ambtelijk",
               "subject": "Werkbezoek Zaandam Oost", "priority_ids": "{priority}",
               "follow_ups-0-description": "", "follow_ups-1-description": ""}

# (where the form is posted, the page a browser took the token from, a valid form)
ROUTES = [
    ("/contactmomenten/nieuw", "/contactmomenten/nieuw", INTERACTION),
    ("/contactmomenten/{interaction}/bewerken", "/contactmomenten/{interaction}/bewerken",
     {**INTERACTION, "subject": "Gewijzigd onderwerp"}),
    ("/contactmomenten/{interaction}/verwijderen", "/contactmomenten/{interaction}/verwijderen", {}),
    ("/contactmomenten/acties/{follow_up}/afgerond", "/contactmomenten/{interaction}", {}),
    ("/contactpersonen/nieuw", "/contactpersonen/nieuw", {"name": "Ingrid Visser", **RELATIONSHIP}),
    ("/contactpersonen/{contact}/bewerken", "/contactpersonen/{contact}/bewerken",
     {"name": "Andere Naam", **RELATIONSHIP}),
    ("/organisaties/nieuw", "/organisaties/nieuw", {"name": "Platform Wijken", "kind": "platform", **RELATIONSHIP}),
    ("/organisaties/{organisation}/bewerken", "/organisaties/{organisation}/bewerken",
     {"name": "Andere Naam", "kind": "overig", **RELATIONSHIP}),
    ("/beheer/gebruikers/nieuw", "/beheer/gebruikers/nieuw",
     {"name": "Piet Jansen", "email": "piet@zaanstad.nl", "role": "medewerker", "password": PASSWORD}),
    ("/beheer/gebruikers/{employee}/bewerken", "/beheer/gebruikers/{employee}/bewerken",
     {"name": "Mila Medewerker", "title": "", "role": "manager", "active": "y"}),
    ("/beheer/bestuurders/nieuw", "/beheer/bestuurders/nieuw", {"name": "Jan Jansen", "title": "wethouder Wonen"}),
]


@pytest.mark.parametrize("url, page, form", ROUTES, ids=[route[0] for route in ROUTES])
def test_every_form_needs_its_token_and_works_with_it(app, db, administrator, ids, url, page, form):
    client = logged_in(app, administrator)
    url, page = url.format(**ids), page.format(**ids)
    data = {name: value.format(**ids) for name, value in form.items()}
    before = database_state(db)

    assert_refused(client.post(url, data=data))
    for wrong in wrong_tokens(app):
        assert_refused(client.post(url, data={**data, "csrf_token": wrong}))
    assert database_state(db) == before
    assert is_logged_in(client)

    response = client.post(url, data={**data, "csrf_token": token_from(client, page)})
    assert response.status_code == 302, response.text
    assert database_state(db) != before


def test_the_round_trip_stores_the_contactmoment_as_typed(app, db, employee, ids):
    client = logged_in(app, employee)
    data = {name: value.format(**ids) for name, value in INTERACTION.items()}
    response = client.post("/contactmomenten/nieuw",
                           data={**data, "csrf_token": token_from(client, "/contactmomenten/nieuw")})
    assert response.status_code == 302
    shown = client.get(response.location)
    assert "Het contactmoment is vastgelegd." in shown.text
    db.session.rollback()
    stored = db.session.scalars(select(Interaction).where(Interaction.subject == "Werkbezoek Zaandam Oost")).one()
    assert stored.author_id == employee.id


def test_completing_a_follow_up_from_the_home_page_needs_the_token(app, db, employee, ids):
    client = logged_in(app, employee)
    url = f"/contactmomenten/acties/{ids['follow_up']}/afgerond"
    assert_refused(client.post(url))
    db.session.rollback()
    assert db.session.get(FollowUp, ids["follow_up"]).completed_at is None
    assert client.post(url, data={"csrf_token": token_from(client, "/")}).status_code == 302
    db.session.rollback()
    assert db.session.get(FollowUp, ids["follow_up"]).completed_at is not None


def test_logging_out_needs_the_token(app, employee):
    client = logged_in(app, employee)
    assert_refused(client.post("/uitloggen"))
    for wrong in wrong_tokens(app):
        assert_refused(client.post("/uitloggen", data={"csrf_token": wrong}))
    assert is_logged_in(client)

    response = client.post("/uitloggen", data={"csrf_token": token_from(client, "/")})
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_every_post_route_in_the_app_refuses_a_missing_token(app, db, administrator):
    """Also the routes added after this file was written: none is exempt."""
    client = logged_in(app, administrator)
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert {"/inloggen", "/uitloggen", "/contactmomenten/nieuw"} <= {rule.rule for rule in posts}
    before = database_state(db)
    for rule in posts:
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: "1" if isinstance(
            rule._converters[match[1]], IntegerConverter) else "x", rule.rule)
        response = client.post(url, data={"name": "X"})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code}"
        assert EXPIRED in response.text
    assert database_state(db) == before
    assert is_logged_in(client)
