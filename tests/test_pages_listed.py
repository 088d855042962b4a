"""Every page of the app is in the accessibility sweep (tests/browser/pages.py).

A GET route must have a row in PAGES (or be the login or first-run page),
or, when it answers with no HTML page (an export, a feed, JSON), a line in
NOT_PAGES saying so; a form's page in FORMS_WITH_ERRORS must be a page too.
A new route without its row fails here, naming it, also where the browser
tests themselves are skipped.
"""

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tracker import create_app

from .browser.pages import ANONYMOUS_PAGES, FIRST_RUN_PAGE, FORMS_WITH_ERRORS, NOT_PAGES, PAGES, ROLES


class AnyId(dict):
    """Fills every {placeholder} of a listed path with something a route accepts."""

    def __missing__(self, key):
        return "1"


@pytest.fixture(scope="module")
def url_map():
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEDULER_ENABLED": False})
    return app.url_map.bind("localhost")


def endpoint_of(url_map, path: str, method: str = "GET") -> str | None:
    try:
        endpoint, _arguments = url_map.match(path.format_map(AnyId()).split("?")[0], method=method)
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


def test_every_get_route_is_in_the_accessibility_sweep(url_map):
    listed = {endpoint_of(url_map, page.path) for page in [*PAGES, *ANONYMOUS_PAGES, FIRST_RUN_PAGE]}
    get_routes = {rule.endpoint for rule in url_map.map.iter_rules() if "GET" in rule.methods}
    missing = sorted(get_routes - listed - NOT_PAGES.keys())
    assert not missing, f"GET routes with no row in tests/browser/pages.py PAGES: {missing}"
    assert not NOT_PAGES.keys() - get_routes, f"NOT_PAGES names routes that are gone: {NOT_PAGES.keys() - get_routes}"
    assert not NOT_PAGES.keys() & listed, f"listed as pages and as no page: {NOT_PAGES.keys() & listed}"


def test_every_listed_page_and_form_is_a_route_of_the_app(url_map):
    # Only the not-found page matches no route, on purpose.
    stale = [page.path for page in [*PAGES, *ANONYMOUS_PAGES] if endpoint_of(url_map, page.path) is None
             and page.status != 404]
    assert not stale, f"PAGES rows that match no GET route: {stale}"
    pages = {page.path for page in [*PAGES, *ANONYMOUS_PAGES, FIRST_RUN_PAGE]}
    stale = [form.path for form in FORMS_WITH_ERRORS if form.path not in pages]
    assert not stale, f"FORMS_WITH_ERRORS rows on a page not in PAGES: {stale}"
    assert all(set(page.roles) <= set(ROLES) for page in PAGES)
