"""Cadences and neglect: which relationships slip, flags, snoozing.

A relationship (an organisation or a contact person) is neglected on a day
when its most recent contactmoment is older than its cadence, or, never
contacted, it has been tracked longer than its cadence. The scan raises one
flag per neglected relationship and per overdue follow-up; a flag resolves
itself when a contactmoment is logged, and a manager can snooze or assign it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Date, Integer, String, cast, exists, func, insert, literal, or_, select, true, type_coerce, update,
)
from sqlalchemy.orm import joinedload, selectinload

from ..admin.models import Setting
from ..auth.models import Role, User
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..interactions.models import (
    FollowUp, Interaction, interaction_contacts, interaction_organisations, interaction_participants,
    interaction_priorities,
)
from ..relations.models import Contact, Organisation
from ..strategy.models import Engagement, IntendedRole, Priority, engagement_organisations, engagement_priorities
from .models import FlagAction, FlagStatus, FlagSubject, NeglectFlag, NeglectFlagEvent

LEADING_ROLES = {IntendedRole.CHAIR, IntendedRole.VICE_CHAIR, IntendedRole.PIONEER, IntendedRole.LEAD}
WATCHING_ROLES = {IntendedRole.MONITOR, IntendedRole.NO_LEADING_ROLE}
CADENCE_SETTING = "cadence_defaults"
ONE_PERSON_WINDOW = timedelta(days=365)
ACTIVE = (FlagStatus.OPEN, FlagStatus.SNOOZED)


@dataclass(frozen=True)
class CadenceDefaults:
    """Days within which a relationship should be worked on, by intended role."""

    leading: int = 30
    member: int = 60
    watching: int = 120

    def for_role(self, role: IntendedRole | None) -> int:
        if role in LEADING_ROLES:
            return self.leading
        if role in WATCHING_ROLES:
            return self.watching
        return self.member


def cadence_defaults() -> CadenceDefaults:
    stored = db.session.get(Setting, CADENCE_SETTING)
    return CadenceDefaults(**stored.value) if stored else CadenceDefaults()


def set_cadence_defaults(defaults: CadenceDefaults, acting: User) -> None:
    if acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen een beheerder wijzigt de standaardritmes."))
    for name, days in vars(defaults).items():
        if not 1 <= days <= 3650:
            raise DomainError(_l("Kies een ritme tussen 1 en 3650 dagen."), field=name)
    setting = db.session.get(Setting, CADENCE_SETTING) or Setting(key=CADENCE_SETTING)
    setting.value = dict(vars(defaults))
    db.session.add(setting)
    db.session.flush()


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def today() -> date:
    return datetime.now(local_zone()).date()


def end_of(day: date) -> datetime:
    """The first UTC moment after a local day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=local_zone()).astimezone(timezone.utc)


@dataclass(frozen=True)
class RelationState:
    """Where a relationship stands against its cadence on one day."""

    cadence: int | None
    last_contact: datetime | None
    reference: date
    on: date

    @property
    def days_since(self) -> int:
        return (self.on - self.reference).days

    @property
    def due_on(self) -> date | None:
        return self.reference + timedelta(days=self.cadence) if self.cadence else None

    @property
    def neglected(self) -> bool:
        return self.cadence is not None and self.days_since > self.cadence

    @property
    def due_soon(self) -> bool:
        # The last fifth of the cadence, before it runs out.
        return self.cadence is not None and not self.neglected and self.days_since * 5 > self.cadence * 4

    @property
    def days_overdue(self) -> int:
        return self.days_since - self.cadence if self.neglected else 0

    @property
    def level(self) -> str:
        if self.cadence is None:
            return "none"
        return "neglected" if self.neglected else "due-soon" if self.due_soon else "ok"


@dataclass
class Strategy:
    """Per organisation: the engagements that name it, their opgaven and priorities."""

    engagements: dict[int, list[tuple[int, IntendedRole | None, int]]]
    priorities: dict[int, set[int]]

    def cadence(self, organisation_id: int, defaults: CadenceDefaults) -> int | None:
        roles = [role for _, role, _ in self.engagements.get(organisation_id, [])]
        return min(defaults.for_role(role) for role in roles) if roles else None

    def hurts(self, organisation_id: int | None) -> tuple[list[int], list[int], list[int]]:
        rows = self.engagements.get(organisation_id, []) if organisation_id else []
        engagement_ids = sorted({engagement_id for engagement_id, _, _ in rows})
        theme_ids = sorted({theme_id for _, _, theme_id in rows})
        priority_ids = sorted({priority for engagement_id in engagement_ids
                               for priority in self.priorities.get(engagement_id, ())})
        return theme_ids, priority_ids, engagement_ids


def load_strategy(organisation_ids=None) -> Strategy:
    query = (select(engagement_organisations.c.organisation_id, Engagement.id, Engagement.role, Engagement.theme_id)
             .join(Engagement, Engagement.id == engagement_organisations.c.engagement_id))
    if organisation_ids is not None:
        query = query.where(engagement_organisations.c.organisation_id.in_(organisation_ids))
    engagements = defaultdict(list)
    for organisation_id, engagement_id, role, theme_id in db.session.execute(query):
        engagements[organisation_id].append((engagement_id, role, theme_id))
    ids = {engagement_id for rows in engagements.values() for engagement_id, _, _ in rows}
    priorities = defaultdict(set)
    if ids:
        for engagement_id, priority_id in db.session.execute(
                select(engagement_priorities.c.engagement_id, engagement_priorities.c.priority_id)
                .where(engagement_priorities.c.engagement_id.in_(ids))):
            priorities[engagement_id].add(priority_id)
    return Strategy(dict(engagements), dict(priorities))


def own_cadence(disabled: bool, days: int | None, inherited: int | None) -> int | None:
    if disabled:
        return None
    return days if days else inherited


def last_contacts(link_column, ids=None, before: datetime | None = None) -> dict[int, datetime]:
    """The latest contactmoment per organisation or contact (all of them,
    confidential ones included: neglect is about the relationship). Read
    from the link table's own copy of the time and its index."""
    occurred_at = link_column.table.c.occurred_at
    # One index seek per relation; grouping the links read every link there is.
    relation = next(iter(link_column.foreign_keys)).column
    latest = select(func.max(occurred_at)).where(link_column == relation)
    if before is not None:
        latest = latest.where(occurred_at < before)
    query = select(relation, latest.correlate(relation.table).scalar_subquery())
    if ids is not None:
        query = query.where(relation.in_(ids))
    return {relation_id: last for relation_id, last in db.session.execute(query) if last is not None}


def organisation_states(organisations: list[Organisation], on: date | None = None) -> dict[int, RelationState]:
    """The cadence state of each organisation on a day (default today)."""
    on = on or today()
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return {}
    strategy, defaults = load_strategy(ids), cadence_defaults()
    last = last_contacts(interaction_organisations.c.organisation_id, ids, end_of(on))
    return {organisation.id: state_of(
        own_cadence(organisation.cadence_disabled, organisation.cadence_days,
                    strategy.cadence(organisation.id, defaults)),
        last.get(organisation.id), organisation.created_at, on) for organisation in organisations}


def contact_states(contacts: list[Contact], on: date | None = None) -> dict[int, RelationState]:
    """The cadence state of each contact: its own cadence, or its organisation's."""
    on = on or today()
    if not contacts:
        return {}
    organisations = {contact.organisation.id: contact.organisation for contact in contacts if contact.organisation}
    inherited = organisation_cadences(list(organisations.values()))
    last = last_contacts(interaction_contacts.c.contact_id, [contact.id for contact in contacts], end_of(on))
    return {contact.id: state_of(
        own_cadence(contact.cadence_disabled, contact.cadence_days, inherited.get(contact.organisation_id)),
        last.get(contact.id), contact.created_at, on) for contact in contacts}


def organisation_cadences(organisations: list[Organisation]) -> dict[int, int | None]:
    if not organisations:
        return {}
    strategy, defaults = load_strategy([organisation.id for organisation in organisations]), cadence_defaults()
    return {organisation.id: own_cadence(organisation.cadence_disabled, organisation.cadence_days,
                                         strategy.cadence(organisation.id, defaults))
            for organisation in organisations}


def state_of(cadence: int | None, last_contact: datetime | None, tracked_since: datetime, on: date) -> RelationState:
    reference = local_date(last_contact) if last_contact else local_date(tracked_since)
    return RelationState(cadence=cadence, last_contact=last_contact, reference=min(reference, on), on=on)


def resting_on_one_person(link_column, ids: list[int], on: date | None = None) -> set[int]:
    """The relationships that only one colleague worked on in the last twelve
    months (as author or internal participant)."""
    if not ids:
        return set()
    on = on or today()
    since, until = end_of(on) - ONE_PERSON_WINDOW - timedelta(days=1), end_of(on)
    # Asked per relation along the link's (relation, time) index: take one
    # person of the year (the latest author), then look for anyone else. A
    # busy relation shows a second person at once and a quiet one has few
    # links, so the cost does not grow with the number of contactmomenten.
    # (Counting the distinct people read every link of the year.)
    relation = next(iter(link_column.foreign_keys)).column
    latest, link = link_column.table.alias(), link_column.table
    someone = (select(Interaction.author_id).join(latest, latest.c.interaction_id == Interaction.id)
               .where(latest.c[link_column.name] == relation, latest.c.occurred_at >= since,
                      latest.c.occurred_at < until)
               .order_by(latest.c.occurred_at.desc()).limit(1).correlate(relation.table).scalar_subquery())
    window = (link_column == relation, link.c.occurred_at >= since, link.c.occurred_at < until)
    other_author = exists(select(Interaction.id).where(
        *window, Interaction.id == link.c.interaction_id, Interaction.author_id != someone)
        .correlate(relation.table))
    other_participant = exists(select(interaction_participants.c.user_id).where(
        *window, interaction_participants.c.interaction_id == link.c.interaction_id,
        interaction_participants.c.user_id != someone).correlate(relation.table))
    query = select(relation).where(relation.in_(ids), someone.is_not(None), ~other_author, ~other_participant)
    return set(db.session.scalars(query))


# --- The scan ---------------------------------------------------------------------------------------------------

@dataclass
class Neglect:
    subject: FlagSubject
    key: str
    since: date
    days_overdue: int
    cadence: int | None
    last_contact: datetime | None
    owner_id: int | None
    hurts: tuple[list[int], list[int], list[int]]
    organisation_id: int | None = None
    contact_id: int | None = None
    follow_up_id: int | None = None


@dataclass
class ScanResult:
    raised: int = 0
    still_open: int = 0
    resolved: int = 0
    reopened: int = 0


def subject_key(subject: FlagSubject, subject_id: int) -> str:
    return f"{subject.value}:{subject_id}"


def find_neglect(on: date) -> list[Neglect]:
    """Every relationship and follow-up that is neglected on a day."""
    defaults, strategy, cutoff = cadence_defaults(), load_strategy(), end_of(on)
    found = []
    organisations = db.session.execute(select(
        Organisation.id, Organisation.cadence_days, Organisation.cadence_disabled, Organisation.owner_id,
        Organisation.created_at).where(Organisation.created_at < cutoff)).all()
    organisation_cadence, organisation_owner = {}, {}
    last = last_contacts(interaction_organisations.c.organisation_id, before=cutoff)
    for id_, days, disabled, owner_id, created_at in organisations:
        cadence = own_cadence(disabled, days, strategy.cadence(id_, defaults))
        organisation_cadence[id_], organisation_owner[id_] = cadence, owner_id
        state = state_of(cadence, last.get(id_), created_at, on)
        if state.neglected:
            found.append(Neglect(FlagSubject.ORGANISATION, subject_key(FlagSubject.ORGANISATION, id_),
                                 state.due_on, state.days_overdue, cadence, state.last_contact, owner_id,
                                 strategy.hurts(id_), organisation_id=id_))
    last = last_contacts(interaction_contacts.c.contact_id, before=cutoff)
    contacts = db.session.execute(select(
        Contact.id, Contact.cadence_days, Contact.cadence_disabled, Contact.owner_id, Contact.organisation_id,
        Contact.created_at).where(Contact.created_at < cutoff)).all()
    for id_, days, disabled, owner_id, organisation_id, created_at in contacts:
        cadence = own_cadence(disabled, days, organisation_cadence.get(organisation_id))
        state = state_of(cadence, last.get(id_), created_at, on)
        if state.neglected:
            found.append(Neglect(FlagSubject.CONTACT, subject_key(FlagSubject.CONTACT, id_), state.due_on,
                                 state.days_overdue, cadence, state.last_contact,
                                 owner_id or organisation_owner.get(organisation_id),
                                 strategy.hurts(organisation_id), contact_id=id_))
    found.extend(overdue_follow_ups(on))
    return found


def overdue_follow_ups(on: date) -> list[Neglect]:
    overdue = (FollowUp.completed_at.is_(None), FollowUp.due_date < on)
    rows = db.session.execute(select(FollowUp.id, FollowUp.owner_id, FollowUp.due_date, FollowUp.interaction_id)
                              .where(*overdue)).all()
    themes, priorities = defaultdict(set), defaultdict(set)
    for interaction_id, priority_id, theme_id in db.session.execute(
            select(interaction_priorities.c.interaction_id, Priority.id, Priority.theme_id)
            .join(Priority, Priority.id == interaction_priorities.c.priority_id)
            .join(FollowUp, FollowUp.interaction_id == interaction_priorities.c.interaction_id).where(*overdue)):
        themes[interaction_id].add(theme_id)
        priorities[interaction_id].add(priority_id)
    return [Neglect(FlagSubject.FOLLOW_UP, subject_key(FlagSubject.FOLLOW_UP, id_), due, (on - due).days, None,
                    None, owner_id, (sorted(themes[interaction_id]), sorted(priorities[interaction_id]), []),
                    follow_up_id=id_)
            for id_, owner_id, due, interaction_id in rows]


def scan(on: date) -> ScanResult:
    """Brings the flags in line with the neglect on a day. Idempotent: the
    same day twice gives the same flags. Works in bulk statements, so that
    thousands of flags cost a handful of queries. Flushes; the caller commits."""
    result = ScanResult()
    neglected = {item.key: item for item in find_neglect(on)}
    tracked = ("owner_id", "neglected_since", "cadence_days", "last_contact_at")
    active = {row.subject_key: row for row in db.session.execute(
        select(NeglectFlag.id, NeglectFlag.subject_key, NeglectFlag.status, NeglectFlag.snoozed_until,
               *(getattr(NeglectFlag, name) for name in tracked))
        .where(NeglectFlag.status.in_(ACTIVE)))}
    now = utcnow()
    changes, events, resolved_ids = [], [], []
    for key, row in active.items():
        item = neglected.get(key)
        if item is None:
            resolved_ids.append(row.id)
            continue
        result.still_open += 1
        values = {"owner_id": item.owner_id, "neglected_since": item.since, "cadence_days": item.cadence,
                  "last_contact_at": item.last_contact}
        if row.status == FlagStatus.SNOOZED and row.snoozed_until and row.snoozed_until <= on:
            values["status"] = FlagStatus.OPEN
            events.append({"flag_id": row.id, "action": FlagAction.REOPENED, "at": now,
                           "note": str(_l("De snooze is verlopen."))})
            result.reopened += 1
        if any(getattr(row, name) != value for name, value in values.items() if name != "status") \
                or "status" in values:
            changes.append({"id": row.id, **values})
    if changes:
        db.session.execute(update(NeglectFlag), changes)
    # Days overdue move on every day for every open flag: one statement.
    db.session.execute(update(NeglectFlag).where(NeglectFlag.status.in_(ACTIVE))
                       .values(days_overdue=days_between(NeglectFlag.neglected_since, on)))
    if resolved_ids:
        note = str(_l("Niet meer verwaarloosd op %(day)s.", day=on.isoformat()))
        db.session.execute(update(NeglectFlag).where(NeglectFlag.id.in_(resolved_ids)).values(
            status=FlagStatus.RESOLVED, resolved_at=now, resolution=note))
        events += [{"flag_id": flag_id, "action": FlagAction.RESOLVED, "at": now, "note": note}
                   for flag_id in resolved_ids]
        result.resolved = len(resolved_ids)
    new = [item for key, item in neglected.items() if key not in active]
    if new:
        rows = [{"subject": item.subject, "subject_key": item.key, "organisation_id": item.organisation_id,
                 "contact_id": item.contact_id, "follow_up_id": item.follow_up_id, "status": FlagStatus.OPEN,
                 "neglected_since": item.since, "days_overdue": item.days_overdue, "cadence_days": item.cadence,
                 "last_contact_at": item.last_contact, "owner_id": item.owner_id, "theme_ids": item.hurts[0],
                 "priority_ids": item.hurts[1], "engagement_ids": item.hurts[2], "raised_on": on,
                 "updated_at": now} for item in new]
        created = db.session.scalars(insert(NeglectFlag).returning(NeglectFlag.id), rows).all()
        events += [{"flag_id": flag_id, "action": FlagAction.RAISED, "at": now} for flag_id in created]
        result.raised = len(created)
    if events:
        db.session.execute(insert(NeglectFlagEvent), events)
    db.session.expire_all()
    return result


def days_between(earlier, later: date):
    """SQL for the number of days from a date column to a day."""
    if db.session.get_bind().dialect.name == "postgresql":
        return literal(later, Date) - earlier
    return cast(func.julianday(literal(later.isoformat())) - func.julianday(earlier), Integer)


def close(flag: NeglectFlag, action: FlagAction, note, now: datetime, user: User | None = None) -> None:
    flag.status = FlagStatus.RESOLVED
    flag.resolved_at = now
    flag.resolution = str(note)
    db.session.add(NeglectFlagEvent(flag=flag, action=action, at=now, user=user, note=str(note)))


def resolve_for_interaction(interaction: Interaction, on: date | None = None) -> int:
    """Clears the flags of the relationships a new contactmoment brings back
    within their cadence, the moment it is logged."""
    on = on or today()
    keys = [subject_key(FlagSubject.ORGANISATION, organisation.id) for organisation in interaction.organisations]
    keys += [subject_key(FlagSubject.CONTACT, contact.id) for contact in interaction.contacts]
    if not keys:
        return 0
    contacted = local_date(interaction.occurred_at)
    flags = db.session.scalars(select(NeglectFlag).where(NeglectFlag.subject_key.in_(keys),
                                                         NeglectFlag.status.in_(ACTIVE)))
    resolved = 0
    now = utcnow()
    for flag in flags:
        if flag.cadence_days is None or (on - contacted).days <= flag.cadence_days:
            # Everyone sees a flag: a confidential contactmoment's subject stays out of it.
            note = (_l("Vertrouwelijk contactmoment vastgelegd.") if interaction.confidential
                    else _l("Contactmoment vastgelegd: %(subject)s", subject=interaction.subject))
            close(flag, FlagAction.RESOLVED, note, now, interaction.author)
            resolved += 1
    return resolved


def resolve_follow_up(follow_up: FollowUp, acting: User) -> None:
    flag = db.session.scalar(select(NeglectFlag).where(
        NeglectFlag.subject_key == subject_key(FlagSubject.FOLLOW_UP, follow_up.id),
        NeglectFlag.status.in_(ACTIVE)))
    if flag is not None:
        close(flag, FlagAction.RESOLVED, _l("Actie afgerond."), utcnow(), acting)


# --- Acting on flags ---------------------------------------------------------------------------------------------

def can_manage_flags(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def snooze(flag: NeglectFlag, until: date, reason: str, acting: User, on: date | None = None) -> None:
    if not can_manage_flags(acting):
        raise NotAllowed(_l("Alleen managers snoozen een signalering."))
    if flag.status == FlagStatus.RESOLVED:
        raise DomainError(_l("Deze signalering is al opgelost."), field="until")
    on = on or today()
    if until <= on:
        raise DomainError(_l("Kies een datum na vandaag."), field="until")
    if until > on + timedelta(days=366):
        raise DomainError(_l("Snooze hoogstens een jaar."), field="until")
    if not reason.strip():
        raise DomainError(_l("Geef een reden op."), field="reason")
    flag.status = FlagStatus.SNOOZED
    flag.snoozed_until = until
    flag.snooze_reason = reason.strip()
    db.session.add(NeglectFlagEvent(flag=flag, action=FlagAction.SNOOZED, user=acting, until=until,
                                    note=reason.strip()))
    db.session.flush()


def assign(flag: NeglectFlag, assignee: User, acting: User, note: str = "") -> None:
    if not can_manage_flags(acting):
        raise NotAllowed(_l("Alleen managers wijzen een signalering toe."))
    if flag.status == FlagStatus.RESOLVED:
        raise DomainError(_l("Deze signalering is al opgelost."), field="assignee_id")
    if not assignee.can_log_in:
        raise DomainError(_l("Kies een collega die kan inloggen."), field="assignee_id")
    flag.assignee = assignee
    db.session.add(NeglectFlagEvent(flag=flag, action=FlagAction.ASSIGNED, user=acting, assignee=assignee,
                                    note=note.strip() or None))
    db.session.flush()


# --- Questions pages ask -----------------------------------------------------------------------------------------

PAGE_SIZE = 50


def _with_subjects(query):
    return query.options(
        selectinload(NeglectFlag.organisation).selectinload(Organisation.arena),
        selectinload(NeglectFlag.contact).selectinload(Contact.organisation),
        selectinload(NeglectFlag.follow_up).selectinload(FollowUp.interaction),
        selectinload(NeglectFlag.owner), selectinload(NeglectFlag.assignee))


def relation_organisation_id():
    """The organisation a flag is about: its own, or its contact's."""
    contact_organisation = (select(Contact.organisation_id).where(Contact.id == NeglectFlag.contact_id)
                            .correlate(NeglectFlag).scalar_subquery())
    return func.coalesce(NeglectFlag.organisation_id, contact_organisation)


def about_themes(theme_ids: list[int]):
    """Flags about opgaven: their engagements' organisations (and those
    organisations' contact persons) and follow-ups of contactmomenten on
    their priorities."""
    engaged = (select(engagement_organisations.c.organisation_id)
               .join(Engagement, Engagement.id == engagement_organisations.c.engagement_id)
               .where(Engagement.theme_id.in_(theme_ids)))
    # Each follow-up's few priorities looked up by key, not each of the
    # opgave's priorities tried against every follow-up.
    on_priorities = exists().where(
        FollowUp.id == NeglectFlag.follow_up_id,
        interaction_priorities.c.interaction_id == FollowUp.interaction_id,
        Priority.id == interaction_priorities.c.priority_id, Priority.theme_id.in_(theme_ids))
    return or_(relation_organisation_id().in_(engaged), NeglectFlag.follow_up_id.is_not(None) & on_priorities)


def flag_conditions(*, theme_id=None, arena_id=None, owner_id=None, include_snoozed=False) -> list:
    conditions = [NeglectFlag.status.in_(ACTIVE if include_snoozed else (FlagStatus.OPEN,))]
    if theme_id is not None:
        conditions.append(about_themes([theme_id]))
    if arena_id is not None:
        conditions.append(relation_organisation_id().in_(
            select(Organisation.id).where(Organisation.arena_id == arena_id)))
    if owner_id is not None:
        conditions.append(or_(NeglectFlag.assignee_id == owner_id,
                              NeglectFlag.assignee_id.is_(None) & (NeglectFlag.owner_id == owner_id)))
    return conditions


def list_flags(*conditions, limit: int = PAGE_SIZE, offset: int = 0) -> list[NeglectFlag]:
    query = (select(NeglectFlag).where(*conditions)
             .order_by(NeglectFlag.days_overdue.desc(), NeglectFlag.id).limit(limit).offset(offset))
    return list(db.session.scalars(_with_subjects(query)))


def count_flags(*conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(NeglectFlag).where(*conditions))


def count_flags_up_to(limit: int, *conditions) -> tuple[int, bool]:
    """How many flags meet the conditions, counted up to `limit`; and whether
    there are more: a list page need not test every open flag to say so."""
    count = db.session.scalar(select(func.count()).select_from(
        select(NeglectFlag.id).where(*conditions).limit(limit + 1).subquery()))
    return min(count, limit), count > limit


def visible_flags(user: User):
    """The SQL condition for flags this user may see. A relationship is never
    confidential; an overdue follow-up is, when its contactmoment is: its
    flag shows only to those who may see that contactmoment."""
    from ..interactions.service import visible_to  # that module imports this one
    if user.sees_all_confidential:
        return true()
    return or_(NeglectFlag.follow_up_id.is_(None), exists().where(
        FollowUp.id == NeglectFlag.follow_up_id, Interaction.id == FollowUp.interaction_id, visible_to(user)))


def can_view_flag(user: User, flag: NeglectFlag) -> bool:
    from ..interactions.service import can_view  # that module imports this one
    return flag.follow_up is None or can_view(user, flag.follow_up.interaction)


def flags_for_user(user: User, limit: int = 20) -> list[NeglectFlag]:
    return list_flags(*flag_conditions(owner_id=user.id), visible_flags(user), limit=limit)


def flags_for_organisation(organisation: Organisation) -> list[NeglectFlag]:
    # relation_organisation_id() == id, spelled out (a flag is about one
    # subject) so that the indexes on the flag's organisation and contact find
    # them; "|| ''" keeps SQLite off the status index, which walks every active flag.
    its_contacts = select(Contact.id).where(Contact.organisation_id == organisation.id)
    active = type_coerce(NeglectFlag.status, String).concat("").in_([status.value for status in ACTIVE])
    return list_flags(active, or_(NeglectFlag.organisation_id == organisation.id,
                                  NeglectFlag.contact_id.in_(its_contacts)))


def flags_for_contact(contact: Contact) -> list[NeglectFlag]:
    return list_flags(NeglectFlag.status.in_(ACTIVE), NeglectFlag.contact_id == contact.id)


def flags_for_theme(theme_id: int, user: User, limit: int = 20) -> list[NeglectFlag]:
    return list_flags(*flag_conditions(theme_id=theme_id), visible_flags(user), limit=limit)


def flag_for_page(flag_id: int) -> NeglectFlag | None:
    """The flag with what it is about and its history, joined: the page costs
    the same queries whatever kind of flag it is and however long its history."""
    query = select(NeglectFlag).where(NeglectFlag.id == flag_id).options(
        joinedload(NeglectFlag.organisation).joinedload(Organisation.arena),
        joinedload(NeglectFlag.contact).joinedload(Contact.organisation),
        joinedload(NeglectFlag.follow_up).joinedload(FollowUp.interaction),
        joinedload(NeglectFlag.owner), joinedload(NeglectFlag.assignee),
        selectinload(NeglectFlag.events).options(joinedload(NeglectFlagEvent.user),
                                                 joinedload(NeglectFlagEvent.assignee)))
    return db.session.scalar(query)
