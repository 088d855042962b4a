"""Aggregates for the dashboards at scale (issue 6)

Revision ID: a1d4b0a6d001
Revises: a1d4b0a8d002
Create Date: 2026-12-01 04:30:00

Contactmomenten counted per local day (tracker/dashboards/models.py and
aggregates.py): whatever the network, and per network. Filled here from the
contactmomenten with INSERT … SELECT, one statement per kind of count for a
thousand days at a time; the days' UTC edges come from the app's time zone.
And an index for the open follow-ups with their contactmomenten.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from alembic import op
from flask import current_app
import sqlalchemy as sa

import tracker.database


# revision identifiers, used by Alembic.
revision = 'a1d4b0a6d001'
down_revision = 'a1d4b0a8d002'
branch_labels = None
depends_on = None

LEVELS = ('bestuurlijk', 'hoogambtelijk', 'ambtelijk')
CHUNK_DAYS = 1000


def counts_table(name, *extra):
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=True),
        sa.Column('priority_id', sa.Integer(), nullable=True),
        *extra,
        sa.Column('level', sa.Enum(*LEVELS, name='level', native_enum=False, length=40), nullable=False),
        sa.Column('confidential', sa.Boolean(), nullable=False),
        sa.Column('interactions', sa.Integer(), nullable=False),
        sa.Column('last_at', tracker.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['priority_id'], ['priorities.id'], ondelete='CASCADE'),
        *([sa.ForeignKeyConstraint(['arena_id'], ['arenas.id'], ondelete='CASCADE')] if extra else []),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table(name, schema=None, recreate='never') as batch_op:
        batch_op.create_index(f'ix_{name}_day', ['day'], unique=False)
        batch_op.create_index(f'ix_{name}_subject_day', [
            'priority_id', 'theme_id', 'day', *(['arena_id'] if extra else []), 'level', 'confidential',
            'interactions', 'last_at'], unique=False)


def backfill():
    bind = op.get_bind()
    interactions = sa.table('interactions', sa.column('id'), sa.column('occurred_at', tracker.database.UTCDateTime()),
                            sa.column('level'), sa.column('confidential'))
    prio = sa.table('interaction_priorities', sa.column('interaction_id'), sa.column('priority_id'))
    link = sa.table('interaction_organisations', sa.column('interaction_id'), sa.column('organisation_id'))
    priorities = sa.table('priorities', sa.column('id'), sa.column('theme_id'))
    organisations = sa.table('organisations', sa.column('id'), sa.column('arena_id'))
    daily = sa.table('dashboard_daily_counts', *(sa.column(name) for name in (
        'day', 'theme_id', 'priority_id', 'level', 'confidential', 'interactions', 'last_at')))
    network = sa.table('dashboard_network_daily_counts', *(sa.column(name) for name in (
        'day', 'theme_id', 'priority_id', 'arena_id', 'level', 'confidential', 'interactions', 'last_at')))

    first, last = bind.execute(sa.select(sa.func.min(interactions.c.occurred_at),
                                         sa.func.max(interactions.c.occurred_at))).one()
    if first is None:
        return
    zone = ZoneInfo(current_app.config['BABEL_DEFAULT_TIMEZONE'])

    def start_of(day):
        return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)

    day, end = first.astimezone(zone).date(), last.astimezone(zone).date()
    all_days = [day + timedelta(days=number) for number in range((end - day).days + 1)]
    for start in range(0, len(all_days), CHUNK_DAYS):
        days = sa.values(sa.column('day', sa.Date()), sa.column('starts_at', tracker.database.UTCDateTime()),
                         sa.column('ends_at', tracker.database.UTCDateTime()), name='days').data([
            (one, start_of(one), start_of(one + timedelta(days=1)))
            for one in all_days[start:start + CHUNK_DAYS]]).cte('days')
        i = interactions.c
        # Each contactmoment with its day, first and once: joined to the links
        # directly, the planner may walk every link and look for its day.
        moments = (sa.select(days.c.day, i.id, i.level, i.confidential, i.occurred_at).select_from(days)
                   .join(interactions, sa.and_(i.occurred_at >= days.c.starts_at, i.occurred_at < days.c.ends_at))
                   .cte('moments').prefix_with('MATERIALIZED'))
        m = moments.c
        keys = (m.level, m.confidential)
        distinct, latest, none = sa.func.count(m.id.distinct()), sa.func.max(m.occurred_at), sa.null()
        in_arena = organisations.c.arena_id.is_not(None)
        without_arena = ~sa.exists().where(link.c.interaction_id == m.id,
                                           organisations.c.id == link.c.organisation_id, in_arena)

        def base(*columns):
            return sa.select(m.day, *columns).select_from(moments)

        def with_priorities(query):
            return query.join(prio, prio.c.interaction_id == m.id)

        def with_themes(query):
            return with_priorities(query).join(priorities, priorities.c.id == prio.c.priority_id)

        def with_arenas(query):
            return (query.join(link, link.c.interaction_id == m.id)
                    .join(organisations, organisations.c.id == link.c.organisation_id).where(in_arena))

        theme, arena = priorities.c.theme_id, organisations.c.arena_id
        statements = [
            (daily, with_priorities(base(none, prio.c.priority_id, *keys, sa.func.count(), latest))
             .group_by(m.day, prio.c.priority_id, *keys)),
            (daily, with_themes(base(theme, none, *keys, distinct, latest)).group_by(m.day, theme, *keys)),
            (daily, base(none, none, *keys, sa.func.count(), latest).group_by(m.day, *keys)),
            (network, with_arenas(with_priorities(base(none, prio.c.priority_id, arena, *keys, distinct, latest)))
             .group_by(m.day, prio.c.priority_id, arena, *keys)),
            (network, with_arenas(with_themes(base(theme, none, arena, *keys, distinct, latest)))
             .group_by(m.day, theme, arena, *keys)),
            (network, with_themes(base(theme, none, none, *keys, distinct, latest)).where(without_arena)
             .group_by(m.day, theme, *keys)),
            (network, with_arenas(base(none, none, arena, *keys, distinct, latest)).group_by(m.day, arena, *keys)),
            (network, base(none, none, none, *keys, sa.func.count(), latest).where(without_arena)
             .group_by(m.day, *keys)),
        ]
        for table, query in statements:
            bind.execute(sa.insert(table).from_select([column.name for column in table.c], query))


def upgrade():
    counts_table('dashboard_daily_counts')
    counts_table('dashboard_network_daily_counts', sa.Column('arena_id', sa.Integer(), nullable=True))
    backfill()
    # The open follow-ups of an opgave's dashboard, read without the table.
    op.create_index('ix_follow_ups_open_interaction', 'follow_ups', ['completed_at', 'interaction_id'])


def downgrade():
    op.drop_index('ix_follow_ups_open_interaction', table_name='follow_ups')
    op.drop_table('dashboard_network_daily_counts')
    op.drop_table('dashboard_daily_counts')
