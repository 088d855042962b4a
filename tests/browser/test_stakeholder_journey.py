"""Edit the map: a manager puts an organisation and a contact person on a
priority's stakeholder map (krachtenveld), moves one to another attitude and
sees its dot move and the line in the history; a directeur then reads the
movement. Walked with the mouse and again with the keyboard only (the
`person` fixture)."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import flash, heading, log_in, menu
from .test_manager_journey import today

BZK = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
HALSEMA = "Femke Halsema"
PRIORITY = "1.1 Integraal budget voor kinderen in kwetsbare wijken"


# Where the focus is relative to a group: 0 inside it, 1 before it, -1 after it.
FOCUS_TO_GROUP = """(group) => {
  const active = document.activeElement;
  if (group.contains(active)) return 0;
  if (!active || active === document.body) return 1;
  return active.compareDocumentPosition(group) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


def choose_radio(person, group, name) -> None:
    """Picks a radio button of a group: a click, or Tab into the group (the
    browser decides which of its buttons takes the focus) and the arrow keys,
    or Space on the one that has the focus, as a keyboard user does."""
    page = person.page
    target = group.get_by_role("radio", name=name)
    if not person.keyboard:
        target.click()
    else:
        handle = group.element_handle()
        for _ in range(400):
            position = handle.evaluate(FOCUS_TO_GROUP)
            if position == 0:
                break
            page.keyboard.press("Tab" if position > 0 else "Shift+Tab")
        ids = [radio.get_attribute("id") for radio in group.get_by_role("radio").all()]
        focused = page.evaluate("() => document.activeElement.id")
        assert page.evaluate("() => document.activeElement.matches(':focus-visible')"), f"{focused} shows no focus"
        steps = ids.index(target.get_attribute("id")) - ids.index(focused)
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(abs(steps)):
            page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    expect(target).to_be_checked()


def add_stakeholder(person, terms: str, choice: str, influence: str, attitude: str) -> None:
    page = person.page
    main = page.get_by_role("main")
    person.follow(main.get_by_role("link", name="Stakeholder toevoegen"))
    expect(heading(person, "Stakeholder toevoegen")).to_be_visible()
    person.fill(main.get_by_label("Zoek een organisatie of contactpersoon"), terms)
    person.press(main.get_by_role("button", name="Zoeken", exact=True))
    choose_radio(person, page.get_by_role("group", name="Kies wie u toevoegt"), choice)
    choose_radio(person, page.get_by_role("group", name="Invloed op de prioriteit"), influence)
    choose_radio(person, page.get_by_role("group", name="Houding tegenover de inzet van Zaanstad"), attitude)
    person.press(main.get_by_role("button", name="Toevoegen"))


def dot(page, name: str, position: str):
    """The dot of a stakeholder on the map: a link named after it and its place."""
    return page.get_by_role("group", name="Krachtenveld van prioriteit 1.1").get_by_role(
        "link", name=re.compile(f"^{re.escape(name)} .*: {re.escape(position)}$"))


def test_a_manager_edits_the_map_and_a_directeur_reads_the_movement(person, live_server):
    page = person.page
    live_server.add_user(Role.MANAGER, "Mark Manager", "mark@zaanstad.nl")
    live_server.add_user(Role.DIRECTOR, "Dina Directeur", "dina@zaanstad.nl")
    log_in(person, "mark@zaanstad.nl")

    person.follow(menu(person, "Opgaven"))
    person.follow(page.get_by_role("link", name="1. Kansengelijkheid"))
    person.follow(page.get_by_role("link", name=PRIORITY))
    person.follow(page.get_by_role("link", name="Krachtenveld: wie ertoe doet voor deze prioriteit"))
    expect(heading(person, f"Krachtenveld {PRIORITY}")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Er staan nog geen organisaties of contactpersonen")

    # Without a choice the form says so at the search field.
    person.follow(page.get_by_role("main").get_by_role("link", name="Stakeholder toevoegen"))
    person.press(page.get_by_role("main").get_by_role("button", name="Toevoegen"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    search = page.get_by_role("main").get_by_label("Zoek een organisatie of contactpersoon")
    expect(search).to_have_accessible_description(re.compile("Zoek een organisatie of contactpersoon en kies er een."))
    person.follow(page.get_by_role("main").get_by_role("link", name=re.compile("^Krachtenveld 1.1")))

    add_stakeholder(person, "binnenlandse", re.compile(f"^{BZK}"), "Hoog", "Tegen")
    expect(flash(person, f"{BZK} staat op het krachtenveld.")).to_be_visible()
    add_stakeholder(person, "halsema", re.compile(f"^{HALSEMA}"), "Midden", "Voor")
    expect(flash(person, f"{HALSEMA} staat op het krachtenveld.")).to_be_visible()

    ministry = dot(page, BZK, "invloed hoog, tegen")
    expect(ministry).to_be_visible()
    expect(dot(page, HALSEMA, "invloed midden, voor")).to_be_visible()
    table = page.get_by_role("table", name="De stakeholders op de kaart")
    expect(table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{BZK}")))
           .get_by_role("cell")).to_have_text(["organisatie", "Hoog", "Tegen", "—", nl_today(), f"Bewerken {BZK}"])
    before = float(ministry.locator("circle").get_attribute("cx"))

    # From against to neutral: one column to the right, and a line in the history.
    person.follow(table.get_by_role("link", name=f"Bewerken {BZK}"))
    expect(heading(person, f"{BZK} op het krachtenveld")).to_be_visible()
    expect(page.get_by_role("radio", name="Tegen")).to_be_checked()
    choose_radio(person, page.get_by_role("group", name="Houding tegenover de inzet van Zaanstad"), "Neutraal")
    person.fill(page.get_by_label("Korte toelichting"), "Na het werkbezoek van de DG")
    person.press(page.get_by_role("button", name="Opslaan"))
    expect(flash(person, f"De plaats van {BZK} is bijgewerkt.")).to_be_visible()
    moved = dot(page, BZK, "invloed hoog, neutraal")
    expect(moved).to_be_visible()
    expect(dot(page, BZK, "invloed hoog, tegen")).to_have_count(0)
    assert float(moved.locator("circle").get_attribute("cx")) > before
    history = page.get_by_role("table", name="Elke wijziging van het krachtenveld, de nieuwste eerst")
    expect(history.get_by_role("row").nth(1)).to_contain_text(
        re.compile(f"{BZK}.*Gewijzigd.*Hoog.*Tegen → Neutraal.*Na het werkbezoek van de DG.*Mark Manager", re.S))

    # The directeur reads what moved, from the opgave's dashboard, and cannot edit.
    person.press(page.get_by_role("button", name="Uitloggen"))
    log_in(person, "dina@zaanstad.nl")
    person.follow(menu(person, "Dashboard"))
    person.follow(page.get_by_role("link", name="1. Kansengelijkheid").first)
    expect(heading(person, "Dashboard opgave 1: Kansengelijkheid")).to_be_visible()
    person.follow(page.get_by_role("link", name="Krachtenveld 1.1", exact=True))
    expect(page.get_by_role("link", name="Stakeholder toevoegen")).to_have_count(0)
    person.follow(page.get_by_role("link", name="Sinds de vorige wijziging"))
    shifts = page.get_by_role("region", name="Verschuivingen sinds de vorige wijziging")
    expect(shifts).to_contain_text(f"{BZK}: van invloed hoog, tegen naar invloed hoog, neutraal")
    expect(shifts).to_contain_text("door Mark Manager")
    expect(shifts).not_to_contain_text(HALSEMA)
    expect(page.get_by_role("group", name="Krachtenveld van prioriteit 1.1")).to_contain_text("(eerder)")

    person.fill_date(page.get_by_label("Vergelijk met de stand op"), today() - timedelta(days=1))
    person.press(page.get_by_role("button", name="Vergelijken"))
    shifts = page.get_by_role("region", name=re.compile("^Verschuivingen sinds de stand op"))
    expect(shifts).to_contain_text(f"{BZK}: nieuw op de kaart, invloed hoog, neutraal")
    expect(shifts).to_contain_text(f"{HALSEMA}: nieuw op de kaart, invloed midden, voor")


def nl_today() -> str:
    """Today as the table shows a date."""
    from .test_journeys import nl_date
    return nl_date(today())
