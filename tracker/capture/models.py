from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class DraftStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "vastgelegd"
    DISCARDED = "weggegooid"


class CaptureDraft(db.Model):
    """A message from the inbound mailbox, read into a draft contactmoment
    for its sender to check and confirm (or discard) on the home page.

    `message_key` is the sha256 of the message's Message-ID (of the whole
    message when it has none): a message is never turned into a draft twice,
    even when the job stopped between storing the draft and moving the
    message out of the inbox. The message itself stays in the mailbox (in
    IMAP_DONE_FOLDER); the draft keeps what was read from it.
    """

    __tablename__ = "capture_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(300))
    # When the mail server received the message (its INTERNALDATE).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(String(300))
    # The parse.Capture read from the message, as JSON (drafts.capture_json).
    capture: Mapped[dict] = mapped_column(JSON)
    status: Mapped[DraftStatus] = enum_column(DraftStatus, default=DraftStatus.OPEN)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()

    def __repr__(self) -> str:
        return f"<CaptureDraft {self.id} {self.status.value} {self.subject!r}>"
