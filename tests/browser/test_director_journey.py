"""A directeur reads an opgave's dashboard, changes the period and exports
it, with the mouse and again with the keyboard only (the `person` fixture)."""

import re
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import heading, log_in, menu, nl_date


def priority_row(page, code: str):
    """The cells (after its heading) of a priority's row in the table of priorities."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{re.escape(code)} ")))
    return row.get_by_role("cell")


def test_a_directeur_reads_an_opgave_changes_the_period_and_exports_it(person, live_server):
    page = person.page
    live_server.add_user(Role.DIRECTOR, "Dina Directeur", "dina@zaanstad.nl")
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    live_server.add_interaction("mila@zaanstad.nl", subject="Overleg over kwetsbare wijken", organisation_ids=[1],
                                priority_ids=[1])
    yesterday = date.today() - timedelta(days=1)
    log_in(person, "dina@zaanstad.nl")

    person.follow(menu(person, "Dashboard"))
    expect(heading(person, "De strategie in één oogopslag")).to_be_visible()
    matrix = page.get_by_role("table", name=re.compile("^Contactmomenten van "))
    expect(matrix.get_by_role("link", name="1 contactmoment over Kansengelijkheid in Rijk")).to_have_text("1")

    person.follow(matrix.get_by_role("link", name="1. Kansengelijkheid"))
    expect(heading(person, "Dashboard opgave 1: Kansengelijkheid")).to_be_visible()
    # Status, 4, 13 and 52 weeks, the period, the last contact, open flags, open follow-ups.
    expect(priority_row(page, "1.1")).to_have_text(["geen status", "1", "1", "1", "1", nl_date(yesterday), "0", "1"])
    ministry = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"))
    expect(ministry).to_contain_text("Aandacht nodig")
    expect(ministry).to_contain_text("geen bestuurlijk contact in 90 dagen")
    expect(page.get_by_role("img", name="Contactmomenten per week over opgave 1")).to_be_visible()

    # Last year's first half: before the contactmoment.
    first, last = date(date.today().year - 1, 1, 1), date(date.today().year - 1, 6, 30)
    person.fill_date(page.get_by_label("Vanaf", exact=True), first)
    person.fill_date(page.get_by_label("Tot en met", exact=True), last)
    person.press(page.get_by_role("button", name="Toon"))
    expect(heading(person, "Dashboard opgave 1: Kansengelijkheid")).to_be_visible()
    expect(page.get_by_text(f"Periode: {nl_date(first)} t/m {nl_date(last)}")).to_be_visible()
    expect(priority_row(page, "1.1")).to_have_text(["geen status", "0", "0", "0", "0", "nog geen", "0", "1"])

    export = page.get_by_role("link", name="Exporteren naar Excel")
    with page.expect_download() as download:
        if person.keyboard:
            person.tab_to(export)
            page.keyboard.press("Enter")
        else:
            export.click()
    assert download.value.suggested_filename == f"dashboard-opgave-1-{first}-{last}.xlsx"
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    about = {row[0]: row[1] for row in book["Overzicht"].iter_rows(min_row=2, values_only=True)}
    assert about["Periode vanaf"].date() == first and about["Periode tot en met"].date() == last
    priorities = {row[0]: row for row in book["Prioriteiten"].iter_rows(min_row=2, values_only=True)}
    assert priorities["1.1"][5:12] == (0, 0, 0, 0, None, 0, 1)
    weeks = list(book["Per week"].iter_rows(min_row=2, values_only=True))
    assert weeks[0][0].date() == first - timedelta(days=first.weekday()) and sum(row[4] for row in weeks) == 0
