from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class InteractionKind(StrEnum):
    MEETING = "overleg"
    CALL = "telefonisch"
    EMAIL = "e-mail"
    LETTER = "brief"
    WORKING_VISIT = "werkbezoek"
    EVENT = "bijeenkomst"
    DEBATE = "debat"
    INFORMAL = "informeel"


class Level(StrEnum):
    """Who spoke on Zaanstad's side: elected officials or civil servants."""

    POLITICAL = "bestuurlijk"
    SENIOR_OFFICIAL = "hoogambtelijk"
    OFFICIAL = "ambtelijk"


# The links to contacts and organisations repeat the contactmoment's time, so
# that "when was the last contact with X" is answered from one index (the
# neglect scan asks it for every relationship at once). The service keeps it
# in step on every save.
interaction_contacts = Table(
    "interaction_contacts", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("occurred_at", UTCDateTime),
    # A person's history newest first, ties by contactmoment, straight from the index.
    Index("ix_interaction_contacts_contact_history", "contact_id", "occurred_at", "interaction_id"),
)
interaction_organisations = Table(
    "interaction_organisations", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True,
           index=True),
    Column("occurred_at", UTCDateTime),
    Index("ix_interaction_organisations_organisation_history", "organisation_id", "occurred_at",
          "interaction_id"),
)
interaction_participants = Table(
    "interaction_participants", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)
interaction_priorities = Table(
    "interaction_priorities", db.metadata,
    Column("interaction_id", ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priorities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Interaction(db.Model):
    """A contactmoment: one logged contact with the outside world."""

    __tablename__ = "interactions"
    __table_args__ = (Index("ix_interactions_author_occurred", "author_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[InteractionKind] = enum_column(InteractionKind)
    level: Mapped[Level] = enum_column(Level)
    subject: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: Mapped["User"] = relationship(foreign_keys=[author_id])
    contacts: Mapped[list["Contact"]] = relationship(secondary=interaction_contacts, order_by="Contact.name")
    organisations: Mapped[list["Organisation"]] = relationship(
        secondary=interaction_organisations, order_by="Organisation.name")
    participants: Mapped[list["User"]] = relationship(secondary=interaction_participants, order_by="User.name")
    priorities: Mapped[list["Priority"]] = relationship(
        secondary=interaction_priorities, order_by="Priority.id")
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="interaction", cascade="all, delete-orphan", order_by="FollowUp.due_date")

    def __repr__(self) -> str:
        return f"<Interaction {self.id} {self.subject!r}>"


class FollowUp(db.Model):
    """An afspraak or actie agreed in a contactmoment, with owner and due date."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_owner_open", "owner_id", "completed_at", "due_date"),
                      Index("ix_follow_ups_open", "completed_at", "due_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    due_date: Mapped[date] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interaction: Mapped[Interaction] = relationship(back_populates="follow_ups")
    owner: Mapped["User"] = relationship()

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
