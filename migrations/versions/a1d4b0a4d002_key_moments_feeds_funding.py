"""Key moments, calendar feed tokens, funding streams (issue 4)

Revision ID: a1d4b0a4d002
Revises: a1d4b0a4d001
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a4d002'
down_revision = 'a1d4b0a4d001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('key_moments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_day', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('funding_streams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_name', sa.String(length=200), nullable=True))
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )


def downgrade():
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('funding_streams', schema=None) as batch_op:
        batch_op.drop_column('provider_name')
    with op.batch_alter_table('key_moments', schema=None) as batch_op:
        batch_op.drop_column('all_day')
