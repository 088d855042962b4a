"""Choosing organisations and contacts by search without JavaScript: the
button "Zoeken" (or Enter in the search box) brings the form back with every
value kept and the matches to tick; with the mouse and with the keyboard only."""

import pytest
from playwright.sync_api import expect

from tracker.auth.models import Role

from .person import Person
from .test_journeys import flash, heading, log_in


@pytest.fixture(params=["muis", "toetsenbord"])
def person_without_javascript(request, context):
    """As with JavaScript switched off for the app: its scripts arrive empty. (The
    browser itself keeps JavaScript, which the accessibility audit needs.)"""
    context.route("**/static/js/*.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body="/* switched off */"))
    return Person(context.new_page(), keyboard=request.param == "toetsenbord")


def test_a_contactmoment_is_logged_with_a_search_picker_without_javascript(person_without_javascript, live_server):
    person = person_without_javascript
    page = person.page
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    log_in(person, "mila@zaanstad.nl")
    person.visit("/contactmomenten/nieuw")
    subject = "Bestuurlijk overleg wonen"
    person.fill(page.get_by_label("Onderwerp"), subject)
    person.fill(page.get_by_label("Samenvatting"), "Over de woningbouwimpuls.")
    person.tick(page.get_by_label("2.2 Achtersluispolder, HOV ZaanIJ en bestaande voorraad", exact=True))

    # Enter in the search box: the form comes back with the matches, nothing is saved.
    organisations = page.get_by_role("group", name="Organisaties", exact=True)
    search = organisations.get_by_label("Zoek een organisatie op naam of afkorting")
    person.fill(search, "binnenlandse")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    expect(organisations.get_by_role("status")).to_have_text("1 gevonden.")
    expect(page.get_by_label("Onderwerp")).to_have_value(subject)
    expect(page.get_by_label("Samenvatting")).to_have_value("Over de woningbouwimpuls.")
    expect(page.get_by_label("2.2 Achtersluispolder, HOV ZaanIJ en bestaande voorraad", exact=True)).to_be_checked()
    bzk = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)"
    person.tick(organisations.get_by_label(bzk))

    # The button "Zoeken": what was ticked stays ticked.
    contacts = page.get_by_role("group", name="Contactpersonen", exact=True)
    person.fill(contacts.get_by_label("Zoek een contactpersoon op naam, functie, organisatie of e-mailadres"),
                "burgemeester amsterdam")
    person.press(contacts.get_by_role("button", name="Zoeken"))
    expect(contacts.get_by_role("status")).to_have_text("1 gevonden.")
    expect(page.get_by_role("group", name="Organisaties", exact=True).get_by_label(bzk)).to_be_checked()
    expect(page.get_by_label("Onderwerp")).to_have_value(subject)
    person.tick(contacts.get_by_label("Femke Halsema, Burgemeester van Amsterdam — Gemeente Amsterdam"))

    person.press(page.get_by_role("button", name="Opslaan", exact=True))
    expect(flash(person, "Het contactmoment is vastgelegd.")).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Femke Halsema")
    expect(details).to_contain_text(bzk)
    expect(details).to_contain_text("Gemeente Amsterdam")  # the contact's organisation comes along

    # Editing it shows the chosen ones ticked, and nothing else.
    person.follow(page.get_by_role("link", name="Bewerken"))
    expect(contacts.get_by_role("checkbox")).to_have_count(1)
    expect(contacts.get_by_label("Femke Halsema, Burgemeester van Amsterdam — Gemeente Amsterdam")).to_be_checked()
    expect(organisations.get_by_role("checkbox", checked=True)).to_have_count(2)
