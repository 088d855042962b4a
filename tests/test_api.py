"""The reporting API and its personal access tokens: making, using and
revoking tokens, paging, filters, confidentiality and JSON errors."""

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from tracker.api import service
from tracker.api.models import ApiToken
from tracker.audit.models import AuditEvent
from tracker.interactions.models import InteractionKind
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.strategy.models import KeyMoment, Priority, Theme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def make_token(db, user, name="Power BI", expires_on=None) -> str:
    _token, secret = service.create_token(user, name, expires_on, acting=user)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def director_token(db, director) -> str:
    return make_token(db, director)


def get(client, path, secret, **kwargs):
    response = client.get(path, headers=bearer(secret), **kwargs)
    assert response.mimetype == "application/json", (path, response.status_code, response.data[:200])
    return response


# --------------------------------------------------------------- the tokens page

def created_secret(response) -> str:
    match = re.search(r'id="new-token"[^>]*value="(lt_[A-Za-z0-9_-]+)"', response.get_data(as_text=True))
    assert match, "the new token is not shown"
    return match.group(1)


def test_a_token_is_shown_once_stored_hashed_and_works(app, db, employee, employee_client):
    response = employee_client.post("/instellingen/tokens", data={"name": "Power BI directie", "expires_on": ""})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = created_secret(response)
    assert "Kopieer het nu" in response.get_data(as_text=True)

    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.name == "Power BI directie" and stored.user_id == employee.id and stored.expires_on is None
    assert stored.token_hash == service.hash_token(secret) and secret not in stored.token_hash

    page = employee_client.get("/instellingen/tokens").get_data(as_text=True)
    assert "Power BI directie" in page and secret not in page

    client = app.test_client()
    assert get(client, "/api/v1/opgaven", secret).status_code == 200


def test_making_and_revoking_a_token_is_logged_without_the_secret(app, db, employee, employee_client):
    secret = created_secret(employee_client.post("/instellingen/tokens", data={"name": "Excel"}))
    token = db.session.scalars(select(ApiToken)).one()
    response = employee_client.post(f"/instellingen/tokens/{token.id}/intrekken")
    assert response.status_code == 302
    assert "is ingetrokken" in employee_client.get(response.location).get_data(as_text=True)

    db.session.rollback()
    lines = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "api_tokens")
                               .order_by(AuditEvent.id)).all()
    assert [line.action for line in lines] == ["create", "update"]
    assert all(line.user_id == employee.id for line in lines)
    assert lines[0].changes["name"] == "Excel" and lines[0].changes["token_hash"] == "***"
    assert list(lines[1].changes) == ["revoked_at"]
    assert all(secret not in str(line.changes) and service.hash_token(secret) not in str(line.changes)
               for line in lines)
    assert get(app.test_client(), "/api/v1/opgaven", secret).status_code == 401


def test_a_revoked_token_leaves_the_list(db, employee, employee_client):
    make_token(db, employee, "Oud")
    token = db.session.scalars(select(ApiToken)).one()
    assert 'scope="row">Oud</th>' in employee_client.get("/instellingen/tokens").get_data(as_text=True)
    employee_client.post(f"/instellingen/tokens/{token.id}/intrekken")
    page = employee_client.get("/instellingen/tokens").get_data(as_text=True)
    assert 'scope="row">Oud</th>' not in page and "U heeft geen tokens." in page


@pytest.mark.parametrize("data, field, message", [
    ({"name": ""}, "name", "Geef het token een naam"),
    ({"name": "x" * 101}, "name", "Gebruik hoogstens 100 tekens."),
    ({"name": "Excel", "expires_on": "31-02-2026"}, "expires_on", "Vul een bestaande datum in"),
    ({"name": "Excel", "expires_on": "2020-01-01"}, "expires_on", "Kies vandaag of een dag in de toekomst"),
])
def test_a_bad_token_form_says_why_next_to_the_field_and_makes_nothing(db, employee_client, data, field, message):
    response = employee_client.post("/instellingen/tokens", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</div>', body, re.S)
    assert error and message in error.group(1)
    assert 'id="new-token"' not in body
    db.session.rollback()
    assert db.session.scalars(select(ApiToken)).all() == []


def test_someone_elses_token_cannot_be_revoked(app, db, employee, manager, manager_client):
    secret = make_token(db, employee)
    token = db.session.scalars(select(ApiToken)).one()
    assert manager_client.post(f"/instellingen/tokens/{token.id}/intrekken").status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert get(app.test_client(), "/api/v1/opgaven", secret).status_code == 200


def test_the_number_of_working_tokens_is_limited(db, employee, employee_client):
    for number in range(service.MAX_ACTIVE_TOKENS):
        make_token(db, employee, f"Token {number}")
    body = employee_client.post("/instellingen/tokens", data={"name": "Eén te veel"}).get_data(as_text=True)
    assert "werkende tokens. Trek er eerst een in." in body
    db.session.rollback()
    assert len(db.session.scalars(select(ApiToken)).all()) == service.MAX_ACTIVE_TOKENS


# ------------------------------------------------------------- authentication

@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer "}, {"Authorization": "Bearer lt_verzonnen"}, {"Authorization": "Basic YTpi"},
    {"Authorization": "Bearer " + "x" * 5000},
])
def test_no_or_a_wrong_token_gets_401_in_json(client, director_token, headers):
    response = client.get("/api/v1/contactmomenten", headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert body["status"] == 401 and "token" in body["detail"]


def test_a_logged_in_browser_without_a_token_gets_401_and_no_cookie(director_client):
    response = director_client.get("/api/v1/opgaven")
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers


def test_the_api_sets_no_cookie_and_ignores_the_session(app, db, director, director_client, director_token):
    response = get(director_client, "/api/v1/opgaven", director_token)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_an_expired_token_stops_working_after_its_last_day(app, db, director, monkeypatch):
    today = neglect.today()
    secret = make_token(db, director, expires_on=today)
    client = app.test_client()
    assert get(client, "/api/v1/opgaven", secret).status_code == 200
    monkeypatch.setattr(service, "local_today", lambda: today + timedelta(days=1))
    assert get(client, "/api/v1/opgaven", secret).status_code == 401


def test_a_deactivated_users_tokens_stop_working(app, db, director, director_token):
    client = app.test_client()
    assert get(client, "/api/v1/opgaven", director_token).status_code == 200
    director.active = False
    db.session.commit()
    assert get(client, "/api/v1/opgaven", director_token).status_code == 401


def test_use_is_recorded_at_most_once_a_minute_and_not_in_the_audit_log(app, db, director, director_token):
    client = app.test_client()
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    get(client, "/api/v1/opgaven", director_token)
    db.session.rollback()
    token = db.session.scalars(select(ApiToken)).one()
    first = token.last_used_at
    assert first is not None and datetime.now(timezone.utc) - first < timedelta(minutes=1)
    get(client, "/api/v1/opgaven", director_token)
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first
    assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before


# ------------------------------------------------------------ confidentiality

def test_confidential_contactmomenten_are_not_in_the_api_for_anyone(
        app, db, make_interaction, employee, manager, director):
    open_one = make_interaction(employee, subject="Open overleg")
    secret_one = make_interaction(employee, subject="Geheim overleg", confidential=True)
    client = app.test_client()
    for user in (employee, manager, director):  # the author, and the roles that see it in the app
        token = make_token(db, user, f"token {user.id}")
        body = get(client, "/api/v1/contactmomenten", token).get_json()
        assert [item["subject"] for item in body["data"]] == ["Open overleg"]
        assert get(client, f"/api/v1/contactmomenten/{secret_one.id}", token).status_code == 404
        assert get(client, f"/api/v1/contactmomenten/{open_one.id}", token).get_json()["data"]["subject"] == \
            "Open overleg"


def test_flags_of_confidential_follow_ups_are_not_in_the_api(app, db, make_interaction, employee, director_token):
    week_ago = neglect.today() - timedelta(days=7)
    flags = {}
    for confidential in (False, True):
        interaction = make_interaction(employee, subject=f"vertrouwelijk={confidential}", confidential=confidential,
                                       follow_ups=[("Nabellen", employee, week_ago)])
        follow_up = interaction.follow_ups[0]
        flag = NeglectFlag(subject=FlagSubject.FOLLOW_UP, subject_key=neglect.subject_key(
            FlagSubject.FOLLOW_UP, follow_up.id), follow_up_id=follow_up.id, status=FlagStatus.OPEN,
            neglected_since=week_ago, days_overdue=7, owner_id=employee.id, theme_ids=[1], priority_ids=[1],
            engagement_ids=[], raised_on=week_ago)
        db.session.add(flag)
        db.session.commit()
        flags[confidential] = flag.id
    client = app.test_client()
    body = get(client, "/api/v1/signaleringen", director_token).get_json()
    assert [item["id"] for item in body["data"]] == [flags[False]]
    assert body["data"][0]["subject"] == "actie" and body["data"][0]["theme_ids"] == [1]
    assert get(client, f"/api/v1/signaleringen/{flags[True]}", director_token).status_code == 404


# ---------------------------------------------------------------------- paging

def test_paging_follows_next_links_through_the_whole_list(app, db, make_interaction, employee, director_token):
    made = [make_interaction(employee, subject=f"Overleg {number}").id for number in range(7)]
    client = app.test_client()
    url, seen, pages = "/api/v1/contactmomenten?limit=3&kind=overleg", [], 0
    while url:
        body = get(client, url, director_token).get_json()
        assert body["meta"]["limit"] == 3 and "kind=overleg" in (body["links"]["next"] or "kind=overleg")
        seen += [item["id"] for item in body["data"]]
        url, pages = body["links"]["next"], pages + 1
    assert seen == sorted(made) and pages == 3


def test_a_page_asked_with_after_starts_past_that_id_even_when_records_came_and_went(
        app, db, make_interaction, employee, director_token):
    from tracker.interactions.service import delete_interaction
    made = [make_interaction(employee, subject=f"Overleg {number}") for number in range(4)]
    client = app.test_client()
    first = get(client, "/api/v1/contactmomenten?limit=2", director_token).get_json()
    assert [item["id"] for item in first["data"]] == [made[0].id, made[1].id]
    assert first["meta"] == {"limit": 2, "after": 0}
    delete_interaction(made[0], employee)  # gone from the page already read: the next one skips nothing
    db.session.commit()
    newer = make_interaction(employee, subject="Nieuw")
    second = get(client, first["links"]["next"], director_token).get_json()
    assert second["meta"]["after"] == made[1].id
    assert [item["id"] for item in second["data"]] == [made[2].id, made[3].id]
    third = get(client, second["links"]["next"], director_token).get_json()
    assert [item["id"] for item in third["data"]] == [newer.id] and third["links"]["next"] is None


def test_a_page_size_above_the_maximum_is_refused(app, director_token):
    response = get(app.test_client(), f"/api/v1/opgaven?limit={service.MAX_PAGE_SIZE + 1}", director_token)
    assert response.status_code == 400
    assert response.get_json() == {
        "status": 400, "title": "Ongeldig verzoek", "parameter": "limit",
        "detail": f"Geef bij limit een geheel getal van 1 tot en met {service.MAX_PAGE_SIZE}."}


def test_a_page_costs_the_same_number_of_queries_however_long(app, db, make_interaction, employee, director_token):
    for number in range(12):
        make_interaction(employee, subject=f"Overleg {number}")
    statements = []
    client = app.test_client()

    def count(*args):
        statements.append(args[2])
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        costs = []
        for limit in (2, 12):
            statements.clear()
            assert len(get(client, f"/api/v1/contactmomenten?limit={limit}", director_token).get_json()["data"]) \
                == limit
            costs.append(len([text for text in statements if text.lstrip().upper().startswith("SELECT")]))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert costs[0] == costs[1]


# --------------------------------------------------------------------- filters

def at_local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


def test_since_and_until_are_local_days_and_until_counts_whole(app, db, make_interaction, employee, director_token):
    day = neglect.today() - timedelta(days=10)
    before = make_interaction(employee, subject="avond ervoor", occurred_at=at_local(day - timedelta(days=1), 23))
    early = make_interaction(employee, subject="vroeg", occurred_at=at_local(day, 0))
    late = make_interaction(employee, subject="laat", occurred_at=at_local(day, 23))
    after = make_interaction(employee, subject="dag erna", occurred_at=at_local(day + timedelta(days=1), 0))
    client = app.test_client()

    def ids(query):
        return [item["id"] for item in get(client, "/api/v1/contactmomenten?" + query, director_token)
                .get_json()["data"]]
    assert ids(f"since={day}&until={day}") == [early.id, late.id]
    assert ids(f"since={day}") == [early.id, late.id, after.id]
    assert ids(f"until={day}") == [before.id, early.id, late.id]


def test_contactmomenten_filter_by_theme_priority_kind_and_organisation(
        app, db, make_interaction, employee, director_token):
    theme_two = db.session.scalars(select(Theme).where(Theme.number == 2)).one()
    other_priority = theme_two.priorities[0]
    first = make_interaction(employee, subject="eerste opgave")
    second = make_interaction(employee, subject="tweede opgave", priorities=[other_priority])
    client = app.test_client()

    def ids(query):
        body = get(client, "/api/v1/contactmomenten?" + query, director_token).get_json()
        return [item["id"] for item in body["data"]]
    assert ids(f"theme_id={theme_two.id}") == [second.id]
    assert ids(f"priority_id={other_priority.id}") == [second.id]
    assert ids(f"kind={InteractionKind.MEETING.value}") == [first.id, second.id]
    assert ids(f"kind={InteractionKind.CALL.value}") == []
    assert ids("organisation_id=1") == []


@pytest.mark.parametrize("query, parameter", [
    ("since=31-12-2026", "since"), ("until=2026-02-30", "until"), ("since=0001-01-01", "since"),
    ("theme_id=abc", "theme_id"), ("theme_id=0", "theme_id"), ("theme_id=99999999999999999999", "theme_id"),
    ("kind=vergadering", "kind"), ("limit=0", "limit"), ("after=-1", "after"), ("offset=10", "offset"),
    ("limit=1&limit=2", "limit"), ("limit=١٠", "limit"),
])
def test_a_bad_parameter_gets_400_with_a_dutch_message(app, director_token, query, parameter):
    response = get(app.test_client(), "/api/v1/contactmomenten?" + query, director_token)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and body["title"] == "Ongeldig verzoek" and parameter in body["detail"]


def test_key_moments_filter_by_period(app, db, director_token):
    day = date(2027, 3, 15)
    inside = KeyMoment(starts_at=at_local(day, 9), title="Begrotingsbehandeling")
    outside = KeyMoment(starts_at=at_local(day + timedelta(days=40), 9), title="Voorjaarsnota")
    db.session.add_all([inside, outside])
    db.session.commit()
    body = get(app.test_client(), f"/api/v1/belangrijke-momenten?since={day}&until={day}", director_token).get_json()
    assert [item["title"] for item in body["data"]] == ["Begrotingsbehandeling"]
    assert body["data"][0]["starts_at"] == "2027-03-15T08:00:00Z"


# ------------------------------------------------------------ resources, errors

def test_every_resource_answers_with_its_records(app, db, director_token):
    client = app.test_client()
    themes = get(client, "/api/v1/opgaven", director_token).get_json()
    assert len(themes["data"]) == len(db.session.scalars(select(Theme)).all()) > 0
    priority = db.session.scalars(select(Priority).order_by(Priority.id)).first()
    item = get(client, f"/api/v1/prioriteiten/{priority.id}", director_token).get_json()["data"]
    assert item["code"] == priority.code and item["theme_id"] == priority.theme_id
    for path in ("inzet", "organisaties", "contactmomenten", "signaleringen", "belangrijke-momenten"):
        response = get(client, f"/api/v1/{path}", director_token)
        assert response.status_code == 200 and set(response.get_json()) == {"data", "meta", "links"}


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v1/opgaven/999999", 404), ("GET", "/api/v1/bestaat-niet", 404),
    ("GET", "/api/v1/opgaven/99999999999999999999", 404), ("GET", "/api/v1/opgaven/-1", 404),
    ("POST", "/api/v1/opgaven", 405), ("DELETE", "/api/v1/opgaven/1", 405),
])
def test_errors_are_json_never_a_page(app, director_token, method, path, status):
    response = app.test_client().open(path, method=method, headers=bearer(director_token))
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.get_json()["status"] == status


def test_the_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.1")
