"""Drafts brought in by the inbound mailbox, waiting for their sender.

The logging form calls `capture_for` to fill itself in
(/contactmomenten/nieuw?concept=<id>) and `confirm` when it is saved.

Like the other services these flush but never commit.
"""

import dataclasses
import hashlib
from datetime import datetime

from sqlalchemy import select

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from .models import CaptureDraft, DraftStatus
from .parse import Address, Capture

# The home page lists at most this many open drafts, newest first.
HOME_LIMIT = 50


def message_key(message_id: str | None, raw: bytes) -> str:
    """What makes a message the same message: its Message-ID, or, lacking
    one, its bytes."""
    if message_id and message_id.strip():
        return hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(raw).hexdigest()


def capture_json(capture: Capture) -> dict:
    values = dataclasses.asdict(capture)
    values["starts_at"] = capture.starts_at.isoformat() if capture.starts_at else None
    return values


def _address(values: dict | None) -> Address | None:
    return Address(**values) if values else None


def capture_from_json(values: dict) -> Capture:
    known = {item.name for item in dataclasses.fields(Capture)}
    values = {key: value for key, value in values.items() if key in known}
    values["starts_at"] = datetime.fromisoformat(values["starts_at"]) if values.get("starts_at") else None
    values["organiser"] = _address(values.get("organiser"))
    values["attendees"] = tuple(_address(item) for item in values.get("attendees") or ())
    return Capture(**values)


def is_stored(key: str) -> bool:
    return db.session.scalar(select(CaptureDraft.id).where(CaptureDraft.message_key == key)) is not None


def add_draft(user: User, key: str, message_id: str, received_at: datetime, capture: Capture) -> CaptureDraft:
    draft = CaptureDraft(user=user, message_key=key, message_id=(message_id or "")[:300], received_at=received_at,
                         subject=(capture.subject or "")[:300], capture=capture_json(capture))
    db.session.add(draft)
    db.session.flush()
    return draft


def _open_draft(user, draft_id: int) -> CaptureDraft | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(CaptureDraft).where(
        CaptureDraft.id == draft_id, CaptureDraft.user_id == user.id, CaptureDraft.status == DraftStatus.OPEN))


@dataclasses.dataclass(frozen=True)
class DraftSummary:
    """A draft as the home page lists it."""
    id: int
    subject: str
    received_at: datetime
    starts_at: datetime | None
    organiser: Address | None


def open_drafts(user: User, limit: int = HOME_LIMIT) -> list[DraftSummary]:
    """The user's own open drafts, newest first: one query."""
    rows = db.session.scalars(
        select(CaptureDraft).where(CaptureDraft.user_id == user.id, CaptureDraft.status == DraftStatus.OPEN)
        .order_by(CaptureDraft.received_at.desc(), CaptureDraft.id.desc()).limit(limit))
    summaries = []
    for draft in rows:
        capture = capture_from_json(draft.capture)
        summaries.append(DraftSummary(draft.id, draft.subject, draft.received_at, capture.starts_at,
                                      capture.organiser))
    return summaries


def capture_for(user, draft_id: int) -> Capture | None:
    """The draft's contents when it is `user`'s own and still open; else None."""
    draft = _open_draft(user, draft_id)
    return capture_from_json(draft.capture) if draft else None


def confirm(draft_id: int, user, interaction) -> None:
    """Marks the draft as turned into `interaction` (in the caller's transaction; no commit)."""
    draft = _open_draft(user, draft_id)
    if draft is None:
        return
    draft.status, draft.interaction_id, draft.decided_at = DraftStatus.CONFIRMED, interaction.id, utcnow()
    db.session.flush()


def discard(draft_id: int, user) -> bool:
    """Throws the user's own open draft away; False when there is no such draft."""
    draft = _open_draft(user, draft_id)
    if draft is None:
        return False
    draft.status, draft.decided_at = DraftStatus.DISCARDED, utcnow()
    db.session.flush()
    return True
