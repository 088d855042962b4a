"""The API against its OpenAPI document: the document names exactly the
routes the app has, and Schemathesis sends generated requests to every
operation and holds each answer against it: no server error, no status and
no body the document does not describe, and no answer without a token."""

import contextvars
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from tracker.api import PREFIX
from tracker.api import service as api
from tracker.api.openapi import document
from tracker.auth.models import Role
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.strategy.models import KeyMoment

# Per operation; with ~15 operations the whole run stays well under a minute.
EXAMPLES = 20


def document_operations(document) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def app_operations(app) -> set[tuple[str, str]]:
    """The API's routes in app.url_map, written as OpenAPI paths."""
    return {(method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
            for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX + "/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_document_names_every_api_route_and_no_other(app, client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    in_app, in_document = app_operations(app), document_operations(document)
    assert in_app - in_document == set(), "routes missing from the OpenAPI document"
    assert in_document - in_app == set(), "operations in the OpenAPI document that the app does not have"
    assert len(in_app) > 10


def test_every_list_documents_its_filters_and_every_path_its_errors(client):
    document = client.get(f"{PREFIX}/openapi.json").get_json()
    for path, item in document["paths"].items():
        operation = item["get"]
        if path.endswith("/openapi.json"):
            assert operation["security"] == []
            continue
        assert {"400", "401"} <= operation["responses"].keys()
        assert ("404" in operation["responses"]) == path.endswith("{item_id}")
    contactmomenten = document["paths"][f"{PREFIX}/contactmomenten"]["get"]
    assert {parameter["name"] for parameter in contactmomenten["parameters"]} >= {
        "limit", "after", "since", "until", "theme_id", "priority_id", "organisation_id", "kind", "level"}
    assert document["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["token"][
            "description"]}


def isolated(app):
    """The app as WSGI callable, each request in a context of its own (as
    tests/conftest.py's RequestClient does): its own database session."""
    def wsgi(environ, start_response):
        from tracker.extensions import db
        db.session.rollback()
        return contextvars.Context().run(app, environ, start_response)
    return wsgi


@pytest.fixture
def api_token(app, db, make_user, make_interaction):
    """A director's token, over data with a confidential contactmoment, a
    follow-up flag and a key moment, so lists are not empty."""
    director = make_user(Role.DIRECTOR)
    interaction = make_interaction(director, subject="Open overleg", follow_ups=[
        ("Nabellen", director, neglect.today())])
    make_interaction(director, subject="Geheim overleg", confidential=True)
    follow_up = interaction.follow_ups[0]
    db.session.add(NeglectFlag(
        subject=FlagSubject.FOLLOW_UP, subject_key=neglect.subject_key(FlagSubject.FOLLOW_UP, follow_up.id),
        follow_up_id=follow_up.id, status=FlagStatus.OPEN, neglected_since=neglect.today(), days_overdue=1,
        owner_id=director.id, theme_ids=[1], priority_ids=[1], engagement_ids=[], raised_on=neglect.today()))
    db.session.add(KeyMoment(starts_at=interaction.occurred_at, title="Algemene beschouwingen"))
    db.session.commit()
    _token, secret = api.create_token(director, "Schemathesis", None, acting=director)
    db.session.commit()
    return secret


CHECKS = [st_checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_schema_conformance,
          openapi_checks.negative_data_rejection, openapi_checks.ignored_auth]
OPERATIONS = sorted((path, method.upper()) for path, item in document()["paths"].items() for method in item)


# schemathesis.pytest.from_fixture() does not run on pytest 9 (it sets the
# removed Node._nodeid), so each operation is a test of its own that draws
# cases from Schemathesis' strategies: those that fit the document and those
# that do not.
# Requests that do not fit the document, for the operations that take parameters.
RUNS = [(path, method, mode) for path, method in OPERATIONS for mode in GenerationMode
        if mode == GenerationMode.POSITIVE or not path.endswith("/openapi.json")]


@pytest.mark.parametrize("path, method, mode", RUNS, ids=[f"{mode} {method} {path}" for path, method, mode in RUNS])
def test_the_api_keeps_to_its_openapi_document(app, api_token, path, method, mode):
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", isolated(app))
    schema.config.update(headers={"Authorization": f"Bearer {api_token}"})
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def keeps_to_it(case):
        case.call_and_validate(checks=CHECKS)

    keeps_to_it()
