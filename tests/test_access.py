"""Who may open which page."""

import pytest
from sqlalchemy import select

from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Arena, Priority, Theme

READ_PAGES = ["/", "/opgaven", "/opgaven/{theme}", "/prioriteiten/{priority}", "/netwerken", "/netwerken/{arena}",
              "/posities", "/organisaties", "/organisaties/{organisation}", "/contactpersonen",
              "/contactpersonen/{contact}", "/contactmomenten/", "/contactmomenten/nieuw", "/contactpersonen/nieuw"]
ADMIN_PAGES = ["/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/bestuurders/nieuw"]
ORGANISATION_EDIT_PAGES = ["/organisaties/nieuw", "/organisaties/{organisation}/bewerken"]


@pytest.fixture
def ids(db) -> dict:
    first = lambda model: db.session.scalars(select(model.id).order_by(model.id)).first()  # noqa: E731
    return {"theme": first(Theme), "priority": first(Priority), "arena": first(Arena),
            "organisation": first(Organisation), "contact": first(Contact)}


@pytest.mark.parametrize("page", READ_PAGES + ADMIN_PAGES + ORGANISATION_EDIT_PAGES)
def test_every_page_needs_a_login(client, employee, ids, page):
    response = client.get(page.format(**ids))
    assert response.status_code == 302
    assert "/inloggen" in response.location


def test_the_login_page_static_files_and_health_check_are_public(client, employee):
    assert client.get("/inloggen").status_code == 200
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200 and b".lt-nav" in response.data
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize("role", ["employee", "manager", "director", "administrator"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_role_reads_the_strategy_and_relations(request, login, ids, role, page):
    client = login(request.getfixturevalue(role))
    assert client.get(page.format(**ids)).status_code == 200


@pytest.mark.parametrize("role, allowed", [("employee", False), ("manager", False), ("director", False),
                                           ("administrator", True)])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_only_a_beheerder_manages_users(request, login, role, allowed, page):
    client = login(request.getfixturevalue(role))
    assert client.get(page).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role, allowed", [("employee", False), ("manager", True), ("director", False),
                                           ("administrator", True)])
@pytest.mark.parametrize("page", ORGANISATION_EDIT_PAGES)
def test_managers_and_beheerders_edit_organisations(request, login, ids, role, allowed, page):
    client = login(request.getfixturevalue(role))
    assert client.get(page.format(**ids)).status_code == (200 if allowed else 403)


def test_forbidden_posts_change_nothing(db, employee_client, ids):
    organisation = db.session.get(Organisation, ids["organisation"])
    name = organisation.name
    response = employee_client.post(f"/organisaties/{ids['organisation']}/bewerken",
                                    data={"name": "Gekaapt", "kind": "overig"})
    assert response.status_code == 403
    assert "Geen toegang" in response.text
    db.session.expire_all()
    assert db.session.get(Organisation, ids["organisation"]).name == name
    assert employee_client.post("/beheer/gebruikers/nieuw", data={
        "name": "X", "email": "x@zaanstad.nl", "role": "beheerder", "password": "a" * 20}).status_code == 403


def test_the_menu_shows_beheer_only_to_a_beheerder(employee_client, admin_client):
    assert "/beheer/gebruikers" not in employee_client.get("/").text
    assert "/beheer/gebruikers" in admin_client.get("/").text


def test_unknown_ids_answer_404_in_dutch(employee_client):
    for page in ["/opgaven/999999", "/prioriteiten/999999", "/organisaties/999999", "/contactpersonen/999999",
                 "/contactmomenten/999999", "/netwerken/999999", "/bestaat-niet"]:
        response = employee_client.get(page)
        assert response.status_code == 404, page
        assert "Pagina niet gevonden" in response.text


def test_an_unexpected_error_answers_a_dutch_500_page_and_rolls_back(app, employee_client, monkeypatch):
    from tracker.main import routes

    def broken(user, limit=10):
        raise RuntimeError("database exploded")
    monkeypatch.setattr(routes.interactions, "recent_for_user", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = employee_client.get("/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.text and "database exploded" not in response.text


def test_every_response_carries_security_headers(employee_client):
    response = employee_client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
