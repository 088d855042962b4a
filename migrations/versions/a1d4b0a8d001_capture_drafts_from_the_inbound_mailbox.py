"""Capture drafts from the inbound mailbox (issue 8)

Revision ID: a1d4b0a8d001
Revises: a1d4b0a7d004
Create Date: 2026-12-01 04:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a8d001'
down_revision = 'a1d4b0a7d004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'capture_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('message_key', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=300), nullable=False),
        sa.Column('received_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('capture', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('open', 'vastgelegd', 'weggegooid', name='draftstatus', native_enum=False,
                                    length=40), nullable=False),
        sa.Column('interaction_id', sa.Integer(), nullable=True),
        sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_capture_drafts_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'],
                                name=op.f('fk_capture_drafts_interaction_id_interactions'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_capture_drafts')),
        sa.UniqueConstraint('message_key', name=op.f('uq_capture_drafts_message_key')),
    )
    with op.batch_alter_table('capture_drafts', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_capture_drafts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('capture_drafts', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_capture_drafts_user_id'))
    op.drop_table('capture_drafts')
