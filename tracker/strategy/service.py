"""The strategy as pages read it: opgaven, priorities, networks."""

from itertools import groupby

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..dashboards import aggregates as daily_counts
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..interactions.models import Interaction, interaction_priorities
from ..forms import as_choices
from ..relations.models import Organisation
from .models import Arena, Engagement, Priority, PriorityStatus, PriorityStatusChange, Theme


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.number)
                                   .options(selectinload(Theme.priorities))))


def theme_for_page(theme_id: int) -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.id == theme_id).options(
        selectinload(Theme.priorities),
        selectinload(Theme.engagements).selectinload(Engagement.arena),
        selectinload(Theme.engagements).selectinload(Engagement.organisations),
        selectinload(Theme.engagements).selectinload(Engagement.priorities)))


def engagements_by_arena(engagements: list[Engagement]) -> list[tuple[Arena, list[Engagement]]]:
    """Engagements grouped under their network, in the strategy's order."""
    ordered = sorted(engagements, key=lambda engagement: (engagement.arena.sort_order, engagement.number))
    return [(arena, list(items)) for arena, items in groupby(ordered, key=lambda engagement: engagement.arena)]


def priorities_by_theme() -> list[tuple[Theme, list[Priority]]]:
    return [(theme, theme.priorities) for theme in themes()]


def offer_priorities(field) -> list[tuple[Theme, list[Priority]]]:
    """Offers every priority in a form's tick-box field; returns them grouped
    by opgave, as the priority_checkbox_list macro shows them."""
    grouped = priorities_by_theme()
    field.choices = as_choices((priority.id, f"{priority.code} {priority.title}")
                               for _theme, priorities in grouped for priority in priorities)
    return grouped


def theme_condition(theme: Theme):
    """Contactmomenten about any priority of this opgave: tested per
    contactmoment, as the newest are read first and a third of them qualify
    (a list of the opgave's contactmomenten would first collect them all)."""
    return exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                          Priority.id == interaction_priorities.c.priority_id, Priority.theme_id == theme.id)


def priority_condition(priority: Priority):
    """Contactmomenten about the priority, tested per contactmoment (as `theme_condition`)."""
    return exists().where(interaction_priorities.c.interaction_id == Interaction.id,
                          interaction_priorities.c.priority_id == priority.id)


def interaction_count(user: User, priority: Priority) -> int:
    """The priority's contactmomenten the user may see, from the dashboards' daily counts."""
    return activity_per_priority(user, [priority.id]).get(priority.id, (0, None))[0]


def activity_per_priority(user: User, priority_ids: list[int]) -> dict[int, tuple[int, object]]:
    """Per priority: the number of contactmomenten and the latest one's time."""
    return daily_counts.priority_totals(user, priority_ids)


def priority_for_page(priority_id: int) -> Priority | None:
    return db.session.scalar(select(Priority).where(Priority.id == priority_id)
                             .options(selectinload(Priority.theme)))


def engagements_for_priority(priority: Priority) -> list[Engagement]:
    return list(db.session.scalars(
        select(Engagement).where(Engagement.priorities.any(Priority.id == priority.id))
        .order_by(Engagement.number)
        .options(selectinload(Engagement.arena), selectinload(Engagement.organisations))))


def arenas_with_counts() -> list[tuple[Arena, int, int]]:
    """Every network with its number of organisations and engagements."""
    organisations = (select(func.count(Organisation.id)).where(Organisation.arena_id == Arena.id)
                     .correlate(Arena).scalar_subquery())
    engagements = (select(func.count(Engagement.id)).where(Engagement.arena_id == Arena.id)
                   .correlate(Arena).scalar_subquery())
    query = select(Arena, organisations, engagements).order_by(Arena.sort_order, Arena.name)
    return [tuple(row) for row in db.session.execute(query)]


def arena_for_page(arena_id: int) -> Arena | None:
    return db.session.scalar(select(Arena).where(Arena.id == arena_id)
                             .options(selectinload(Arena.organisations)))


def engagements_in_arena(arena: Arena) -> list[Engagement]:
    return list(db.session.scalars(
        select(Engagement).where(Engagement.arena_id == arena.id)
        .join(Engagement.theme).order_by(Theme.number, Engagement.number)
        .options(selectinload(Engagement.theme), selectinload(Engagement.organisations))))


def can_set_status(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def set_priority_status(priority: Priority, status: PriorityStatus, note: str, acting: User) -> PriorityStatusChange:
    """Records a manager's judgement of a priority; the history is kept."""
    if not can_set_status(acting):
        raise NotAllowed(_l("Alleen managers houden de status van prioriteiten bij."))
    if not note.strip():
        raise DomainError(_l("Licht de status toe in een korte notitie."), field="note")
    change = PriorityStatusChange(priority=priority, status=status, note=note.strip(), changed_by=acting,
                                  changed_at=utcnow())
    priority.status = status
    priority.status_changed_at = change.changed_at
    db.session.add(change)
    db.session.flush()
    return change


def status_history(priority: Priority) -> list[PriorityStatusChange]:
    return list(db.session.scalars(
        select(PriorityStatusChange).where(PriorityStatusChange.priority_id == priority.id)
        .order_by(PriorityStatusChange.changed_at.desc()).options(selectinload(PriorityStatusChange.changed_by))))
