"""Delivering the outbox. Unlike the services, this owns its transactions:
a row is marked as sending and committed before the mail server is asked,
and marked as sent right after, so a crash in between leaves a row that a
beheerder sees as stuck instead of a mail sent twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from .mail import MailError, build_email, transport
from .models import OutboxMessage, OutboxStatus

MAX_BACKOFF = timedelta(hours=6)
FIRST_BACKOFF = timedelta(minutes=5)
STUCK_AFTER = timedelta(minutes=15)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    error: str | None = None


def backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def deliver(now: datetime | None = None, *, force: bool = False) -> Delivery:
    """Sends the pending messages whose time has come (all of them with
    `force`). Stops at the first failure: the server is likely down, and
    the rest waits for the next try."""
    now = now or utcnow()
    query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING).order_by(OutboxMessage.id)
    if not force:
        query = query.where(OutboxMessage.next_attempt_at <= now)
    rows = list(db.session.scalars(query))
    db.session.commit()
    result = Delivery()
    if not rows:
        return result
    try:
        with transport() as connection:
            for row in rows:
                row.status, row.sending_since = OutboxStatus.SENDING, utcnow()
                db.session.commit()
                try:
                    connection.send(build_email(row))
                except MailError as error:
                    postpone(row, error, now)
                    result.failed, result.error = 1, str(error)
                    break
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, utcnow(), None
                db.session.commit()
                result.sent += 1
    except MailError as error:
        for row in rows:
            if row.status == OutboxStatus.PENDING:
                postpone(row, error, now)
        result.failed, result.error = len(rows) - result.sent, str(error)
    result.waiting = len(rows) - result.sent
    return result


def postpone(row: OutboxMessage, error: Exception, now: datetime) -> None:
    row.status = OutboxStatus.PENDING
    row.attempts += 1
    row.next_attempt_at = now + backoff(row.attempts)
    row.last_error = str(error)[:2000]
    row.sending_since = None
    db.session.commit()


def stuck(now: datetime | None = None) -> list[OutboxMessage]:
    """Rows left in 'sending' by a crash: whether they went out is unknown."""
    now = now or utcnow()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.sending_since < now - STUCK_AFTER)))


def requeue(row: OutboxMessage) -> None:
    """A beheerder decided a stuck message should be sent (again)."""
    row.status, row.sending_since, row.next_attempt_at = OutboxStatus.PENDING, None, utcnow()
    db.session.flush()
