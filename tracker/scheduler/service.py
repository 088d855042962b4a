"""Which process runs the scheduled jobs, and what they did.

APScheduler 3 keeps its jobs per process, so every process that starts a
scheduler would run every job. A row in the database decides: the process
that holds the lock runs the jobs and renews its claim; the others skip
them, and take over when the holder's claim has gone stale.
"""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from ..database import insert_ignoring_duplicates, utcnow
from ..extensions import db
from .models import JobRun, SchedulerLock

LOCK_NAME = "scheduler"
LOCK_TTL = timedelta(seconds=90)


def process_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_lock(holder: str, now: datetime | None = None) -> bool:
    """Takes or renews the lock; True when this holder has it. Commits."""
    now = now or utcnow()
    renewed = db.session.execute(
        update(SchedulerLock)
        .where(SchedulerLock.name == LOCK_NAME,
               or_(SchedulerLock.holder == holder, SchedulerLock.heartbeat_at < now - LOCK_TTL))
        .values(holder=holder, heartbeat_at=now)).rowcount
    if not renewed:
        renewed = db.session.execute(insert_ignoring_duplicates(db.session, SchedulerLock, ["name"]).values(
            name=LOCK_NAME, holder=holder, heartbeat_at=now).returning(SchedulerLock.name)).first() is not None
    db.session.commit()
    return bool(renewed)


def lock_state() -> SchedulerLock | None:
    return db.session.get(SchedulerLock, LOCK_NAME)


def scheduler_alive(now: datetime | None = None) -> bool:
    lock = lock_state()
    return lock is not None and lock.heartbeat_at >= (now or utcnow()) - LOCK_TTL


def start_run(job_id: str, holder: str) -> JobRun:
    run = JobRun(job_id=job_id, holder=holder, started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return run


def finish_run(run_id: int, succeeded: bool, message: str) -> None:
    run = db.session.get(JobRun, run_id)
    run.finished_at, run.succeeded, run.message = utcnow(), succeeded, message[:4000]
    db.session.commit()


def last_success(job_id: str) -> datetime | None:
    return db.session.scalar(select(func.max(JobRun.started_at)).where(JobRun.job_id == job_id,
                                                                       JobRun.succeeded.is_(True)))


@dataclass
class JobStatus:
    job_id: str
    last_run: JobRun | None
    last_success: datetime | None
    next_run: datetime | None
    overdue: bool


def latest_runs(job_ids: list[str]) -> dict[str, JobRun]:
    newest = (select(JobRun.job_id, func.max(JobRun.id).label("id")).where(JobRun.job_id.in_(job_ids))
              .group_by(JobRun.job_id).subquery())
    runs = db.session.scalars(select(JobRun).join(newest, newest.c.id == JobRun.id))
    return {run.job_id: run for run in runs}


def successes(job_ids: list[str]) -> dict[str, datetime]:
    return dict(db.session.execute(
        select(JobRun.job_id, func.max(JobRun.started_at))
        .where(JobRun.job_id.in_(job_ids), JobRun.succeeded.is_(True)).group_by(JobRun.job_id)).all())
