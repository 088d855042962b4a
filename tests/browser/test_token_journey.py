"""A director makes a personal access token for Power BI, sees it once, uses
it on the API and revokes it: with the mouse and with the keyboard only."""

import re

from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import flash, heading, log_in


def api_status(person, token: str) -> int:
    """What the API answers to the token (the browser's cookies go along, and change nothing)."""
    response = person.page.request.get("/api/v1/opgaven", headers={"Authorization": f"Bearer {token}"})
    status = response.status
    assert response.headers["content-type"] == "application/json"
    response.dispose()
    return status


def test_a_token_is_made_shown_once_used_and_revoked(person, live_server):
    page = person.page
    live_server.add_user(Role.DIRECTOR, "Dina Directeur", "dina@zaanstad.nl")
    log_in(person, "dina@zaanstad.nl")

    person.follow(page.get_by_role("link", name=re.compile("mijn instellingen")))
    person.follow(page.get_by_role("link", name="API-tokens"))
    expect(heading(person, "API-tokens")).to_be_visible()
    expect(page.get_by_text("U heeft geen tokens.")).to_be_visible()

    # Without a name: refused, the message at the field, a summary that leads there.
    person.press(page.get_by_role("button", name="Token aanmaken"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    name = page.get_by_label("Naam van het token")
    expect(name).to_have_accessible_description(re.compile("Geef het token een naam"))
    person.jump(page.get_by_role("link", name=re.compile("^Naam van het token:")))
    expect(name).to_be_focused()

    person.fill(name, "Power BI directie")
    person.press(page.get_by_role("button", name="Token aanmaken"))
    expect(page.get_by_role("status").filter(has_text="Kopieer het nu")).to_be_visible()
    shown = page.get_by_label("Uw nieuwe token")
    person.tab_to(shown)  # within reach, to select and copy
    token = shown.input_value()
    assert token.startswith("lt_") and len(token) > 40
    expect(page.get_by_role("row", name=re.compile("Power BI directie"))).to_contain_text("Werkt")

    assert api_status(person, token) == 200

    # Shown once: the page, opened again, lists the token but not its secret.
    person.visit("/instellingen/tokens")
    expect(page.get_by_label("Uw nieuwe token")).to_have_count(0)
    assert token not in page.content()
    row = page.get_by_role("row", name=re.compile("Power BI directie"))
    expect(row).not_to_contain_text("nog niet")  # it was used just now

    person.press(page.get_by_role("button", name="Intrekken: Power BI directie"))
    expect(flash(person, "Het token ‘Power BI directie’ is ingetrokken en werkt niet meer.")).to_be_visible()
    expect(page.get_by_text("U heeft geen tokens.")).to_be_visible()
    assert api_status(person, token) == 401
