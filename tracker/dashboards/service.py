"""The figures of the dashboards: one function per question, each one query.

Every count is over the contactmomenten the viewer may see (the same rule
as every list: `visible_to`), so a figure never reveals a confidential
contactmoment and always matches the list behind it. Counts over periods
sum the daily counts of aggregates.py (plus, live, the viewer's own
confidential contactmomenten); the rest is computed in the database
(GROUP BY). Python only arranges the few rows that come back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..formatting import to_local
from ..interactions.models import FollowUp, Interaction, Level, interaction_organisations, interaction_priorities
from ..interactions.service import visible_to
from ..neglect import service as neglect
from ..neglect.models import FlagStatus, NeglectFlag
from ..relations.models import Contact, Organisation
from ..strategy.models import (
    Arena, Engagement, EngagementLevel, FundingStream, KeyMoment, Position, Priority,
    PriorityStatusChange, Theme, engagement_organisations, engagement_priorities,
)
from .aggregates import own_confidential, readable
from .models import DAILY_COUNTS, NETWORK_DAILY_COUNTS
from .periods import Period, bucket, start_of

ACTIVITY_WEEKS = (4, 13, 52)
COVERAGE_DAYS = 90
OFFICIAL_LEVELS = (Level.OFFICIAL, Level.SENIOR_OFFICIAL)
WANTS_POLITICAL = {EngagementLevel.POLITICAL, EngagementLevel.POLITICAL_AND_OFFICIAL,
                   EngagementLevel.POLITICAL_AND_SENIOR_OFFICIAL}
WANTS_OFFICIAL = {EngagementLevel.OFFICIAL, EngagementLevel.SENIOR_OFFICIAL, EngagementLevel.POLITICAL_AND_OFFICIAL,
                  EngagementLevel.POLITICAL_AND_SENIOR_OFFICIAL}
LIST_LIMIT = 10
# The network of contactmomenten with no organisation in any network, typed
# so that PostgreSQL can put it in one column with the arena ids.
NO_ARENA = cast(null(), Integer)


@dataclass(frozen=True)
class Filters:
    period: Period
    arena_id: int | None = None
    level: Level | None = None


# --- Conditions ---------------------------------------------------------------------------------------------------

def about_theme(theme_id: int):
    """Contactmomenten about any priority of the opgave."""
    return Interaction.id.in_(
        select(interaction_priorities.c.interaction_id)
        .join(Priority, Priority.id == interaction_priorities.c.priority_id)
        .where(Priority.theme_id == theme_id))


def probed_about_theme(theme_id: int):
    """The same as `about_theme`, tested per contactmoment: for the few a live count fetches by id."""
    return exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                          Priority.id == interaction_priorities.c.priority_id, Priority.theme_id == theme_id)


def in_arena(arena_id: int):
    """Contactmomenten with an organisation (or its contact persons) in the network."""
    # Probed per contactmoment (the link's key starts with it): the network's
    # organisations may have hundreds of thousands of links between them.
    return exists().where(interaction_organisations.c.interaction_id == Interaction.id,
                          Organisation.id == interaction_organisations.c.organisation_id,
                          Organisation.arena_id == arena_id)


def without_arena():
    """Contactmomenten with no organisation in any network."""
    return ~exists().where(interaction_organisations.c.interaction_id == Interaction.id,
                           Organisation.id == interaction_organisations.c.organisation_id,
                           Organisation.arena_id.is_not(None))


def _narrowed(user: User, filters: Filters, *, arena: bool = True, level: bool = True, visible=None) -> list:
    conditions = [visible_to(user) if visible is None else visible]
    if level and filters.level is not None:
        conditions.append(Interaction.level == filters.level)
    if arena and filters.arena_id is not None:
        conditions.append(in_arena(filters.arena_id))
    return conditions


# --- The daily counts (aggregates.py) -----------------------------------------------------------------------------
# A figure over a period sums the daily counts the viewer may read and adds,
# live, the confidential contactmomenten that are the viewer's own (none for
# who sees them all): `_counted` puts both in one statement.

def _days(table, period: Period, first: date | None = None) -> list:
    return [table.c.day >= (first or period.first), table.c.day <= period.last]


def _rows(table, user: User, filters: Filters, *, arena: bool = True, level: bool = True) -> list:
    """The daily counts of the viewer's figures: readable, at the level, in the network."""
    conditions = readable(table, user)
    if level and filters.level is not None:
        conditions.append(table.c.level == filters.level)
    if arena and filters.arena_id is not None:
        conditions.append(table.c.arena_id == filters.arena_id)
    return conditions


def _about_priorities(table, ids: list[int]) -> list:
    return [table.c.priority_id.in_(ids), table.c.theme_id.is_(None)]


def _about_themes(table, theme_ids: list[int]) -> list:
    """Rows per opgave (without a theme_id and priority_id a row counts every contactmoment);
    by id, so that the index takes each opgave's range of days."""
    return [table.c.priority_id.is_(None), table.c.theme_id.in_(theme_ids)]


def _about_everything(table) -> list:
    return [table.c.priority_id.is_(None), table.c.theme_id.is_(None)]


def _counted(keys: int, stored, *live) -> dict[tuple, list[int]]:
    """Per key (the first `keys` columns) the figures of `stored` and of the
    `live` queries (the same columns) added up."""
    summed: dict[tuple, list[int]] = {}
    for row in db.session.execute(union_all(stored, *live) if live else stored):
        key, figures = tuple(row[:keys]), [int(value or 0) for value in row[keys:]]
        summed[key] = [a + b for a, b in zip(summed[key], figures)] if key in summed else figures
    return summed


# --- Lists for the filter form ------------------------------------------------------------------------------------

def arenas() -> list[Arena]:
    return list(db.session.scalars(select(Arena).order_by(Arena.sort_order, Arena.name)))


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.number)))


# --- One opgave ---------------------------------------------------------------------------------------------------

def theme_for_dashboard(theme_id: int) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.id == theme_id).options(
        selectinload(Theme.priorities),
        selectinload(Theme.engagements).selectinload(Engagement.arena),
        selectinload(Theme.engagements).selectinload(Engagement.organisations)))


@dataclass
class PriorityActivity:
    counts: dict[int, int] = field(default_factory=dict)  # weeks -> number, per ACTIVITY_WEEKS
    in_period: int = 0
    last_contact: datetime | None = None


def priority_activity(user: User, theme: Theme, filters: Filters) -> dict[int, PriorityActivity]:
    """Per priority: contactmomenten in the last 4, 13 and 52 weeks of the
    period, in the period, and the last one up to the period's end."""
    period = filters.period
    ids = [priority.id for priority in theme.priorities]
    firsts = {weeks: period.last - timedelta(days=weeks * 7 - 1) for weeks in ACTIVITY_WEEKS}
    since = min(period.first, firsts[max(ACTIVITY_WEEKS)])
    table = NETWORK_DAILY_COUNTS if filters.arena_id is not None else DAILY_COUNTS
    rows = [*_about_priorities(table, ids), *_rows(table, user, filters)]
    stored = (select(table.c.priority_id,
                     *(func.sum(case((table.c.day >= firsts[weeks], table.c.interactions), else_=0))
                       for weeks in ACTIVITY_WEEKS),
                     func.sum(case((table.c.day >= period.first, table.c.interactions), else_=0)))
              .where(*rows, *_days(table, period, since)).group_by(table.c.priority_id))
    own = own_confidential(user)
    live = []
    if own is not None:
        live.append(select(interaction_priorities.c.priority_id,
                       *(func.sum(case((Interaction.occurred_at >= period.window(weeks * 7), 1), else_=0))
                         for weeks in ACTIVITY_WEEKS),
                       func.sum(case((Interaction.occurred_at >= period.starts_at, 1), else_=0)))
                .join(Interaction, Interaction.id == interaction_priorities.c.interaction_id)
                .where(interaction_priorities.c.priority_id.in_(ids), Interaction.occurred_at >= start_of(since),
                       Interaction.occurred_at < period.ends_at, *_narrowed(user, filters, visible=own))
                .group_by(interaction_priorities.c.priority_id))
    # The last contact may lie years back: walked from the period's end backwards.
    last_stored = (select(table.c.last_at)
                   .where(table.c.priority_id == Priority.id, table.c.theme_id.is_(None),
                          table.c.day <= period.last, *_rows(table, user, filters))
                   .order_by(table.c.day.desc(), table.c.last_at.desc()).limit(1)
                   .correlate(Priority).scalar_subquery())
    last_own = null()
    if own is not None:
        last_own = (select(func.max(Interaction.occurred_at))
                    .where(Interaction.occurred_at < period.ends_at, *_narrowed(user, filters, visible=own),
                           exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                                          interaction_priorities.c.priority_id == Priority.id)
                           .correlate(Interaction, Priority))
                    .correlate(Priority).scalar_subquery())
    found = {}
    for priority_id, stored_last, own_last in db.session.execute(
            select(Priority.id, last_stored, last_own).where(Priority.id.in_(ids))):
        moments = [moment for moment in (stored_last, own_last) if moment is not None]
        found[priority_id] = PriorityActivity(dict.fromkeys(ACTIVITY_WEEKS, 0), 0, max(moments, default=None))
    for (priority_id,), (*numbers, period_count) in _counted(1, stored, *live).items():
        found[priority_id].counts = dict(zip(ACTIVITY_WEEKS, numbers))
        found[priority_id].in_period = period_count
    return {priority_id: found.get(priority_id, PriorityActivity(dict.fromkeys(ACTIVITY_WEEKS, 0)))
            for priority_id in ids}


def latest_status_changes(theme: Theme) -> dict[int, PriorityStatusChange]:
    """Each priority's most recent status judgement (its note; the history is on the priority's page)."""
    latest = (select(func.max(PriorityStatusChange.id))
              .join(Priority, Priority.id == PriorityStatusChange.priority_id)
              .where(Priority.theme_id == theme.id).group_by(PriorityStatusChange.priority_id))
    query = (select(PriorityStatusChange).where(PriorityStatusChange.id.in_(latest))
             .options(joinedload(PriorityStatusChange.changed_by)))
    return {change.priority_id: change for change in db.session.scalars(query)}


def open_flags_per_priority(user: User, theme: Theme, filters: Filters) -> dict[int, int]:
    """Open flags per priority: about an organisation (or its contact
    persons) that an engagement for the priority names, or about an overdue
    follow-up of a contactmoment on the priority (when the viewer may see it)."""
    priorities = select(Priority.id).where(Priority.theme_id == theme.id)
    open_flag = [NeglectFlag.status == FlagStatus.OPEN]
    if filters.arena_id is not None:
        open_flag.append(neglect.relation_organisation_id().in_(
            select(Organisation.id).where(Organisation.arena_id == filters.arena_id)))
    about_relations = (
        select(engagement_priorities.c.priority_id.label("priority_id"),
               func.count(NeglectFlag.id.distinct()).label("flags"))
        .select_from(NeglectFlag)
        .join(engagement_organisations,
              engagement_organisations.c.organisation_id == neglect.relation_organisation_id())
        .join(engagement_priorities, engagement_priorities.c.engagement_id == engagement_organisations.c.engagement_id)
        .where(NeglectFlag.follow_up_id.is_(None), engagement_priorities.c.priority_id.in_(priorities), *open_flag)
        .group_by(engagement_priorities.c.priority_id))
    about_follow_ups = (
        select(interaction_priorities.c.priority_id, func.count(NeglectFlag.id.distinct()))
        .select_from(NeglectFlag)
        .join(FollowUp, FollowUp.id == NeglectFlag.follow_up_id)
        .join(Interaction, Interaction.id == FollowUp.interaction_id)
        .join(interaction_priorities, interaction_priorities.c.interaction_id == Interaction.id)
        .where(interaction_priorities.c.priority_id.in_(priorities), visible_to(user), *open_flag)
        .group_by(interaction_priorities.c.priority_id))
    counts: dict[int, int] = {}
    for priority_id, flags in db.session.execute(union_all(about_relations, about_follow_ups)):
        counts[priority_id] = counts.get(priority_id, 0) + flags
    return counts


def theme_flags(user: User, theme: Theme, filters: Filters) -> tuple[list[NeglectFlag], int]:
    """The opgave's open flags, most overdue first. What they are about is
    joined in one query, so the page costs the same whichever kinds show."""
    conditions = [*neglect.flag_conditions(theme_id=theme.id, arena_id=filters.arena_id), neglect.visible_flags(user)]
    query = (select(NeglectFlag).where(*conditions).order_by(NeglectFlag.days_overdue.desc(), NeglectFlag.id)
             .limit(LIST_LIMIT).options(
                 joinedload(NeglectFlag.organisation).joinedload(Organisation.arena),
                 joinedload(NeglectFlag.contact).joinedload(Contact.organisation),
                 joinedload(NeglectFlag.follow_up).joinedload(FollowUp.interaction),
                 joinedload(NeglectFlag.owner), joinedload(NeglectFlag.assignee)))
    return list(db.session.scalars(query).unique()), neglect.count_flags(*conditions)


def _open_follow_ups(user: User, theme: Theme, filters: Filters):
    about = exists().where(interaction_priorities.c.interaction_id == FollowUp.interaction_id,
                           interaction_priorities.c.priority_id.in_([priority.id for priority in theme.priorities]))
    return (FollowUp.completed_at.is_(None), about, *_narrowed(user, filters))


def open_follow_ups_per_priority(user: User, theme: Theme, filters: Filters) -> dict[int, int]:
    query = (select(interaction_priorities.c.priority_id, func.count(FollowUp.id.distinct()))
             .select_from(FollowUp)
             .join(Interaction, Interaction.id == FollowUp.interaction_id)
             .join(interaction_priorities, interaction_priorities.c.interaction_id == Interaction.id)
             .join(Priority, Priority.id == interaction_priorities.c.priority_id)
             .where(Priority.theme_id == theme.id, FollowUp.completed_at.is_(None), *_narrowed(user, filters))
             .group_by(interaction_priorities.c.priority_id))
    return dict(db.session.execute(query).all())


def open_follow_ups(user: User, theme: Theme, filters: Filters) -> tuple[list[FollowUp], int]:
    """The open follow-ups on the opgave's contactmomenten, the earliest due first."""
    conditions = _open_follow_ups(user, theme, filters)
    query = (select(FollowUp).join(Interaction, Interaction.id == FollowUp.interaction_id).where(*conditions)
             .order_by(FollowUp.due_date, FollowUp.id).limit(LIST_LIMIT)
             .options(joinedload(FollowUp.owner), joinedload(FollowUp.interaction)))
    total = db.session.scalar(select(func.count(FollowUp.id))
                              .join(Interaction, Interaction.id == FollowUp.interaction_id)
                              .where(*conditions))
    return list(db.session.scalars(query)), total


# --- Engagements against reality ----------------------------------------------------------------------------------

class Coverage(StrEnum):
    OK = "op-orde"
    ATTENTION = "aandacht-nodig"
    NEVER = "nooit-gesproken"


COVERAGE_LABELS = {Coverage.OK: _l("Op orde"), Coverage.ATTENTION: _l("Aandacht nodig"),
                   Coverage.NEVER: _l("Nog nooit gesproken")}


@dataclass
class OrganisationContact:
    """What happened with one organisation about one opgave, up to a day."""

    last: datetime | None = None
    political: int = 0   # bestuurlijk, in the last COVERAGE_DAYS
    official: int = 0    # ambtelijk or hoogambtelijk, in the last COVERAGE_DAYS


@dataclass
class EngagementRow:
    engagement: Engagement
    organisation: Organisation | None
    contact: OrganisationContact
    positions: list[Position]
    coverage: Coverage | None
    reasons: list[str]


def coverage_of(engagement: Engagement, contact: OrganisationContact, cadence_days: int,
                on: date) -> tuple[Coverage, list[str]]:
    """The coverage rule (README, "Dashboards"):
    - nog nooit gesproken: no contactmoment with the organisation about the opgave;
    - aandacht nodig: the last one is older than the cadence of the intended
      role, or (unless the role is only monitoring or no leading role) the
      last 90 days lack a contactmoment at a level the strategy intends;
    - op orde: otherwise."""
    if contact.last is None:
        return Coverage.NEVER, []
    reasons = []
    days = (on - to_local(contact.last).date()).days
    if days > cadence_days:
        reasons.append(str(_l("laatste contact %(days)s dagen geleden, ritme %(cadence)s dagen", days=days,
                              cadence=cadence_days)))
    if engagement.role not in neglect.WATCHING_ROLES:
        if engagement.level in WANTS_POLITICAL and not contact.political:
            reasons.append(str(_l("geen bestuurlijk contact in %(days)s dagen", days=COVERAGE_DAYS)))
        if engagement.level in WANTS_OFFICIAL and not contact.official:
            reasons.append(str(_l("geen ambtelijk contact in %(days)s dagen", days=COVERAGE_DAYS)))
    return (Coverage.ATTENTION if reasons else Coverage.OK), reasons


def contact_per_organisation(user: User, theme: Theme, period: Period) -> dict[int, OrganisationContact]:
    """Per organisation an engagement of the opgave names: the last contactmoment about
    the opgave before the period ends, and those in its last 90 days per level."""
    since = period.window(COVERAGE_DAYS)
    link = interaction_organisations.c
    engaged = (select(engagement_organisations.c.organisation_id)
               .join(Engagement, Engagement.id == engagement_organisations.c.engagement_id)
               .where(Engagement.theme_id == theme.id))
    about = exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                           interaction_priorities.c.priority_id.in_([priority.id for priority in theme.priorities]))
    # Walked backwards along the link's own (organisation, time) index.
    last = (select(link.occurred_at).join(Interaction, Interaction.id == link.interaction_id)
            .where(link.organisation_id == Organisation.id, link.occurred_at < period.ends_at, about,
                   visible_to(user))
            .order_by(link.occurred_at.desc()).limit(1).correlate(Organisation).scalar_subquery())
    found = {organisation_id: OrganisationContact(last_contact)
             for organisation_id, last_contact in db.session.execute(
                 select(Organisation.id, last).where(Organisation.id.in_(engaged))) if last_contact is not None}
    recent = (select(link.organisation_id,
                     func.sum(case((Interaction.level == Level.POLITICAL, 1), else_=0)),
                     func.sum(case((Interaction.level.in_(OFFICIAL_LEVELS), 1), else_=0)))
              .join(Interaction, Interaction.id == link.interaction_id)
              .where(link.organisation_id.in_(engaged), link.occurred_at >= since, link.occurred_at < period.ends_at,
                     about, visible_to(user))
              .group_by(link.organisation_id))
    for organisation_id, political, official in db.session.execute(recent):
        if organisation_id in found:
            found[organisation_id].political = int(political or 0)
            found[organisation_id].official = int(official or 0)
    return found


def positions_per_organisation(theme: Theme) -> dict[int, list[Position]]:
    """Seats in the engaged organisations that serve the opgave (or no opgave in particular)."""
    engaged = (select(engagement_organisations.c.organisation_id)
               .join(Engagement, Engagement.id == engagement_organisations.c.engagement_id)
               .where(Engagement.theme_id == theme.id))
    query = (select(Position).where(Position.organisation_id.in_(engaged),
                                    or_(Position.themes.any(Theme.id == theme.id), ~Position.themes.any()))
             .order_by(Position.title).options(joinedload(Position.holder)))
    found: dict[int, list[Position]] = {}
    for position in db.session.scalars(query):
        found.setdefault(position.organisation_id, []).append(position)
    return found


def engagement_rows(user: User, theme: Theme, filters: Filters, on: date) -> list[EngagementRow]:
    contact = contact_per_organisation(user, theme, filters.period)
    positions = positions_per_organisation(theme)
    defaults = neglect.cadence_defaults()
    rows = []
    engagements = sorted(theme.engagements, key=lambda item: (item.arena.sort_order, item.arena.name, item.number))
    for engagement in engagements:
        if filters.arena_id is not None and engagement.arena_id != filters.arena_id:
            continue
        if not engagement.organisations:
            rows.append(EngagementRow(engagement, None, OrganisationContact(), [], None, []))
        for organisation in engagement.organisations:
            seen = contact.get(organisation.id, OrganisationContact())
            state, reasons = coverage_of(engagement, seen, defaults.for_role(engagement.role), on)
            rows.append(EngagementRow(engagement, organisation, seen, positions.get(organisation.id, []), state,
                                      reasons))
    return rows


# --- Charts -------------------------------------------------------------------------------------------------------

@dataclass
class Series:
    """Counts per bucket (weeks or months) and per key (a level, an opgave)."""

    starts: list[date]
    values: dict[object, list[int]]

    def total(self, index: int) -> int:
        return sum(values[index] for values in self.values.values())


def weekly_by_level(user: User, theme: Theme, filters: Filters) -> Series:
    period = filters.period
    starts = period.weeks()
    table = NETWORK_DAILY_COUNTS if filters.arena_id is not None else DAILY_COUNTS
    # Bucketed in a subquery: PostgreSQL would see the CASE in SELECT and in
    # GROUP BY, each with its own parameters, as two different expressions.
    rows = (select(bucket(table.c.day, starts[1:]).label("week"), table.c.level, table.c.interactions)
            .where(*_about_themes(table, [theme.id]), *_days(table, period), *_rows(table, user, filters)).subquery())
    stored = select(rows.c.week, rows.c.level, func.sum(rows.c.interactions)).group_by(rows.c.week, rows.c.level)
    live = []
    own = own_confidential(user)
    if own is not None:
        moments = (select(bucket(Interaction.occurred_at, period.week_edges()).label("week"), Interaction.level)
                   .where(probed_about_theme(theme.id), Interaction.occurred_at >= period.starts_at,
                          Interaction.occurred_at < period.ends_at, *_narrowed(user, filters, visible=own))
                   .subquery())
        live.append(select(moments.c.week, moments.c.level, func.count()).group_by(moments.c.week, moments.c.level))
    values = {level: [0] * len(starts) for level in Level}
    for (number, level), (count,) in _counted(2, stored, *live).items():
        values[Level(level)][number] = count
    return Series(starts, values)


@dataclass
class ArenaCount:
    arena: Arena | None  # None: no organisation in any network
    levels: dict[Level, int]

    @property
    def total(self) -> int:
        return sum(self.levels.values())


def per_arena_by_level(user: User, theme: Theme, filters: Filters, all_arenas: list[Arena]) -> list[ArenaCount]:
    """Contactmomenten about the opgave in the period per network (one that
    involves two networks counts in both) and per level."""
    period = filters.period
    table = NETWORK_DAILY_COUNTS
    arena_ids = [filters.arena_id] if filters.arena_id is not None else None
    stored = (select(table.c.arena_id, table.c.level, func.sum(table.c.interactions))
              .where(*_about_themes(table, [theme.id]), *_days(table, period), *_rows(table, user, filters))
              .group_by(table.c.arena_id, table.c.level))
    live = []
    own = own_confidential(user)
    if own is not None:
        base = [probed_about_theme(theme.id), Interaction.occurred_at >= period.starts_at,
                Interaction.occurred_at < period.ends_at, *_narrowed(user, filters, arena=False, visible=own)]
        live.append(select(Organisation.arena_id.label("arena_id"), Interaction.level.label("level"),
                        func.count(Interaction.id.distinct()).label("n"))
                 .select_from(Interaction)
                 .join(interaction_organisations, interaction_organisations.c.interaction_id == Interaction.id)
                 .join(Organisation, Organisation.id == interaction_organisations.c.organisation_id)
                 .where(Organisation.arena_id.is_not(None), *base)
                    .group_by(Organisation.arena_id, Interaction.level))
        if arena_ids is None:
            live.append(select(NO_ARENA, Interaction.level, func.count())
                        .where(without_arena(), *base).group_by(Interaction.level))
    counts: dict[int | None, dict[Level, int]] = {}
    for (arena_id, level), (count,) in _counted(2, stored, *live).items():
        if arena_ids is None or arena_id in arena_ids:
            counts.setdefault(arena_id, dict.fromkeys(Level, 0))[Level(level)] = count
    shown = [arena for arena in all_arenas if arena_ids is None or arena.id in arena_ids]
    rows = [ArenaCount(arena, counts.get(arena.id, dict.fromkeys(Level, 0))) for arena in shown]
    if arena_ids is None:
        rows.append(ArenaCount(None, counts.get(None, dict.fromkeys(Level, 0))))
    return rows


# --- Key moments and funding --------------------------------------------------------------------------------------

def upcoming_key_moments(theme: Theme, filters: Filters, now: datetime | None = None) -> list[KeyMoment]:
    conditions = [KeyMoment.starts_at >= (now or utcnow()), KeyMoment.priorities.any(Priority.theme_id == theme.id)]
    if filters.arena_id is not None:
        conditions.append(or_(KeyMoment.arena_id == filters.arena_id,
                              KeyMoment.organisation.has(Organisation.arena_id == filters.arena_id)))
    query = (select(KeyMoment).where(*conditions).order_by(KeyMoment.starts_at, KeyMoment.id).limit(LIST_LIMIT)
             .options(joinedload(KeyMoment.organisation), joinedload(KeyMoment.arena),
                      selectinload(KeyMoment.priorities).selectinload(Priority.theme)))
    return list(db.session.scalars(query))


def funding_streams(theme: Theme) -> list[FundingStream]:
    query = (select(FundingStream).where(FundingStream.priorities.any(Priority.theme_id == theme.id))
             .order_by(FundingStream.deadline.is_(None), FundingStream.deadline, FundingStream.name)
             .options(joinedload(FundingStream.provider),
                      selectinload(FundingStream.priorities).selectinload(Priority.theme)))
    return list(db.session.scalars(query))


# --- The whole strategy -------------------------------------------------------------------------------------------

@dataclass
class Matrix:
    themes: list[Theme]
    arenas: list[Arena]
    cells: dict[tuple[int, int | None], int]  # (theme id, arena id or None) -> contactmomenten
    theme_totals: dict[int, int]
    arena_totals: dict[int | None, int]
    total: int

    @property
    def largest(self) -> int:
        return max(self.cells.values(), default=0)

    def cell(self, theme_id: int, arena_id: int | None) -> int:
        return self.cells.get((theme_id, arena_id), 0)


def strategy_matrix(user: User, filters: Filters, all_themes: list[Theme], all_arenas: list[Arena],
                    monthly: "Series") -> Matrix:
    """Contactmomenten in the period per opgave × network. One that serves two
    opgaven or involves two networks counts in each cell it belongs to, so
    the totals count each contactmoment once and are not the sums of the cells."""
    period = filters.period
    network, daily = NETWORK_DAILY_COUNTS, DAILY_COUNTS
    stored_cells = (select(network.c.theme_id, network.c.arena_id, func.sum(network.c.interactions))
                    .where(*_about_themes(network, [theme.id for theme in all_themes]), *_days(network, period),
                           *_rows(network, user, filters))
                    .group_by(network.c.theme_id, network.c.arena_id))
    stored_totals = [
        select(network.c.arena_id, func.sum(network.c.interactions))
        .where(*_about_everything(network), *_days(network, period), *_rows(network, user, filters))
        .group_by(network.c.arena_id),
        select(literal(-1), func.sum(daily.c.interactions))
        .where(*_about_everything(daily), *_days(daily, period), *_rows(daily, user, filters))]
    live_cells, live_totals = [], []
    own = own_confidential(user)
    if own is not None:
        base = [Interaction.occurred_at >= period.starts_at, Interaction.occurred_at < period.ends_at,
                *_narrowed(user, filters, arena=False, visible=own)]
        distinct = func.count(Interaction.id.distinct())
        theme_id = Priority.theme_id

        def by_theme(*columns):
            return (select(theme_id, *columns).select_from(Interaction)
                    .join(interaction_priorities, interaction_priorities.c.interaction_id == Interaction.id)
                    .join(Priority, Priority.id == interaction_priorities.c.priority_id))

        def with_arena(query):
            return (query.join(interaction_organisations, interaction_organisations.c.interaction_id == Interaction.id)
                    .join(Organisation, Organisation.id == interaction_organisations.c.organisation_id))

        live_cells = [
            with_arena(by_theme(Organisation.arena_id, distinct)).where(Organisation.arena_id.is_not(None), *base)
            .group_by(theme_id, Organisation.arena_id),
            by_theme(NO_ARENA, distinct).where(without_arena(), *base).group_by(theme_id)]
        live_totals = [
            with_arena(select(Organisation.arena_id, distinct).select_from(Interaction))
            .where(Organisation.arena_id.is_not(None), *base).group_by(Organisation.arena_id),
            select(NO_ARENA, func.count()).where(without_arena(), *base),
            select(literal(-1), func.count()).where(*base)]
    cells = {key: count for key, (count,) in _counted(2, stored_cells, *live_cells).items()}
    arena_totals = {arena_id: count for (arena_id,), (count,) in _counted(1, *stored_totals, *live_totals).items()}
    total = arena_totals.pop(-1, 0)
    # Each contactmoment falls in one month: the trend's months add up to the opgave's total.
    theme_totals = {theme_id: sum(counts) for theme_id, counts in monthly.values.items()}
    return Matrix(all_themes, all_arenas, cells, theme_totals, arena_totals, total)


def monthly_by_theme(user: User, filters: Filters, all_themes: list[Theme]) -> Series:
    period = filters.period
    starts = period.months()
    table = DAILY_COUNTS
    rows = (select(table.c.theme_id, bucket(table.c.day, starts[1:]).label("month"), table.c.interactions)
            .where(*_about_themes(table, [theme.id for theme in all_themes]), *_days(table, period),
                   *_rows(table, user, filters)).subquery())
    stored = select(rows.c.theme_id, rows.c.month, func.sum(rows.c.interactions)).group_by(rows.c.theme_id,
                                                                                          rows.c.month)
    live = []
    own = own_confidential(user)
    if own is not None:
        moments = (select(Priority.theme_id, bucket(Interaction.occurred_at, period.month_edges()).label("month"),
                          Interaction.id.label("interaction_id")).select_from(Interaction)
                   .join(interaction_priorities, interaction_priorities.c.interaction_id == Interaction.id)
                   .join(Priority, Priority.id == interaction_priorities.c.priority_id)
                   .where(Interaction.occurred_at >= period.starts_at, Interaction.occurred_at < period.ends_at,
                          *_narrowed(user, filters, arena=False, visible=own)).subquery())
        live.append(select(moments.c.theme_id, moments.c.month, func.count(moments.c.interaction_id.distinct()))
                    .group_by(moments.c.theme_id, moments.c.month))
    values = {theme.id: [0] * len(starts) for theme in all_themes}
    for (theme_id, number), (count,) in _counted(2, stored, *live).items():
        values[theme_id][number] = count
    return Series(starts, values)


# --- Whole pages --------------------------------------------------------------------------------------------------

@dataclass
class ThemeDashboard:
    theme: Theme
    filters: Filters
    arena: Arena | None
    activity: dict[int, PriorityActivity]
    status_changes: dict[int, PriorityStatusChange]
    flags_per_priority: dict[int, int]
    follow_ups_per_priority: dict[int, int]
    flags: list[NeglectFlag]
    flag_count: int
    follow_ups: list[FollowUp]
    follow_up_count: int
    engagements: list[EngagementRow]
    weekly: Series
    per_arena: list[ArenaCount]
    key_moments: list[KeyMoment]
    funding: list[FundingStream]


def theme_dashboard(user: User, theme: Theme, filters: Filters, all_arenas: list[Arena]) -> ThemeDashboard:
    """Everything on one opgave's dashboard, in a fixed number of queries."""
    flags, flag_count = theme_flags(user, theme, filters)
    follow_ups, follow_up_count = open_follow_ups(user, theme, filters)
    return ThemeDashboard(
        theme=theme, filters=filters,
        arena=next((arena for arena in all_arenas if arena.id == filters.arena_id), None),
        activity=priority_activity(user, theme, filters), status_changes=latest_status_changes(theme),
        flags_per_priority=open_flags_per_priority(user, theme, filters),
        follow_ups_per_priority=open_follow_ups_per_priority(user, theme, filters),
        flags=flags, flag_count=flag_count, follow_ups=follow_ups, follow_up_count=follow_up_count,
        engagements=engagement_rows(user, theme, filters, min(filters.period.last, neglect.today())),
        weekly=weekly_by_level(user, theme, filters),
        per_arena=per_arena_by_level(user, theme, filters, all_arenas),
        key_moments=upcoming_key_moments(theme, filters), funding=funding_streams(theme))


@dataclass
class StrategyOverview:
    filters: Filters
    matrix: Matrix
    monthly: Series


def strategy_overview(user: User, filters: Filters, all_arenas: list[Arena]) -> StrategyOverview:
    all_themes = themes()
    monthly = monthly_by_theme(user, filters, all_themes)
    return StrategyOverview(filters, strategy_matrix(user, filters, all_themes, all_arenas, monthly), monthly)
