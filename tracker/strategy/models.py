from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import db


class Scale(StrEnum):
    LOCAL = "lokaal"
    REGIONAL = "regionaal"
    NATIONAL = "landelijk"
    EUROPEAN = "europees"


class IntendedRole(StrEnum):
    """The role the strategy wants Zaanstad to play in a network."""

    CHAIR = "voorzitter"
    VICE_CHAIR = "vicevoorzitter"
    PIONEER = "voortrekker"
    LEAD = "trekker"
    MEMBER = "lid"
    ACTIVE_PARTICIPANT = "actief-deelnemer"
    NO_LEADING_ROLE = "geen-voortrekkersrol"
    MONITOR = "monitoren"


class EngagementLevel(StrEnum):
    """At which level the strategy wants a network worked on."""

    POLITICAL = "bestuurlijk"
    OFFICIAL = "ambtelijk"
    SENIOR_OFFICIAL = "hoogambtelijk"
    POLITICAL_AND_OFFICIAL = "bestuurlijk-ambtelijk"
    POLITICAL_AND_SENIOR_OFFICIAL = "bestuurlijk-hoogambtelijk"


class PriorityStatus(StrEnum):
    ON_TRACK = "op-koers"
    NEEDS_ATTENTION = "aandacht-nodig"
    AT_RISK = "risico"
    ACHIEVED = "bereikt"
    MONITOR_ONLY = "alleen-monitoren"


class PositionStatus(StrEnum):
    WANTED = "beoogd"
    HELD = "verkregen"
    NOT_OBTAINED = "niet-verkregen"
    ENDED = "beeindigd"


class BidStatus(StrEnum):
    EXPLORING = "verkennen"
    PREPARING = "in-voorbereiding"
    SUBMITTED = "ingediend"
    GRANTED = "toegekend"
    REJECTED = "afgewezen"


engagement_organisations = Table(
    "engagement_organisations", db.metadata,
    Column("engagement_id", ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
engagement_priorities = Table(
    "engagement_priorities", db.metadata,
    Column("engagement_id", ForeignKey("engagements.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priorities.id", ondelete="CASCADE"), primary_key=True, index=True),
)
position_themes = Table(
    "position_themes", db.metadata,
    Column("position_id", ForeignKey("positions.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)
key_moment_priorities = Table(
    "key_moment_priorities", db.metadata,
    Column("key_moment_id", ForeignKey("key_moments.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priorities.id", ondelete="CASCADE"), primary_key=True, index=True),
)
funding_stream_priorities = Table(
    "funding_stream_priorities", db.metadata,
    Column("funding_stream_id", ForeignKey("funding_streams.id", ondelete="CASCADE"), primary_key=True),
    Column("priority_id", ForeignKey("priorities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Theme(db.Model):
    """An opgave: one of the municipality's societal challenges."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    introduction: Mapped[str] = mapped_column(Text, default="")
    trends: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    central: Mapped[bool] = mapped_column(default=True)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    priorities: Mapped[list["Priority"]] = relationship(back_populates="theme", order_by="Priority.number")
    engagements: Mapped[list["Engagement"]] = relationship(back_populates="theme", order_by="Engagement.number")

    def __repr__(self) -> str:
        return f"<Theme {self.number} {self.name}>"


class Priority(db.Model):
    """A strategic priority (lobby goal) under one opgave."""

    __tablename__ = "priorities"
    __table_args__ = (UniqueConstraint("theme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    monitor_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PriorityStatus | None] = enum_column(PriorityStatus)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    theme: Mapped[Theme] = relationship(back_populates="priorities")
    status_history: Mapped[list["PriorityStatusChange"]] = relationship(
        back_populates="priority", order_by="PriorityStatusChange.changed_at.desc()",
        cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        return f"{self.theme.number}.{self.number}"

    def __repr__(self) -> str:
        return f"<Priority {self.id} {self.title}>"


class PriorityStatusChange(db.Model):
    """A manager's dated judgement of how a priority is doing."""

    __tablename__ = "priority_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priorities.id", ondelete="CASCADE"), index=True)
    status: Mapped[PriorityStatus] = enum_column(PriorityStatus)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    priority: Mapped[Priority] = relationship(back_populates="status_history")
    changed_by: Mapped["User | None"] = relationship()


class Arena(db.Model):
    """A network: a group of tables such as the Rijk, the MRA or Europa."""

    __tablename__ = "arenas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    scale: Mapped[Scale] = enum_column(Scale)
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    organisations: Mapped[list["Organisation"]] = relationship(
        back_populates="arena", order_by="Organisation.name")

    def __repr__(self) -> str:
        return f"<Arena {self.name}>"


class Engagement(db.Model):
    """What the strategy says Zaanstad does in a network for one opgave."""

    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    arena_id: Mapped[int] = mapped_column(ForeignKey("arenas.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int]
    heading: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    role: Mapped[IntendedRole | None] = enum_column(IntendedRole)
    level: Mapped[EngagementLevel | None] = enum_column(EngagementLevel)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    theme: Mapped[Theme] = relationship(back_populates="engagements")
    arena: Mapped[Arena] = relationship()
    organisations: Mapped[list["Organisation"]] = relationship(
        secondary=engagement_organisations, back_populates="engagements", order_by="Organisation.name")
    priorities: Mapped[list[Priority]] = relationship(
        secondary=engagement_priorities, order_by=Priority.number)

    def __repr__(self) -> str:
        return f"<Engagement {self.id} {self.heading}>"


class Position(db.Model):
    """A seat or portfolio in a gremium: wanted, held, or lost."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 index=True)
    title: Mapped[str] = mapped_column(String(200))
    role: Mapped[IntendedRole | None] = enum_column(IntendedRole)
    portfolio: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PositionStatus] = enum_column(PositionStatus, default=PositionStatus.WANTED)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    held_since: Mapped[date | None] = mapped_column(Date)
    held_until: Mapped[date | None] = mapped_column(Date)
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    organisation: Mapped["Organisation"] = relationship(back_populates="positions")
    holder: Mapped["User | None"] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=position_themes, order_by=Theme.number)

    def __repr__(self) -> str:
        return f"<Position {self.id} {self.title}>"


class KeyMoment(db.Model):
    """A debate, budget round or meeting where influence counts."""

    __tablename__ = "key_moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    arena_id: Mapped[int | None] = mapped_column(ForeignKey("arenas.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A whole day (a budget round, a congress) instead of a moment at a set time.
    all_day: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisation: Mapped["Organisation | None"] = relationship()
    arena: Mapped[Arena | None] = relationship()
    priorities: Mapped[list[Priority]] = relationship(secondary=key_moment_priorities)


class FundingStream(db.Model):
    """A national or regional fund that a priority may draw on."""

    __tablename__ = "funding_streams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deadline: Mapped[date | None] = mapped_column(Date)
    bid_status: Mapped[BidStatus | None] = enum_column(BidStatus)
    amount_requested: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount_granted: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    seed_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The ministry or fund in words, when it is no organisation in the app.
    provider_name: Mapped[str | None] = mapped_column(String(200))

    provider: Mapped["Organisation | None"] = relationship()
    priorities: Mapped[list[Priority]] = relationship(secondary=funding_stream_priorities)
