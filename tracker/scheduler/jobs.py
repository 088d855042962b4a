"""The scheduled jobs: module-level functions with stable ids. Each opens an
app context, checks that this process holds the scheduler lock, calls a
service, and records the run.

The jobs heal themselves: every run of the outbox job makes sure today's
neglect scan has run (after 06:00) and that the last finished week's
digests are in the outbox (after Monday 07:00), so a run missed while the
scheduler was down is made up once, whatever APScheduler's misfire rules.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from ..avg import service as retention
from ..capture import mailbox
from ..database import utcnow
from ..digest import outbox
from ..digest import service as digests
from ..digest.weeks import Week
from ..extensions import db
from ..neglect import service as neglect
from . import service
from .models import JobRun

log = logging.getLogger(__name__)

SCAN_AT = time(6, 0)
DIGEST_AT = time(7, 0)
# The retention review: the first of every month.
RETENTION_AT = time(5, 30)


def local_now(app) -> datetime:
    return utcnow().astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))


def run_locked(app, job_id: str, body) -> JobRun | None:
    """Runs `body` as job `job_id` if this process holds the lock."""
    with app.app_context():
        holder = app.config.get("SCHEDULER_IDENTITY") or service.process_identity()
        if not service.claim_lock(holder):
            return None
        run = service.start_run(job_id, holder)
        try:
            message = body()
        except Exception as error:  # a failing job is recorded, never kills the scheduler
            db.session.rollback()
            log.exception("job %s failed", job_id)
            service.finish_run(run.id, False, f"{type(error).__name__}: {error}")
        else:
            service.finish_run(run.id, True, message)
        return db.session.get(JobRun, run.id)


def scan_today(app) -> str:
    return scan_day(local_now(app).date())


def scan_day(day) -> str:
    result = neglect.scan(day)
    db.session.commit()
    return (f"{day.isoformat()}: {result.raised} nieuw, {result.still_open} nog open, "
            f"{result.reopened} heropend, {result.resolved} opgelost")


def due_digest_week(now: datetime) -> Week:
    """The week whose digests should be out by now: last week once this
    week's Monday 07:00 has passed, otherwise the week before."""
    this_monday = Week.of(now.date()).monday
    passed = now.date() > this_monday or now.time() >= DIGEST_AT
    return Week.of(now.date()).shifted(-1 if passed else -2)


def send_digests(app) -> str:
    week = due_digest_week(local_now(app))
    queued = digests.enqueue_week(week)
    db.session.commit()
    delivery = outbox.deliver()
    return f"{week}: {queued} in de wachtrij, {delivery.sent} verzonden, {delivery.waiting} wachtend" + (
        f" (mailserver: {delivery.error})" if delivery.error else "")


def catch_up(app, now: datetime | None = None) -> list[str]:
    """Makes up for runs missed while no scheduler ran (as of `now`, local)."""
    done = []
    now = now or local_now(app)
    start_of_day = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    scanned = db.session.scalar(select(JobRun.id).where(
        JobRun.job_id == NEGLECT_SCAN, JobRun.succeeded.is_(True), JobRun.started_at >= start_of_day).limit(1))
    if now.time() >= SCAN_AT and scanned is None:
        run = service.start_run(NEGLECT_SCAN, service.process_identity())
        service.finish_run(run.id, True, scan_day(now.date()) + " (ingehaald)")
        done.append("scan")
    if digests.enqueue_week(due_digest_week(now)):
        done.append("weekoverzicht")
    start_of_month = datetime.combine(now.date().replace(day=1), RETENTION_AT, tzinfo=now.tzinfo)
    reviewed = db.session.scalar(select(JobRun.id).where(
        JobRun.job_id == RETENTION_REVIEW, JobRun.succeeded.is_(True), JobRun.started_at >= start_of_month).limit(1))
    if now >= start_of_month and reviewed is None:
        run = service.start_run(RETENTION_REVIEW, service.process_identity())
        service.finish_run(run.id, True, review_retention(app, now.date()) + " (ingehaald)")
        done.append("bewaartermijn")
    db.session.commit()
    return done


def review_retention(app, day) -> str:
    result = retention.list_for_review(day, app.config["RETENTION_YEARS"])
    db.session.commit()
    return (f"{day.isoformat()}: {result.listed} nieuw ter beoordeling, {result.held} onder een lopend verzoek "
            f"overgeslagen, {result.dropped} weer actief")


def retention_review_job(app):
    return run_locked(app, RETENTION_REVIEW, lambda: review_retention(app, local_now(app).date()))


def neglect_scan_job(app):
    return run_locked(app, NEGLECT_SCAN, lambda: scan_today(app))


def weekly_digest_job(app):
    return run_locked(app, WEEKLY_DIGEST, lambda: send_digests(app))


def outbox_job(app):
    def body():
        made_up = catch_up(app)
        delivery = outbox.deliver()
        summary = f"{delivery.sent} verzonden, {delivery.waiting} wachtend"
        if made_up:
            summary += "; ingehaald: " + ", ".join(made_up)
        if delivery.error:
            summary += f"; mailserver: {delivery.error}"
        return summary
    return run_locked(app, OUTBOX, body)


def read_mailbox(app) -> str:
    settings = mailbox.Settings.from_config(app.config)
    return mailbox.fetch_mail(settings).summary() if settings else "IMAP_HOST is leeg: niets gelezen"


def inbound_mail_job(app):
    return run_locked(app, INBOUND_MAIL, lambda: read_mailbox(app))


def heartbeat_job(app):
    """Keeps this process's claim on the lock fresh between jobs."""
    with app.app_context():
        service.claim_lock(app.config.get("SCHEDULER_IDENTITY") or service.process_identity())


NEGLECT_SCAN, WEEKLY_DIGEST, OUTBOX, HEARTBEAT = "neglect-scan", "weekly-digest", "outbox", "heartbeat"
RETENTION_REVIEW = "retention-review"
INBOUND_MAIL = "inbound-mail"


@dataclass(frozen=True)
class JobSpec:
    id: str
    function: object
    trigger: object
    # How long after the last success the job counts as overdue.
    overdue_after: timedelta


def job_specs(zone: ZoneInfo, inbound_mail: bool = False) -> list[JobSpec]:
    """The jobs; the inbound mailbox's only when IMAP_HOST is set (`inbound_mail`)."""
    mail = [JobSpec(INBOUND_MAIL, inbound_mail_job, IntervalTrigger(minutes=5, timezone=zone),
                    timedelta(minutes=30))] if inbound_mail else []
    return [
        JobSpec(NEGLECT_SCAN, neglect_scan_job, CronTrigger(hour=SCAN_AT.hour, minute=SCAN_AT.minute, timezone=zone),
                timedelta(hours=26)),
        JobSpec(WEEKLY_DIGEST, weekly_digest_job,
                CronTrigger(day_of_week="mon", hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, timezone=zone),
                timedelta(days=7, hours=2)),
        JobSpec(OUTBOX, outbox_job, IntervalTrigger(minutes=5, timezone=zone), timedelta(minutes=20)),
        JobSpec(RETENTION_REVIEW, retention_review_job,
                CronTrigger(day=1, hour=RETENTION_AT.hour, minute=RETENTION_AT.minute, timezone=zone),
                timedelta(days=32)),
    ] + mail


def create_scheduler(app, scheduler_class=BackgroundScheduler):
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    scheduler = scheduler_class(timezone=zone, job_defaults={
        # A run missed by up to an hour still happens, once; catch_up covers longer gaps.
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for spec in job_specs(zone, inbound_mail=bool(app.config.get("IMAP_HOST"))):
        scheduler.add_job(spec.function, spec.trigger, args=[app], id=spec.id, name=spec.id)
    scheduler.add_job(heartbeat_job, IntervalTrigger(seconds=30, timezone=zone), args=[app], id=HEARTBEAT)
    # At start: catch up at once instead of waiting five minutes.
    scheduler.add_job(outbox_job, args=[app], id="start-up", next_run_time=datetime.now(zone))
    return scheduler


def job_statuses(app) -> list[service.JobStatus]:
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    specs = job_specs(zone, inbound_mail=bool(app.config.get("IMAP_HOST")))
    ids = [spec.id for spec in specs]
    runs, successes, now = service.latest_runs(ids), service.successes(ids), utcnow()
    alive = service.scheduler_alive(now)
    statuses = []
    for spec in specs:
        success = successes.get(spec.id)
        overdue = (now - success > spec.overdue_after) if success else not alive
        statuses.append(service.JobStatus(spec.id, runs.get(spec.id), success,
                                          spec.trigger.get_next_fire_time(None, now.astimezone(zone)), overdue))
    return statuses
