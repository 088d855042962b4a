"""Full-text search (issue 7)

Revision ID: a1d4b0a7d001
Revises: a1d4b0a4d002
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a7d001'
down_revision = 'a1d4b0a4d002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
