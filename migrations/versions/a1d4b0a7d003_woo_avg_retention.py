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


# Functions whose holders are public figures when the column arrives (the
# same words as tracker.relations.models.PUBLIC_OFFICES at this revision).
PUBLIC_OFFICES = ("minister", "staatssecretaris", "kamerlid", "wethouder", "burgemeester", "gedeputeerde",
                  "commissaris van de koning", "statenlid", "raadslid", "europarlement", "eurocommissaris",
                  "dijkgraaf", "heemraad", "fractievoorzitter", "bestuurder")


def upgrade():
    # recreate="never": plain ALTER TABLE on SQLite. Rebuilding the table
    # would drop the full-text search triggers on it (see a1d4b0a7d001).
    with op.batch_alter_table('contacts', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('public_figure', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('anonymised_at', tracker.database.UTCDateTime(timezone=True), nullable=True))
    contacts = sa.table('contacts', sa.column('function', sa.String), sa.column('public_figure', sa.Boolean))
    op.execute(contacts.update().where(sa.or_(*(sa.func.lower(contacts.c.function).like(f'%{word}%')
                                                  for word in PUBLIC_OFFICES))).values(public_figure=True))

    op.create_table('woo_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('terms', sa.String(length=500), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_woo_exports_user_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_woo_exports'))
    )
    with op.batch_alter_table('woo_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_woo_exports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_woo_exports_user_id'), ['user_id'], unique=False)

    op.create_table('information_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('woo', 'avg', name='requestkind', native_enum=False, length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_information_requests_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_requests'))
    )
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_requests_closed_on'), ['closed_on'], unique=False)

    op.create_table('information_request_contacts',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'],
                            name=op.f('fk_information_request_contacts_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['information_requests.id'],
                            name=op.f('fk_information_request_contacts_request_id_information_requests'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'contact_id', name=op.f('pk_information_request_contacts'))
    )
    with op.batch_alter_table('information_request_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_request_contacts_contact_id'), ['contact_id'], unique=False)

    op.create_table('avg_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('inzage', 'anonimisering', name='avgactionkind', native_enum=False, length=40),
              nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_avg_actions_contact_id_contacts'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_avg_actions_user_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_avg_actions'))
    )
    with op.batch_alter_table('avg_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_avg_actions_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_avg_actions_created_at'), ['created_at'], unique=False)

    op.create_table('retention_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('last_contact_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('bewaren', 'anonimiseren', name='retentiondecision', native_enum=False, length=40),
              nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', tracker.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('keep_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_retention_reviews_contact_id_contacts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_retention_reviews_decided_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_reviews'))
    )
    with op.batch_alter_table('retention_reviews', schema=None) as batch_op:
        batch_op.create_index('ix_retention_reviews_contact_decision', ['contact_id', 'decision'], unique=False)


def downgrade():
    with op.batch_alter_table('retention_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_retention_reviews_contact_decision')
    op.drop_table('retention_reviews')
    with op.batch_alter_table('avg_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_avg_actions_created_at'))
        batch_op.drop_index(batch_op.f('ix_avg_actions_contact_id'))
    op.drop_table('avg_actions')
    with op.batch_alter_table('information_request_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_request_contacts_contact_id'))
    op.drop_table('information_request_contacts')
    with op.batch_alter_table('information_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_requests_closed_on'))
    op.drop_table('information_requests')
    with op.batch_alter_table('woo_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_woo_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_woo_exports_created_at'))
    op.drop_table('woo_exports')
    with op.batch_alter_table('contacts', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('public_figure')
