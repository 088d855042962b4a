"""Indexes for the detail pages at scale (issue 6)

Revision ID: a1d4b0a6d002
Revises: a1d4b0a6d001
Create Date: 2026-12-01 04:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a6d002'
down_revision = 'a1d4b0a6d001'
branch_labels = None
depends_on = None

# helper "details": (link table, relation) whose history index changes.
HISTORY_INDEXES = (("interaction_organisations", "organisation"), ("interaction_contacts", "contact"))


def upgrade():
    # --- helper "details": the history of an organisation or contact person,
    # newest first, read from its links in index order (ties by contactmoment
    # id), however many contactmomenten it has. Each replaces the (relation,
    # time) index it extends, which the neglect scan's "last contact" now reads.
    for table, relation in HISTORY_INDEXES:
        op.create_index(f"ix_{table}_{relation}_history", table, [f"{relation}_id", "occurred_at", "interaction_id"])
        op.drop_index(f"ix_{table}_{relation}_occurred", table_name=table)
    # Aandacht nodig: open flags, most overdue first, read in index order.
    op.create_index("ix_neglect_flags_status_overdue", "neglect_flags",
                    ["status", sa.text("days_overdue DESC"), "id"])
    # --- end of helper "details"


def downgrade():
    # --- helper "details"
    op.drop_index("ix_neglect_flags_status_overdue", table_name="neglect_flags")
    for table, relation in HISTORY_INDEXES:
        op.create_index(f"ix_{table}_{relation}_occurred", table, [f"{relation}_id", "occurred_at"])
        op.drop_index(f"ix_{table}_{relation}_history", table_name=table)
    # --- end of helper "details"
