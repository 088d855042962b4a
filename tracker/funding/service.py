"""Funding streams: what there is to get, and how Zaanstad's bid stands."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..relations.models import Organisation
from ..strategy.models import BidStatus, FundingStream, Priority


@dataclass
class FundingStreamData:
    name: str
    provider_id: int | None = None
    provider_name: str | None = None
    description: str | None = None
    amount: Decimal | None = None
    deadline: date | None = None
    bid_status: BidStatus | None = None
    amount_requested: Decimal | None = None
    amount_granted: Decimal | None = None
    priority_ids: list[int] = field(default_factory=list)


@dataclass
class Totals:
    amount: Decimal
    requested: Decimal
    granted: Decimal


def can_edit(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def funding_streams() -> list[FundingStream]:
    """Every stream, the nearest deadline first (those without one last). Four queries."""
    return list(db.session.scalars(
        select(FundingStream).order_by(FundingStream.deadline.is_(None), FundingStream.deadline, FundingStream.name,
                                       FundingStream.id)
        .options(selectinload(FundingStream.provider),
                 selectinload(FundingStream.priorities).selectinload(Priority.theme))))


def totals(found: list[FundingStream]) -> Totals:
    def total(values):
        return sum((value for value in values if value is not None), Decimal(0))
    return Totals(total(stream.amount for stream in found), total(stream.amount_requested for stream in found),
                  total(stream.amount_granted for stream in found))


def funding_stream_for_page(stream_id: int) -> FundingStream | None:
    return db.session.scalar(select(FundingStream).where(FundingStream.id == stream_id).options(
        selectinload(FundingStream.provider), selectinload(FundingStream.priorities).selectinload(Priority.theme)))


def save_funding_stream(data: FundingStreamData, acting: User, stream: FundingStream | None = None) -> FundingStream:
    """Creates or updates a funding stream; flushes."""
    if not can_edit(acting):
        raise NotAllowed(_l("Alleen managers en beheerders bewerken geldstromen."))
    provider = db.session.get(Organisation, data.provider_id) if data.provider_id is not None else None
    if data.provider_id is not None and provider is None:
        raise DomainError(_l("Kies een organisatie uit de lijst."), field="provider_id")
    if data.amount_granted is not None and data.bid_status not in (BidStatus.GRANTED, None):
        raise DomainError(_l("Een toegekend bedrag hoort bij de status Toegekend."), field="amount_granted")
    ids = sorted(set(data.priority_ids))
    priorities = list(db.session.scalars(select(Priority).where(Priority.id.in_(ids)))) if ids else []
    if len(priorities) != len(ids):
        raise DomainError(_l("Kies alleen prioriteiten uit de lijst."), field="priority_ids")
    if stream is None:
        stream = FundingStream()
        db.session.add(stream)
    stream.name = data.name
    stream.provider = provider
    stream.provider_name = data.provider_name or None
    stream.description = data.description or None
    stream.amount = data.amount
    stream.deadline = data.deadline
    stream.bid_status = data.bid_status
    stream.amount_requested = data.amount_requested
    stream.amount_granted = data.amount_granted
    stream.priorities = sorted(priorities, key=lambda priority: priority.id)
    db.session.flush()
    return stream
