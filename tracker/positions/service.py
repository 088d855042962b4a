"""Seats in gremia: which the strategy wants, who holds them, since when."""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..relations.models import Organisation
from ..strategy.models import Arena, IntendedRole, Position, PositionStatus, Theme

# Statuses that need the bestuurder who holds (or held) the seat and since when.
NEEDS_HOLDER = {PositionStatus.HELD, PositionStatus.ENDED}


@dataclass
class PositionData:
    organisation_id: int
    title: str
    status: PositionStatus
    role: IntendedRole | None = None
    portfolio: str | None = None
    text: str | None = None
    holder_id: int | None = None
    held_since: date | None = None
    held_until: date | None = None
    theme_ids: list[int] = field(default_factory=list)


def can_edit(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def officials() -> list[User]:
    """The bestuurders a position can be given to."""
    return list(db.session.scalars(select(User).where(User.is_official.is_(True), User.active.is_(True))
                                   .order_by(User.name)))


def positions() -> list[Position]:
    """Every position, in the order of the networks, then gremium and title. Four queries."""
    return list(db.session.scalars(
        select(Position).join(Position.organisation).outerjoin(Organisation.arena)
        .order_by(Arena.sort_order.is_(None), Arena.sort_order, Arena.name, Organisation.name, Position.title,
                  Position.id)
        .options(selectinload(Position.organisation).selectinload(Organisation.arena),
                 selectinload(Position.themes), selectinload(Position.holder))))


def by_arena(found: list[Position]) -> list[tuple[Arena | None, list[Position]]]:
    """Positions grouped under their network (None: a gremium in no network)."""
    return [(arena, list(items)) for arena, items in groupby(found, key=lambda position: position.organisation.arena)]


def counts(found: list[Position]) -> dict[PositionStatus, int]:
    return {status: sum(1 for position in found if position.status == status) for status in PositionStatus}


def save_position(data: PositionData, acting: User, position: Position | None = None) -> Position:
    """Creates or updates a position; flushes. The rules hold whatever the form says."""
    if not can_edit(acting):
        raise NotAllowed(_l("Alleen managers en beheerders bewerken posities."))
    organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        raise DomainError(_l("Kies een gremium uit de lijst."), field="organisation_id")
    holder = None
    if data.holder_id is not None:
        holder = db.session.get(User, data.holder_id)
        if holder is None or not holder.is_official:
            raise DomainError(_l("Kies een bestuurder uit de lijst."), field="holder_id")
    if data.status in NEEDS_HOLDER and holder is None:
        raise DomainError(_l("Vul in welke bestuurder deze positie heeft gekregen."), field="holder_id")
    if data.status in NEEDS_HOLDER and data.held_since is None:
        raise DomainError(_l("Vul in sinds wanneer de bestuurder deze positie heeft."), field="held_since")
    if data.status == PositionStatus.ENDED and data.held_until is None:
        raise DomainError(_l("Vul in tot wanneer de bestuurder deze positie had."), field="held_until")
    if data.held_until is not None and data.held_since is not None and data.held_until < data.held_since:
        raise DomainError(_l("De einddatum ligt vóór de begindatum: kies een datum op of na %(since)s.",
                             since=data.held_since.strftime("%d-%m-%Y")), field="held_until")
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(data.theme_ids)))) if data.theme_ids else []
    if len(themes) != len(set(data.theme_ids)):
        raise DomainError(_l("Kies alleen opgaven uit de lijst."), field="theme_ids")
    if position is None:
        position = Position()
        db.session.add(position)
    position.organisation = organisation
    position.title = data.title
    position.status = data.status
    position.role = data.role
    position.portfolio = data.portfolio or None
    position.text = data.text or None
    position.holder = holder
    position.held_since = data.held_since
    position.held_until = data.held_until
    position.themes = sorted(themes, key=lambda theme: theme.number)
    db.session.flush()
    return position
