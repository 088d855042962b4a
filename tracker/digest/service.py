"""The weekly digest: what it says to whom, and putting it in the outbox."""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import and_, distinct, exists, func, or_, select, true
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..dashboards.models import DAILY_COUNTS
from ..database import insert_ignoring_duplicates, utcnow
from ..extensions import db
from ..interactions.models import FollowUp, Interaction, interaction_priorities
from ..interactions.service import visible_to
from ..neglect import service as neglect
from ..neglect.models import NeglectFlag
from ..stakeholders import service as stakeholders
from ..strategy.models import KeyMoment, Priority, PriorityStatusChange, Theme, key_moment_priorities
from .models import OutboxMessage, OutboxStatus
from .weeks import Week

KIND = "weekoverzicht"
AVERAGE_WEEKS = 12
KEY_MOMENT_DAYS = 14
LIST_LIMIT = 25


@dataclass
class ThemeActivity:
    theme: Theme
    count: int
    average: float

    @property
    def trend(self) -> str:
        if self.count > self.average * 1.2:
            return "meer"
        if self.count < self.average * 0.8:
            return "minder"
        return "gelijk"


@dataclass
class Digest:
    user: User
    week: Week
    themes: list[Theme]
    activity: list[ThemeActivity] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    interaction_total: int = 0
    new_flags: list[NeglectFlag] = field(default_factory=list)
    new_flag_total: int = 0
    open_flags: list[NeglectFlag] = field(default_factory=list)
    open_flag_total: int = 0
    overdue: list[FollowUp] = field(default_factory=list)
    overdue_total: int = 0
    key_moments: list[KeyMoment] = field(default_factory=list)
    status_changes: list[PriorityStatusChange] = field(default_factory=list)
    # High influence on a followed priority's stakeholder map, not contacted within the cadence.
    uncontacted_stakeholders: list = field(default_factory=list)

    @property
    def subject(self) -> str:
        return _("Weekoverzicht lobby %(week)s: %(count)s contactmomenten, %(flags)s signaleringen",
                 week=f"week {self.week.number}", count=self.interaction_total,
                 flags=self.new_flag_total + self.open_flag_total)


def recipients() -> list[User]:
    """Everyone who receives the digest: managers unless they opted out, and
    other users who opted in."""
    users = db.session.scalars(select(User).where(
        User.active.is_(True), User.has_login(), User.email.is_not(None),
        or_(User.wants_digest.is_(True), (User.wants_digest.is_(None)) & (User.role == Role.MANAGER)))
        .order_by(User.id).options(selectinload(User.followed_themes)))
    return list(users)


def followed_themes(user: User) -> list[Theme]:
    """The opgaven a user follows; none chosen means all of them."""
    if user.followed_themes:
        return list(user.followed_themes)
    return list(db.session.scalars(select(Theme).order_by(Theme.number)))


def utc_range(first: date, after: date) -> tuple[datetime, datetime]:
    return neglect.end_of(first - timedelta(days=1)), neglect.end_of(after - timedelta(days=1))


def build_digest(user: User, week: Week, memo: dict | None = None, viewer: User | None = None) -> Digest:
    """The digest of one user for one finished week. A fixed number of
    queries, whatever the amount of data. Its content depends only on the
    week, the opgaven followed and what the user may see, so a batch passes
    `memo` and computes it once for all managers who follow the same.

    A preview by someone else (`viewer`) shows only what both may see: a
    beheerder previewing a manager's digest sees no confidential contactmoment."""
    themes = followed_themes(user)
    theme_ids = [theme.id for theme in themes]
    if viewer is not None and viewer.id != user.id:
        return compute_digest(user, week, themes, viewer)
    key = (week, "all" if user.sees_all_confidential else user.id, tuple(theme_ids))
    if memo is not None and key in memo:
        return replace(memo[key], user=user)
    digest = compute_digest(user, week, themes)
    if memo is not None:
        memo[key] = digest
    return digest


def compute_digest(user: User, week: Week, themes: list[Theme], viewer: User | None = None) -> Digest:
    readers = [user] if viewer is None else [user, viewer]
    seen = and_(*(visible_to(reader) for reader in readers))
    flags_seen = and_(*(neglect.visible_flags(reader) for reader in readers))
    theme_ids = [theme.id for theme in themes]
    everything = len(theme_ids) == db.session.scalar(select(func.count()).select_from(Theme))
    digest = Digest(user=user, week=week, themes=themes)
    start, end = utc_range(week.monday, week.next_monday)
    followed_priorities = select(Priority.id).where(Priority.theme_id.in_(theme_ids))
    # Every contactmoment has a priority: following all opgaven needs no test.
    on_themes = true() if everything else exists().where(
        interaction_priorities.c.interaction_id == Interaction.id,
        interaction_priorities.c.priority_id.in_(followed_priorities))

    def per_theme(first: date, end: date) -> Counter:
        """Contactmomenten per opgave on the local days from `first` up to `end`."""
        if all(reader.sees_all_confidential for reader in readers):
            # The dashboards' daily counts per opgave (a contactmoment once per opgave).
            return Counter(dict(db.session.execute(
                select(DAILY_COUNTS.c.theme_id, func.sum(DAILY_COUNTS.c.interactions))
                .where(DAILY_COUNTS.c.theme_id.in_(theme_ids), DAILY_COUNTS.c.priority_id.is_(None),
                       DAILY_COUNTS.c.day >= first, DAILY_COUNTS.c.day < end)
                .group_by(DAILY_COUNTS.c.theme_id)).all()))
        # Otherwise live, leaving out the confidential ones the readers may not see.
        # The period's links, found through the contactmomenten's time, and
        # counted in SQL (a contactmoment once per opgave). "+ 0": each link's
        # priority looked up by key; joined on the priority's index the
        # planner would walk every link of every priority.
        since, until = utc_range(first, end)
        counts = db.session.execute(
            select(Priority.theme_id, func.count(distinct(interaction_priorities.c.interaction_id)))
            .select_from(interaction_priorities)
            .join(Interaction, Interaction.id == interaction_priorities.c.interaction_id)
            .join(Priority, Priority.id == interaction_priorities.c.priority_id + 0)
            .where(Interaction.occurred_at >= since, Interaction.occurred_at < until, seen)
            .group_by(Priority.theme_id))
        return Counter(dict(counts.all()))

    this_week = per_theme(week.monday, week.next_monday)
    before = per_theme(week.shifted(-AVERAGE_WEEKS).monday, week.monday)
    digest.activity = [ThemeActivity(theme, this_week.get(theme.id, 0), before.get(theme.id, 0) / AVERAGE_WEEKS)
                       for theme in themes]
    in_week = (Interaction.occurred_at >= start, Interaction.occurred_at < end, seen, on_themes)
    digest.interaction_total = db.session.scalar(select(func.count()).select_from(Interaction).where(*in_week))
    digest.interactions = list(db.session.scalars(
        select(Interaction).where(*in_week).order_by(Interaction.occurred_at.desc()).limit(LIST_LIMIT)
        .options(selectinload(Interaction.author), selectinload(Interaction.organisations))))

    about = true() if everything else neglect.about_themes(theme_ids)
    new = (about, flags_seen, NeglectFlag.raised_on >= week.monday, NeglectFlag.raised_on < week.next_monday)
    digest.new_flags = neglect.list_flags(*new, limit=LIST_LIMIT)
    digest.new_flag_total = neglect.count_flags(*new)
    still_open = (about, flags_seen, NeglectFlag.status.in_(neglect.ACTIVE), NeglectFlag.raised_on < week.monday)
    digest.open_flags = neglect.list_flags(*still_open, limit=LIST_LIMIT)
    digest.open_flag_total = neglect.count_flags(*still_open)

    on_followed = true() if everything else exists().where(
        interaction_priorities.c.interaction_id == FollowUp.interaction_id,
        interaction_priorities.c.priority_id.in_(followed_priorities))
    # Whoever sees every contactmoment needs no look-up of each follow-up's one.
    visible = true() if all(reader.sees_all_confidential for reader in readers) else exists().where(
        Interaction.id == FollowUp.interaction_id, seen)
    overdue = (FollowUp.completed_at.is_(None), FollowUp.due_date < week.next_monday, on_followed, visible)
    digest.overdue_total = db.session.scalar(select(func.count()).select_from(FollowUp).where(*overdue))
    digest.overdue = list(db.session.scalars(
        select(FollowUp).where(*overdue).order_by(FollowUp.due_date).limit(LIST_LIMIT)
        .options(selectinload(FollowUp.owner), selectinload(FollowUp.interaction))))

    soon_start, soon_end = utc_range(week.next_monday, week.next_monday + timedelta(days=KEY_MOMENT_DAYS))
    linked = select(key_moment_priorities.c.key_moment_id).join(
        Priority, Priority.id == key_moment_priorities.c.priority_id).where(Priority.theme_id.in_(theme_ids))
    unlinked = ~KeyMoment.id.in_(select(key_moment_priorities.c.key_moment_id))
    digest.key_moments = list(db.session.scalars(
        select(KeyMoment).where(KeyMoment.starts_at >= soon_start, KeyMoment.starts_at < soon_end,
                                or_(KeyMoment.id.in_(linked), unlinked))
        .order_by(KeyMoment.starts_at).options(selectinload(KeyMoment.organisation))))
    digest.status_changes = list(db.session.scalars(
        select(PriorityStatusChange).join(Priority)
        .where(Priority.theme_id.in_(theme_ids), PriorityStatusChange.changed_at >= start,
               PriorityStatusChange.changed_at < end)
        .order_by(PriorityStatusChange.changed_at)
        .options(selectinload(PriorityStatusChange.priority).selectinload(Priority.theme))))
    digest.uncontacted_stakeholders = stakeholders.uncontacted_high_influence(
        followed_priorities, seen, min(week.next_monday - timedelta(days=1), neglect.today()))
    return digest


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """(subject, plain text, HTML) with links into the app at BASE_URL."""
    base_url = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context("/", base_url=base_url):
        text = render_template("digest/email.txt", digest=digest)
        html = render_template("digest/email.html", digest=digest)
    return digest.subject, text, html


def message_id(user: User, week: Week) -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    domain = sender.rsplit("@", 1)[-1].strip(">") if "@" in sender else "lobbytracker.local"
    return f"<{KIND}.{week}.{user.id}@{domain}>"


def enqueue_week(week: Week) -> int:
    """Puts every recipient's digest for a week in the outbox, once: a
    recipient who already has one for that week is skipped, and the unique
    key makes a concurrent second run insert nothing. Returns how many were
    queued; flushes."""
    queued = set(db.session.scalars(select(OutboxMessage.recipient_id).where(
        OutboxMessage.kind == KIND, OutboxMessage.period == str(week))))
    count, memo = 0, {}
    for user in recipients():
        if user.id in queued:
            continue
        subject, text, html = render_digest(build_digest(user, week, memo))
        result = db.session.execute(insert_ignoring_duplicates(
                db.session, OutboxMessage, ["recipient_id", "kind", "period"]).values(
            recipient_id=user.id, kind=KIND, period=str(week), to_address=user.email, subject=subject,
            text_body=text, html_body=html, message_id=message_id(user, week), status=OutboxStatus.PENDING,
            attempts=0, next_attempt_at=utcnow(), created_at=utcnow()).returning(OutboxMessage.id))
        count += len(result.all())
    db.session.flush()
    return count


def can_preview_for_others(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.DIRECTOR, Role.ADMINISTRATOR)


def set_preferences(user: User, *, wants_digest: bool, theme_ids: list[int]) -> None:
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids)))) if theme_ids else []
    user.wants_digest = wants_digest
    user.followed_themes = themes
    db.session.flush()


def outbox_summary() -> dict:
    counts = Counter(dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()))
    return {status: counts.get(status, 0) for status in OutboxStatus}
