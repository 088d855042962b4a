"""Reads an invitation or an e-mail into a Capture.

Everything here distrusts the file: it comes from outside the municipality.
A file is refused (CaptureError, a Dutch message) when it is empty, larger
than MAX_FILE_BYTES, of another type, unreadable, holds no appointment,
holds several different appointments (a calendar export rather than one
invitation), has a date outside 2000-2100 or nests its parts deeper than
MAX_DEPTH. What is read is plain text: HTML is turned into text, control
characters are dropped, and the lengths are cut to what the form takes.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone
from email import policy
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from flask_babel import lazy_gettext as _l
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON


class CaptureError(ValueError):
    """The file cannot be read; str(error) is a Dutch message for the user."""

    def __init__(self, message):
        super().__init__(str(message))


@dataclass(frozen=True)
class Address:
    email: str  # lower-cased
    name: str = ""


@dataclass(frozen=True)
class Capture:
    subject: str
    starts_at: datetime | None  # timezone-aware
    kind: str | None  # an InteractionKind value: "overleg" for an invitation, "e-mail" for a message
    summary: str  # plain text, trimmed to fit the form
    organiser: Address | None  # the ORGANIZER of an invitation, or the From of a message
    attendees: tuple[Address, ...] = field(default_factory=tuple)  # everyone else named in it


MAX_FILE_BYTES = 2 * 1024 * 1024  # as the app's request limit (MAX_CONTENT_LENGTH)
MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # a mailbox message may carry a few attachments
MAX_ATTENDEES = 100  # a larger invitation is an event; the first hundred are read
MAX_DEPTH = 8  # message in message in multipart ...: Outlook forwards nest two or three deep
MAX_PARTS = 500
# The parsers slow down with the number of lines and parts far faster than with
# bytes: 40,000 MIME parts in 1.4 MB take 20 seconds. An invitation or e-mail
# has a few hundred lines and a handful of parts.
MAX_CALENDAR_LINES = 10_000
MAX_BOUNDARIES = 1_000
MAX_MULTIPARTS = 100  # parts that hold parts: nesting them is what costs most
SUBJECT_LENGTH = 200  # as the form's fields
SUMMARY_LENGTH = 20000
NAME_LENGTH = 200
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
LOCAL = ZoneInfo("Europe/Amsterdam")

INVITATION, EMAIL = "overleg", "e-mail"

MSG_ADVICE = _l("Een .msg-bestand uit Outlook kan niet worden ingelezen. Sla het bericht in Outlook op als .eml, "
                "of sla de uitnodiging op als .ics (Bestand, Opslaan als, iCalendar-indeling), of stuur het door.")
TOO_LARGE = _l("Het bestand is groter dan 2 MB. Sla alleen de uitnodiging of het bericht op, zonder grote bijlagen.")
EMPTY = _l("Het bestand is leeg.")
NOT_CALENDAR = _l("Dit bestand is geen leesbare uitnodiging (.ics).")
NOT_MESSAGE = _l("Dit bestand is geen leesbare e-mail (.eml).")
NO_EVENT = _l("In dit bestand staat geen afspraak.")
TOO_COMPLEX = _l("Dit bestand heeft te veel regels of delen voor één uitnodiging of e-mail. Sla alleen de "
                 "uitnodiging of het bericht op.")
TOO_DEEP = _l("Het bericht zit te diep in andere berichten verpakt. Stuur het oorspronkelijke bericht door of "
              "sla het op als .eml.")

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Forwarded or answered: "FW:", "Fwd:", "Doorst:", "RE:", "Antw:", "AW:", "WG:", "TR:", "SV:".
SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:fw|fwd|doorst|re|antw|aw|wg|tr|sv)\s*:\s*)+", re.IGNORECASE)
# Where the joining block of an online meeting starts: a line of underscores
# in Outlook (Teams, Zoom, Webex), a line of "-::~:~::~" in Google Calendar.
MEETING_LINK_BLOCK = re.compile(r"^\s*(?:_{20,}|-::~:~::~[:~]*-?)\s*$", re.MULTILINE)
# The history below an answer or a forward, as Outlook (Dutch and English) and others quote it.
QUOTED_HISTORY = re.compile(r"^\s*(?:-{2,}\s*(?:Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|"
                            r"Forwarded message)\s*-{2,}|Op .{5,120} schreef .{1,200}:|On .{5,120} wrote:|"
                            r"_{20,})\s*$", re.MULTILINE | re.IGNORECASE)
# Google Calendar writes a little HTML into DESCRIPTION.
HTML_TAG = re.compile(r"<(?:br|p|div|a|b|i|u|span|ul|ol|li|html|body)\b[^>]*>", re.IGNORECASE)
EMAIL_LIKE = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")
# Outlook writes its own zone names; "W. Europe Standard Time" is the Netherlands.
ZONE_NAMES = {"w. europe standard time": "Europe/Amsterdam", "romance standard time": "Europe/Brussels"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a .msg or other Office binary
PDF_MAGIC = b"%PDF"


def parse_file(filename: str, data: bytes) -> Capture:
    """An uploaded .ics or .eml; raises CaptureError for anything else or anything hostile."""
    _check_size(data, MAX_FILE_BYTES, TOO_LARGE)
    extension = filename.rsplit(".", 1)[-1].lower().strip() if "." in filename else ""
    if extension == "msg" or data.startswith(OLE_MAGIC):
        raise CaptureError(MSG_ADVICE)
    if data.startswith(PDF_MAGIC) and extension != "pdf":
        raise CaptureError(_l(
            "Een .pdf-bestand kan niet worden ingelezen. Kies een uitnodiging (.ics) of een opgeslagen e-mail (.eml)."))
    if extension in ("ics", "ical", "icalendar", "vcs"):
        return read_calendar(data)
    if extension == "eml":
        return read_message(data)
    raise CaptureError(_l("Een %(kind)s kan niet worden ingelezen. Kies een uitnodiging (.ics) of een opgeslagen "
                          "e-mail (.eml).", kind=f".{extension}-bestand" if extension else _l("bestand zonder type")))


def parse_message(data: bytes) -> Capture:
    """A whole RFC 5322 message as it arrives in the inbound mailbox. When it
    forwards an invitation or an e-mail (a text/calendar part, a message/rfc822
    or .eml/.ics attachment), that is what is read; otherwise the message itself."""
    _check_size(data, MAX_MESSAGE_BYTES, _l("Het bericht is groter dan 10 MB."))
    if data.startswith(OLE_MAGIC):
        raise CaptureError(MSG_ADVICE)
    return read_message(data)


def _check_size(data: bytes, limit: int, message) -> None:
    if not data or not data.strip():
        raise CaptureError(EMPTY)
    if len(data) > limit:
        raise CaptureError(message)


def _is_binary(data: bytes) -> bool:
    return b"\x00" in data[:65536]


# -- invitations ---------------------------------------------------------------

def read_calendar(data: bytes) -> Capture:
    if _is_binary(data):
        raise CaptureError(NOT_CALENDAR)
    text = _decode(data).lstrip("\ufeff \t\r\n")
    if not text[:15].upper().startswith("BEGIN:VCALENDAR"):
        raise CaptureError(NOT_CALENDAR)
    if text.count("\n") > MAX_CALENDAR_LINES:
        raise CaptureError(TOO_COMPLEX)
    try:
        calendar = icalendar.Calendar.from_ical(text)
        events = [component for component in calendar.subcomponents if component.name == "VEVENT"]
    except Exception as error:  # the library's many ways of failing on a damaged file
        raise CaptureError(NOT_CALENDAR) from error
    if not events:
        raise CaptureError(NO_EVENT)
    uids = {str(event.get("UID", "")) or id(event) for event in events}
    if len(uids) > 1:
        raise CaptureError(_l(
            "Dit bestand bevat %(count)s verschillende afspraken, zoals een export van een hele agenda. Sla één "
            "afspraak op en lees die in.", count=len(uids)))
    # One series with its changed occurrences: the series itself.
    event = next((event for event in events if "RECURRENCE-ID" not in event), events[0])
    try:
        return _capture_from_event(event)
    except CaptureError:
        raise
    except Exception as error:
        raise CaptureError(NOT_CALENDAR) from error


def _capture_from_event(event) -> Capture:
    organiser = _calendar_address(event.get("ORGANIZER"))
    attendees = []
    raw = event.get("ATTENDEE")
    for value in (raw if isinstance(raw, list) else [raw] if raw is not None else []):
        cutype = str(value.params.get("CUTYPE", "")).upper() if hasattr(value, "params") else ""
        if cutype in ("ROOM", "RESOURCE"):  # a meeting room is no participant
            continue
        address = _calendar_address(value)
        if address is not None:
            attendees.append(address)
    description = _text(event.get("DESCRIPTION"))
    if HTML_TAG.search(description):
        description = html_to_text(description.replace("\n", "<br>"))
    if not description.strip() and event.get("X-ALT-DESC") is not None:
        description = html_to_text(_text(event.get("X-ALT-DESC")))
    return Capture(
        subject=_subject(_text(event.get("SUMMARY"))),
        starts_at=_event_start(event),
        kind=INVITATION,
        summary=_summary(_without_meeting_link(description)),
        organiser=organiser,
        attendees=_attendees(attendees, organiser),
    )


def _event_start(event) -> datetime | None:
    if "DTSTART" not in event:
        return None
    prop = event["DTSTART"]
    value = prop.dt
    if isinstance(value, datetime):
        zone_name = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
        zone = _zone(zone_name) if zone_name else None
        if zone is not None:
            value = value.replace(tzinfo=zone)
        elif value.tzinfo is None:  # floating time: as it reads, in the Netherlands
            value = value.replace(tzinfo=LOCAL)
    elif isinstance(value, date):  # an all-day appointment: its day, at midnight here
        value = datetime.combine(value, time(0, 0), tzinfo=LOCAL)
    else:
        return None
    if not isinstance(value.tzinfo, ZoneInfo):
        # A zone known only from the file's own VTIMEZONE rules: fixed at this moment, in UTC.
        value = value.astimezone(timezone.utc)
    return _plausible(value)


def _zone(name: str):
    """An IANA zone for Outlook's or anyone's TZID; None leaves the VTIMEZONE's own rules."""
    key = name.strip().strip('"').strip()
    lowered = key.lower()
    if lowered in ZONE_NAMES:
        return ZoneInfo(ZONE_NAMES[lowered])
    if "amsterdam" in lowered:  # "(UTC+01:00) Amsterdam, Berlijn, Bern, Rome, Stockholm, Wenen"
        return LOCAL
    olson = WINDOWS_TO_OLSON.get(key)
    try:
        return ZoneInfo(olson or key) if (olson or "/" in key) else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _calendar_address(value) -> Address | None:
    if isinstance(value, list):  # the property given twice: the first
        value = value[0] if value else None
    if value is None:
        return None
    name = ""
    if hasattr(value, "params"):
        name = str(value.params.get("CN", ""))
    email = str(value)
    if email.lower().startswith("mailto:"):
        email = email[7:]
    return _address(email, name)


# -- e-mail --------------------------------------------------------------------

def read_message(data: bytes) -> Capture:
    if _is_binary(data):
        raise CaptureError(NOT_MESSAGE)
    if data.count(b"\n--") > MAX_BOUNDARIES or data.lower().count(b"boundary=") > MAX_MULTIPARTS:
        raise CaptureError(TOO_COMPLEX)
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError as error:
        raise CaptureError(TOO_DEEP) from error
    except Exception as error:  # the parser is lenient; anything it still throws is a broken file
        raise CaptureError(NOT_MESSAGE) from error
    if not any(name in message for name in ("From", "Date", "Subject", "To")):
        raise CaptureError(NOT_MESSAGE)
    try:
        return _read_message(message, depth=0)
    except CaptureError:
        raise
    except RecursionError as error:
        raise CaptureError(TOO_DEEP) from error
    except Exception as error:  # a part the library cannot make sense of
        raise CaptureError(NOT_MESSAGE) from error


def _read_message(message: EmailMessage, depth: int) -> Capture:
    if depth > MAX_DEPTH:
        raise CaptureError(TOO_DEEP)
    calendars, forwarded = _attachments(message, depth)
    if calendars:
        return read_calendar(calendars[0])
    if forwarded is not None:
        return _read_message(forwarded, depth + 1)
    return _capture_from_message(message)


def _attachments(message: EmailMessage, depth: int) -> tuple[list[bytes], EmailMessage | None]:
    """The invitations in this message, and the first message it forwards, without
    looking inside forwarded messages (that is the next level)."""
    calendars: list[bytes] = []
    forwarded = None
    stack = [(message, depth)]
    seen = 0
    while stack:
        part, level = stack.pop(0)
        seen += 1
        if level > MAX_DEPTH:
            raise CaptureError(TOO_DEEP)
        if seen > MAX_PARTS:
            raise CaptureError(TOO_COMPLEX)
        content_type = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if part is not message and content_type == "message/rfc822":
            if forwarded is None:
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(inner, EmailMessage):
                    forwarded = inner
            continue
        if part.is_multipart():
            stack.extend((child, level + 1) for child in part.iter_parts())
            continue
        if content_type in ("text/calendar", "application/ics") or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if payload:
                calendars.append(payload)
        elif filename.endswith(".eml") and forwarded is None:
            payload = part.get_payload(decode=True) or b""
            if payload and not _is_binary(payload):
                if payload.count(b"\n--") > MAX_BOUNDARIES or payload.lower().count(b"boundary=") > MAX_MULTIPARTS:
                    raise CaptureError(TOO_COMPLEX)
                forwarded = BytesParser(policy=policy.default).parsebytes(payload)
    return calendars, forwarded


def _capture_from_message(message: EmailMessage) -> Capture:
    starts_at = None
    date_header = message.get("Date")
    if date_header is not None:
        value = getattr(date_header, "datetime", None)
        if value is not None:
            starts_at = _plausible(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    forwarded = _inline_forward(str(message.get("Subject", "") or ""), _body_text(message))
    if forwarded is not None:
        return forwarded if forwarded.starts_at else replace(forwarded, starts_at=starts_at)
    senders = _header_addresses(message, "From")
    organiser = senders[0] if senders else None
    others = _header_addresses(message, "To") + _header_addresses(message, "Cc")
    return Capture(
        subject=_subject(str(message.get("Subject", "") or "")),
        starts_at=starts_at,
        kind=EMAIL,
        summary=_summary(_without_history(_body_text(message))),
        organiser=organiser,
        attendees=_attendees(others, organiser),
    )


# An ordinary forward quotes the original's headers in the body, in the
# language of the forwarder's Outlook (or Gmail's, Apple Mail's):
#   ________________________________
#   Van: Jansen, Jan <jan.jansen@minbzk.nl>
#   Verzonden: maandag 30 november 2026 08:47
#   Aan: Mila Medewerker <mila@zaanstad.nl>; ...
#   Onderwerp: ...
FORWARD_START = re.compile(r"^\s*(?:_{20,}|-{2,}\s*(?:Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|"
                           r"Forwarded message)\s*-{2,}|Begin forwarded message:|Begin doorgestuurd bericht:)\s*$",
                           re.MULTILINE | re.IGNORECASE)
FORWARD_SUBJECT = re.compile(r"^\s*(?:fw|fwd|doorst|wg|tr)\s*:", re.IGNORECASE)
FORWARD_MARKER = re.compile(r"doorgestuurd|forwarded", re.IGNORECASE)
FORWARD_HEADERS = {"van": "from", "from": "from", "verzonden": "date", "sent": "date", "datum": "date",
                   "date": "date", "aan": "to", "to": "to", "cc": "cc", "onderwerp": "subject", "subject": "subject"}
FORWARD_HEADER_LINE = re.compile(r"^\s*\*?([A-Za-z]+)\s*:\*?\s*(.*)$")
MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("maart", "march", "mrt", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("augustus", "august", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
# "maandag 30 november 2026 08:47", "Tue, 1 Dec 2026 at 10:15", "Monday, November 30, 2026 8:47 AM"
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?\s+([A-Za-z]+)\.?\s+(\d{4})\D{1,12}?(\d{1,2})[:.](\d{2})\s*([AaPp][Mm])?")
MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\D{1,12}?(\d{1,2})[:.](\d{2})\s*([AaPp][Mm])?")
QUOTED_ADDRESS = re.compile(r"([^<>;]*)<\s*([^<>\s]+@[^<>\s]+)\s*>")


def _inline_forward(subject: str, body: str) -> Capture | None:
    """The original e-mail of an ordinary (inline) forward, read from the
    header block quoted in the body; None when the body quotes none, or when
    the message answers rather than forwards (a reply quotes the same way,
    but is itself the contact)."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    start = FORWARD_START.search(body)
    if start is None or not (FORWARD_SUBJECT.match(subject) or FORWARD_MARKER.search(start.group(0))):
        return None
    lines = body[start.end():].lstrip("\n").split("\n")
    headers: dict[str, str] = {}
    for number, line in enumerate(lines[:20]):
        match = FORWARD_HEADER_LINE.match(line)
        if not line.strip():
            if headers:
                break
            continue
        if match is None or match.group(1).lower() not in FORWARD_HEADERS:
            if not headers:
                return None
            break
        headers[FORWARD_HEADERS[match.group(1).lower()]] = match.group(2).strip()
    else:
        number = len(lines)
    if "from" not in headers:
        return None
    senders = _quoted_addresses(headers["from"])
    organiser = senders[0] if senders else None
    note = body[:start.start()].strip()
    original = _without_history("\n".join(lines[number:]).strip())
    return Capture(
        subject=_subject(headers.get("subject", "")),
        starts_at=_quoted_date(headers.get("date", "")),
        kind=EMAIL,
        summary=_summary(f"{note}\n\n{original}" if note else original),
        organiser=organiser,
        attendees=_attendees(_quoted_addresses(headers.get("to", "")) + _quoted_addresses(headers.get("cc", "")),
                             organiser),
    )


def _quoted_addresses(value: str) -> list[Address]:
    """"Jansen, Jan <jan@x.nl>; Petra <p@y.nl>" or "jan@x.nl, p@y.nl"; names without an address are skipped."""
    found = [_address(email, name.strip(" ,;'\"")) for name, email in QUOTED_ADDRESS.findall(value)]
    if not found:
        found = [_address(token, "") for token in re.split(r"[;,\s]+", value) if "@" in token]
    return [address for address in found if address is not None]


def _quoted_date(value: str) -> datetime | None:
    """The date in a quoted header, as Dutch or English Outlook and Gmail write it, in Dutch time."""
    for pattern, day_first in ((DAY_MONTH_YEAR, True), (MONTH_DAY_YEAR, False)):
        match = pattern.search(value)
        if match is None:
            continue
        first, second, year, hour, minute, half = match.groups()
        day, month_name = (first, second) if day_first else (second, first)
        month = MONTHS.get(month_name.lower())
        if month is None:
            continue
        hour = int(hour) % 12 + (12 if half.lower() == "pm" else 0) if half else int(hour)
        try:
            return _plausible(datetime(int(year), month, int(day), hour, int(minute), tzinfo=LOCAL))
        except ValueError:
            return None
    return None


def _header_addresses(message: EmailMessage, name: str) -> list[Address]:
    found = []
    for header in message.get_all(name, []):
        for address in getattr(header, "addresses", ()):
            if isinstance(address, HeaderAddress):
                item = _address(address.addr_spec, address.display_name)
                if item is not None:
                    found.append(item)
    return found


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        content = _decode(body.get_payload(decode=True) or b"")
    if not isinstance(content, str):
        content = _decode(content)
    return html_to_text(content) if body.get_content_type() == "text/html" else content


# -- shared --------------------------------------------------------------------

def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = _decode(value)
    return str(value)


def _clean(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def _subject(text: str) -> str:
    text = " ".join(_clean(text).split())
    return SUBJECT_PREFIX.sub("", text).strip()[:SUBJECT_LENGTH].strip()


def _summary(text: str) -> str:
    text = _clean(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(text) > SUMMARY_LENGTH:
        text = text[:SUMMARY_LENGTH - 1].rstrip() + "…"
    return text


def _without_meeting_link(text: str) -> str:
    match = MEETING_LINK_BLOCK.search(text)
    return text[:match.start()] if match else text


def _without_history(text: str) -> str:
    match = QUOTED_HISTORY.search(text)
    return text[:match.start()] if match and text[:match.start()].strip() else text


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise CaptureError(_l("De datum in het bestand (%(date)s) kan niet kloppen. Controleer de afspraak of het "
                              "bericht.", date=value.strftime("%d-%m-%Y")))
    return value


def _address(email: str, name: str) -> Address | None:
    email = _clean(email or "").strip().strip("<>").strip().lower()
    if len(email) > 254 or not EMAIL_LIKE.match(email):
        return None
    name = " ".join(_clean(name or "").replace('"', " ").split())[:NAME_LENGTH]
    if name.strip("'").lower() == email:
        name = ""
    return Address(email=email, name=name)


def _attendees(addresses: list[Address], organiser: Address | None) -> tuple[Address, ...]:
    """Without the organiser, each address once (with the first name given), at most MAX_ATTENDEES."""
    chosen: dict[str, Address] = {}
    for address in addresses:
        if organiser is not None and address.email == organiser.email:
            continue
        known = chosen.get(address.email)
        if known is None:
            if len(chosen) >= MAX_ATTENDEES:
                continue
            chosen[address.email] = address
        elif not known.name and address.name:
            chosen[address.email] = address
    return tuple(chosen.values())


class _TextExtractor(HTMLParser):
    """HTML to plain text: the words stay, markup and scripts go."""

    SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg"}
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
              "blockquote", "hr", "pre", "section", "article", "header", "footer"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except (AssertionError, ValueError):
        pass  # broken markup: keep the text read up to there
    lines = (line.strip() for line in "".join(extractor.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
