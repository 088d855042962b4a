"""Finding a logged contactmoment, narrowing the list and exporting it; with
the mouse and with the keyboard only (the `person` fixture)."""

import csv
import io
import re

from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import heading, log_in


def test_a_medewerker_finds_a_contactmoment_filters_the_list_and_exports_it(person, live_server):
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    live_server.add_interaction("mila@zaanstad.nl", subject="Werkbezoek houtbouw Poelenburg")
    live_server.add_interaction("mila@zaanstad.nl", subject="Houtbouw en warmtenet")
    page = person.page
    log_in(person, "mila@zaanstad.nl")

    # The search box in the header, on any page; the last word may be unfinished.
    banner = page.get_by_role("banner")
    person.fill(banner.get_by_label("Zoek contactmomenten, contactpersonen en organisaties"), "poelenb")
    person.press(banner.get_by_role("button", name="Zoeken"))
    expect(heading(person, "Zoeken")).to_be_visible()
    results = page.get_by_role("region", name=re.compile("^Contactmomenten"))
    expect(results.get_by_role("link", name="Werkbezoek houtbouw Poelenburg")).to_be_visible()
    expect(results).not_to_contain_text("Houtbouw en warmtenet")
    expect(page.get_by_role("region", name=re.compile("^Contactpersonen"))).to_contain_text(
        "Geen contactpersonen gevonden.")

    # A search the box cannot use: the message at the field.
    person.fill(page.get_by_label("Zoekwoorden"), "?!")
    person.press(page.get_by_role("button", name="Zoeken"))
    expect(page.get_by_label("Zoekwoorden")).to_have_accessible_description(
        re.compile("Vul een of meer woorden in, met letters of cijfers."))

    person.fill(page.get_by_label("Zoekwoorden"), "houtbouw")
    person.press(page.get_by_role("button", name="Zoeken"))
    expect(page.get_by_role("status").filter(has_text="Gevonden:")).to_contain_text("2 contactmomenten")

    # On to the list, with the terms as a filter; narrowed further by the kind.
    person.follow(page.get_by_role("link", name="Deze contactmomenten in de lijst, om te filteren of te exporteren"))
    expect(heading(person, "Contactmomenten")).to_be_visible()
    expect(page.get_by_label("Zoekwoorden")).to_have_value("houtbouw")
    expect(page.get_by_role("status").filter(has_text="contactmomenten")).to_have_text("2 contactmomenten")
    person.choose(page.get_by_label("Soort contact"), "Telefonisch")
    person.press(page.get_by_role("button", name="Filter toepassen"))
    expect(page.get_by_text("Geen contactmomenten gevonden.")).to_be_visible()
    person.choose(page.get_by_label("Soort contact"), "Overleg")
    person.fill(page.get_by_label("Zoekwoorden"), "houtbouw poelenburg")
    person.press(page.get_by_role("button", name="Filter toepassen"))
    expect(page.get_by_role("status").filter(has_text="contactmoment")).to_have_text("1 contactmoment")
    expect(page.get_by_role("link", name="Werkbezoek houtbouw Poelenburg")).to_be_visible()

    # The export holds what the list shows, for Dutch Excel.
    export = page.get_by_role("link", name="CSV (Excel)")
    with page.expect_download() as download:
        if person.keyboard:
            person.tab_to(export)
            page.keyboard.press("Enter")
        else:
            export.click()
    content = download.value.path().read_bytes()
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row[3] for row in rows[1:]] == ["Werkbezoek houtbouw Poelenburg"]
