"""The inbound mailbox: colleagues forward (or BCC) invitations and e-mails
to a dedicated address; this job reads every message in IMAP_FOLDER and
turns it into a draft contactmoment for its sender (drafts.py).

Nothing is lost and nothing is read twice. Each message is first stored
as a draft (committed), then moved to IMAP_DONE_FOLDER. A message from an
address that is no active user's, or one parse.parse_message refuses, is
moved to IMAP_REJECTED_FOLDER, with the reason in the log and the job's
result; no message is ever deleted. When the job stops between storing and
moving, the next run finds the Message-ID already stored and only moves
the message. When the server cannot be reached the run fails, is recorded,
and the next run tries again: the messages wait in the mailbox.

Like the outbox, this owns its transactions: a commit per message.
"""

import base64
import dataclasses
import email.policy
import imaplib
import ipaddress
import logging
import re
import ssl
import time
from datetime import datetime, timezone
from email.parser import BytesHeaderParser

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..auth.service import normalise_email
from ..database import utcnow
from ..extensions import db
from . import drafts
from .parse import MAX_MESSAGE_BYTES, CaptureError, parse_message

log = logging.getLogger(__name__)

SECURITY_MODES = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
TIMEOUT_SECONDS = 30


class MailboxError(RuntimeError):
    """The mailbox cannot be read now: wrong settings, or the server refused
    or failed. The run fails and the next run tries again."""


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str
    port: int
    user: str
    password: str
    security: str
    folder: str
    done_folder: str
    rejected_folder: str
    # The mailbox's own addresses: not participants of what is forwarded to it.
    own_addresses: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config) -> "Settings | None":
        """The settings, or None when IMAP_HOST is empty (the mailbox is off)."""
        host = (config.get("IMAP_HOST") or "").strip()
        if not host:
            return None
        security = (config.get("IMAP_SECURITY") or "ssl").strip().lower()
        if security not in SECURITY_MODES:
            raise MailboxError(f"IMAP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
        if security == "none" and not is_loopback(host):
            raise MailboxError(f"IMAP_SECURITY=none sends the password unencrypted and is only allowed for a "
                               f"loopback address (127.0.0.1, ::1, localhost), not for {host!r}; use ssl or starttls")
        folders = [config.get(name) or default for name, default in (
            ("IMAP_FOLDER", "INBOX"), ("IMAP_DONE_FOLDER", "Verwerkt"), ("IMAP_REJECTED_FOLDER", "Geweigerd"))]
        if len({folder.lower() for folder in folders}) != 3:
            raise MailboxError("IMAP_FOLDER, IMAP_DONE_FOLDER and IMAP_REJECTED_FOLDER must be three different folders")
        user = config.get("IMAP_USER") or ""
        own = {normalise_email(value) for value in (user, config.get("IMAP_ADDRESS") or "") if "@" in value}
        return cls(host=host, port=int(config.get("IMAP_PORT") or DEFAULT_PORTS[security]),
                   user=user, password=config.get("IMAP_PASSWORD") or "", security=security,
                   folder=folders[0], done_folder=folders[1], rejected_folder=folders[2],
                   own_addresses=frozenset(own))


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclasses.dataclass
class Rejection:
    sender: str
    subject: str
    reason: str


@dataclasses.dataclass
class FetchResult:
    drafts: int = 0
    # Already stored by an earlier run that stopped before moving them.
    already_stored: int = 0
    rejected: list[Rejection] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.drafts} concept(en), {len(self.rejected)} geweigerd"
        if self.already_stored:
            text += f", {self.already_stored} al eerder opgeslagen en nu verplaatst"
        if self.rejected:
            text += " (" + "; ".join(f"{item.sender or 'onbekend'}: {item.reason}" for item in self.rejected) + ")"
        return text


# --- IMAP ---------------------------------------------------------------------------------------------------------

def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501, 5.1.3)."""
    out, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for character in name:
        if 0x20 <= ord(character) <= 0x7E:
            flush()
            out.append("&-" if character == "&" else character)
        else:
            pending.append(character)
    flush()
    return "".join(out)


def quoted(name: str) -> str:
    encoded = imap_utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check(response, what: str):
    status, data = response
    if status != "OK":
        detail = b" ".join(item for item in data if isinstance(item, bytes)).decode("utf-8", "replace")
        raise MailboxError(f"{what}: {status} {detail}".strip())
    return data


class Connection:
    """One logged-in IMAP session on the inbound folder."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.imap = self._open()
        try:
            try:
                self.imap.login(settings.user, settings.password)
            except imaplib.IMAP4.error as error:
                raise MailboxError(f"inloggen als {settings.user!r} geweigerd: {error}") from error
            # Dovecot and others announce MOVE and UIDPLUS only after the login.
            data = check(self.imap.capability(), "CAPABILITY")
            self.capabilities = set(b" ".join(data).decode("ascii", "replace").upper().split())
        except BaseException:
            self.close()
            raise

    def _open(self) -> imaplib.IMAP4:
        settings = self.settings
        if settings.security == "ssl":
            return imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=ssl.create_default_context(),
                                     timeout=TIMEOUT_SECONDS)
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            try:
                check(imap.starttls(ssl_context=ssl.create_default_context()), "STARTTLS")
            except BaseException:
                try:
                    imap.shutdown()
                except OSError:  # the failed handshake closed it already
                    pass
                raise
        return imap

    def close(self) -> None:
        try:
            self.imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def ensure_folder(self, name: str) -> None:
        found = check(self.imap.list('""', quoted(name)), f"LIST {name}")
        if not any(found):
            check(self.imap.create(quoted(name)), f"map {name} aanmaken")

    def select_inbound(self) -> list[bytes]:
        check(self.imap.select(quoted(self.settings.folder)), f"map {self.settings.folder} openen")
        data = check(self.imap.uid("SEARCH", "ALL"), "SEARCH")
        return b" ".join(item for item in data if item).split()

    def size(self, uid: bytes) -> int | None:
        data = check(self.imap.uid("FETCH", uid, "(RFC822.SIZE)"), "FETCH RFC822.SIZE")
        for item in data:
            found = re.search(rb"RFC822\.SIZE (\d+)", item if isinstance(item, bytes) else item[0])
            if found:
                return int(found.group(1))
        return None

    def header(self, uid: bytes) -> bytes:
        """The message's header alone (without setting \\Seen)."""
        data = check(self.imap.uid("FETCH", uid, "(BODY.PEEK[HEADER])"), "FETCH HEADER")
        return next((item[1] for item in data if isinstance(item, tuple)), b"")

    def message(self, uid: bytes) -> tuple[bytes, datetime] | None:
        """The whole message (without setting \\Seen) and when the server received it."""
        data = check(self.imap.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])"), "FETCH")
        for item in data:
            if isinstance(item, tuple):
                # Internaldate2tuple gives this machine's local time: back to UTC through a timestamp.
                received = imaplib.Internaldate2tuple(item[0])
                when = datetime.fromtimestamp(time.mktime(received), timezone.utc) if received else utcnow()
                return item[1], when
        return None

    def move(self, uid: bytes, folder: str) -> None:
        """MOVE when the server has it, else COPY, \\Deleted and EXPUNGE (of
        this message alone where the server has UIDPLUS)."""
        if "MOVE" in self.capabilities:
            check(self.imap.uid("MOVE", uid, quoted(folder)), f"naar {folder} verplaatsen")
            return
        check(self.imap.uid("COPY", uid, quoted(folder)), f"naar {folder} kopiëren")
        check(self.imap.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), "als verwijderd markeren")
        if "UIDPLUS" in self.capabilities:
            check(self.imap.uid("EXPUNGE", uid), "EXPUNGE")
        else:
            check(self.imap.expunge(), "EXPUNGE")


def connect(settings: Settings) -> Connection:
    try:
        return Connection(settings)
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(f"IMAP-server {settings.host}:{settings.port} niet bereikbaar of weigert: "
                           f"{type(error).__name__}: {error}") from error


# --- Messages -----------------------------------------------------------------------------------------------------

def headers_of(raw: bytes):
    return BytesHeaderParser(policy=email.policy.default).parsebytes(raw)


def header(message, name: str) -> str:
    """A header's decoded text; empty when missing or beyond repair."""
    try:
        return " ".join(str(message.get(name) or "").split())
    except Exception:  # the email package raises many kinds on malformed headers
        return ""


def from_addresses(message) -> list[str]:
    try:
        value = message.get("From")
        return [address.addr_spec for address in getattr(value, "addresses", ()) if address.addr_spec]
    except Exception:  # the email package raises many kinds on malformed headers
        return []


def sender_of(message) -> tuple[User | None, str, str]:
    """The active user the message is from, the From address, and why not when there is none."""
    addresses = from_addresses(message)
    if len(addresses) != 1 or "@" not in addresses[0]:
        return None, ", ".join(addresses)[:254], "geen afzender, of meer dan één"
    address = normalise_email(addresses[0])
    user = db.session.scalar(select(User).where(func.lower(User.email) == address, User.active.is_(True)))
    if user is None:
        return None, address, "onbekende afzender (geen actieve gebruiker met dit adres)"
    return user, address, ""


def fetch_mail(settings: Settings) -> FetchResult:
    """Reads every message in the inbound folder once (see the module's docstring)."""
    result = FetchResult()
    connection = connect(settings)
    try:
        connection.ensure_folder(settings.done_folder)
        connection.ensure_folder(settings.rejected_folder)
        for uid in connection.select_inbound():
            handle(connection, uid, result)
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(f"IMAP-server {settings.host}: {type(error).__name__}: {error}") from error
    finally:
        db.session.rollback()
        connection.close()
    return result


def handle(connection: Connection, uid: bytes, result: FetchResult) -> None:
    settings = connection.settings

    def reject(sender: str, subject: str, reason: str) -> None:
        log.warning("inbound mailbox: message %s from %r (%r) refused: %s", uid.decode(), sender, subject, reason)
        connection.move(uid, settings.rejected_folder)
        result.rejected.append(Rejection(sender, subject[:100], reason))

    size = connection.size(uid)
    if size is None:
        return  # gone in the meantime (another reader moved it)
    if size > MAX_MESSAGE_BYTES:  # not downloaded, only its header read for the log
        message = headers_of(connection.header(uid))
        return reject(", ".join(from_addresses(message))[:254], header(message, "Subject"),
                      f"te groot ({size:,} bytes; ten hoogste {MAX_MESSAGE_BYTES:,})".replace(",", "."))
    fetched = connection.message(uid)
    if fetched is None:
        return
    raw, received_at = fetched
    message = headers_of(raw)
    message_id, subject = header(message, "Message-ID"), header(message, "Subject")
    key = drafts.message_key(message_id, raw)
    # Short transactions: none stays open while the message is parsed or the server is asked.
    stored = drafts.is_stored(key)
    user, address, reason = sender_of(message)
    user_id = user.id if user else None
    db.session.rollback()
    if stored:
        connection.move(uid, settings.done_folder)
        result.already_stored += 1
        return
    if user_id is None:
        return reject(address, subject, reason)
    try:
        capture = parse_message(raw)
    except CaptureError as error:
        return reject(address, subject, str(error))
    except Exception as error:  # a message the parser chokes on is refused, not retried for ever
        log.exception("inbound mailbox: parse_message failed on message %s", uid.decode())
        return reject(address, subject, f"onleesbaar ({type(error).__name__})")
    capture = dataclasses.replace(capture, attendees=tuple(
        address for address in capture.attendees if address.email not in settings.own_addresses))
    try:
        drafts.add_draft(db.session.get(User, user_id), key, message_id, received_at, capture)
        db.session.commit()
    except IntegrityError:
        # Another run stored the same message a moment ago.
        db.session.rollback()
        result.already_stored += 1
    else:
        result.drafts += 1
    connection.move(uid, settings.done_folder)
