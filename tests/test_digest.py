"""The weekly digest: who gets it, what it says, and delivery through a real
SMTP server on loopback (aiosmtpd), including a server that is down."""

import re
import socket
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tracker.auth.models import Role, User
from tracker.database import utcnow
from tracker.digest import outbox
from tracker.digest.models import OutboxMessage, OutboxStatus
from tracker.digest.weeks import Week
from tracker.neglect import service as neglect
from tracker.neglect.models import NeglectFlag
from tracker.relations.models import Organisation
from tracker.strategy import service as strategy
from tracker.strategy.models import KeyMoment, PriorityStatus, Theme

from .conftest import PASSWORD

BASE_URL = "https://lobby.zaanstad.example"
ZONE = ZoneInfo("Europe/Amsterdam")
# The conftest's users hash with scrypt (a quarter second each); a
# one-round hash logs in just the same and keeps these tests fast.
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


# --- Fixtures and helpers ----------------------------------------------------------------------------------------

@pytest.fixture
def person(db):
    def make(role=Role.EMPLOYEE, name=None, *, wants_digest=None, email=None) -> User:
        number = db.session.scalar(select(func.count()).select_from(User)) + 1
        user = User(name=name or f"{role.value.title()} {number}", role=role, wants_digest=wants_digest,
                    email=email or f"{role.value}{number}@zaanstad.nl", password_hash=QUICK_HASH)
        db.session.add(user)
        db.session.commit()
        return user
    return make


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class MailServer:
    """An SMTP server on loopback that keeps what it receives."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[Received] = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      BytesParser(policy=policy.default).parsebytes(envelope.original_content)))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [item.message for item in self.received if item.rcpt_tos == [address]]


@pytest.fixture
def mail_server(app):
    server = MailServer(free_port())
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, BASE_URL=BASE_URL)
    yield server
    server.stop()


def local(day, hour=10, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def theme(db, number: int) -> Theme:
    return db.session.scalars(select(Theme).where(Theme.number == number)).one()


def organisation(db, name: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def outbox_rows(db) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The plain text and HTML of a message, with the wire's CRLF as newlines."""
    return tuple(message.get_body(preferencelist=(kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))


def links(text: str, html: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text) + re.findall(r'href="([^"]*)"', html)


# --- The content of the digest -----------------------------------------------------------------------------------

@pytest.fixture
def last_week(app):
    return Week.last_finished(neglect.today())


@pytest.fixture
def busy_week(db, person, make_interaction, last_week, monkeypatch):
    """Contactmomenten in the last finished week and the twelve weeks before,
    follow-ups, key moments and a status change, with known numbers."""
    manager = person(Role.MANAGER, "Mark Manager")
    reader = person(Role.EMPLOYEE, "Mila Medewerker", wants_digest=True)
    colleague = person(Role.EMPLOYEE, "Kees Collega")
    equality, urbanisation = theme(db, 1), theme(db, 2)
    p1, p2 = equality.priorities[0], urbanisation.priorities[0]
    monday = last_week.monday

    make_interaction(manager, subject="Werkbezoek minister Poelenburg", priorities=[p1],
                     occurred_at=local(monday + timedelta(days=1)),
                     follow_ups=[("Notitie sturen aan BZK", reader, monday + timedelta(days=3)),
                                 ("Reactie op de motie", reader, last_week.next_monday + timedelta(days=10))])
    make_interaction(colleague, subject="Regiodeal Zaanstreek", priorities=[p1, p2],
                     occurred_at=local(monday + timedelta(days=2)))
    make_interaction(colleague, subject="Vertrouwelijk gesprek wethouder", priorities=[p1], confidential=True,
                     occurred_at=local(monday + timedelta(days=3)),
                     follow_ups=[("Geheime afspraak nabellen", colleague, monday + timedelta(days=4))])
    make_interaction(colleague, subject="Vertrouwelijk overleg woningbouw", priorities=[p2], confidential=True,
                     participants=[reader], occurred_at=local(monday + timedelta(days=6), 23, 30))
    # Six on opgave 1 in the twelve weeks before: an average of 0,5 a week.
    for weeks_back in (1, 3, 5, 7, 9, 12):
        make_interaction(colleague, subject=f"Eerder overleg {weeks_back}", priorities=[p1],
                         occurred_at=local(monday - timedelta(weeks=weeks_back), 0, 30))
    make_interaction(colleague, subject="Te oud overleg", priorities=[p1],
                     occurred_at=local(monday - timedelta(weeks=12, days=1), 23, 0))

    db.session.add_all([
        KeyMoment(title="Commissiedebat Volkshuisvesting", priorities=[p2],
                  starts_at=local(last_week.next_monday + timedelta(days=2), 14)),
        KeyMoment(title="Begrotingsbehandeling BZK", priorities=[p1],
                  starts_at=local(last_week.next_monday + timedelta(days=15), 14)),
    ])
    with monkeypatch.context() as patch:
        patch.setattr(strategy, "utcnow", lambda: local(monday + timedelta(days=2), 12))
        strategy.set_priority_status(p1, PriorityStatus.AT_RISK, "Kabinet stelt het besluit uit", manager)
    strategy.set_priority_status(p2, PriorityStatus.ON_TRACK, "Nieuwe ronde deze week", manager)
    db.session.commit()
    return {"manager": manager, "reader": reader, "colleague": colleague, "p1": p1,
            "themes": (equality, urbanisation)}


def test_send_digests_mails_each_recipient_once_with_last_weeks_numbers(
        db, runner, mail_server, busy_week, last_week, person):
    manager, reader = busy_week["manager"], busy_week["reader"]
    equality, urbanisation = busy_week["themes"]
    opted_out = person(Role.MANAGER, "Olga Afgemeld", wants_digest=False)

    result = runner.invoke(args=["send-digests", "--week", str(last_week)])
    assert result.exit_code == 0, result.output
    assert f"Week {last_week}: 2 digest(s) queued." in result.output
    assert "Sent 2, waiting 0." in result.output

    # One each for the manager and the medewerker who opted in; none for the
    # colleague who did not, nor for the manager who opted out.
    assert sorted(item.rcpt_tos[0] for item in mail_server.received) == sorted([manager.email, reader.email])
    assert all(len(item.rcpt_tos) == 1 for item in mail_server.received)
    assert not mail_server.to(opted_out.email) and not mail_server.to(busy_week["colleague"].email)

    [for_manager], [for_reader] = mail_server.to(manager.email), mail_server.to(reader.email)
    for user, message, count in ((manager, for_manager, 4), (reader, for_reader, 3)):
        assert message["Message-ID"] == f"<weekoverzicht.{last_week}.{user.id}@zaanstad.nl>"
        assert message["Subject"] == (f"Weekoverzicht lobby week {last_week.number}: "
                                      f"{count} contactmomenten, 0 signaleringen")
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        text, html = bodies(message)
        found = links(text, html)
        assert found and all(link.startswith(BASE_URL + "/") for link in found), found
        assert f"{BASE_URL}/instellingen" in text

        assert "Werkbezoek minister Poelenburg" in text and "Regiodeal Zaanstreek" in html
        assert "Eerder overleg" not in text and "Te oud overleg" not in text
        assert "Notitie sturen aan BZK" in text and "Reactie op de motie" not in text
        assert "Commissiedebat Volkshuisvesting" in text and "Begrotingsbehandeling BZK" not in text
        assert f"{busy_week['p1'].code} {busy_week['p1'].title}: Risico — Kabinet stelt het besluit uit" in text
        assert "Nieuwe ronde deze week" not in text
        assert "Vertrouwelijk overleg woningbouw" in text  # the reader took part in it

    manager_text, manager_html = bodies(for_manager)
    assert f"- {equality.name}: 3 (gemiddeld 0,5 per week in de twaalf weken ervoor)" in manager_text
    assert f"- {urbanisation.name}: 2 (gemiddeld 0 per week in de twaalf weken ervoor)" in manager_text
    assert re.search(rf"<td>{equality.name}</td><td align=\"right\"><strong>3</strong></td>"
                     rf"<td align=\"right\">0,5</td>", manager_html)
    assert "Vertrouwelijk gesprek wethouder" in manager_text and "Geheime afspraak nabellen" in manager_text
    assert "Acties over hun datum (2)" in manager_text

    # The confidential contactmoment the medewerker may not see is not counted, listed or hinted at.
    reader_text, reader_html = bodies(for_reader)
    assert f"- {equality.name}: 2 (gemiddeld 0,5 per week" in reader_text
    assert f"- {urbanisation.name}: 2 (gemiddeld 0 per week" in reader_text
    for body in (reader_text, reader_html):
        assert "Vertrouwelijk gesprek wethouder" not in body and "Geheime afspraak nabellen" not in body
    assert "Acties over hun datum (1)" in reader_text

    assert {row.status for row in outbox_rows(db)} == {OutboxStatus.SENT}
    again = runner.invoke(args=["send-digests", "--week", str(last_week)])
    assert again.exit_code == 0, again.output
    assert "0 digest(s) queued" in again.output
    assert len(mail_server.received) == 2


@pytest.mark.parametrize("retry", ["flush-outbox", "deliver after the backoff"])
def test_a_mail_server_that_is_down_keeps_the_digests_for_a_later_try(
        db, runner, mail_server, person, last_week, retry):
    managers = [person(Role.MANAGER), person(Role.MANAGER)]
    mail_server.stop()

    result = runner.invoke(args=["send-digests", "--week", str(last_week)])
    assert result.exit_code != 0
    assert "mail server unavailable" in result.output and "2 message(s) kept in the outbox" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    first = outbox_rows(db)
    assert [(row.status, row.attempts) for row in first] == [(OutboxStatus.PENDING, 1)] * 2
    first_retry = [row.next_attempt_at for row in first]
    result = runner.invoke(args=["flush-outbox"])
    assert result.exit_code != 0 and "mail server unavailable" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)

    rows = outbox_rows(db)
    assert [row.recipient_id for row in rows] == [user.id for user in managers]
    assert all(row.status == OutboxStatus.PENDING and row.attempts == 2 and row.last_error for row in rows)
    assert all(row.next_attempt_at > utcnow() for row in rows)
    assert all(row.next_attempt_at > earlier for row, earlier in zip(rows, first_retry))  # backing off
    assert not mail_server.received

    mail_server.start()
    db.session.rollback()
    assert outbox.deliver().sent == 0  # the backoff has not passed
    assert not mail_server.received
    if retry == "flush-outbox":
        result = runner.invoke(args=["flush-outbox"])
        assert result.exit_code == 0 and "Sent 2, waiting 0." in result.output
    else:
        assert outbox.deliver(utcnow() + outbox.backoff(2) + timedelta(seconds=1)).sent == 2
    assert sorted(item.rcpt_tos[0] for item in mail_server.received) == sorted(user.email for user in managers)

    # Nothing goes out twice, whatever runs next.
    assert outbox.deliver(utcnow() + timedelta(days=1)).sent == 0
    assert runner.invoke(args=["flush-outbox"]).exit_code == 0
    assert runner.invoke(args=["send-digests", "--week", str(last_week)]).exit_code == 0
    assert len(mail_server.received) == 2
    assert {row.status for row in outbox_rows(db)} == {OutboxStatus.SENT}


def test_new_and_open_neglect_flags_link_to_logging_a_contact_and_to_the_flag(
        db, runner, mail_server, person, login):
    manager = person(Role.MANAGER, "Mark Manager")
    # Only watched (cadence 120 days): neglected later than the others (30 or 60 days).
    watched = [organisation(db, "Regio Amsterdam-Amstelland"),
               organisation(db, "MRA portefeuillehoudersoverleg Duurzaamheid")]
    seeded_on = max(neglect.local_date(item.created_at) for item in watched)
    week = Week.of(seeded_on + timedelta(days=125))
    before, during = week.monday - timedelta(days=7), week.monday + timedelta(days=6)
    assert 60 < (before - seeded_on).days <= 120 < (during - seeded_on).days

    for day in (before, during):
        result = runner.invoke(args=["scan-neglect", "--today", day.isoformat()])
        assert result.exit_code == 0, result.output
    db.session.rollback()
    still_open = db.session.scalar(select(func.count()).select_from(NeglectFlag).where(
        NeglectFlag.raised_on == before))
    new = list(db.session.scalars(select(NeglectFlag).where(NeglectFlag.raised_on == during)))
    assert {flag.organisation_id for flag in new} == {item.id for item in watched}
    assert still_open > 25  # more than the digest lists

    result = runner.invoke(args=["send-digests", "--week", str(week)])
    assert result.exit_code == 0, result.output
    [message] = mail_server.to(manager.email)
    assert message["Subject"].endswith(f"0 contactmomenten, {still_open + 2} signaleringen")
    text, html = bodies(message)
    assert "Nieuwe signaleringen (2)" in text and f"Signaleringen die nog openstaan ({still_open})" in text

    entries = re.findall(r"^\* (.+?) — (\d+) dagen te laat\n  Contactmoment vastleggen: (\S+)\n"
                         r"  Snoozen of toewijzen: (\S+)$", text, re.M)
    assert len(entries) == 2 + 25
    client = login(manager)
    for name, days, log_link, flag_link in entries:
        flag = db.session.get(NeglectFlag, int(flag_link.rsplit("/", 1)[-1]))
        assert flag.organisation.name == name and flag.days_overdue == int(days)
        assert log_link == f"{BASE_URL}/contactmomenten/nieuw?organisatie={flag.organisation_id}"
        assert flag_link == f"{BASE_URL}/aandacht/{flag.id}"
        assert f'href="{log_link}"' in html and f'href="{flag_link}"' in html
    for name, _days, log_link, flag_link in entries[:2]:
        assert name in {item.name for item in watched}
        form = client.get(log_link.removeprefix(BASE_URL))
        assert form.status_code == 200
        assert f'value="{log_link.rsplit("=", 1)[-1]}" checked' in form.text
        page = client.get(flag_link.removeprefix(BASE_URL))
        assert page.status_code == 200 and name in page.text


def wants_digest_ticked(page: str) -> bool:
    [box] = re.findall(r'<input[^>]*name="wants_digest"[^>]*>', page)
    return " checked" in box


# --- Preview and preferences -------------------------------------------------------------------------------------

def test_managers_preview_anyones_digest_medewerkers_only_their_own(db, person, login, make_interaction, last_week):
    manager = person(Role.MANAGER, "Mark Manager")
    employee = person(Role.EMPLOYEE, "Mila Medewerker")
    make_interaction(manager, subject="Vertrouwelijk gesprek wethouder", confidential=True,
                     occurred_at=local(last_week.monday + timedelta(days=1)))
    manager_client, employee_client = login(manager), login(employee)

    own = manager_client.get(f"/weekoverzicht?week={last_week}")
    assert own.status_code == 200 and "Vertrouwelijk gesprek wethouder" in own.text
    # The manager sees what the medewerker would get: not the confidential contactmoment.
    for path in ("/weekoverzicht", "/weekoverzicht/html"):
        other = manager_client.get(f"{path}?gebruiker={employee.id}&week={last_week}")
        assert other.status_code == 200
        assert "Vertrouwelijk gesprek wethouder" not in other.text
    other = manager_client.get(f"/weekoverzicht?gebruiker={employee.id}&week=2026-W48")
    assert "Weekoverzicht van Mila Medewerker, week 48" in other.text
    assert "Mila Medewerker ontvangt het weekoverzicht nu niet." in other.text

    assert employee_client.get("/weekoverzicht").status_code == 200
    assert employee_client.get(f"/weekoverzicht?gebruiker={employee.id}&week=2026-W48").status_code == 200
    for path in ("/weekoverzicht", "/weekoverzicht/html"):
        assert employee_client.get(f"{path}?gebruiker={manager.id}").status_code == 403
        for week in ("2026-W99", "2026-W00", "abc", "2026-48"):
            assert manager_client.get(f"{path}?week={week}").status_code == 404, week
        assert manager_client.get(f"{path}?gebruiker=999999").status_code == 404


def test_preferences_decide_who_gets_what_and_mail_without_a_server_waits_for_a_beheerder(
        db, app, runner, person, login, last_week, tmp_path):
    assert not app.config["MAIL_SERVER"]
    manager = person(Role.MANAGER, "Mark Manager")
    employee = person(Role.EMPLOYEE, "Mila Medewerker")
    administrator = person(Role.ADMINISTRATOR, "Bas Beheerder")
    equality = theme(db, 1)
    manager_client, employee_client = login(manager), login(employee)

    assert wants_digest_ticked(manager_client.get("/instellingen").text)  # managers get it by default
    assert not wants_digest_ticked(employee_client.get("/instellingen").text)
    response = manager_client.post("/instellingen", data={})
    assert response.status_code == 302
    page = manager_client.get(response.location).text
    assert "Uw instellingen zijn opgeslagen." in page and not wants_digest_ticked(page)
    response = employee_client.post("/instellingen", data={"wants_digest": "y", "theme_ids": [str(equality.id)]})
    assert response.status_code == 302

    dry = runner.invoke(args=["send-digests", "--week", str(last_week), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert employee.email in dry.output and manager.email not in dry.output
    assert not outbox_rows(db) and not (tmp_path / "mail").exists()

    result = runner.invoke(args=["send-digests", "--week", str(last_week)])
    assert result.exit_code == 0 and "Sent 1, waiting 0." in result.output
    [stored] = (tmp_path / "mail").glob("*.eml")
    assert stored.name == f"weekoverzicht.{last_week}.{employee.id}@zaanstad.nl.eml"

    admin_client = login(administrator)
    listing = admin_client.get("/beheer/mail")
    assert listing.status_code == 200
    assert f"Weekoverzicht lobby week {last_week.number}" in listing.text and employee.email in listing.text
    assert f'href="/beheer/mail/{stored.name}"' in listing.text
    shown = admin_client.get(f"/beheer/mail/{stored.name}")
    assert shown.status_code == 200 and employee.email in shown.text
    # Someone else's digest: the headers, never the text.
    assert "De inhoud is alleen voor de ontvanger" in shown.text and "Voor Mila Medewerker" not in shown.text
    text = BytesParser(policy=policy.default).parsebytes(stored.read_bytes()).get_body(("plain",)).get_content()
    assert f"Voor Mila Medewerker, over: {equality.name}" in text
    assert f"- {equality.name}: 0" in text
    assert "Verstedelijking" not in text  # opgave 2, not followed
    assert admin_client.get("/beheer/mail/bestaat-niet.eml").status_code == 404
    assert employee_client.get("/beheer/mail").status_code == 403
