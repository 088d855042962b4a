"""Directors' dashboards (issue 4): priority activity, coverage

Revision ID: a1d4b0a4d001
Revises: 85800c290c45
Create Date: 2026-12-01 00:00:00

Two covering indexes (tracker/dashboards/models.py): contactmomenten by time
with their level and visibility columns, and priorities to contactmomenten.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a1d4b0a4d001'
down_revision = '85800c290c45'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_interactions_dashboard", "interactions",
                    ["occurred_at", "level", "confidential", "author_id"])
    op.create_index("ix_interaction_priorities_priority_interaction", "interaction_priorities",
                    ["priority_id", "interaction_id"])


def downgrade():
    op.drop_index("ix_interaction_priorities_priority_interaction", table_name="interaction_priorities")
    op.drop_index("ix_interactions_dashboard", table_name="interactions")
