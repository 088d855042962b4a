"""Stakeholder map per priority (issue 8)

Revision ID: a1d4b0a8d002
Revises: a1d4b0a8d001
Create Date: 2026-12-01 04:30:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a8d002'
down_revision = 'a1d4b0a8d001'
branch_labels = None
depends_on = None


def upgrade():
    influence = sa.Enum('laag', 'midden', 'hoog', name='influence', native_enum=False, length=40)
    attitude = sa.Enum('tegen', 'neutraal', 'voor', 'onbekend', name='attitude', native_enum=False, length=40)
    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('influence', influence, nullable=False),
    sa.Column('attitude', attitude, nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('updated_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(organisation_id IS NULL) <> (contact_id IS NULL)', name=op.f('ck_stakeholders_one_relation')),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_stakeholders_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_stakeholders_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_id'], ['priorities.id'], name=op.f('fk_stakeholders_priority_id_priorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('priority_id', 'contact_id', name=op.f('uq_stakeholders_priority_id_contact_id')),
    sa.UniqueConstraint('priority_id', 'organisation_id', name=op.f('uq_stakeholders_priority_id_organisation_id'))
    )
    with op.batch_alter_table('stakeholders', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholders_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholders_organisation_id'), ['organisation_id'], unique=False)
    op.create_table('stakeholder_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('toegevoegd', 'gewijzigd', 'verwijderd', name='stakeholderaction', native_enum=False, length=40), nullable=False),
    sa.Column('changed_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('old_influence', influence, nullable=True),
    sa.Column('new_influence', influence, nullable=True),
    sa.Column('old_attitude', attitude, nullable=True),
    sa.Column('new_attitude', attitude, nullable=True),
    sa.Column('old_note', sa.String(length=300), nullable=True),
    sa.Column('new_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_stakeholder_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_stakeholder_changes_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_stakeholder_changes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['priority_id'], ['priorities.id'], name=op.f('fk_stakeholder_changes_priority_id_priorities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholder_changes'))
    )
    with op.batch_alter_table('stakeholder_changes', schema=None, recreate='never') as batch_op:
        batch_op.create_index('ix_stakeholder_changes_priority_id_changed_at', ['priority_id', 'changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_changes_changed_by_id'), ['changed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_changes_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_changes_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    op.drop_table('stakeholder_changes')
    op.drop_table('stakeholders')
