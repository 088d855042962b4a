"""Capture from Outlook: invitations (.ics) and e-mails (.eml) read into the
contactmoment form, hostile files refused, nothing stored before Opslaan."""

import html
import io
import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import event, func, select

from tracker.capture.parse import (
    MAX_ATTENDEES, Address, CaptureError, parse_file, parse_message,
)
from tracker.interactions.models import Interaction
from tracker.relations.models import Contact, Organisation

FIXTURES = Path(__file__).parent / "fixtures" / "capture"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def calendar(*events: str, header: str = "") -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//NL", *filter(None, [header]), *events,
                        "END:VCALENDAR"])
    return (body + "\r\n").encode()


def vevent(*lines: str, uid: str = "een@test", start: str = "DTSTART:20261105T133000Z") -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", start, "SUMMARY:Overleg", *lines, "END:VEVENT"])


# -- reading the files Outlook and others write ---------------------------------

def test_an_outlook_365_meeting_request():
    capture = parse_file("Overleg woningbouwimpuls.ics", fixture("outlook-365-uitnodiging.ics"))
    assert capture.subject == "Overleg woningbouwimpuls Zaandam-Oost"
    assert capture.kind == "overleg"
    # "W. Europe Standard Time" is the Netherlands: 14:30 in November is 13:30 UTC.
    assert capture.starts_at == datetime(2026, 11, 5, 13, 30, tzinfo=timezone.utc)
    assert capture.starts_at.tzinfo.key == "Europe/Amsterdam"
    assert capture.organiser == Address("ingrid.visser@minbzk.nl", "Ingrid Visser")
    # Folded lines joined, mailto: gone, lower-cased, the meeting room left out.
    assert capture.attendees == (
        Address("mila@zaanstad.nl", "Mila Medewerker"), Address("p.bakker@minbzk.nl", "Pieter Bakker"),
        Address("marieke.dejong@minbzk.nl", "de Jong, Marieke (BZK)"), Address("mark@zaanstad.nl", "Mark Manager"))
    # The description's escapes read as text; the Teams joining block is cut off.
    assert capture.summary.startswith("Beste collega's,\n\nGraag bespreken we de voortgang")
    assert "Agenda:\n1. Stand van zaken Zaandam-Oost\n2. Financiering tranche 2027" in capture.summary
    assert capture.summary.endswith("Met vriendelijke groet,\nIngrid")
    assert "teams.microsoft.com" not in capture.summary and "Wachtwoordcode" not in capture.summary


def test_an_item_saved_from_the_outlook_calendar():
    capture = parse_file("afspraak.ICS", fixture("outlook-agenda-item.ics"))
    # A quoted TZID, in March before the clocks change: UTC+1.
    assert capture.starts_at == datetime(2026, 3, 16, 10, 0, tzinfo=AMSTERDAM)
    assert capture.starts_at.utcoffset() == timedelta(hours=1)
    assert capture.subject == "Voorbespreking PHO Ruimte en Wonen"
    assert capture.organiser == Address("mila@zaanstad.nl", "Mila Medewerker")
    assert [address.email for address in capture.attendees] == [
        "a.elamrani@amsterdam.nl", "sophie.kramer@metropoolregioamsterdam.nl"]
    assert capture.summary == "Voorbespreking PHO Ruimte en Wonen MRA.\nStukken volgen via de secretaris."


def test_a_google_calendar_invitation():
    capture = parse_file("invite.ics", fixture("google-agenda-uitnodiging.ics"))
    assert capture.starts_at == datetime(2026, 11, 3, 10, 0, tzinfo=AMSTERDAM)  # 09:00Z
    assert capture.organiser == Address("jeroen.smit.g40@gmail.com", "Jeroen Smit")
    # Google names people by their address when it knows no name.
    assert capture.attendees == (Address("mila@zaanstad.nl", ""), Address("l.vermeulen@g40.nl", "Lotte Vermeulen"))
    assert capture.summary == ("Themagroep Fysiek G40: voorbereiding bestuurlijk overleg met BZK.\n\n"
                               "Graag jullie input op de notitie.")


def test_an_outlook_email_with_encoded_names_and_dutch_characters():
    capture = parse_file("RE Coördinatie regiodeal.eml", fixture("outlook-email.eml"))
    assert capture.kind == "e-mail"
    assert capture.subject == "Coördinatie regiodeal Zaanstreek – vervolgafspraken"  # without "RE:"
    assert capture.starts_at == datetime(2026, 11, 10, 8, 42, 17, tzinfo=timezone.utc)
    assert capture.organiser == Address("renee.basaran@minbzk.nl", "Renée Başaran")
    assert capture.attendees == (
        Address("mila@zaanstad.nl", "Mila Medewerker"), Address("joel.vanderlinden@minbzk.nl", "Joël van der Linden"),
        Address("mark@zaanstad.nl", "Mark Manager"), Address("eva.thart@minbzk.nl", "'t Hart, Eva"))
    # The text/plain part, quoted-printable decoded, without the quoted history.
    assert "BZK stuurt vóór 1 december de conceptbeschikking" in capture.summary
    assert "Oorspronkelijk bericht" not in capture.summary and "zullen we morgen even bellen" not in capture.summary


def test_an_html_only_email_becomes_plain_text():
    capture = parse_file("uitnodiging.eml", fixture("alleen-html.eml"))
    assert capture.organiser == Address("f.dijkstra@vervoerregio.nl", "Dijkstra, Femke")
    assert "het Regionaal Mobiliteitsoverleg op 3 december" in capture.summary
    assert "Zie de agenda & stukken." in capture.summary
    assert "Met vriendelijke groet,\nFemke Dijkstra\nVervoerregio Amsterdam" in capture.summary
    # Scripts, styles, attributes and tags are gone; escaped text stays text.
    for markup in ("alert('xss')", "font-family", "onclick", "javascript:", "<p", "<b>", "pixel.gif"):
        assert markup not in capture.summary
    assert "<script>alert(3)</script> blijft gewone tekst." in capture.summary


@pytest.mark.parametrize("read", [lambda data: parse_file("doorgestuurd.eml", data), parse_message])
def test_an_email_that_forwards_an_invitation_as_an_attachment_reads_the_invitation(read):
    capture = read(fixture("doorgestuurde-uitnodiging.eml"))
    assert capture == parse_file("x.ics", fixture("outlook-365-uitnodiging.ics"))


def test_a_forwarded_ics_attachment_is_read():
    capture = parse_message(fixture("doorgestuurd-met-ics-bijlage.eml"))
    assert capture.subject == "G40 themagroep Fysiek - voorbereiding BO" and capture.kind == "overleg"


def test_a_message_that_forwards_an_email_reads_the_forwarded_one():
    outer = EmailMessage()
    outer["From"], outer["To"], outer["Subject"] = "mila@zaanstad.nl", "postbus@zaanstad.nl", "Doorst: x"
    outer.set_content("Ter vastlegging.")
    inner = fixture("outlook-email.eml")
    outer.add_attachment(inner, maintype="application", subtype="octet-stream", filename="bericht.eml")
    assert parse_message(outer.as_bytes()) == parse_file("bericht.eml", inner)


def forward(subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Mila Medewerker <mila@zaanstad.nl>", "lobby@zaanstad.nl", subject
    message["Date"] = "Tue, 01 Dec 2026 09:00:00 +0100"
    message.set_content(body)
    return message.as_bytes()


def test_an_outlook_inline_forward_reads_the_original_from_the_quoted_headers():
    capture = parse_message(forward("FW: Zienswijze woningbouw", (
        "Ter info, graag vastleggen.\n\n________________________________\n"
        "Van: Jansen, Jan <jan.jansen@minbzk.nl>\n"
        "Verzonden: maandag 30 november 2026 08:47\n"
        "Aan: Mila Medewerker <mila@zaanstad.nl>; de Boer, Petra <petra.deboer@minbzk.nl>\n"
        "CC: Ingrid Visser <ingrid.visser@minbzk.nl>\n"
        "Onderwerp: RE: Zienswijze woningbouw\n\n"
        "Beste Mila,\n\nWij nemen de punten mee.\n\nGroet, Jan")))
    assert capture.organiser == Address("jan.jansen@minbzk.nl", "Jansen, Jan")
    assert [address.email for address in capture.attendees] == [
        "mila@zaanstad.nl", "petra.deboer@minbzk.nl", "ingrid.visser@minbzk.nl"]
    # When the original was sent, in Dutch time; not when it was forwarded.
    assert capture.starts_at == datetime(2026, 11, 30, 8, 47, tzinfo=AMSTERDAM)
    assert capture.subject == "Zienswijze woningbouw"
    assert capture.summary == "Ter info, graag vastleggen.\n\nBeste Mila,\n\nWij nemen de punten mee.\n\nGroet, Jan"


@pytest.mark.parametrize("body, starts_at", [
    # English Outlook
    ("________________________________\nFrom: Jan Jansen <jan.jansen@minbzk.nl>\n"
     "Sent: Monday, November 30, 2026 2:05 PM\nTo: Mila Medewerker <mila@zaanstad.nl>\nSubject: Overleg\n\nHoi",
     datetime(2026, 11, 30, 14, 5, tzinfo=AMSTERDAM)),
    # Gmail
    ("---------- Forwarded message ---------\nFrom: Jan Jansen <jan.jansen@minbzk.nl>\n"
     "Date: Mon, 30 Nov 2026 at 14:05\nSubject: Overleg\nTo: <mila@zaanstad.nl>\n\nHoi",
     datetime(2026, 11, 30, 14, 5, tzinfo=AMSTERDAM)),
    # Apple Mail, a date it cannot read: the forward's own date instead
    ("Begin forwarded message:\n\nFrom: Jan Jansen <jan.jansen@minbzk.nl>\nDate: 30-11-2026\n"
     "Subject: Overleg\nTo: mila@zaanstad.nl\n\nHoi", datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM)),
])
def test_other_inline_forwards(body, starts_at):
    capture = parse_message(forward("Fwd: Overleg", body))
    assert capture.organiser.email == "jan.jansen@minbzk.nl"
    assert [address.email for address in capture.attendees] == ["mila@zaanstad.nl"]
    assert capture.starts_at == starts_at and capture.summary == "Hoi"


def test_a_reply_is_its_own_contact_though_it_quotes_the_same_way():
    capture = parse_message(forward("RE: Zienswijze woningbouw", (
        "Dank, Jan.\n\n________________________________\nVan: Jan Jansen <jan.jansen@minbzk.nl>\n"
        "Verzonden: maandag 30 november 2026 08:47\nAan: mila@zaanstad.nl\nOnderwerp: Zienswijze\n\nBeste Mila")))
    assert capture.organiser.email == "mila@zaanstad.nl" and capture.summary == "Dank, Jan."


def test_a_message_without_attachments_is_read_itself():
    capture = parse_message(fixture("outlook-email.eml"))
    assert capture.organiser.email == "renee.basaran@minbzk.nl" and capture.kind == "e-mail"


def test_floating_times_are_dutch_and_all_day_appointments_start_at_midnight():
    floating = parse_file("a.ics", calendar(vevent(start="DTSTART:20260701T093000")))
    assert floating.starts_at == datetime(2026, 7, 1, 9, 30, tzinfo=AMSTERDAM)
    all_day = parse_file("a.ics", calendar(vevent(start="DTSTART;VALUE=DATE:20260701")))
    assert all_day.starts_at == datetime(2026, 7, 1, 0, 0, tzinfo=AMSTERDAM)
    iana = parse_file("a.ics", calendar(vevent(start="DTSTART;TZID=Europe/London:20260701T093000")))
    assert iana.starts_at == datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    none = parse_file("a.ics", calendar("BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Zonder tijd\r\nEND:VEVENT"))
    assert none.starts_at is None and none.subject == "Zonder tijd"


def test_outlooks_customized_time_zone_follows_its_own_rules():
    zone = "\r\n".join([
        "BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD", "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"])
    capture = parse_file("a.ics", calendar(zone, vevent(start="DTSTART;TZID=Customized Time Zone:20260615T100000")))
    assert capture.starts_at == datetime(2026, 6, 15, 8, 0, tzinfo=timezone.utc)


def test_a_series_with_a_changed_occurrence_reads_the_series():
    capture = parse_file("a.ics", calendar(
        vevent("SUMMARY:Gewijzigd", "RECURRENCE-ID:20261112T133000Z", start="DTSTART:20261112T150000Z"),
        vevent("RRULE:FREQ=WEEKLY"), header="METHOD:REQUEST"))
    assert capture.starts_at == datetime(2026, 11, 5, 13, 30, tzinfo=timezone.utc)


def test_attendees_are_deduplicated_and_capped():
    lines = [f"ATTENDEE;CN=Persoon {n}:mailto:persoon{n}@example.nl" for n in range(3000)]
    lines += ["ORGANIZER;CN=Org:MAILTO:Org@Example.NL", "ATTENDEE;CN=Ook org:mailto:org@example.nl",
              "ATTENDEE:mailto:PERSOON1@example.nl", "ATTENDEE;CN=geen adres:mailto:niet-een-adres",
              "ATTENDEE;CN=Zaal;CUTYPE=ROOM:mailto:zaal@example.nl"]
    capture = parse_file("groot.ics", calendar(vevent(*lines)))
    assert capture.organiser == Address("org@example.nl", "Org")
    assert len(capture.attendees) == MAX_ATTENDEES
    assert capture.attendees[1] == Address("persoon1@example.nl", "Persoon 1")
    assert len({address.email for address in capture.attendees}) == MAX_ATTENDEES


def test_fields_keep_script_as_text_without_control_characters():
    capture = parse_file("x.ics", calendar(vevent(
        "ATTENDEE;CN=\"<img src=x onerror=alert(1)>\":mailto:a@example.nl",
        "DESCRIPTION:Tekst\x07 met\\nnieuwe regel <script>alert(1)</script>"), header=""))
    assert capture.attendees[0].name == "<img src=x onerror=alert(1)>"  # text; the page escapes it
    assert capture.summary == "Tekst met\nnieuwe regel <script>alert(1)</script>"


def nested_message(depth: int) -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = "a@example.nl", "binnenste"
    message.set_content("x")
    for level in range(depth):
        outer = EmailMessage()
        outer["From"], outer["Subject"] = "a@example.nl", f"laag {level}"
        outer.set_content("doorgestuurd")
        outer.add_attachment(message)
        message = outer
    return message.as_bytes()


def nested_multipart(depth: int) -> bytes:
    lines = ["From: a@example.nl", "Subject: diep", "MIME-Version: 1.0"]
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    lines += ["Content-Type: text/plain", "", "tekst"]
    lines += [f"--b{level}--" for level in reversed(range(depth))]
    return "\r\n".join(lines).encode()


HOSTILE = [
    ("leeg.ics", b"", "Het bestand is leeg."),
    ("spaties.eml", b" \r\n\t ", "Het bestand is leeg."),
    ("groot.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (2 * 1024 * 1024), "groter dan 2 MB"),
    ("bericht.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Sla het bericht in Outlook op als .eml"),
    ("hernoemd.eml", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Sla het bericht in Outlook op als .eml"),
    ("stukken.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Een .pdf-bestand kan niet worden ingelezen"),
    ("stukken.ics", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Een .pdf-bestand kan niet worden ingelezen"),
    ("notitie.docx", b"PK\x03\x04 word", "Een .docx-bestand kan niet worden ingelezen"),
    ("zonder-type", b"BEGIN:VCALENDAR", "Een bestand zonder type kan niet worden ingelezen"),
    ("plaatje.ics", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "geen leesbare uitnodiging"),
    ("tekst.ics", b"Dit is geen agenda", "geen leesbare uitnodiging"),
    ("kapot.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:gisteren\r\nEND:VCALENDAR\r\n",
     "geen leesbare uitnodiging"),
    ("taak.ics", calendar("BEGIN:VTODO\r\nUID:t\r\nSUMMARY:Taak\r\nEND:VTODO"), "In dit bestand staat geen afspraak."),
    ("agenda.ics", calendar(vevent(uid="a"), vevent(uid="b"), vevent(uid="c")), "3 verschillende afspraken"),
    ("oud.ics", calendar(vevent(start="DTSTART:18991231T100000Z")), "(31-12-1899) kan niet kloppen"),
    ("ver.ics", calendar(vevent(start="DTSTART:29990101T100000Z")), "(01-01-2999) kan niet kloppen"),
    ("tekst.eml", b"Gewoon wat tekst\r\nzonder kopregels\r\n", "geen leesbare e-mail"),
    ("binair.eml", b"From: a@example.nl\r\n\r\n\x00\x01\x02", "geen leesbare e-mail"),
    ("oud.eml", b"From: a@example.nl\r\nDate: Thu, 1 Jan 1970 00:00:00 +0000\r\nSubject: x\r\n\r\nx",
     "(01-01-1970) kan niet kloppen"),
    ("diep.eml", nested_message(12), "te diep in andere berichten verpakt"),
    ("diep-multipart.eml", nested_multipart(60), "te diep in andere berichten verpakt"),
    # What would keep the parsers busy for seconds is refused before parsing.
    ("nog-dieper.eml", nested_multipart(400), "te veel regels of delen"),
    ("veel-delen.eml", b"From: a@example.nl\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
     + b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 40_000 + b"--b--", "te veel regels of delen"),
    ("veel-regels.ics", calendar(vevent(*[f"ATTENDEE:mailto:p{n}@example.nl" for n in range(12_000)])),
     "te veel regels of delen"),
]


@pytest.mark.parametrize(("filename", "data", "message"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_files_are_refused_in_dutch(filename, data, message):
    with pytest.raises(CaptureError) as refused:
        parse_file(filename, data)
    assert message in str(refused.value)


def test_a_nested_forward_within_the_limit_is_read():
    assert parse_message(nested_message(3)).subject == "binnenste"


# -- the upload on the contactmoment form -----------------------------------------

def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def bzk(db) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()


@pytest.fixture
def pieter(db, bzk) -> Contact:
    contact = Contact(name="Pieter Bakker", email="p.bakker@minbzk.nl", organisation=bzk)
    db.session.add(contact)
    db.session.commit()
    return contact


def upload(client, name: str, data: bytes):
    return client.post("/contactmomenten/inlezen", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def checked(page: str, name: str) -> set[str]:
    return set(re.findall(rf'<input[^>]*name="{name}"[^>]*value="(\d+)"[^>]*checked', page))


def value_of(page: str, name: str) -> str | None:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*?(?:value="([^"]*)"[^>]*)?>'
                      rf'(?:([^<]*)</textarea>)?', page)
    if match is None:
        return None
    return html.unescape(match.group(1) if match.group(1) is not None else match.group(2))


def test_an_invitation_fills_in_the_form_and_stores_nothing(db, employee_client, employee, manager, pieter, bzk):
    contacts_before = count(db, Contact)
    page = upload(employee_client, "Overleg woningbouwimpuls.ics", fixture("outlook-365-uitnodiging.ics"))
    assert page.status_code == 200
    text = page.text
    assert "Het formulier is ingevuld uit Overleg woningbouwimpuls.ics" in text
    assert "er is nog niets opgeslagen" in text
    assert value_of(text, "subject") == "Overleg woningbouwimpuls Zaandam-Oost"
    assert value_of(text, "occurred_on") == "2026-11-05" and value_of(text, "occurred_time") == "14:30"
    assert re.search(r'<option selected value="overleg">|<option value="overleg" selected', text)
    assert "Agenda:\n1. Stand van zaken Zaandam-Oost" in text and "teams.microsoft.com" not in text
    # Known people ticked: the contact (with the organisation), and both colleagues, the uploader too.
    assert checked(text, "contact_ids") == {str(pieter.id)}
    assert str(bzk.id) in checked(text, "organisation_ids")
    assert checked(text, "participant_ids") == {str(employee.id), str(manager.id)}
    # Unknown people offered, not ticked; named as the contact list names people.
    assert value_of(text, "new_contacts-0-email") == "ingrid.visser@minbzk.nl"
    assert value_of(text, "new_contacts-0-name") == "Ingrid Visser"
    assert value_of(text, "new_contacts-1-name") == "Marieke de Jong"
    assert 'name="new_contacts-0-add"' in text and not re.search(r'name="new_contacts-\d-add"[^>]*checked', text)
    # Their domain is BZK's, as Pieter's is: BZK is suggested.
    assert re.search(rf'<select[^>]*name="new_contacts-0-organisation_id".*?<option selected value="{bzk.id}"',
                     text, re.S)
    assert "vergaderzaal-4.12@minbzk.nl" not in text  # a meeting room is nobody to add
    assert count(db, Interaction) == 0 and count(db, Contact) == contacts_before


def test_saving_the_filled_in_form_adds_the_ticked_new_contacts(db, employee_client, employee, manager, pieter,
                                                                 bzk, priority):
    upload(employee_client, "uitnodiging.ics", fixture("outlook-365-uitnodiging.ics"))
    response = employee_client.post("/contactmomenten/nieuw", data={
        "occurred_on": "2026-11-05", "occurred_time": "14:30", "kind": "overleg", "level": "ambtelijk",
        "subject": "Overleg woningbouwimpuls Zaandam-Oost", "summary": "Agenda", "priority_ids": [str(priority.id)],
        "contact_ids": [str(pieter.id)], "participant_ids": [str(employee.id), str(manager.id)],
        "new_contacts-0-add": "y", "new_contacts-0-name": "Ingrid Visser", "new_contacts-0-function": "directeur",
        "new_contacts-0-organisation_id": str(bzk.id), "new_contacts-0-email": "ingrid.visser@minbzk.nl",
        "new_contacts-1-name": "Marieke de Jong", "new_contacts-1-email": "marieke.dejong@minbzk.nl",
        "follow_ups-0-description": "", "follow_ups-1-description": ""})
    assert response.status_code == 302, response.text
    interaction = db.session.scalars(select(Interaction)).one()
    ingrid = db.session.scalars(select(Contact).where(Contact.email == "ingrid.visser@minbzk.nl")).one()
    assert ingrid.name == "Ingrid Visser" and ingrid.organisation_id == bzk.id and ingrid.function == "directeur"
    assert {contact.id for contact in interaction.contacts} == {pieter.id, ingrid.id}
    assert {user.id for user in interaction.participants} == {employee.id, manager.id}
    assert [organisation.id for organisation in interaction.organisations] == [bzk.id]
    # Marieke was not ticked: not stored.
    assert db.session.scalar(select(Contact).where(Contact.email == "marieke.dejong@minbzk.nl")) is None


def test_an_offered_address_that_became_a_contact_meanwhile_is_linked_not_doubled(db, employee_client, priority):
    contact = Contact(name="Ingrid Visser", email="ingrid.visser@minbzk.nl")
    db.session.add(contact)
    db.session.commit()
    response = employee_client.post("/contactmomenten/nieuw", data={
        "occurred_on": "2026-11-05", "occurred_time": "14:30", "kind": "overleg", "level": "ambtelijk",
        "subject": "Overleg", "priority_ids": [str(priority.id)], "new_contacts-0-add": "y",
        "new_contacts-0-name": "I. Visser", "new_contacts-0-email": "Ingrid.Visser@minbzk.nl"})
    assert response.status_code == 302
    interaction = db.session.scalars(select(Interaction)).one()
    assert [linked.id for linked in interaction.contacts] == [contact.id]
    assert db.session.scalar(select(func.count()).where(Contact.email == "ingrid.visser@minbzk.nl")) == 1


def test_a_ticked_new_contact_with_a_wrong_address_is_refused_next_to_its_field(db, employee_client, priority):
    contacts_before = count(db, Contact)
    page = employee_client.post("/contactmomenten/nieuw", data={
        "occurred_on": "2026-11-05", "occurred_time": "14:30", "kind": "overleg", "level": "ambtelijk",
        "subject": "Overleg", "priority_ids": [str(priority.id)], "new_contacts-0-add": "y",
        "new_contacts-0-name": "", "new_contacts-0-email": "geen-adres",
        "new_contacts-1-name": "Niet aangevinkt", "new_contacts-1-email": "ook-geen-adres"})
    assert page.status_code == 200
    assert re.search(r'id="new_contacts-0-email-error".*?Vul een geldig e-mailadres in', page.text, re.S)
    assert re.search(r'id="new_contacts-0-name-error".*?Vul de naam van de nieuwe contactpersoon in', page.text, re.S)
    assert "new_contacts-1-email-error" not in page.text  # an unticked row is not checked
    assert count(db, Interaction) == 0 and count(db, Contact) == contacts_before


def test_an_email_fills_in_the_form_as_an_email(db, employee_client, employee, manager):
    page = upload(employee_client, "bericht.eml", fixture("outlook-email.eml"))
    text = page.text
    assert value_of(text, "subject") == "Coördinatie regiodeal Zaanstreek – vervolgafspraken"
    assert re.search(r'<option selected value="e-mail">|<option value="e-mail" selected', text)
    assert value_of(text, "occurred_on") == "2026-11-10" and value_of(text, "occurred_time") == "09:42"
    assert "BZK stuurt vóór 1 december de conceptbeschikking" in text
    assert checked(text, "participant_ids") == {str(employee.id), str(manager.id)}
    offered = {value_of(text, f"new_contacts-{n}-email") for n in range(4)}
    assert offered == {"renee.basaran@minbzk.nl", "joel.vanderlinden@minbzk.nl", "eva.thart@minbzk.nl", None}
    assert value_of(text, "new_contacts-2-name") == "Eva 't Hart"


def test_script_in_a_file_is_shown_as_text(employee_client):
    page = upload(employee_client, "uitnodiging.eml", fixture("alleen-html.eml"))
    assert page.status_code == 200
    assert "<script>alert(" not in page.text and "onerror=alert" not in page.text
    assert "&lt;script&gt;alert(&#39;onderwerp&#39;)&lt;/script&gt;" in page.text
    assert value_of(page.text, "subject") == "Uitnodiging Regionaal Mobiliteitsoverleg <script>alert('onderwerp')</script>"
    assert "&lt;script&gt;alert(3)&lt;/script&gt; blijft gewone tekst." in page.text


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("bericht.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Sla het bericht in Outlook op als .eml"),
    ("agenda.ics", calendar(vevent(uid="a"), vevent(uid="b")), "2 verschillende afspraken"),
    ("stukken.pdf", b"%PDF-1.7", "Een .pdf-bestand kan niet worden ingelezen"),
])
def test_a_refused_file_says_why_next_to_the_file_field_and_changes_nothing(db, employee_client, filename, data,
                                                                            message):
    contacts_before = count(db, Contact)
    page = upload(employee_client, filename, data)
    assert page.status_code == 200
    error = re.search(r'<div class="utrecht-form-field-error-message" id="file-error">(.*?)</div>', page.text, re.S)
    assert error and message in error.group(1)
    assert re.search(r'<input[^>]*aria-describedby="file-help file-error"[^>]*aria-invalid="true"', page.text) \
        or re.search(r'<input[^>]*aria-invalid="true"[^>]*id="file"', page.text)
    assert "ingevuld uit" not in page.text and value_of(page.text, "subject") in ("", None)
    assert count(db, Interaction) == 0 and count(db, Contact) == contacts_before


def test_no_file_chosen(employee_client):
    page = employee_client.post("/contactmomenten/inlezen", data={}, content_type="multipart/form-data")
    assert page.status_code == 200 and "Kies een bestand." in page.text


def test_a_file_over_the_request_limit_is_refused_next_to_the_field(db, employee_client):
    # The body built by hand: the test client would spool a file this big to a temporary file it never closes.
    boundary = "grens"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"groot.eml\"\r\n"
            "Content-Type: message/rfc822\r\n\r\nFrom: a@example.nl\r\n\r\n").encode() + \
        b"x" * (2 * 1024 * 1024 + 10) + f"\r\n--{boundary}--\r\n".encode()
    page = employee_client.post("/contactmomenten/inlezen", data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert page.status_code == 413
    error = re.search(r'id="file-error">(.*?)</div>', page.text, re.S)
    assert error and "Het bestand is groter dan 2 MB." in error.group(1)
    assert 'name="subject"' in page.text  # the form is still there
    assert count(db, Interaction) == 0


def test_the_form_page_offers_the_upload(employee_client):
    page = employee_client.get("/contactmomenten/nieuw").text
    assert "Inlezen uit Outlook" in page
    assert re.search(r'<form[^>]*action="/contactmomenten/inlezen"[^>]*enctype="multipart/form-data"', page)
    assert re.search(r'<input[^>]*accept="\.ics,\.eml', page)


def test_the_edit_form_has_no_upload(db, employee_client, employee, make_interaction):
    interaction = make_interaction(employee)
    assert "Inlezen uit Outlook" not in employee_client.get(f"/contactmomenten/{interaction.id}/bewerken").text


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999", "1" * 5000, "²"])
def test_a_draft_that_cannot_exist_is_not_found(employee_client, value):
    assert employee_client.get(f"/contactmomenten/nieuw?concept={value}").status_code == 404


def test_the_queries_do_not_grow_with_the_people_in_the_file(app, db, employee_client):
    def queries(people: int) -> int:
        lines = [f"ATTENDEE;CN=Persoon {n}:mailto:p{n}@org{n}.nl" for n in range(people)]
        data = calendar(vevent(*lines))
        counted = []
        listener = lambda *args, **kwargs: counted.append(1)  # noqa: E731
        event.listen(app.extensions["sqlalchemy"].engine, "before_cursor_execute", listener)
        try:
            assert upload(employee_client, "a.ics", data).status_code == 200
        finally:
            event.remove(app.extensions["sqlalchemy"].engine, "before_cursor_execute", listener)
        return len(counted)
    for n in range(0, 90, 2):  # every other one is a contact
        db.session.add(Contact(name=f"Bekend {n}", email=f"p{n}@org{n}.nl"))
    db.session.commit()
    assert queries(4) == queries(90)


def test_a_mailbox_draft_fills_in_the_form_and_is_settled_by_the_save(db, login, employee, manager, priority):
    from tracker.capture import drafts
    from tracker.capture.models import CaptureDraft, DraftStatus

    capture = parse_file("uitnodiging.ics", fixture("outlook-365-uitnodiging.ics"))
    draft_id = drafts.add_draft(employee, "sleutel", "<a@minbzk.nl>", datetime.now(timezone.utc), capture).id
    db.session.commit()
    assert login(manager).get(f"/contactmomenten/nieuw?concept={draft_id}").status_code == 404  # not theirs
    client = login(employee)
    page = client.get(f"/contactmomenten/nieuw?concept={draft_id}")
    assert page.status_code == 200
    assert "ingevuld uit het bericht dat u naar de postbus stuurde" in page.text
    assert value_of(page.text, "subject") == "Overleg woningbouwimpuls Zaandam-Oost"
    assert value_of(page.text, "draft_id") == str(draft_id)
    assert checked(page.text, "participant_ids") == {str(employee.id), str(manager.id)}
    assert count(db, Interaction) == 0

    response = client.post("/contactmomenten/nieuw", data={
        "occurred_on": "2026-11-05", "occurred_time": "14:30", "kind": "overleg", "level": "ambtelijk",
        "subject": "Overleg woningbouwimpuls Zaandam-Oost", "priority_ids": [str(priority.id)],
        "draft_id": str(draft_id)})
    assert response.status_code == 302
    interaction = db.session.scalars(select(Interaction)).one()
    draft = db.session.get(CaptureDraft, draft_id)
    assert draft.status == DraftStatus.CONFIRMED and draft.interaction_id == interaction.id
    assert client.get(f"/contactmomenten/nieuw?concept={draft_id}").status_code == 404  # settled


def test_a_picker_search_on_the_filled_in_form_keeps_what_was_read(db, employee_client, employee):
    # A picker's search button posts the logging form to the page's own address: here /inlezen.
    page = employee_client.post("/contactmomenten/inlezen", data={
        "occurred_on": "2026-11-05", "occurred_time": "14:30", "kind": "overleg", "level": "ambtelijk",
        "subject": "Overleg woningbouwimpuls Zaandam-Oost", "participant_ids": [str(employee.id)],
        "new_contacts-0-name": "Ingrid Visser", "new_contacts-0-email": "ingrid.visser@minbzk.nl",
        "contact_ids-zoek": "bakker", "contact_ids-zoeken": "1"})
    assert page.status_code == 200
    assert value_of(page.text, "subject") == "Overleg woningbouwimpuls Zaandam-Oost"
    assert value_of(page.text, "new_contacts-0-email") == "ingrid.visser@minbzk.nl"
    assert "Kies een bestand." not in page.text and count(db, Interaction) == 0


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=st.sampled_from(sorted(path.name for path in FIXTURES.iterdir())), data=st.data())
def test_a_damaged_file_is_read_or_refused_never_an_error(name, data):
    """Bytes cut out, changed or repeated anywhere in each fixture."""
    original = bytearray(fixture(name))
    start = data.draw(st.integers(0, len(original)))
    end = data.draw(st.integers(start, min(len(original), start + 400)))
    insert = data.draw(st.sampled_from([b"", b"\x00", b"\r\n ", b"BEGIN:VEVENT\r\n", b"--", b"=?utf-8?Q?=FF?=",
                                        b"\r\nContent-Type: multipart/mixed; boundary=x\r\n", b"\xff\xfe",
                                        bytes(original[start:end]) * 3]))
    damaged = bytes(original[:start]) + insert + bytes(original[end:])
    for read in (lambda: parse_file(name, damaged), lambda: parse_message(damaged)):
        try:
            capture = read()
        except CaptureError as refused:
            assert str(refused)
        else:
            assert capture.starts_at is None or capture.starts_at.tzinfo is not None
            assert len(capture.subject) <= 200 and len(capture.attendees) <= MAX_ATTENDEES


def test_at_most_twenty_unknown_addresses_are_offered_and_the_rest_named(db, employee_client):
    people = [f"ATTENDEE;CN=Persoon {n}:mailto:persoon{n}@gemeente{n}.nl" for n in range(25)]
    page = upload(employee_client, "groot.ics", calendar(vevent(*people))).text
    assert value_of(page, "new_contacts-19-email") == "persoon19@gemeente19.nl"
    assert value_of(page, "new_contacts-20-email") is None
    assert "Deze 5 adressen worden niet als nieuwe contactpersoon aangeboden (te veel adressen): " \
           "persoon20@gemeente20.nl, persoon21@gemeente21.nl" in page
