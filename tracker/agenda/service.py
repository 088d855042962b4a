"""Key moments and the calendar feed: what the pages and the feed ask."""

import hashlib
import re
import secrets
from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..digest.service import followed_themes
from ..errors import DomainError
from ..extensions import db
from ..formatting import from_local, to_local
from ..interactions.models import FollowUp
from ..interactions.service import open_follow_ups
from ..neglect.service import end_of
from ..relations.models import Organisation
from ..strategy.models import Arena, KeyMoment, Priority, key_moment_priorities
from .models import CalendarFeed

UPCOMING_LIMIT = 100
# The feed holds the key moments from a month back (last month's meeting stays
# in the calendar) to a year ahead: enough for Outlook, small enough to send often.
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 31, 366
MONTH = re.compile(r"(\d{4})-(\d{2})")
FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2099, 12, 1)


@dataclass
class KeyMomentData:
    day: date
    title: str
    clock: time | None = None  # None: the whole day
    organisation_id: int | None = None
    arena_id: int | None = None
    priority_ids: list[int] = field(default_factory=list)
    notes: str | None = None


def can_edit(user: User) -> bool:
    """Everyone who logs in: key moments are public agendas, not confidential,
    and whoever follows the Kamer or the MRA first should add them."""
    return user.is_authenticated


def _with_links(query):
    return query.options(selectinload(KeyMoment.organisation), selectinload(KeyMoment.arena),
                         selectinload(KeyMoment.priorities).selectinload(Priority.theme))


def save_key_moment(data: KeyMomentData, acting: User, moment: KeyMoment | None = None) -> KeyMoment:
    """Creates or updates a key moment; flushes."""
    organisation = db.session.get(Organisation, data.organisation_id) if data.organisation_id is not None else None
    if data.organisation_id is not None and organisation is None:
        raise DomainError(_l("Kies een organisatie uit de lijst."), field="organisation_id")
    arena = db.session.get(Arena, data.arena_id) if data.arena_id is not None else None
    if data.arena_id is not None and arena is None:
        raise DomainError(_l("Kies een netwerk uit de lijst."), field="arena_id")
    ids = sorted(set(data.priority_ids))
    priorities = list(db.session.scalars(select(Priority).where(Priority.id.in_(ids)))) if ids else []
    if len(priorities) != len(ids):
        raise DomainError(_l("Kies alleen prioriteiten uit de lijst."), field="priority_ids")
    if moment is None:
        moment = KeyMoment()
        db.session.add(moment)
    moment.starts_at = from_local(data.day, data.clock or time())
    moment.all_day = data.clock is None
    moment.title = data.title
    moment.organisation = organisation
    moment.arena = arena or (organisation.arena if organisation is not None else None)
    moment.priorities = sorted(priorities, key=lambda priority: priority.id)
    moment.notes = data.notes or None
    db.session.flush()
    return moment


def key_moment_for_page(moment_id: int) -> KeyMoment | None:
    return db.session.scalar(_with_links(select(KeyMoment).where(KeyMoment.id == moment_id)))


def upcoming(today: date, limit: int = UPCOMING_LIMIT) -> list[KeyMoment]:
    """The key moments from today on, soonest first."""
    return list(db.session.scalars(_with_links(
        select(KeyMoment).where(KeyMoment.starts_at >= from_local(today, time()))
        .order_by(KeyMoment.starts_at, KeyMoment.id).limit(limit))))


def parse_month(text: str) -> date:
    """"2026-12" as the first day of that month; ValueError for anything else."""
    match = MONTH.fullmatch(text)
    if match is None:
        raise ValueError(text)
    first = date(int(match[1]), int(match[2]), 1)  # ValueError for month 13
    if not FIRST_MONTH <= first <= LAST_MONTH:
        raise ValueError(text)
    return first


def shift_month(first: date, months: int) -> date | None:
    """The first day of the month `months` away; None outside the calendar's range."""
    index = first.year * 12 + first.month - 1 + months
    shifted = date(index // 12, index % 12 + 1, 1)
    return shifted if FIRST_MONTH <= shifted <= LAST_MONTH else None


def last_day(first: date) -> date:
    """The last day of the month that starts on `first`."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


def month_weeks(first: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) that the month touches."""
    return Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def moments_by_day(first: date, last: date) -> dict[date, list[KeyMoment]]:
    """The key moments of the local days from first to last, per day. Five queries."""
    found = db.session.scalars(_with_links(
        select(KeyMoment).where(KeyMoment.starts_at >= from_local(first, time()),
                                KeyMoment.starts_at < end_of(last))
        .order_by(KeyMoment.starts_at, KeyMoment.id)))
    days: dict[date, list[KeyMoment]] = {}
    for moment in found:
        days.setdefault(to_local(moment.starts_at).date(), []).append(moment)
    return days


# --- The calendar feed ---------------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    # The token is 256 random bits: a plain hash is enough, nothing to guess.
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(user: User) -> str:
    """A new secret address for the user's calendar; an earlier one stops
    working. Returns the token, which is stored only as its hash; flushes."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token)))
    db.session.flush()
    return token


def revoke_feed(user: User) -> bool:
    """Whether there was a feed to revoke; flushes."""
    existing = feed_of(user)
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    return True


def user_for_token(token: str) -> User | None:
    """The user whose feed this token opens: one who can still log in."""
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token_hash == token_hash(token)))
    return user if user is not None and user.can_log_in else None


def feed_key_moments(user: User, today: date) -> list[KeyMoment]:
    """The key moments of the opgaven the user follows (all when none are
    chosen, as for the weekly digest), and those linked to no priority."""
    theme_ids = [theme.id for theme in followed_themes(user)]
    linked = (select(key_moment_priorities.c.key_moment_id)
              .join(Priority, Priority.id == key_moment_priorities.c.priority_id)
              .where(Priority.theme_id.in_(theme_ids)))
    unlinked = ~KeyMoment.id.in_(select(key_moment_priorities.c.key_moment_id))
    return list(db.session.scalars(_with_links(
        select(KeyMoment).where(KeyMoment.starts_at >= from_local(today - timedelta(days=FEED_DAYS_BACK), time()),
                                KeyMoment.starts_at < end_of(today + timedelta(days=FEED_DAYS_AHEAD)),
                                or_(KeyMoment.id.in_(linked), unlinked))
        .order_by(KeyMoment.starts_at, KeyMoment.id))))


def feed_follow_ups(user: User) -> list[FollowUp]:
    """The user's own open follow-ups, as on the home page."""
    return open_follow_ups(user)
