"""The manager's journey: a neglect flag from last week's scan is snoozed
with a reason, and the weekly digest is previewed; walked with the mouse and
again with the keyboard only (the `person` fixture)."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import flash, heading, log_in, menu, nl_date

BZK = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"


def today() -> date:
    """Today where the app and the browser are."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def test_a_manager_snoozes_a_neglect_flag_with_a_reason_and_previews_the_digest(person, live_server):
    page = person.page
    live_server.add_user(Role.MANAGER, "Mark Manager", "mark@zaanstad.nl")
    # Raised by last week's scan: never contacted, tracked for 90 days against a 30-day cadence.
    live_server.add_neglected_organisation("BZK", scanned_on=today() - timedelta(days=7))
    until = today() + timedelta(days=30)
    reason = "Bewust even rust na het bestuurlijk overleg over de woningbouwimpuls."
    log_in(person, "mark@zaanstad.nl")

    person.follow(menu(person, "Aandacht nodig"))
    expect(heading(person, "Aandacht nodig")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("1 signalering")
    flag = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=re.compile(BZK)))
    expect(flag).to_contain_text("nog nooit contact")
    person.follow(flag.get_by_role("link", name=re.compile(BZK)))
    expect(heading(person, "Signalering: organisatie")).to_be_visible()

    # Without a reason the snooze is refused, saying so at the field.
    snooze = page.get_by_role("region", name="Snoozen")
    person.fill_date(snooze.get_by_label("Snoozen tot"), until)
    person.press(snooze.get_by_role("button", name="Snoozen"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    field = page.get_by_label("Reden")
    expect(field).to_have_accessible_description(re.compile("Geef een reden op."))
    person.jump(page.get_by_role("link", name="Reden: Geef een reden op."))
    expect(field).to_be_focused()
    expect(page.get_by_label("Snoozen tot")).to_have_value(until.isoformat())

    person.fill(field, reason)
    person.press(page.get_by_role("region", name="Snoozen").get_by_role("button", name="Snoozen"))
    expect(flash(person, f"De signalering is gesnoozed tot {nl_date(until)}.")).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Gesnoozed")
    expect(details).to_contain_text(reason)
    history = page.get_by_role("list").filter(has_text="Gesignaleerd")
    expect(history.get_by_role("listitem").first).to_contain_text(
        f"Gesnoozed door Mark Manager tot {nl_date(until)}")
    expect(history.get_by_role("listitem").first).to_contain_text(reason)

    # Off the list until then, unless asked for.
    person.follow(page.get_by_role("link", name="Alle signaleringen"))
    expect(page.get_by_role("status")).to_have_text("0 signaleringen")
    person.tick(page.get_by_label("Ook gesnoozede tonen"))
    person.press(page.get_by_role("button", name="Filteren"))
    expect(page.get_by_role("status")).to_have_text("1 signalering")
    expect(page.get_by_role("main").get_by_role("listitem").filter(has_text=BZK)).to_contain_text(
        f"gesnoozed tot {nl_date(until)}")

    # The digest that went out on Monday, as it was sent.
    person.follow(page.get_by_role("link", name=re.compile("Mark Manager · Manager")))
    expect(heading(person, "Mijn instellingen")).to_be_visible()
    expect(page.get_by_label("Stuur mij elke maandag het weekoverzicht")).to_be_checked()
    person.follow(page.get_by_role("link", name="Bekijk mijn weekoverzicht"))
    last_week = (today() - timedelta(days=7)).isocalendar().week
    expect(heading(person, f"Weekoverzicht van Mark Manager, week {last_week}")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Weekoverzicht lobby week")
    mail = page.frame_locator("iframe[title='Het weekoverzicht als e-mail']")
    expect(mail.locator("body")).to_contain_text(BZK)
    # Its inline styles apply: the frame's policy allows each by its hash.
    expect(mail.locator("body")).to_have_css("background-color", "rgb(243, 243, 243)")
    expect(mail.get_by_role("link", name="Snoozen of toewijzen")).to_be_visible()
    person.expand(page.get_by_text("Tekstversie", exact=True))
    text = page.locator("pre")
    expect(text).to_be_visible()
    expect(text).to_contain_text("Nieuwe signaleringen (1)")
    expect(text).to_contain_text(BZK)

    person.follow(page.get_by_role("link", name="Volgende week"))
    this_week = today().isocalendar().week
    expect(heading(person, f"Weekoverzicht van Mark Manager, week {this_week}")).to_be_visible()
    person.expand(page.get_by_text("Tekstversie", exact=True))
    expect(page.locator("pre")).to_contain_text("Nieuwe signaleringen (0)")
