from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class FlagStatus(StrEnum):
    OPEN = "open"
    SNOOZED = "gesnoozed"
    RESOLVED = "opgelost"


class FlagSubject(StrEnum):
    ORGANISATION = "organisatie"
    CONTACT = "contactpersoon"
    FOLLOW_UP = "actie"


class FlagAction(StrEnum):
    RAISED = "gesignaleerd"
    SNOOZED = "gesnoozed"
    REOPENED = "heropend"
    ASSIGNED = "toegewezen"
    RESOLVED = "opgelost"


class NeglectFlag(db.Model):
    """A signalering: a relationship not worked on within its cadence, or an
    overdue follow-up. One flag stays open per subject until it is resolved."""

    __tablename__ = "neglect_flags"
    __table_args__ = (
        # At most one flag that is not resolved per subject: the scan can run
        # twice on a day, or in two processes, without duplicates.
        Index("uq_neglect_flags_active_subject", "subject_key", unique=True,
              sqlite_where=db.text("status != 'opgelost'"), postgresql_where=db.text("status != 'opgelost'")),
        Index("ix_neglect_flags_status_owner", "status", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[FlagSubject] = enum_column(FlagSubject)
    subject_key: Mapped[str] = mapped_column(String(60), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"), index=True)
    status: Mapped[FlagStatus] = enum_column(FlagStatus, default=FlagStatus.OPEN)
    neglected_since: Mapped[date] = mapped_column(Date)
    days_overdue: Mapped[int] = mapped_column(default=0)
    cadence_days: Mapped[int | None]
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    theme_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    priority_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    engagement_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    snooze_reason: Mapped[str | None] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped["Organisation | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()
    follow_up: Mapped["FollowUp | None"] = relationship()
    owner: Mapped["User | None"] = relationship(foreign_keys=[owner_id])
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])
    events: Mapped[list["NeglectFlagEvent"]] = relationship(
        back_populates="flag", order_by="NeglectFlagEvent.id.desc()", cascade="all, delete-orphan")

    @property
    def responsible(self):
        return self.assignee or self.owner


# Aandacht nodig lists the open flags most overdue first: read in this order,
# a page stops after its fifty, however many flags are open.
FLAGS_BY_OVERDUE = Index("ix_neglect_flags_status_overdue", NeglectFlag.status, NeglectFlag.days_overdue.desc(),
                         NeglectFlag.id)


class NeglectFlagEvent(db.Model):
    """The history of a flag: raised, snoozed, assigned, reopened, resolved."""

    __tablename__ = "neglect_flag_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("neglect_flags.id", ondelete="CASCADE"), index=True)
    action: Mapped[FlagAction] = enum_column(FlagAction)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    flag: Mapped[NeglectFlag] = relationship(back_populates="events")
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id])
