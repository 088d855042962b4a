from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class Influence(StrEnum):
    """How much a stakeholder can move the priority, on the map's vertical axis."""

    LOW = "laag"
    MEDIUM = "midden"
    HIGH = "hoog"


class Attitude(StrEnum):
    """Where a stakeholder stands towards Zaanstad's position, on the horizontal axis."""

    AGAINST = "tegen"
    NEUTRAL = "neutraal"
    FOR = "voor"
    UNKNOWN = "onbekend"


class StakeholderAction(StrEnum):
    ADDED = "toegevoegd"
    CHANGED = "gewijzigd"
    REMOVED = "verwijderd"


class OnTheMap:
    """An organisation or a contact person, whichever of the two is set."""

    @property
    def relation(self):
        return self.organisation or self.contact

    @property
    def key(self) -> tuple[str, int]:
        return relation_key(self.organisation_id, self.contact_id)


class Stakeholder(OnTheMap, db.Model):
    """An organisation or a contact person on one priority's map: exactly one of the two."""

    __tablename__ = "stakeholders"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (contact_id IS NULL)", name="one_relation"),
        UniqueConstraint("priority_id", "organisation_id"),
        UniqueConstraint("priority_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    influence: Mapped[Influence] = enum_column(Influence)
    attitude: Mapped[Attitude] = enum_column(Attitude)
    note: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    priority: Mapped["Priority"] = relationship()
    organisation: Mapped["Organisation | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()


def relation_key(organisation_id: int | None, contact_id: int | None) -> tuple[str, int]:
    return ("organisatie", organisation_id) if organisation_id is not None else ("contactpersoon", contact_id)


class StakeholderChange(OnTheMap, db.Model):
    """One line of a map's history: a stakeholder added, moved or removed.

    Keyed by the priority and the relation rather than the map entry, so the
    history outlives a removal and a later return to the map."""

    __tablename__ = "stakeholder_changes"
    __table_args__ = (Index("ix_stakeholder_changes_priority_id_changed_at", "priority_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    action: Mapped[StakeholderAction] = enum_column(StakeholderAction)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    old_influence: Mapped[Influence | None] = enum_column(Influence)
    new_influence: Mapped[Influence | None] = enum_column(Influence)
    old_attitude: Mapped[Attitude | None] = enum_column(Attitude)
    new_attitude: Mapped[Attitude | None] = enum_column(Attitude)
    old_note: Mapped[str | None] = mapped_column(String(300))
    new_note: Mapped[str | None] = mapped_column(String(300))

    organisation: Mapped["Organisation | None"] = relationship()
    contact: Mapped["Contact | None"] = relationship()
    changed_by: Mapped["User | None"] = relationship()
