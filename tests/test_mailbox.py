"""The inbound mailbox against a real IMAP server (Dovecot on loopback,
tests/imap.py): colleagues forward or BCC messages to it, the job turns
each into a draft for its sender, moves it out of the inbox, never loses or
reads one twice, and refuses strangers and hostile messages into a folder
of their own. The drafts wait on their owner's home page."""

import imaplib
import re
from datetime import datetime, timezone
from email import message_from_bytes

import pytest
from sqlalchemy import func, select

from tracker.auth.models import Role
from tracker.capture import mailbox
from tracker.capture.models import CaptureDraft, DraftStatus
from tracker.formatting import nl_datetime
from tracker.interactions.models import Interaction
from tracker.scheduler import jobs
from tracker.scheduler.models import JobRun

from . import mail_samples as samples
from .imap import start_dovecot

INBOX, DONE, REJECTED = "INBOX", "Verwerkt", "Geweigerd"


@pytest.fixture
def mailbox_app(app, dovecot):
    app.config.update(dovecot.settings(), IMAP_ADDRESS=samples.MAILBOX)
    return app


def run_mail_job(db, app) -> JobRun:
    """The job as the scheduler runs it: its own app context and session."""
    db.session.rollback()
    run = jobs.inbound_mail_job(app)
    db.session.rollback()
    assert run is not None
    return run


def all_drafts(db) -> list[CaptureDraft]:
    db.session.rollback()
    return list(db.session.scalars(select(CaptureDraft).order_by(CaptureDraft.id)))


def subjects(messages: list[bytes]) -> list[str]:
    return sorted(str(message_from_bytes(raw)["Subject"]) for raw in messages)


def job_runs(db) -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).where(JobRun.job_id == jobs.INBOUND_MAIL).order_by(JobRun.id)))


# --- Every shape of message, and reading it once -------------------------------------------------------------------

def test_forwards_and_bcc_become_drafts_for_their_senders_and_move_to_verwerkt(db, mailbox_app, dovecot,
                                                                                 employee, manager):
    shapes = {
        "meeting": samples.forwarded_meeting(),
        "ics": samples.forwarded_ics(sender="MARK@Zaanstad.nl", subject="Bestuurlijk overleg MRA"),
        "attachment": samples.forwarded_as_attachment(),
        "inline": samples.forwarded_inline(sender="Mark Manager <mark@zaanstad.nl>"),
        "bcc": samples.bcc_email(),
    }
    for raw in shapes.values():
        dovecot.append(raw)
    assert DONE not in dovecot.folders() and REJECTED not in dovecot.folders()

    run = run_mail_job(db, mailbox_app)
    assert run.succeeded, run.message
    assert run.message.startswith("5 concept(en), 0 geweigerd")

    stored = all_drafts(db)
    found = {draft.subject: draft for draft in stored}
    assert sorted(draft.subject for draft in stored) == sorted([
        samples.INVITATION_SUBJECT, "Bestuurlijk overleg MRA", samples.ORIGINAL_SUBJECT, samples.ORIGINAL_SUBJECT,
        samples.BCC_SUBJECT])
    meeting = found[samples.INVITATION_SUBJECT]
    assert meeting.user_id == employee.id and meeting.status == DraftStatus.OPEN
    assert found["Bestuurlijk overleg MRA"].user_id == manager.id  # the From address, whatever its case
    assert found[samples.BCC_SUBJECT].user_id == employee.id
    assert sorted(draft.user_id for draft in stored if draft.subject == samples.ORIGINAL_SUBJECT) == sorted([
        employee.id, manager.id])

    from tracker.capture.drafts import capture_for
    invitation = capture_for(employee, meeting.id)
    assert invitation.kind == "overleg" and invitation.starts_at == samples.INVITATION_STARTS
    assert invitation.organiser.email == "jan.jansen@minbzk.nl"
    assert "petra.deboer@minbzk.nl" in {address.email for address in invitation.attendees}
    bcc = capture_for(employee, found[samples.BCC_SUBJECT].id)
    assert bcc.kind == "e-mail" and [address.email for address in bcc.attendees] == ["jan.jansen@minbzk.nl"]
    [attached] = [draft for draft in stored if draft.subject == samples.ORIGINAL_SUBJECT
                  and draft.user_id == employee.id]
    assert capture_for(employee, attached.id).organiser.email == "jan.jansen@minbzk.nl"
    [inline] = [draft for draft in stored if draft.subject == samples.ORIGINAL_SUBJECT
                and draft.user_id == manager.id]
    # The mailbox's own address (in To) is nobody to offer as a contact.
    assert samples.MAILBOX not in {address.email for address in capture_for(manager, inline.id).attendees}
    # An ordinary forward is read from the headers it quotes: the original's sender and time.
    assert capture_for(manager, inline.id).organiser.email == "jan.jansen@minbzk.nl"
    assert meeting.received_at <= datetime.now(timezone.utc)

    assert dovecot.messages(INBOX) == []
    assert len(dovecot.messages(DONE)) == 5
    assert dovecot.messages(REJECTED) == []

    # A second run finds nothing; the same message again (same Message-ID) is moved, not read again.
    assert run_mail_job(db, mailbox_app).message.startswith("0 concept(en), 0 geweigerd")
    dovecot.append(shapes["meeting"])
    again = run_mail_job(db, mailbox_app)
    assert again.succeeded and "1 al eerder opgeslagen en nu verplaatst" in again.message
    assert len(all_drafts(db)) == 5
    assert dovecot.messages(INBOX) == [] and len(dovecot.messages(DONE)) == 6


def test_a_crash_between_storing_and_moving_makes_no_second_draft(db, mailbox_app, dovecot, employee,
                                                                   monkeypatch):
    dovecot.append(samples.forwarded_meeting())
    moving = mailbox.Connection.move

    def broken_move(self, uid, folder):
        raise imaplib.IMAP4.abort("connection lost while moving")
    monkeypatch.setattr(mailbox.Connection, "move", broken_move)
    failed = run_mail_job(db, mailbox_app)
    assert failed.succeeded is False and "connection lost while moving" in failed.message
    assert len(all_drafts(db)) == 1  # stored (and committed) before the move
    assert len(dovecot.messages(INBOX)) == 1

    monkeypatch.setattr(mailbox.Connection, "move", moving)
    run = run_mail_job(db, mailbox_app)
    assert run.succeeded and run.message.startswith("0 concept(en), 0 geweigerd, 1 al eerder opgeslagen")
    [draft] = all_drafts(db)
    assert draft.user_id == employee.id
    assert dovecot.messages(INBOX) == [] and len(dovecot.messages(DONE)) == 1


@pytest.mark.parametrize("capabilities", ["IMAP4rev1 LITERAL+ UIDPLUS", "IMAP4rev1 LITERAL+"],
                         ids=["copy-uid-expunge", "copy-expunge"])
def test_servers_without_move_get_copy_deleted_and_expunge(db, app, employee, capabilities):
    server = start_dovecot(capabilities)
    try:
        app.config.update(server.settings())
        server.append(samples.bcc_email())
        server.append(samples.forwarded_ics(sender="onbekend@example.org"))
        run = run_mail_job(db, app)
        assert run.succeeded and run.message.startswith("1 concept(en), 1 geweigerd"), run.message
        assert server.messages(INBOX) == []
        assert subjects(server.messages(DONE)) == [samples.BCC_SUBJECT]
        assert subjects(server.messages(REJECTED)) == [f"Doorst: {samples.INVITATION_SUBJECT}"]
        assert len(all_drafts(db)) == 1
    finally:
        server.remove()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_checks_the_certificate_and_then_reads_the_mailbox(db, app, employee, monkeypatch, security):
    server = start_dovecot(tls=True)
    try:
        app.config.update(server.settings(security))
        server.append(samples.bcc_email())
        refused = run_mail_job(db, app)
        assert refused.succeeded is False and "CERTIFICATE_VERIFY_FAILED" in refused.message
        assert all_drafts(db) == []

        # Once the certificate is trusted (here through OpenSSL's SSL_CERT_FILE), the same settings work.
        monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))
        run = run_mail_job(db, app)
        assert run.succeeded and run.message.startswith("1 concept(en)"), run.message
        assert server.messages(INBOX) == [] and len(server.messages(DONE)) == 1
    finally:
        server.remove()


# --- What is refused ----------------------------------------------------------------------------------------------

def test_strangers_and_hostile_messages_go_to_geweigerd_and_make_no_draft(db, mailbox_app, dovecot, employee,
                                                                         make_user, caplog):
    former = make_user(Role.EMPLOYEE, name="Oud Collega", email="oud@zaanstad.nl")
    former.active = False
    db.session.commit()
    refused = {
        "onbekende afzender": samples.forwarded_meeting(sender="Jan Jansen <jan.jansen@minbzk.nl>"),
        "oud@zaanstad.nl": samples.bcc_email(sender="oud@zaanstad.nl"),
        "geen afzender": b"Subject: zonder afzender\r\nMessage-ID: <zonder@example.org>\r\n\r\nTekst\r\n",
        "te groot": samples.huge(),
        "geen leesbare uitnodiging": samples.broken_invitation(),
        "2 verschillende afspraken": samples.two_appointments(),
        "te diep": samples.too_deep(),
    }
    for raw in refused.values():
        dovecot.append(raw)

    caplog.set_level("WARNING", logger="tracker.capture.mailbox")
    run = run_mail_job(db, mailbox_app)
    assert run.succeeded, run.message
    assert run.message.startswith("0 concept(en), 7 geweigerd")
    for reason in ("onbekende afzender", "geen afzender, of meer dan één", "te groot",
                   "Dit bestand is geen leesbare uitnodiging", "2 verschillende afspraken", "te diep"):
        assert reason in run.message, reason
    assert run.message.count("onbekende afzender") == 2  # the stranger, and the colleague who left
    assert "mila@zaanstad.nl: te groot (" in run.message  # not downloaded, but its sender named
    assert len([record for record in caplog.records if "refused" in record.getMessage()]) == 7

    assert all_drafts(db) == []
    assert dovecot.messages(INBOX) == []
    kept = dovecot.messages(REJECTED)
    assert sorted(kept) == sorted(refused.values())  # byte for byte: never lost, never changed
    assert dovecot.messages(DONE) == []


def test_script_in_a_message_is_shown_as_text(db, mailbox_app, dovecot, employee, employee_client):
    dovecot.append(samples.with_script())
    assert run_mail_job(db, mailbox_app).succeeded
    [draft] = all_drafts(db)
    page = employee_client.get("/").text
    assert "&lt;script&gt;alert(&#34;mailbox&#34;)&lt;/script&gt; Overleg &lt;img src=x" in page
    assert "<img src=x" not in page and page.count("<script") == page.count('<script src="/static/')
    assert f"/contactmomenten/nieuw?concept={draft.id}" in page


# --- The server down, and the settings ----------------------------------------------------------------------------

def test_the_server_down_fails_the_run_cleanly_and_the_next_run_catches_up(db, mailbox_app, dovecot, employee,
                                                                          employee_client, admin_client, runner):
    dovecot.append(samples.bcc_email())
    dovecot.stop()
    failed = run_mail_job(db, mailbox_app)
    assert failed.succeeded is False and failed.finished_at is not None
    assert "niet bereikbaar" in failed.message and "ConnectionRefusedError" in failed.message
    assert all_drafts(db) == []
    page = admin_client.get("/beheer/taken")
    assert page.status_code == 200, page.text
    assert "Mailbox voor concepten (elke 5 minuten)" in page.text and "mislukt: MailboxError: IMAP-server" in page.text
    assert employee_client.get("/").status_code == 200

    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 1 and "niet bereikbaar" in result.output and "stay in the mailbox" in result.output

    dovecot.start()
    run = run_mail_job(db, mailbox_app)
    assert run.succeeded and run.message.startswith("1 concept(en)")
    assert [draft.subject for draft in all_drafts(db)] == [samples.BCC_SUBJECT]
    assert [run.succeeded for run in job_runs(db)] == [False, True]

    dovecot.append(samples.forwarded_meeting())
    dovecot.append(samples.forwarded_meeting(sender="jan.jansen@minbzk.nl"))
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert "1 draft(s), 1 refused" in result.output
    assert "Refused (moved to Geweigerd): jan.jansen@minbzk.nl" in result.output
    assert len(all_drafts(db)) == 2


def test_wrong_credentials_fail_the_run(db, mailbox_app, dovecot):
    mailbox_app.config["IMAP_PASSWORD"] = "fout"
    run = run_mail_job(db, mailbox_app)
    assert run.succeeded is False and "inloggen als 'lobbytracker@zaanstad.nl' geweigerd" in run.message


@pytest.mark.parametrize("settings, message", [
    ({"IMAP_SECURITY": "none", "IMAP_HOST": "imap.zaanstad.nl"}, "only allowed for a loopback address"),
    ({"IMAP_SECURITY": "plain"}, "IMAP_SECURITY must be one of ssl, starttls, none"),
    ({"IMAP_DONE_FOLDER": "inbox"}, "three different folders"),
])
def test_unsafe_or_wrong_settings_are_refused(app, settings, message):
    config = {"IMAP_HOST": "127.0.0.1", **settings}
    with pytest.raises(mailbox.MailboxError, match=message):
        mailbox.Settings.from_config({**app.config, **config})


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("[::1]", True),
                                            ("localhost", True), ("127.8.0.1", True), ("10.0.0.1", False),
                                            ("imap.zaanstad.nl", False), ("localhost.evil.example", False)])
def test_only_loopback_counts_as_loopback(host, loopback):
    assert mailbox.is_loopback(host) is loopback


def test_without_imap_host_nothing_is_scheduled_or_read(app, runner, admin_client):
    assert not app.config["IMAP_HOST"]
    scheduler = jobs.create_scheduler(app)
    assert scheduler.get_job(jobs.INBOUND_MAIL) is None
    assert "Mailbox voor concepten" not in admin_client.get("/beheer/taken").text
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 1 and "IMAP_HOST is not set" in result.output

    app.config["IMAP_HOST"] = "imap.zaanstad.nl"
    scheduler = jobs.create_scheduler(app)
    job = scheduler.get_job(jobs.INBOUND_MAIL)
    assert job is not None and job.trigger.interval.total_seconds() == 300
    assert "Mailbox voor concepten (elke 5 minuten)" in admin_client.get("/beheer/taken").text


def test_folder_names_are_sent_in_modified_utf7():
    assert mailbox.imap_utf7("Verwerkt") == "Verwerkt"
    assert mailbox.imap_utf7("Geweigerd & co") == "Geweigerd &- co"
    assert mailbox.imap_utf7("Geïmporteerd") == "Ge&AO8-mporteerd"  # RFC 3501's example style
    assert mailbox.quoted('Map "x"') == '"Map \\"x\\""'


def test_folders_with_accents_are_made_and_used(db, app, dovecot, employee):
    app.config.update(dovecot.settings(), IMAP_DONE_FOLDER="Geïmporteerd & verwerkt")
    dovecot.append(samples.bcc_email())
    assert run_mail_job(db, app).succeeded
    with dovecot.client() as client:
        status, _ = client.select('"Ge&AO8-mporteerd &- verwerkt"', readonly=True)
        assert status == "OK"
        assert client.uid("SEARCH", "ALL")[1][0].split() != []


# --- The home page: own drafts only, confirm and discard ----------------------------------------------------------

@pytest.fixture
def two_drafts(db, mailbox_app, dovecot, employee, manager):
    dovecot.append(samples.forwarded_meeting())
    dovecot.append(samples.bcc_email(sender="mark@zaanstad.nl"))
    assert run_mail_job(db, mailbox_app).succeeded
    mine = db.session.scalar(select(CaptureDraft).where(CaptureDraft.user_id == employee.id))
    theirs = db.session.scalar(select(CaptureDraft).where(CaptureDraft.user_id == manager.id))
    return mine, theirs


def draft_links(page: str) -> list[int]:
    return [int(found) for found in re.findall(r"/contactmomenten/nieuw\?concept=(\d+)", page)]


def test_drafts_show_on_their_owners_home_page_only(app, two_drafts, employee_client, manager_client, director_client):
    mine, theirs = two_drafts
    page = employee_client.get("/").text
    assert "Concepten uit de mailbox" in page
    assert draft_links(page) == [mine.id]
    assert samples.INVITATION_SUBJECT in page and samples.BCC_SUBJECT not in page
    assert "van Jan Jansen (jan.jansen@minbzk.nl)" in page
    with app.test_request_context():
        assert f"Op {nl_datetime(samples.INVITATION_STARTS)}" in page
    assert f'action="/concepten/{mine.id}/weggooien"' in page
    assert f"door naar {samples.MAILBOX}" in page

    other = manager_client.get("/").text
    assert draft_links(other) == [theirs.id] and samples.INVITATION_SUBJECT not in other
    assert "Er staan geen concepten uit de mailbox voor u klaar." in director_client.get("/").text


def test_without_a_mailbox_the_home_page_has_no_drafts_section(employee_client):
    assert "Concepten uit de mailbox" not in employee_client.get("/").text


def test_confirming_a_draft_stores_the_contactmoment_and_the_draft_leaves(db, two_drafts, employee,
                                                                          employee_client, priority):
    mine, _theirs = two_drafts
    form = employee_client.get(f"/contactmomenten/nieuw?concept={mine.id}")
    assert form.status_code == 200
    assert f'value="{samples.INVITATION_SUBJECT}"' in form.text
    assert 'value="2026-11-26"' in form.text and 'value="10:00"' in form.text

    response = employee_client.post(f"/contactmomenten/nieuw?concept={mine.id}", data={
        "occurred_on": "2026-11-26", "occurred_time": "10:00", "kind": "overleg", "level": "ambtelijk",
        "subject": samples.INVITATION_SUBJECT, "summary": "Bespreking van de woningbouwopgave in Zaandam.",
        "priority_ids": [str(priority.id)], "draft_id": str(mine.id),
        "follow_ups-0-description": "", "follow_ups-1-description": ""})
    assert response.status_code == 302, response.text
    db.session.rollback()
    interaction = db.session.scalar(select(Interaction).where(Interaction.subject == samples.INVITATION_SUBJECT))
    assert interaction is not None and interaction.author_id == employee.id
    draft = db.session.get(CaptureDraft, mine.id)
    assert draft.status == DraftStatus.CONFIRMED and draft.interaction_id == interaction.id
    page = employee_client.get("/").text
    assert draft_links(page) == [] and "Er staan geen concepten uit de mailbox voor u klaar." in page
    assert employee_client.get(f"/contactmomenten/nieuw?concept={mine.id}").status_code == 404


def test_someone_elses_draft_is_not_found(db, two_drafts, employee_client):
    _mine, theirs = two_drafts
    assert employee_client.get(f"/contactmomenten/nieuw?concept={theirs.id}").status_code == 404
    assert employee_client.post(f"/concepten/{theirs.id}/weggooien").status_code == 404
    assert employee_client.post("/concepten/999999/weggooien").status_code == 404
    db.session.rollback()
    assert db.session.get(CaptureDraft, theirs.id).status == DraftStatus.OPEN


def test_discarding_a_draft(db, two_drafts, employee_client):
    mine, _theirs = two_drafts
    response = employee_client.post(f"/concepten/{mine.id}/weggooien", follow_redirects=True)
    assert response.status_code == 200 and "Het concept is weggegooid." in response.text
    assert draft_links(response.text) == []
    db.session.rollback()
    draft = db.session.get(CaptureDraft, mine.id)
    assert draft.status == DraftStatus.DISCARDED and draft.decided_at is not None
    assert employee_client.post(f"/concepten/{mine.id}/weggooien").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 0


def test_the_home_page_costs_the_same_queries_with_many_drafts(db, app, employee, employee_client):
    from sqlalchemy import event

    from tracker.capture import drafts
    from tracker.capture.parse import Address, Capture

    def queries() -> int:
        count = 0

        def counter(*args):
            nonlocal count
            count += 1
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert employee_client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count

    def add(number: int):
        for index in range(number):
            capture = Capture(subject=f"Overleg {index}", starts_at=None, kind="e-mail", summary="",
                              organiser=Address("jan.jansen@minbzk.nl", "Jan Jansen"))
            drafts.add_draft(employee, drafts.message_key(f"<{index}-{number}@x>", b""), f"<{index}@x>",
                             datetime.now(timezone.utc), capture)
        db.session.commit()

    add(1)
    few = queries()
    add(30)
    assert queries() == few
