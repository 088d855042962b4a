from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class RequestKind(StrEnum):
    WOO = "woo"
    AVG = "avg"


information_request_contacts = Table(
    "information_request_contacts", db.metadata,
    Column("request_id", ForeignKey("information_requests.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class InformationRequest(db.Model):
    """A Woo or AVG request. While it is open, the contacts it covers are
    under a legal hold: they are not anonymised or deleted."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = enum_column(RequestKind)
    subject: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list["Contact"]] = relationship(secondary=information_request_contacts, order_by="Contact.name")
    created_by: Mapped["User | None"] = relationship()

    def is_open(self, today: date) -> bool:
        return self.closed_on is None or self.closed_on > today


class AvgActionKind(StrEnum):
    EXPORT = "inzage"
    ANONYMISE = "anonimisering"


class AvgAction(db.Model):
    """An AVG export or anonymisation of one contact. It names the contact by
    id only: after anonymisation no trace of the person's name is left here."""

    __tablename__ = "avg_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[AvgActionKind] = enum_column(AvgActionKind)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class RetentionDecision(StrEnum):
    KEEP = "bewaren"
    ANONYMISE = "anonimiseren"


class RetentionReview(db.Model):
    """A contact the monthly job listed (no contactmoment within the retention
    period), and what a beheerder decided. A decision to keep holds until
    `keep_until`; the contact is not listed again before then."""

    __tablename__ = "retention_reviews"
    __table_args__ = (Index("ix_retention_reviews_contact_decision", "contact_id", "decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    listed_on: Mapped[date] = mapped_column(Date)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[RetentionDecision | None] = enum_column(RetentionDecision, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    keep_until: Mapped[date | None] = mapped_column(Date)

    contact: Mapped["Contact"] = relationship()
    decided_by: Mapped["User | None"] = relationship()
