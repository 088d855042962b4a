"""Indexes the dashboards need (migration a1d4b0a4d001); the tables are the
contactmomenten's own."""

from sqlalchemy import Index

from ..interactions.models import Interaction, interaction_priorities

# Every count over a period reads the contactmomenten of that period; with
# level and the visibility columns in the index it never reads the rows.
INTERACTIONS_BY_TIME = Index("ix_interactions_dashboard", Interaction.occurred_at, Interaction.level,
                             Interaction.confidential, Interaction.author_id)
# From an opgave's priorities to their contactmomenten, without the table.
PRIORITY_INTERACTIONS = Index("ix_interaction_priorities_priority_interaction",
                              interaction_priorities.c.priority_id, interaction_priorities.c.interaction_id)
