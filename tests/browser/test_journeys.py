"""The main journeys through the app, each walked with the mouse and again
with the keyboard only (the `person` fixture), on a fresh database."""

import re
from datetime import date, timedelta

from babel.dates import format_date
from playwright.sync_api import expect

from tracker.auth.models import Role

from ..conftest import PASSWORD


def nl_date(day: date) -> str:
    """A date as the app shows it: "ma 14 dec 2026"."""
    return format_date(day, "EEE d MMM y", locale="nl")


def heading(person, text):
    return person.page.get_by_role("heading", level=1, name=text, exact=True)


def flash(person, text):
    """A message shown at the top of the page after something was done."""
    return person.page.get_by_role("status").filter(has_text=text)


def test_the_first_beheerder_is_created_on_a_fresh_database(person, live_server):
    page = person.page
    person.visit("/")
    expect(page).to_have_url(re.compile("/eerste-gebruik$"))
    expect(heading(person, "Welkom bij de Lobbytracker")).to_be_visible()

    person.fill(page.get_by_label("Naam", exact=True), "Bas Beheerder")
    person.fill(page.get_by_label("E-mailadres"), "bas@zaanstad.nl")
    person.fill(page.get_by_label("Wachtwoord", exact=True), PASSWORD)
    person.fill(page.get_by_label("Herhaal het wachtwoord"), "een-ander-wachtwoord-2026")
    person.press(page.get_by_role("button", name="Beheerder aanmaken"))

    # Refused, with the error at the field and a summary that leads there.
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    repeat = page.get_by_label("Herhaal het wachtwoord")
    expect(repeat).to_have_accessible_description(re.compile("De wachtwoorden zijn niet gelijk."))
    person.jump(page.get_by_role("link", name="Herhaal het wachtwoord: De wachtwoorden zijn niet gelijk."))
    expect(repeat).to_be_focused()

    person.fill(page.get_by_label("Wachtwoord", exact=True), PASSWORD)
    person.fill(repeat, PASSWORD)
    person.press(page.get_by_role("button", name="Beheerder aanmaken"))

    expect(heading(person, "Gebruikers en rollen")).to_be_visible()
    expect(flash(person, "Welkom! U bent de eerste beheerder. Voeg nu uw collega's toe.")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Bas Beheerder · Beheerder")
    expect(page.get_by_role("row", name=re.compile("Bas Beheerder"))).to_contain_text("bas@zaanstad.nl")

    # The first-run page is gone for good.
    person.visit("/eerste-gebruik", status=404)
    expect(heading(person, "Pagina niet gevonden")).to_be_visible()


def log_in(person, email):
    page = person.page
    person.visit("/inloggen")
    expect(heading(person, "Inloggen")).to_be_visible()
    person.fill(page.get_by_label("E-mailadres"), email)
    person.fill(page.get_by_label("Wachtwoord"), PASSWORD)
    person.press(page.get_by_role("button", name="Inloggen"))


def menu(person, name):
    return person.page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True)


def test_the_beheerder_adds_a_medewerker_who_can_then_log_in(person, live_server):
    page = person.page
    live_server.add_user(Role.ADMINISTRATOR, "Bas Beheerder", "bas@zaanstad.nl")
    log_in(person, "bas@zaanstad.nl")
    expect(heading(person, "Goedendag, Bas Beheerder")).to_be_visible()

    person.follow(menu(person, "Beheer"))
    expect(heading(person, "Gebruikers en rollen")).to_be_visible()
    person.follow(page.get_by_role("link", name="Gebruiker toevoegen"))
    expect(heading(person, "Gebruiker toevoegen")).to_be_visible()
    person.fill(page.get_by_label("Naam"), "Mila Medewerker")
    person.fill(page.get_by_label("E-mailadres"), "mila@zaanstad.nl")
    person.choose(page.get_by_label("Rol"), "Medewerker")
    person.fill(page.get_by_label("Tijdelijk wachtwoord"), PASSWORD)
    person.press(page.get_by_role("button", name="Opslaan"))

    expect(heading(person, "Gebruikers en rollen")).to_be_visible()
    expect(flash(person, "De gebruiker is aangemaakt.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Mila Medewerker"))
    expect(row.get_by_role("cell")).to_have_text(["Mila Medewerker", "mila@zaanstad.nl", "Medewerker", "ja",
                                                  "Bewerken Mila Medewerker"])

    person.press(page.get_by_role("button", name="Uitloggen"))
    expect(flash(person, "U bent uitgelogd.")).to_be_visible()
    log_in(person, "mila@zaanstad.nl")
    expect(heading(person, "Goedendag, Mila Medewerker")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Mila Medewerker · Medewerker")
    expect(menu(person, "Opgaven")).to_be_visible()
    expect(menu(person, "Beheer")).to_have_count(0)


def test_a_medewerker_logs_a_contactmoment_and_finds_it_everywhere(person, live_server):
    page = person.page
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    subject = "Werkbezoek woningbouw Achtersluispolder"
    follow_up = "Rekensom woningbouw naar BZK sturen"
    due = date.today() + timedelta(days=14)
    log_in(person, "mila@zaanstad.nl")
    expect(page.get_by_role("region", name="Mijn openstaande acties")).to_contain_text("U heeft geen openstaande acties.")

    person.follow(page.get_by_role("main").get_by_role("link", name="Contactmoment vastleggen"))
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    person.fill(page.get_by_label("Onderwerp"), subject)
    person.choose(page.get_by_label("Soort contact"), "Werkbezoek")
    person.choose(page.get_by_label("Niveau"), "Bestuurlijk")
    person.fill(page.get_by_label("Samenvatting"), "Rondgang met de programmamanager van BZK.")
    person.tick(page.get_by_label("1.2 Programma Een thuis voor iedereen", exact=True))
    person.tick(page.get_by_label("2.2 Achtersluispolder, HOV ZaanIJ en bestaande voorraad", exact=True))

    # Organisations and contacts are found by search: typing shows the
    # matches as boxes to tick, a screen reader hears how many were found,
    # what is ticked stays; Enter searches and does not send the form.
    organisations = page.get_by_role("group", name="Organisaties", exact=True)
    options = organisations.get_by_role("checkbox")
    expect(options).to_have_count(0)
    search = organisations.get_by_label("Zoek een organisatie op naam of afkorting")
    announcement = organisations.get_by_role("status")  # a live region: read out by screen readers
    person.fill(search, "binnenlandse")
    expect(options).to_have_count(1)
    expect(announcement).to_have_text("1 gevonden.")
    page.keyboard.press("Enter")
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    bzk = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)"
    person.tick(organisations.get_by_label(bzk))
    person.fill(search, "provincie")
    expect(announcement).to_have_text("1 gevonden.")
    expect(options).to_have_count(2)
    expect(organisations.get_by_label(bzk)).to_be_checked()
    expect(organisations.get_by_label("Provincie Noord-Holland")).not_to_be_checked()

    contacts = page.get_by_role("group", name="Contactpersonen", exact=True)
    person.fill(contacts.get_by_label("Zoek een contactpersoon op naam, functie, organisatie of e-mailadres"),
                "halse")
    expect(contacts.get_by_role("status")).to_have_text("1 gevonden.")
    person.tick(contacts.get_by_label("Femke Halsema, Burgemeester van Amsterdam — Gemeente Amsterdam"))

    person.expand(page.get_by_text("Nieuwe contactpersoon toevoegen"))
    person.fill(page.get_by_label("Naam", exact=True), "Pieter Jansen")
    person.fill(page.get_by_label("Functie (niet verplicht)", exact=True), "Programmamanager woningbouw")
    person.choose(page.get_by_label("Organisatie (niet verplicht)"), bzk)  # among the organisations ticked
    person.fill(page.get_by_label("E-mailadres (niet verplicht)", exact=True), "pieter.jansen@minbzk.nl")

    first_action = page.get_by_role("group", name="Actie 1")
    person.fill(first_action.get_by_label("Afspraak of actie"), follow_up)
    person.choose(first_action.get_by_label("Eigenaar"), "Mila Medewerker")
    person.fill_date(first_action.get_by_label("Uiterlijk"), due)
    person.press(page.get_by_role("button", name="Opslaan"))

    expect(flash(person, "Het contactmoment is vastgelegd.")).to_be_visible()
    expect(heading(person, subject)).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Werkbezoek")
    expect(details).to_contain_text("Bestuurlijk")
    expect(details).to_contain_text("Pieter Jansen, Programmamanager woningbouw")
    expect(details).to_contain_text("Femke Halsema")
    expect(details).to_contain_text(bzk)
    expect(details.get_by_role("listitem")).to_have_text([
        "1.2 Programma Een thuis voor iedereen (Kansengelijkheid)",
        "2.2 Achtersluispolder, HOV ZaanIJ en bestaande voorraad (Verstedelijking)"])
    expect(page.get_by_role("main")).to_contain_text(f"{follow_up} Mila Medewerker · uiterlijk {nl_date(due)} · open")

    # On the organisation's page, the contact's page and the opgave's page.
    person.follow(details.get_by_role("link", name=bzk))
    expect(heading(person, bzk)).to_be_visible()
    history = page.get_by_role("region", name="Historie (1 contactmoment)")
    expect(history.get_by_role("link", name=subject)).to_be_visible()
    expect(history).to_contain_text("door Mila Medewerker")

    person.follow(page.get_by_role("link", name="Pieter Jansen, Programmamanager woningbouw"))
    expect(heading(person, "Pieter Jansen")).to_be_visible()
    expect(page.get_by_role("main").locator("dl")).to_contain_text("Programmamanager woningbouw")
    expect(page.get_by_role("link", name="pieter.jansen@minbzk.nl")).to_be_visible()
    history = page.get_by_role("region", name="Historie (1 contactmoment)")
    expect(history.get_by_role("link", name=subject)).to_be_visible()

    person.follow(menu(person, "Opgaven"))
    person.follow(page.get_by_role("link", name="2. Verstedelijking"))
    expect(heading(person, "Opgave 2: Verstedelijking")).to_be_visible()
    expect(page.get_by_role("region", name="Laatste contactmomenten").get_by_role("link", name=subject)).to_be_visible()
    priority = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("^2.2 ")))
    expect(priority).to_contain_text("1 contactmoment")
    expect(page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("^2.1 ")))
           ).to_contain_text("0 contactmomenten")

    # The follow-up waits on the home page.
    person.follow(menu(person, "Start"))
    actions = page.get_by_role("region", name="Mijn openstaande acties")
    expect(actions.get_by_role("listitem")).to_have_count(1)
    expect(actions).to_contain_text(f"{follow_up} Uiterlijk {nl_date(due)}")
    expect(actions.get_by_role("link", name=subject)).to_be_visible()
    expect(page.get_by_role("region", name="Mijn recente contactmomenten").get_by_role("link", name=subject)
           ).to_be_visible()
