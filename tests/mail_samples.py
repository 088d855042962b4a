"""Messages as they reach the inbound mailbox, shaped after what Outlook
(Microsoft 365, Exchange) sends: a meeting forwarded from the calendar, an
invitation forwarded as an .ics attachment, an e-mail forwarded as an
attachment and inline, and an e-mail with the mailbox in BCC."""

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from datetime import datetime
from zoneinfo import ZoneInfo

MAILBOX = "lobbytracker@zaanstad.nl"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SENT = datetime(2026, 11, 30, 9, 12, tzinfo=AMSTERDAM)

# An Outlook (Exchange) meeting request: Windows zone names, CN parameters,
# a room among the attendees, the Teams block under a line of underscores.
INVITATION = """BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Jan Jansen:mailto:jan.jansen@minbzk.nl
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={attendee_name}:mailto:{attendee}
ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Petra de Boer:mailto:petra.deboer@minbzk.nl
ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;CN=Zaal 4.12:mailto:zaal412@minbzk.nl
DESCRIPTION;LANGUAGE=nl-NL:Bespreking van de woningbouwopgave in Zaandam.\\n\\n
 ________________________________________________________________________________\\n
 Microsoft Teams-vergadering\\nNu deelnemen\\n
UID:040000008200E00074C5B7101A82E00800000000{uid}
SUMMARY;LANGUAGE=nl-NL:{subject}
DTSTART;TZID=W. Europe Standard Time:20261126T100000
DTEND;TZID=W. Europe Standard Time:20261126T110000
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20261130T081200Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=nl-NL:Ministerie van BZK\\, Den Haag
END:VEVENT
END:VCALENDAR
"""
INVITATION_SUBJECT = "Overleg woningbouwopgave Zaandam"
# 10:00 in Amsterdam, in winter time; past, so that it can be logged as it is.
INVITATION_STARTS = datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM)


def invitation(subject: str = INVITATION_SUBJECT, attendee: str = "mila@zaanstad.nl",
               attendee_name: str = "Mila Medewerker", uid: str = "A1B2C3") -> str:
    return INVITATION.format(subject=subject, attendee=attendee, attendee_name=attendee_name, uid=uid)


def _envelope(sender: str, subject: str, to: str = MAILBOX, message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = message_id or make_msgid(domain="zaanstad.nl")
    return message


def as_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=SMTP)


def forwarded_meeting(sender: str = "Mila Medewerker <mila@zaanstad.nl>", subject: str = INVITATION_SUBJECT,
                      **values) -> bytes:
    """Outlook's Forward on a meeting in the calendar: a meeting request of
    its own (multipart/alternative with text/calendar; method=REQUEST)."""
    message = _envelope(sender, f"FW: {subject}")
    message["Content-Class"] = "urn:content-classes:calendarmessage"
    message.set_content("Bespreking van de woningbouwopgave in Zaandam.\n")
    message.add_alternative("<html><body><p>Bespreking van de woningbouwopgave in Zaandam.</p></body></html>",
                            subtype="html")
    message.add_alternative(invitation(subject, **values).replace("\n", "\r\n").encode(), maintype="text",
                            subtype="calendar", params={"method": "REQUEST", "charset": "utf-8"}, cte="base64")
    return as_bytes(message)


def forwarded_ics(sender: str = "mila@zaanstad.nl", subject: str = INVITATION_SUBJECT, **values) -> bytes:
    """An invitation forwarded with the .ics as an attachment (Outlook:
    Forward as iCalendar)."""
    message = _envelope(sender, f"Doorst: {subject}")
    message.set_content("Ter info: de uitnodiging in de bijlage.\n")
    message.add_attachment(invitation(subject, **values).replace("\n", "\r\n").encode(), maintype="text",
                           subtype="calendar", filename="uitnodiging.ics")
    return as_bytes(message)


ORIGINAL_SUBJECT = "Reactie op de zienswijze van Zaanstad"
ORIGINAL_BODY = ("Beste Mila,\n\nDank voor de zienswijze. Wij nemen de punten over de OV-ontsluiting mee "
                 "in de volgende ronde.\n\nMet vriendelijke groet,\nJan Jansen\nMinisterie van BZK\n")


def original_email() -> EmailMessage:
    message = _envelope("Jan Jansen <jan.jansen@minbzk.nl>", ORIGINAL_SUBJECT, to="Mila Medewerker <mila@zaanstad.nl>",
                        message_id=make_msgid(domain="minbzk.nl"))
    message["Cc"] = "Petra de Boer <petra.deboer@minbzk.nl>"
    message.set_content(ORIGINAL_BODY)
    return message


def forwarded_as_attachment(sender: str = "mila@zaanstad.nl") -> bytes:
    """Outlook's Forward as Attachment: the original as message/rfc822."""
    message = _envelope(sender, f"FW: {ORIGINAL_SUBJECT}")
    message.set_content("Zie het bericht in de bijlage.\n")
    message.add_attachment(original_email())
    return as_bytes(message)


def forwarded_inline(sender: str = "mila@zaanstad.nl") -> bytes:
    """Outlook's ordinary Forward: the original quoted in the body."""
    message = _envelope(sender, f"FW: {ORIGINAL_SUBJECT}")
    message.set_content("Ter info.\n\n________________________________\nVan: Jan Jansen <jan.jansen@minbzk.nl>\n"
                        "Verzonden: maandag 30 november 2026 08:47\nAan: Mila Medewerker <mila@zaanstad.nl>\n"
                        f"Onderwerp: {ORIGINAL_SUBJECT}\n\n" + ORIGINAL_BODY)
    return as_bytes(message)


BCC_SUBJECT = "Afspraken na het werkbezoek aan de Achtersluispolder"


def bcc_email(sender: str = "Mila Medewerker <mila@zaanstad.nl>") -> bytes:
    """An e-mail to someone outside, with the mailbox in BCC: the mailbox's
    address appears nowhere in the headers."""
    message = _envelope(sender, BCC_SUBJECT, to="Jan Jansen <jan.jansen@minbzk.nl>")
    message.set_content("Beste Jan,\n\nHierbij de afspraken van vandaag: de provincie komt met een voorstel.\n")
    message.add_alternative("<html><body><p>Beste Jan,</p><p>Hierbij de afspraken van vandaag.</p></body></html>",
                            subtype="html")
    return as_bytes(message)


def broken_invitation(sender: str = "mila@zaanstad.nl") -> bytes:
    """A forward whose invitation is not iCalendar at all."""
    message = _envelope(sender, "FW: kapotte uitnodiging")
    message.set_content("Zie bijlage.\n")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:gisteren om tien uur\r\n", maintype="text",
                           subtype="calendar", filename="uitnodiging.ics")
    return as_bytes(message)


def two_appointments(sender: str = "mila@zaanstad.nl") -> bytes:
    """A whole calendar export forwarded instead of one invitation."""
    first = invitation(uid="111111").split("END:VCALENDAR")[0]
    second = invitation(subject="Een ander overleg", uid="222222")
    second = second[second.index("BEGIN:VEVENT"):]
    message = _envelope(sender, "FW: mijn agenda")
    message.set_content("Zie bijlage.\n")
    message.add_attachment((first + second).replace("\n", "\r\n").encode(), maintype="text", subtype="calendar",
                           filename="agenda.ics")
    return as_bytes(message)


def too_deep(sender: str = "mila@zaanstad.nl", depth: int = 12) -> bytes:
    """Messages forwarded inside messages, deeper than anyone forwards."""
    inner = original_email()
    for level in range(depth):
        outer = _envelope(sender, f"FW: niveau {level}")
        outer.set_content("Zie bijlage.\n")
        outer.add_attachment(inner)
        inner = outer
    return as_bytes(inner)


def huge(sender: str = "mila@zaanstad.nl", size: int = 11 * 1024 * 1024) -> bytes:
    """Larger than parse.MAX_MESSAGE_BYTES."""
    message = _envelope(sender, "FW: presentatie met grote bijlage")
    message.set_content("Zie bijlage.\n")
    message.add_attachment(b"\x89PNG" + b"0" * size, maintype="image", subtype="png", filename="dia.png")
    return as_bytes(message)


def with_script(sender: str = "mila@zaanstad.nl") -> bytes:
    """Markup and script in the subject and the body."""
    message = _envelope(sender, '<script>alert("mailbox")</script> Overleg <img src=x onerror=alert(1)>')
    message.set_content("Hallo\n")
    message.add_alternative('<html><body><script>alert("body")</script><p onclick="alert(2)">Tekst</p>'
                            "</body></html>", subtype="html")
    return as_bytes(message)
