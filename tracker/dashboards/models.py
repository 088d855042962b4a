"""Indexes the dashboards need on the contactmomenten's own tables (migration
a1d4b0a4d001), and the daily counts they read at scale (migration a1d4b0a6d001)."""

from sqlalchemy import Boolean, Column, Date, Enum, ForeignKey, Index, Integer, Table

from ..database import UTCDateTime
from ..extensions import db
from ..interactions.models import FollowUp, Interaction, Level, interaction_priorities

# Every count over a period reads the contactmomenten of that period; with
# level and the visibility columns in the index it never reads the rows.
INTERACTIONS_BY_TIME = Index("ix_interactions_dashboard", Interaction.occurred_at, Interaction.level,
                             Interaction.confidential, Interaction.author_id)
# From an opgave's priorities to their contactmomenten, without the table.
PRIORITY_INTERACTIONS = Index("ix_interaction_priorities_priority_interaction",
                              interaction_priorities.c.priority_id, interaction_priorities.c.interaction_id)
# The open follow-ups with their contactmomenten, without the table (a1d4b0a6d001).
OPEN_FOLLOW_UPS = Index("ix_follow_ups_open_interaction", FollowUp.completed_at, FollowUp.interaction_id)


def _counts_table(name: str, *extra):
    """Contactmomenten per local day (Europe/Amsterdam), level and
    confidentiality, about one priority (priority_id), about any priority of
    one opgave (theme_id), or whatever they are about (both empty). Filled and
    kept in step by tracker/dashboards/aggregates.py."""
    return Table(
        name, db.metadata,
        Column("id", Integer, primary_key=True),
        Column("day", Date, nullable=False, index=True),
        Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE")),
        Column("priority_id", ForeignKey("priorities.id", ondelete="CASCADE")),
        *extra,
        Column("level", Enum(Level, native_enum=False, length=40, validate_strings=True,
                             values_callable=lambda members: [member.value for member in members]), nullable=False),
        Column("confidential", Boolean, nullable=False),
        Column("interactions", Integer, nullable=False),
        Column("last_at", UTCDateTime, nullable=False),
    )


# Whatever the network.
DAILY_COUNTS = _counts_table("dashboard_daily_counts")
# Per network (arena_id; empty: with no organisation in any network). A
# contactmoment with organisations in two networks counts in both.
NETWORK_DAILY_COUNTS = _counts_table(
    "dashboard_network_daily_counts", Column("arena_id", ForeignKey("arenas.id", ondelete="CASCADE")))
# Every question narrows on the subject first, then reads a range of days; the
# figures are in the index, so the rows themselves are never read.
Index("ix_dashboard_daily_counts_subject_day", DAILY_COUNTS.c.priority_id, DAILY_COUNTS.c.theme_id,
      DAILY_COUNTS.c.day, DAILY_COUNTS.c.level, DAILY_COUNTS.c.confidential, DAILY_COUNTS.c.interactions,
      DAILY_COUNTS.c.last_at)
Index("ix_dashboard_network_daily_counts_subject_day", NETWORK_DAILY_COUNTS.c.priority_id,
      NETWORK_DAILY_COUNTS.c.theme_id, NETWORK_DAILY_COUNTS.c.day, NETWORK_DAILY_COUNTS.c.arena_id,
      NETWORK_DAILY_COUNTS.c.level, NETWORK_DAILY_COUNTS.c.confidential, NETWORK_DAILY_COUNTS.c.interactions,
      NETWORK_DAILY_COUNTS.c.last_at)
