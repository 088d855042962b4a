"""Log from the mailbox: a medewerker forwards an Outlook meeting to the
inbound mailbox (a real Dovecot, tests/imap.py), the job reads it, and the
draft waits on her home page: she opens it, finds the form filled in,
saves it, and finds the contactmoment. A second draft she throws away; a
colleague's draft is not hers to see. With the mouse and with the keyboard
only; every page reached is checked with axe."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tracker.auth.models import Role
from tracker.extensions import db
from tracker.relations.models import Contact, Organisation

from .. import mail_samples as samples
from .test_journeys import flash, heading, log_in, menu


def test_log_from_the_mailbox(person, live_server, dovecot):
    page = person.page
    live_server.add_user(Role.EMPLOYEE, "Mila Medewerker", "mila@zaanstad.nl")
    live_server.add_user(Role.MANAGER, "Mark Manager", "mark@zaanstad.nl")
    with live_server.app.app_context():
        bzk = db.session.scalar(select(Organisation).where(Organisation.abbreviation == "BZK"))
        db.session.add(Contact(name="Jan Jansen", email="jan.jansen@minbzk.nl", organisation=bzk))
        db.session.commit()
    live_server.app.config.update(dovecot.settings(), IMAP_ADDRESS=samples.MAILBOX)

    # Mila forwards a meeting from her Outlook calendar and BCCs an e-mail; Mark BCCs one of his.
    dovecot.append(samples.forwarded_meeting())
    dovecot.append(samples.bcc_email())
    mark_subject = "Terugkoppeling bestuurlijk overleg MRA"
    dovecot.append(samples.bcc_email(sender="mark@zaanstad.nl").replace(
        samples.BCC_SUBJECT.encode(), mark_subject.encode()))
    result = live_server.app.test_cli_runner().invoke(args=["fetch-mail"])
    assert result.exit_code == 0 and "3 draft(s), 0 refused" in result.output, result.output
    assert dovecot.messages("INBOX") == [] and len(dovecot.messages("Verwerkt")) == 3

    log_in(person, "mila@zaanstad.nl")
    expect(heading(person, "Goedendag, Mila Medewerker")).to_be_visible()
    drafts = page.get_by_role("region", name="Concepten uit de mailbox")
    expect(drafts).to_contain_text(f"Stuur een uitnodiging of e-mail door naar {samples.MAILBOX}")
    expect(drafts.get_by_role("listitem")).to_have_count(2)
    meeting = drafts.get_by_role("listitem").filter(has_text=samples.INVITATION_SUBJECT)
    expect(meeting).to_contain_text("van Jan Jansen (jan.jansen@minbzk.nl)")
    expect(meeting).to_contain_text("do 26 nov 2026 10:00")
    expect(drafts).not_to_contain_text(mark_subject)

    # The BCC'd e-mail needs no contactmoment: thrown away.
    bcc = drafts.get_by_role("listitem").filter(has_text=samples.BCC_SUBJECT)
    person.press(bcc.get_by_role("button", name=re.compile(rf"^Weggooien\W+{samples.BCC_SUBJECT}$")))
    expect(flash(person, "Het concept is weggegooid.")).to_be_visible()
    expect(drafts.get_by_role("listitem")).to_have_count(1)

    person.follow(meeting.get_by_role("link", name=re.compile(
        rf"^Controleren en vastleggen\W+{samples.INVITATION_SUBJECT}$")))
    expect(heading(person, "Contactmoment vastleggen")).to_be_visible()
    expect(page.get_by_label("Onderwerp")).to_have_value(samples.INVITATION_SUBJECT)
    expect(page.get_by_label("Datum")).to_have_value("2026-11-26")
    expect(page.get_by_label("Tijd", exact=True)).to_have_value("10:00")
    expect(page.get_by_label("Soort contact")).to_have_value("overleg")
    expect(page.get_by_label("Samenvatting")).to_have_value(re.compile("^Bespreking van de woningbouwopgave"))
    contacts = page.get_by_role("group", name="Contactpersonen", exact=True)
    expect(contacts.get_by_role("checkbox", name=re.compile("^Jan Jansen"))).to_be_checked()
    colleagues = page.get_by_role("group", name=re.compile("^Wie van Zaanstad"))
    expect(colleagues.get_by_role("checkbox", name=re.compile("^Mila Medewerker"))).to_be_checked()
    # Petra is unknown: offered as a new contact; the meeting room is nobody.
    expect(page.get_by_role("group", name="Petra de Boer (petra.deboer@minbzk.nl)")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("zaal412@minbzk.nl")

    person.tick(page.get_by_label("1.2 Programma Een thuis voor iedereen", exact=True))
    person.press(page.get_by_role("button", name="Opslaan"))
    expect(flash(person, "Het contactmoment is vastgelegd.")).to_be_visible()
    expect(heading(person, samples.INVITATION_SUBJECT)).to_be_visible()
    details = page.get_by_role("main").locator("dl")
    expect(details).to_contain_text("Overleg")
    expect(details).to_contain_text("Jan Jansen")

    # Home again: the draft is gone, the contactmoment is there.
    person.follow(menu(person, "Start"))
    drafts = page.get_by_role("region", name="Concepten uit de mailbox")
    expect(drafts).to_contain_text("Er staan geen concepten uit de mailbox voor u klaar.")
    expect(page.get_by_role("region", name="Mijn recente contactmomenten").get_by_role(
        "link", name=samples.INVITATION_SUBJECT)).to_be_visible()

    # Mark's draft is not Mila's: its address answers 404.
    with live_server.app.app_context():
        from tracker.capture.models import CaptureDraft
        marks = db.session.scalar(select(CaptureDraft.id).where(CaptureDraft.subject == mark_subject))
    person.visit(f"/contactmomenten/nieuw?concept={marks}", status=404)
