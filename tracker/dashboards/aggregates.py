"""Contactmomenten counted per local day, for the dashboards at scale.

A year of contactmomenten per opgave and network means joining hundreds of
thousands of links; the tables in models.py hold the counts per day instead,
so a dashboard sums a few thousand rows. Days are the municipality's
(Europe/Amsterdam), like the dashboards' periods, weeks and months, so every
period is a range of whole days.

Confidential contactmomenten are counted apart (the column `confidential`):
a reader who may see all of them reads every row; anyone else reads the
other rows and adds, live, the confidential ones they wrote or took part in
(`own_confidential`: a handful, found through their own indexes). A figure
thus always matches the list behind it.

Kept in step in the transaction of every change, whichever code makes it:
at each flush of the session, the days a contactmoment was and is on are
recounted, and all days of an organisation that moves to another network or
goes, or of a priority that moves to another opgave or goes (`_track`).
Bulk inserts bypass the session: after them `rebuild` recounts everything
(the demo data; migration a1d4b0a6d001 fills the tables the same way).
`differences` compares the tables with a live recount.
"""

from datetime import date, timedelta

from itertools import chain

from sqlalchemy import Date, and_, column, delete, event, exists, false, func, insert, inspect, null, select, true, \
    values
from sqlalchemy.orm import Session

from ..auth.models import User
from ..database import UTCDateTime
from ..extensions import db
from ..formatting import to_local
from ..interactions.models import (
    Interaction, interaction_organisations, interaction_participants, interaction_priorities,
)
from ..relations.models import Organisation
from ..strategy.models import Priority
from .models import DAILY_COUNTS, NETWORK_DAILY_COUNTS
from .periods import start_of

COLUMNS = ("day", "theme_id", "priority_id", "level", "confidential", "interactions", "last_at")
NETWORK_COLUMNS = ("day", "theme_id", "priority_id", "arena_id", "level", "confidential", "interactions",
                   "last_at")
# Days per statement: each day is three bound values in a VALUES list.
CHUNK_DAYS = 1000


def local_day(interaction: Interaction) -> date:
    return to_local(interaction.occurred_at).date()


def own_confidential(user: User):
    """The confidential contactmomenten `user` may see without seeing them all:
    theirs, or with them as participant; None when there are none to add (or
    the user sees them all and reads them from the counts). Looked up first,
    through the author and participant indexes, so that the live queries
    fetch these few by id instead of walking the period."""
    if user.sees_all_confidential:
        return None
    mine = (select(Interaction.id).where(Interaction.author_id == user.id, Interaction.confidential == true())
            .union(select(Interaction.id)
                   .join(interaction_participants, interaction_participants.c.interaction_id == Interaction.id)
                   .where(interaction_participants.c.user_id == user.id, Interaction.confidential == true())))
    # Once per user and session: a page asks for them in several figures.
    known = db.session.info.setdefault("own_confidential", {})
    if user.id not in known:
        known[user.id] = sorted(db.session.scalars(mine))
    ids = known[user.id]
    return Interaction.id.in_(ids) if ids else None


def readable(table, user: User) -> list:
    """The aggregate rows `user` may count: all, or the non-confidential ones."""
    return [] if user.sees_all_confidential else [table.c.confidential == false()]


# --- Counting -----------------------------------------------------------------------------------------------------

def _days(days: list[date]):
    """The days as a table of (day, starts_at, ends_at) in UTC moments."""
    return values(column("day", Date), column("starts_at", UTCDateTime), column("ends_at", UTCDateTime),
                  name="days").data([(day, start_of(day), start_of(day + timedelta(days=1))) for day in days]) \
        .cte("days")


def _counts(days_table):
    """The INSERT … SELECT statements that count the days' contactmomenten."""
    # Each contactmoment with its day, first and once: joined to the links
    # directly, the planner may walk every link and look for its day.
    moments = (select(days_table.c.day, Interaction.id, Interaction.level, Interaction.confidential,
                      Interaction.occurred_at)
               .select_from(days_table)
               .join(Interaction, and_(Interaction.occurred_at >= days_table.c.starts_at,
                                       Interaction.occurred_at < days_table.c.ends_at))
               .cte("moments").prefix_with("MATERIALIZED"))
    link, prio, moment = interaction_organisations, interaction_priorities, moments.c
    distinct, last = func.count(moment.id.distinct()), func.max(moment.occurred_at)
    no_theme = no_priority = no_arena = null()
    keys = (moment.level, moment.confidential)
    in_arena = Organisation.arena_id.is_not(None)
    without_arena = ~exists().where(link.c.interaction_id == moment.id,
                                    Organisation.id == link.c.organisation_id, in_arena)

    def base(*columns):
        return select(moment.day, *columns).select_from(moments)

    def with_priorities(query):
        return query.join(prio, prio.c.interaction_id == moment.id)

    def with_themes(query):
        return with_priorities(query).join(Priority, Priority.id == prio.c.priority_id)

    def with_arenas(query):
        return (query.join(link, link.c.interaction_id == moment.id)
                .join(Organisation, Organisation.id == link.c.organisation_id).where(in_arena))

    daily = [
        with_priorities(base(no_theme, prio.c.priority_id, *keys, func.count(), last))
        .group_by(moment.day, prio.c.priority_id, *keys),
        with_themes(base(Priority.theme_id, no_priority, *keys, distinct, last))
        .group_by(moment.day, Priority.theme_id, *keys),
        base(no_theme, no_priority, *keys, func.count(), last).group_by(moment.day, *keys),
    ]
    network = [
        with_arenas(with_priorities(base(no_theme, prio.c.priority_id, Organisation.arena_id, *keys, distinct, last)))
        .group_by(moment.day, prio.c.priority_id, Organisation.arena_id, *keys),
        with_arenas(with_themes(base(Priority.theme_id, no_priority, Organisation.arena_id, *keys, distinct, last)))
        .group_by(moment.day, Priority.theme_id, Organisation.arena_id, *keys),
        with_themes(base(Priority.theme_id, no_priority, no_arena, *keys, distinct, last)).where(without_arena)
        .group_by(moment.day, Priority.theme_id, *keys),
        with_arenas(base(no_theme, no_priority, Organisation.arena_id, *keys, distinct, last))
        .group_by(moment.day, Organisation.arena_id, *keys),
        base(no_theme, no_priority, no_arena, *keys, func.count(), last).where(without_arena)
        .group_by(moment.day, *keys),
    ]
    return ([insert(DAILY_COUNTS).from_select(COLUMNS, query) for query in daily]
            + [insert(NETWORK_DAILY_COUNTS).from_select(NETWORK_COLUMNS, query) for query in network])


def refresh_days(days, connection=None) -> None:
    """Recounts the given local days from the contactmomenten (flushed first)."""
    days = sorted(set(days))
    if connection is None:
        db.session.flush()
        connection = db.session.connection()
    for start in range(0, len(days), CHUNK_DAYS):
        chunk = days[start:start + CHUNK_DAYS]
        for table in (DAILY_COUNTS, NETWORK_DAILY_COUNTS):
            connection.execute(delete(table).where(table.c.day.in_(chunk)))
        for statement in _counts(_days(chunk)):
            connection.execute(statement)


def interaction_days() -> list[date]:
    """Every local day from the first contactmoment to the last."""
    first, last = db.session.execute(select(func.min(Interaction.occurred_at), func.max(Interaction.occurred_at))).one()
    if first is None:
        return []
    day, end = to_local(first).date(), to_local(last).date()
    return [day + timedelta(days=number) for number in range((end - day).days + 1)]


def rebuild() -> None:
    """Recounts everything (after bulk inserts that bypass the service)."""
    for table in (DAILY_COUNTS, NETWORK_DAILY_COUNTS):
        db.session.execute(delete(table))
    refresh_days(interaction_days())


# --- Keeping in step -----------------------------------------------------------------------------------------------

def _days_of(connection, query) -> set[date]:
    return {to_local(moment).date() for moment in connection.scalars(query) if moment is not None}


def _changed(instance, *names) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _track(session, flush_context, instances) -> None:
    """Notes the days whose counts the flush changes, before it writes."""
    days = session.info.setdefault("dashboard_days", set())
    stored_ids = []
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Interaction):
            if instance.id is not None:
                stored_ids.append(instance.id)
            if instance not in session.deleted and instance.occurred_at is not None:
                days.add(local_day(instance))
    connection = None
    if stored_ids:
        connection = session.connection()
        days |= _days_of(connection, select(Interaction.occurred_at).where(Interaction.id.in_(stored_ids)))
    moved = [instance for instance in chain(session.dirty, session.deleted)
             if (isinstance(instance, Organisation) and (instance in session.deleted
                                                         or _changed(instance, "arena", "arena_id")))
             or (isinstance(instance, Priority) and (instance in session.deleted
                                                     or _changed(instance, "theme", "theme_id")))]
    for instance in moved:
        connection = connection or session.connection()
        if isinstance(instance, Organisation):
            days |= _days_of(connection, select(Interaction.occurred_at).join(
                interaction_organisations, interaction_organisations.c.interaction_id == Interaction.id)
                .where(interaction_organisations.c.organisation_id == instance.id))
        else:
            days |= _days_of(connection, select(Interaction.occurred_at).join(
                interaction_priorities, interaction_priorities.c.interaction_id == Interaction.id)
                .where(interaction_priorities.c.priority_id == instance.id))


@event.listens_for(Session, "after_flush_postexec")
def _recount(session, flush_context) -> None:
    session.info.pop("own_confidential", None)
    days = session.info.pop("dashboard_days", None)
    if days:
        refresh_days(days, session.connection())


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop("dashboard_days", None)
    session.info.pop("own_confidential", None)


def _rows(table, columns) -> dict:
    query = select(*(table.c[name] for name in columns[:-2]), table.c.interactions, table.c.last_at)
    found = {}
    for *key, count, last in db.session.execute(query):
        found[tuple(key)] = (count, last)
    return found


def differences() -> list[str]:
    """Where the tables differ from a live recount; empty when they agree."""
    stored = {"daily": _rows(DAILY_COUNTS, COLUMNS), "network": _rows(NETWORK_DAILY_COUNTS, NETWORK_COLUMNS)}
    savepoint = db.session.begin_nested()
    try:
        rebuild()
        fresh = {"daily": _rows(DAILY_COUNTS, COLUMNS), "network": _rows(NETWORK_DAILY_COUNTS, NETWORK_COLUMNS)}
    finally:
        savepoint.rollback()
    problems = []
    for name in stored:
        for key in sorted(set(stored[name]) | set(fresh[name]), key=repr):
            if stored[name].get(key) != fresh[name].get(key):
                problems.append(f"{name} {key}: stored {stored[name].get(key)}, counted {fresh[name].get(key)}")
    return problems



# --- Reading ------------------------------------------------------------------------------------------------------

def priority_totals(user: User, priority_ids: list[int]) -> dict[int, tuple[int, object]]:
    """Per priority: the number of contactmomenten `user` may see and the latest one's time."""
    if not priority_ids:
        return {}
    table = DAILY_COUNTS
    found = {priority_id: (int(count), last) for priority_id, count, last in db.session.execute(
        select(table.c.priority_id, func.sum(table.c.interactions), func.max(table.c.last_at))
        .where(table.c.priority_id.in_(priority_ids), table.c.theme_id.is_(None), *readable(table, user))
        .group_by(table.c.priority_id))}
    own = own_confidential(user)
    if own is not None:
        for priority_id, count, last in db.session.execute(
                select(interaction_priorities.c.priority_id, func.count(), func.max(Interaction.occurred_at))
                .join(Interaction, Interaction.id == interaction_priorities.c.interaction_id)
                .where(interaction_priorities.c.priority_id.in_(priority_ids), own)
                .group_by(interaction_priorities.c.priority_id)):
            stored_count, stored_last = found.get(priority_id, (0, None))
            found[priority_id] = (stored_count + count, max(moment for moment in (stored_last, last) if moment))
    return found
