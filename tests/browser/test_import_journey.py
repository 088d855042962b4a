"""A beheerder imports a list of contact persons: a file with a mistake is
refused with the reason per row, the corrected one is previewed, confirmed
and the contact found; with the mouse and with the keyboard only (the file
itself is chosen with set_input_files, as a file dialog is not part of the page)."""

import re

from playwright.sync_api import expect

from tracker.auth.models import Role

from .test_journeys import heading, log_in, menu

BZK = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"


def csv_file(name: str, lines: list[str]) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": ("\ufeff" + "\r\n".join(lines)).encode()}


def test_a_beheerder_imports_contacts_after_a_preview(person, live_server):
    page = person.page
    live_server.add_user(Role.ADMINISTRATOR, "Bas Beheerder", "bas@zaanstad.nl")
    log_in(person, "bas@zaanstad.nl")
    person.follow(menu(person, "Beheer"))
    person.follow(page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Importeren"))
    expect(heading(person, "Contactpersonen en organisaties importeren")).to_be_visible()
    expect(page.get_by_role("link", name="Sjabloon voor contactpersonen downloaden (CSV)")).to_be_visible()
    expect(page.get_by_role("radio", name="Contactpersonen")).to_be_checked()

    # A file with a mistake: the preview says which row and why, and offers no import.
    headings = "naam;functie;organisatie;e-mail"
    page.get_by_label("Bestand", exact=True).set_input_files(csv_file("contacten.csv", [
        headings, "Sanne de Vries;Beleidsadviseur wonen;BZK;sanne.devries@minbzk.nl",
        "Pieter Jansen;Kamerlid;;pieter@"]))
    person.press(page.get_by_role("button", name="Voorbeeld bekijken"))
    expect(heading(person, "Voorbeeld van de import")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Dit bestand kan niet worden geïmporteerd: 1 regel is afgewezen.")
    rows = page.get_by_role("table", name="Per regel van het bestand").get_by_role("row")
    expect(rows.filter(has_text="Pieter Jansen")).to_contain_text("Afgewezen")
    expect(rows.filter(has_text="Pieter Jansen")).to_contain_text("E-mailadres ongeldig: ‘pieter@’")
    expect(page.get_by_role("button", name=re.compile("importeren"))).to_have_count(0)

    # The corrected file: two new contacts, imported on confirmation.
    person.follow(page.get_by_role("link", name="Verbeterd bestand uploaden"))
    page.get_by_label("Bestand", exact=True).set_input_files(csv_file("contacten.csv", [
        headings, "Sanne de Vries;Beleidsadviseur wonen;BZK;sanne.devries@minbzk.nl",
        "Pieter Jansen;Kamerlid;;pieter@tweedekamer.nl"]))
    person.press(page.get_by_role("button", name="Voorbeeld bekijken"))
    expect(heading(person, "Voorbeeld van de import")).to_be_visible()
    expect(rows.filter(has_text="Sanne de Vries")).to_contain_text("Nieuw")
    expect(rows.filter(has_text="Sanne de Vries")).to_contain_text("e-mail: sanne.devries@minbzk.nl")
    person.press(page.get_by_role("button", name="2 regels importeren"))

    expect(heading(person, "Import voltooid")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="contacten.csv is geïmporteerd: 2 nieuw, 0 bijgewerkt")
           ).to_be_visible()
    person.follow(page.get_by_role("main").get_by_role("link", name="Sanne de Vries"))
    expect(heading(person, "Sanne de Vries")).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Beleidsadviseur wonen")
    expect(details).to_contain_text(BZK)

    # The same file again changes nothing: everything in it is there already.
    person.follow(menu(person, "Beheer"))
    person.follow(page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Importeren"))
    page.get_by_label("Bestand", exact=True).set_input_files(csv_file("contacten.csv", [
        headings, "Sanne de Vries;Beleidsadviseur wonen;BZK;SANNE.DEVRIES@minbzk.nl"]))
    person.press(page.get_by_role("button", name="Voorbeeld bekijken"))
    expect(rows.filter(has_text="Sanne de Vries")).to_contain_text("Ongewijzigd")
    expect(page.get_by_role("status").filter(has_text="Er is niets te importeren")).to_be_visible()
