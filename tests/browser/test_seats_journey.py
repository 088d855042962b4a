"""The coalition negotiators' seats and the agenda: a manager records that a
bestuurder obtained a seat and adds a key moment that then shows in its
month, with the mouse and with the keyboard only."""

import re
from datetime import date

from babel.dates import format_date
from playwright.sync_api import expect

from tracker.auth.models import Role, User
from tracker.extensions import db

from .test_journeys import flash, heading, log_in, menu, nl_date

SEAT = "Voorzitter G40-themagroep Duurzaamheid"
PRIORITY = "2.2 Achtersluispolder, HOV ZaanIJ en bestaande voorraad"


def add_official(server, name: str, title: str) -> None:
    with server.app.app_context():
        db.session.add(User(name=name, title=title, is_official=True))
        db.session.commit()


def test_a_manager_records_a_seat_and_adds_a_key_moment_to_the_calendar(person, live_server):
    page = person.page
    live_server.add_user(Role.MANAGER, "Mark Manager", "mark@zaanstad.nl")
    add_official(live_server, "Sanne Wethouder", "wethouder Duurzaamheid")
    since = date(2026, 5, 12)
    log_in(person, "mark@zaanstad.nl")

    person.follow(menu(person, "Posities"))
    expect(heading(person, "Posities in gremia")).to_be_visible()
    g40 = page.get_by_role("region", name="VNG en G40")
    row = g40.get_by_role("row", name=re.compile(SEAT))
    expect(row).to_contain_text("Beoogd")
    person.follow(row.get_by_role("link", name=f"Bewerken {SEAT}"))
    expect(heading(person, "Positie bewerken")).to_be_visible()

    # Obtained, but by whom? Refused, with the message at the field.
    person.choose(page.get_by_label("Status"), "Verkregen")
    person.press(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    holder = page.get_by_label("Bestuurder")
    expect(holder).to_have_accessible_description(re.compile("Vul in welke bestuurder deze positie heeft gekregen."))
    person.jump(page.get_by_role("link", name=re.compile("^Bestuurder: ")))
    expect(holder).to_be_focused()

    person.choose(holder, "Sanne Wethouder (wethouder Duurzaamheid)")
    person.fill_date(page.get_by_label("Sinds"), since)
    person.press(page.get_by_role("button", name="Opslaan"))
    expect(flash(person, f"De positie {SEAT} is opgeslagen.")).to_be_visible()
    row = page.get_by_role("region", name="VNG en G40").get_by_role("row", name=re.compile(SEAT))
    expect(row).to_contain_text("Verkregen")
    expect(row).to_contain_text("Sanne Wethouder (wethouder Duurzaamheid)")
    expect(row).to_contain_text(nl_date(since))

    # A key moment this month, linked to a priority; it lands in the calendar.
    day = date.today()
    person.follow(menu(person, "Agenda"))
    expect(heading(person, "Belangrijke momenten")).to_be_visible()
    person.follow(page.get_by_role("main").get_by_role("link", name="Moment toevoegen"))
    expect(heading(person, "Belangrijk moment toevoegen")).to_be_visible()
    person.fill(page.get_by_label("Titel"), "Commissiedebat Wonen en Ruimte")
    person.fill_date(page.get_by_label("Datum"), day)
    person.tick(page.get_by_label(PRIORITY, exact=True))
    person.press(page.get_by_role("button", name="Opslaan"))
    expect(flash(person, "Het belangrijke moment is toegevoegd.")).to_be_visible()
    expect(heading(person, "Commissiedebat Wonen en Ruimte")).to_be_visible()

    person.follow(page.get_by_role("link", name="bekijk de maand in de kalender"))
    month = format_date(day, "LLLL y", locale="nl")
    expect(heading(person, f"Belangrijke momenten in {month}")).to_be_visible()
    calendar = page.get_by_role("table", name=month)
    today_cell = calendar.locator("td[aria-current=date]")
    expect(today_cell).to_contain_text(nl_date(day))
    expect(today_cell.get_by_role("link", name="Commissiedebat Wonen en Ruimte")).to_be_visible()

    person.follow(page.get_by_role("link", name=re.compile("^Volgende maand")))
    expect(page.get_by_role("main").get_by_role("link", name="Commissiedebat Wonen en Ruimte")).to_have_count(0)
