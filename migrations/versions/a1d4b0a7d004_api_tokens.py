"""API tokens (issue 7)

Revision ID: a1d4b0a7d004
Revises: a1d4b0a7d003
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a7d004'
down_revision = 'a1d4b0a7d003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
