"""Directors' dashboards (issue 4): priority activity, coverage

Revision ID: a1d4b0a4d001
Revises: 85800c290c45
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a4d001'
down_revision = '85800c290c45'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
