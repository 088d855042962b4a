"""A medewerker logs a contactmoment from an Outlook invitation and from a
saved e-mail: the file fills in the form, known people are ticked, an
unknown address is added as a new contact, and nothing is stored before
Opslaan. With the mouse and with the keyboard only (the file itself is
chosen with set_input_files, as a file dialog is not part of the page).
Every page reached, the refused upload included, is checked with axe."""

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from tracker.auth.models import Role
from tracker.extensions import db
from tracker.interactions.models import Interaction
from tracker.relations.models import Contact, Organisation

from .test_journeys import flash, heading, log_in, menu

FIXTURES = Path(__file__).parent.parent / "fixtures" / "capture"
BZK = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"


def outlook_file(name: str, mime: str, saved_as: str | None = None) -> dict:
    return {"name": saved_as or name, "mimeType": mime, "buffer": (FIXTURES / name).read_bytes()}


def add_contact(live_server, name: str, email: str, abbreviation: str) -> None:
    with live_server.app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.abbreviation == abbreviation))
        db.session.add(Contact(name=name, email=email, organisation=organisation))
        db.session.commit()


def stored(live_server, model) -> int:
    with live_server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def upload_field(page):
    return page.get_by_label("Uitnodiging of e-mail")


def test_a_medewerker_logs_a_contactmoment_from_an_outlook_invitation(person, live_server):
    page = person.page
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    live_server.add_user(Role.MANAGER, "Mark Manager", "mark@zaanstad.nl")
    add_contact(live_server, "Pieter Bakker", "p.bakker@minbzk.nl", "BZK")
    contacts_before = stored(live_server, Contact)
    log_in(person, "mila@zaanstad.nl")
    person.follow(page.get_by_role("main").get_by_role("link", name="Contactmoment vastleggen"))
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    expect(page.get_by_role("heading", name="Inlezen uit Outlook")).to_be_visible()

    # An Outlook .msg is refused, with the way out, next to the field; the form is as it was.
    upload_field(page).set_input_files({"name": "Overleg.msg", "mimeType": "application/vnd.ms-outlook",
                                        "buffer": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512})
    person.press(page.get_by_role("button", name="Inlezen"))
    expect(upload_field(page)).to_have_accessible_description(
        re.compile("Sla het bericht in Outlook op als .eml"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    expect(page.get_by_label("Onderwerp")).to_have_value("")

    # The meeting request as Outlook saves it.
    upload_field(page).set_input_files(outlook_file("outlook-365-uitnodiging.ics", "text/calendar",
                                                    "Overleg woningbouwimpuls Zaandam-Oost.ics"))
    person.press(page.get_by_role("button", name="Inlezen"))
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="ingevuld uit Overleg woningbouwimpuls Zaandam-Oost.ics")
           ).to_contain_text("er is nog niets opgeslagen")
    expect(page.get_by_label("Onderwerp")).to_have_value("Overleg woningbouwimpuls Zaandam-Oost")
    expect(page.get_by_label("Datum", exact=True)).to_have_value("2026-11-05")
    expect(page.get_by_label("Tijd", exact=True)).to_have_value("14:30")
    expect(page.get_by_label("Soort contact")).to_have_value("overleg")
    expect(page.get_by_label("Samenvatting")).to_have_value(re.compile(r"^Beste collega's,.*Met vriendelijke groet,\nIngrid$",
                                                                        re.S))
    contacts = page.get_by_role("group", name="Contactpersonen", exact=True)
    expect(contacts.get_by_role("checkbox", name=re.compile("^Pieter Bakker"))).to_be_checked()
    colleagues = page.get_by_role("group", name=re.compile("^Wie van Zaanstad"))
    expect(colleagues.get_by_role("checkbox", name=re.compile("^Mila Medewerker"))).to_be_checked()
    expect(colleagues.get_by_role("checkbox", name=re.compile("^Mark Manager"))).to_be_checked()
    assert stored(live_server, Interaction) == 0 and stored(live_server, Contact) == contacts_before

    # Ingrid is unknown: added as a new contact, at BZK as her domain says; Marieke is not ticked.
    ingrid = page.get_by_role("group", name="Ingrid Visser (ingrid.visser@minbzk.nl)")
    expect(ingrid.get_by_label("Organisatie (niet verplicht)")).to_have_value(re.compile(r"^\d+$"))
    person.tick(ingrid.get_by_label("Toevoegen als nieuwe contactpersoon"))
    person.fill(ingrid.get_by_label("Functie"), "Directeur Woningbouw")
    marieke = page.get_by_role("group", name="Marieke de Jong (marieke.dejong@minbzk.nl)")
    expect(marieke.get_by_label("Toevoegen als nieuwe contactpersoon")).not_to_be_checked()
    person.tick(page.get_by_label("1.2 Programma Een thuis voor iedereen", exact=True))
    person.press(page.get_by_role("button", name="Opslaan"))

    expect(flash(person, "Het contactmoment is vastgelegd.")).to_be_visible()
    expect(heading(person, "Overleg woningbouwimpuls Zaandam-Oost")).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Overleg")
    expect(details).to_contain_text("Pieter Bakker")
    expect(details).to_contain_text("Ingrid Visser, Directeur Woningbouw")
    expect(details).to_contain_text("Mark Manager")
    assert "Marieke" not in page.content()

    person.follow(page.get_by_role("link", name="Ingrid Visser, Directeur Woningbouw"))
    expect(heading(person, "Ingrid Visser")).to_be_visible()
    expect(page.get_by_role("link", name="ingrid.visser@minbzk.nl")).to_be_visible()
    expect(page.get_by_role("main").locator("dl")).to_contain_text(BZK)
    history = page.get_by_role("region", name="Historie (1 contactmoment)")
    expect(history.get_by_role("link", name="Overleg woningbouwimpuls Zaandam-Oost")).to_be_visible()


def test_a_medewerker_logs_a_contactmoment_from_a_saved_outlook_email(person, live_server):
    page = person.page
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    add_contact(live_server, "Joël van der Linden", "joel.vanderlinden@minbzk.nl", "BZK")
    log_in(person, "mila@zaanstad.nl")
    person.follow(page.get_by_role("main").get_by_role("link", name="Contactmoment vastleggen"))

    upload_field(page).set_input_files(outlook_file("outlook-email.eml", "message/rfc822",
                                                    "RE Coördinatie regiodeal Zaanstreek.eml"))
    person.press(page.get_by_role("button", name="Inlezen"))
    expect(page.get_by_label("Onderwerp")).to_have_value("Coördinatie regiodeal Zaanstreek – vervolgafspraken")
    expect(page.get_by_label("Soort contact")).to_have_value("e-mail")
    expect(page.get_by_label("Datum", exact=True)).to_have_value("2026-11-10")
    expect(page.get_by_label("Tijd", exact=True)).to_have_value("09:42")
    expect(page.get_by_label("Samenvatting")).to_have_value(re.compile("BZK stuurt vóór 1 december"))
    expect(page.get_by_role("group", name="Contactpersonen", exact=True).get_by_role(
        "checkbox", name=re.compile("^Joël van der Linden"))).to_be_checked()

    # The sender is unknown: named as the contact list names people, added with one tick.
    renee = page.get_by_role("group", name="Renée Başaran (renee.basaran@minbzk.nl)")
    expect(renee.get_by_label("Naam")).to_have_value("Renée Başaran")
    person.tick(renee.get_by_label("Toevoegen als nieuwe contactpersoon"))
    expect(page.get_by_role("group", name="Eva 't Hart (eva.thart@minbzk.nl)")).to_be_visible()
    person.choose(page.get_by_label("Niveau"), "Ambtelijk")
    person.tick(page.get_by_label("1.2 Programma Een thuis voor iedereen", exact=True))
    person.press(page.get_by_role("button", name="Opslaan"))

    expect(flash(person, "Het contactmoment is vastgelegd.")).to_be_visible()
    expect(heading(person, "Coördinatie regiodeal Zaanstreek – vervolgafspraken")).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("E-mail")
    expect(details).to_contain_text("Renée Başaran")
    expect(details).to_contain_text("Joël van der Linden")

    # Found in the list of contactmomenten, and the new contact in the list of contact persons.
    person.follow(menu(person, "Contactmomenten"))
    expect(page.get_by_role("link", name="Coördinatie regiodeal Zaanstreek – vervolgafspraken")).to_be_visible()
    person.follow(menu(person, "Contactpersonen"))
    person.follow(page.get_by_role("main").get_by_role("link", name=re.compile("^Renée Başaran")))
    expect(heading(person, "Renée Başaran")).to_be_visible()
    expect(page.get_by_role("link", name="renee.basaran@minbzk.nl")).to_be_visible()
    # Eva was offered but not ticked: not stored.
    with live_server.app.app_context():
        assert db.session.scalar(select(Contact).where(Contact.email == "eva.thart@minbzk.nl")) is None
