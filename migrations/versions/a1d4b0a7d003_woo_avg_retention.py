"""Woo exports, AVG requests, retention review (issue 7)

Revision ID: a1d4b0a7d003
Revises: a1d4b0a7d002
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a7d003'
down_revision = 'a1d4b0a7d002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
