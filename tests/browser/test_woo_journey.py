"""A beheerder answers a Woo request with one export, and anonymises a
contact after the retention review: with the mouse and with the keyboard only."""

import io
import re
import zipfile
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tracker.auth.models import Role
from tracker.avg.service import list_for_review
from tracker.extensions import db
from tracker.neglect import service as neglect
from tracker.relations.models import Contact

from .test_journeys import flash, heading, log_in, menu


def download(person, button):
    """Presses a button whose answer is a file; returns the file's bytes."""
    page = person.page
    with page.expect_download() as event:
        if person.keyboard:
            person.tab_to(button)
            page.keyboard.press("Space")
        else:
            button.click()
    return event.value.path().read_bytes(), event.value.suggested_filename


def test_a_beheerder_answers_a_woo_request_with_one_export(person, live_server):
    page = person.page
    live_server.add_user(Role.ADMINISTRATOR, "Bas Beheerder", "bas@zaanstad.nl")
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    live_server.add_interaction("mila@zaanstad.nl", subject="Woningbouw Achtersluispolder")
    live_server.add_interaction("mila@zaanstad.nl", subject="Verkeer en vervoer")
    log_in(person, "bas@zaanstad.nl")

    person.follow(menu(person, "Woo en AVG"))
    expect(heading(person, "Woo-export")).to_be_visible()
    person.fill(page.get_by_label("Zoektermen"), "woningbouw")
    person.tick(page.get_by_label("Namen vervangen door functies"))
    content, filename = download(person, page.get_by_role("button", name="Export maken"))
    assert re.fullmatch(r"woo-export-\d+-\d{8}-\d{4}\.zip", filename)
    archive = zipfile.ZipFile(io.BytesIO(content))
    [document] = [name for name in archive.namelist() if name.startswith("documenten/")]
    text = archive.read(document).decode("utf-8")
    assert "Onderwerp: Woningbouw Achtersluispolder" in text
    # Sanne de Vries (Beleidsadviseur) is no public figure; Mila neither.
    assert "Sanne de Vries" not in text and "[functie: Beleidsadviseur," in text
    assert "Mila Medewerker" not in text
    inventory = archive.read("inventarislijst.csv").decode("utf-8-sig").splitlines()
    assert inventory[1].startswith("1;" + document + ";")

    person.follow(page.get_by_role("navigation", name="Woo en AVG").get_by_role("link", name="Exportlogboek"))
    expect(heading(person, "Exportlogboek")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Bas Beheerder"))
    expect(row).to_contain_text("woningbouw")
    expect(row.get_by_role("cell").last).to_have_text("1")


def test_a_beheerder_anonymises_a_contact_after_the_retention_review(person, live_server):
    page = person.page
    live_server.add_user(Role.ADMINISTRATOR, "Bas Beheerder", "bas@zaanstad.nl")
    with live_server.app.app_context():
        contact = Contact(name="Otto Oudgediende", function="beleidsadviseur", email="otto@voorbeeld.nl",
                          created_at=datetime.now(timezone.utc) - timedelta(days=6 * 366))
        db.session.add(contact)
        db.session.flush()
        contact_id = contact.id
        assert list_for_review(neglect.today(), 5).listed == 1
        db.session.commit()
    log_in(person, "bas@zaanstad.nl")

    person.follow(menu(person, "Woo en AVG"))
    person.follow(page.get_by_role("navigation", name="Woo en AVG").get_by_role("link", name="Bewaartermijn"))
    expect(heading(person, "Bewaartermijn")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Nog nooit een contactmoment")
    person.follow(page.get_by_role("link", name="Anonimiseren Otto Oudgediende"))
    expect(heading(person, "Contactpersoon anonimiseren")).to_be_visible()

    # Without a reason: refused, with the message at the field.
    person.press(page.get_by_role("button", name="Definitief anonimiseren"))
    expect(page.get_by_role("alert")).to_contain_text("Het formulier is niet opgeslagen")
    reason = page.get_by_label("Reden")
    expect(reason).to_have_accessible_description(re.compile("Vul de reden in."))
    person.fill(reason, "Bewaartermijn van vijf jaar verstreken")
    person.press(page.get_by_role("button", name="Definitief anonimiseren"))

    expect(flash(person, "De contactpersoon is geanonimiseerd; de contactmomenten blijven bewaard.")).to_be_visible()
    expect(heading(person, f"AVG: Geanonimiseerd contact {contact_id}")).to_be_visible()
    expect(page.get_by_role("region", name="AVG-handelingen")).to_contain_text(
        "anonimisering door Bas Beheerder · Bewaartermijn van vijf jaar verstreken")
    person.follow(menu(person, "Woo en AVG"))
    person.follow(page.get_by_role("navigation", name="Woo en AVG").get_by_role("link", name="Bewaartermijn"))
    expect(page.get_by_role("main")).to_contain_text("Er wacht niemand op een besluit.")
    with live_server.app.app_context():
        contact = db.session.get(Contact, contact_id)
        assert contact.email is None and contact.name == f"Geanonimiseerd contact {contact_id}"
