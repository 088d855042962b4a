from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class ImportKind(StrEnum):
    CONTACTS = "contactpersonen"
    ORGANISATIONS = "organisaties"


class PendingImport(db.Model):
    """An uploaded file between its preview and its confirmation, and the
    result once confirmed. Kept server-side (never in the session cookie),
    found by a random token and only by the user who uploaded it; removed
    after `service.EXPIRY`."""

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ImportKind] = enum_column(ImportKind)
    file_name: Mapped[str] = mapped_column(String(255))
    # The file's data rows as read: [{"line": 2, "values": {"naam": "…", …}}, …].
    rows: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the confirmation: {"created": n, "updated": n, "unchanged": n}.
    result: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped["User"] = relationship()

    def __repr__(self) -> str:
        return f"<PendingImport {self.id} {self.file_name}>"
