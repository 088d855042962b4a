from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class WooExport(db.Model):
    """One Woo export: how it searched and what it found, so the municipality
    can show how it answered a request. Names are kept as text, so a line
    outlives the user."""

    __tablename__ = "woo_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    terms: Mapped[str] = mapped_column(String(500), default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # {"prioriteiten": [...labels], "organisaties": [...names], "namen_vervangen": bool}
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    hits: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)
