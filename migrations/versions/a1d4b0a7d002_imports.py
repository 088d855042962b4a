"""Imports of contacts and organisations (issue 7)

Revision ID: a1d4b0a7d002
Revises: a1d4b0a7d001
Create Date: 2026-12-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a7d002'
down_revision = 'a1d4b0a7d001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('contactpersonen', 'organisaties', name='importkind', native_enum=False,
                              length=40), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_imports_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_imports')),
    sa.UniqueConstraint('token', name=op.f('uq_pending_imports_token'))
    )
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_imports_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_imports_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_imports_created_at'))
        batch_op.drop_index(batch_op.f('ix_pending_imports_user_id'))

    op.drop_table('pending_imports')
