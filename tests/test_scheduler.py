"""The scheduled jobs: what they record, making up for missed runs, one
process running them whatever the number of schedulers, and what a
beheerder sees when they lag behind."""

import re
import threading
import time as clock
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from tracker import create_app
from tracker.auth.models import Role, User
from tracker.database import utcnow
from tracker.digest.models import OutboxMessage
from tracker.digest.weeks import Week
from tracker.extensions import db as _db
from tracker.formatting import nl_datetime
from tracker.neglect.models import FlagSubject, NeglectFlag
from tracker.scheduler import jobs
from tracker.scheduler.models import JobRun, SchedulerLock
from tracker.scheduler.service import LOCK_NAME, LOCK_TTL, claim_lock, lock_state

from .conftest import PASSWORD, app_config

ZONE = ZoneInfo("Europe/Amsterdam")
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
WARNING = "de geplande taken lopen achter"


@pytest.fixture
def person(db):
    def make(role=Role.EMPLOYEE, name=None) -> User:
        number = db.session.scalar(select(func.count()).select_from(User)) + 1
        user = User(name=name or f"{role.value.title()} {number}", role=role,
                    email=f"{role.value}{number}@zaanstad.nl", password_hash=QUICK_HASH)
        db.session.add(user)
        db.session.commit()
        return user
    return make


def runs(db, job_id: str) -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id)))


def run_job(db, job, app) -> JobRun | None:
    """A job as the scheduler calls it: in its own app context and session.
    The test's session ends its transaction first, as a request would."""
    db.session.rollback()
    run = job(app)
    db.session.rollback()
    return run


def wait_for(predicate, timeout=15.0, message="timed out"):
    deadline = clock.monotonic() + timeout
    while not predicate():
        assert clock.monotonic() < deadline, message
        clock.sleep(0.02)


class Events:
    """What the schedulers report about executed jobs."""

    def __init__(self):
        self.items, self.lock = [], threading.Lock()

    def listen(self, scheduler, name: str):
        def record(event):
            with self.lock:
                self.items.append((name, event.job_id, event.code, getattr(event, "exception", None)))
        scheduler.add_listener(record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def of(self, job_id: str) -> list[tuple]:
        with self.lock:
            return [item for item in self.items if item[1] == job_id]


# --- When the digest is due --------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment, week", [
    (datetime(2026, 11, 29, 23, 59), "2026-W47"),  # Sunday night: last week is not finished
    (datetime(2026, 11, 30, 6, 59), "2026-W47"),   # Monday before 07:00
    (datetime(2026, 11, 30, 7, 0), "2026-W48"),    # Monday 07:00
    (datetime(2026, 12, 1, 0, 30), "2026-W48"),    # Tuesday
    (datetime(2026, 12, 6, 23, 59), "2026-W48"),   # the next Sunday
    (datetime(2027, 1, 4, 7, 0), "2026-W53"),      # across a year with 53 ISO weeks
    (datetime(2026, 3, 30, 7, 30), "2026-W13"),    # the Monday after summer time starts
])
def test_the_digest_week_is_due_from_monday_0700_amsterdam_time(moment, week):
    assert str(jobs.due_digest_week(moment.replace(tzinfo=ZONE))) == week


# --- The jobs themselves -----------------------------------------------------------------------------------------

@pytest.fixture
def last_tuesday(app):
    """A day certainly in the past, with a known digest week."""
    from tracker.neglect.service import today
    return Week.last_finished(today()).monday + timedelta(days=1)


def test_catch_up_makes_up_a_missed_scan_and_digest_once(db, app, person, make_interaction, last_tuesday):
    manager = person(Role.MANAGER)
    make_interaction(manager, occurred_at=datetime.combine(last_tuesday - timedelta(days=6), time(10), ZONE),
                     follow_ups=[("Notitie sturen", manager, last_tuesday - timedelta(days=3))])
    db.session.rollback()

    early = datetime.combine(last_tuesday, time(5, 30), ZONE)
    # Before 06:00 the scan is not due yet; the monthly retention review (the 1st, 05:30) is.
    assert jobs.catch_up(app, early) == ["weekoverzicht", "bewaartermijn"]
    [review] = runs(db, jobs.RETENTION_REVIEW)
    assert review.succeeded and review.message.endswith("(ingehaald)")
    assert not runs(db, jobs.NEGLECT_SCAN)
    [queued] = db.session.scalars(select(OutboxMessage)).all()
    assert queued.recipient_id == manager.id and queued.period == str(Week.of(last_tuesday - timedelta(days=7)))

    later = datetime.combine(last_tuesday, time(8), ZONE)
    assert jobs.catch_up(app, later) == ["scan"]
    [scan] = runs(db, jobs.NEGLECT_SCAN)
    assert scan.succeeded and scan.message.endswith("(ingehaald)")
    [flag] = db.session.scalars(select(NeglectFlag)).all()
    assert flag.subject == FlagSubject.FOLLOW_UP and flag.raised_on == last_tuesday

    assert jobs.catch_up(app, later) == []
    assert jobs.catch_up(app, later + timedelta(hours=3)) == []
    assert len(runs(db, jobs.NEGLECT_SCAN)) == 1
    assert db.session.scalar(select(func.count()).select_from(NeglectFlag)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_stale_lock_is_taken_over_and_a_fresh_one_is_respected(db, app):
    app.config["SCHEDULER_IDENTITY"] = "b"
    db.session.add(SchedulerLock(name=LOCK_NAME, holder="a", heartbeat_at=utcnow() - LOCK_TTL + timedelta(seconds=20)))
    db.session.commit()
    assert run_job(db, jobs.neglect_scan_job, app) is None  # "a" is alive: "b" skips the job
    assert not runs(db, jobs.NEGLECT_SCAN)

    db.session.execute(update(SchedulerLock).values(heartbeat_at=utcnow() - LOCK_TTL - timedelta(seconds=10)))
    db.session.commit()
    run = run_job(db, jobs.neglect_scan_job, app)  # "a" went silent: "b" takes over
    assert run is not None and run.holder == "b" and run.succeeded
    assert [item.holder for item in runs(db, jobs.NEGLECT_SCAN)] == ["b"]
    assert lock_state().holder == "b"
    assert not claim_lock("a")  # and now "a" has to wait in its turn
    assert lock_state().holder == "b"


# --- Two schedulers on one database ------------------------------------------------------------------------------

@pytest.fixture
def two_apps(database_uri, tmp_path):
    apps = []
    for identity in ("a", "b"):
        other = create_app(app_config(database_uri, SCHEDULER_IDENTITY=identity))
        other.instance_path = str(tmp_path / identity)
        apps.append(other)
    yield apps
    for other in apps:
        with other.app_context():
            _db.engine.dispose()


def test_two_schedulers_on_one_database_run_each_job_once(two_apps):
    events, schedulers = Events(), []
    try:
        for application in two_apps:
            scheduler = jobs.create_scheduler(application)
            events.listen(scheduler, application.config["SCHEDULER_IDENTITY"])
            schedulers.append(scheduler)
        # Both start at once, and both run the start-up job (the outbox job) at once.
        for scheduler in schedulers:
            scheduler.start()
        wait_for(lambda: len(events.of("start-up")) == 2, message="start-up jobs did not run")
        # And a job both trigger at the same moment.
        moment = datetime.now(ZONE) + timedelta(milliseconds=200)
        for scheduler in schedulers:
            scheduler.modify_job(jobs.NEGLECT_SCAN, next_run_time=moment)
        wait_for(lambda: len(events.of(jobs.NEGLECT_SCAN)) == 2, message="the scan did not run in both")
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()

    assert all(code == EVENT_JOB_EXECUTED for _, _, code, _ in events.items), events.items
    with two_apps[0].app_context():
        holder = lock_state().holder
        assert holder in ("a", "b")
        outbox_runs = _db.session.scalars(select(JobRun).where(JobRun.job_id == jobs.OUTBOX)).all()
        assert [(run.holder, run.succeeded) for run in outbox_runs] == [(holder, True)]
        # catch_up may record a made-up scan of its own; the scheduled one ran once, in the lock's holder.
        scans = _db.session.scalars(select(JobRun).where(JobRun.job_id == jobs.NEGLECT_SCAN,
                                                         JobRun.holder.in_(["a", "b"]))).all()
        assert [(run.holder, run.succeeded) for run in scans] == [(holder, True)]


def test_a_failing_job_is_recorded_and_the_scheduler_goes_on(db, app, monkeypatch, person, login):
    def broken(app):
        raise RuntimeError("schijf vol")
    monkeypatch.setattr(jobs, "scan_today", broken)
    admin_client = login(person(Role.ADMINISTRATOR))
    db.session.rollback()

    events = Events()
    scheduler = jobs.create_scheduler(app)
    events.listen(scheduler, "a")
    scheduler.start()
    try:
        wait_for(lambda: events.of("start-up"), message="start-up job did not run")
        scheduler.modify_job(jobs.NEGLECT_SCAN, next_run_time=datetime.now(ZONE))
        wait_for(lambda: events.of(jobs.NEGLECT_SCAN), message="the scan did not run")
        scheduler.modify_job(jobs.OUTBOX, next_run_time=datetime.now(ZONE))
        wait_for(lambda: events.of(jobs.OUTBOX), message="the outbox job did not run after the failure")
        assert scheduler.running
        assert scheduler.get_job(jobs.NEGLECT_SCAN).next_run_time > datetime.now(ZONE)  # still scheduled
    finally:
        scheduler.shutdown()

    assert all(code == EVENT_JOB_EXECUTED for _, _, code, _ in events.items), events.items
    failed = [run for run in runs(db, jobs.NEGLECT_SCAN) if not run.succeeded]
    assert [(run.succeeded, run.message) for run in failed] == [(False, "RuntimeError: schijf vol")]
    assert failed[0].finished_at is not None
    assert [run.succeeded for run in runs(db, jobs.OUTBOX)] == [True, True]

    page = admin_client.get("/beheer/taken").text
    assert "mislukt: RuntimeError: schijf vol" in page


# --- What a beheerder sees ---------------------------------------------------------------------------------------

def job_rows(page: str) -> dict[str, tuple[str, str, str]]:
    """The /beheer/taken table: job name -> (last run, result, next run)."""
    cell = r'<td class="utrecht-table__cell">(.*?)</td>\s*'
    rows = re.findall(r'<th class="utrecht-table__cell" scope="row">(.*?)</th>\s*' + cell * 3, page, re.S)
    return {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", name)).strip(): tuple(value.strip() for value in values)
            for name, *values in rows}


def next_local(now: datetime, weekday: int | None, hour: int) -> datetime:
    """The first moment after `now` at `hour`:00 local time (on `weekday`, if given)."""
    candidate = datetime.combine(now.date(), time(hour), ZONE)
    while candidate <= now or (weekday is not None and candidate.weekday() != weekday):
        candidate = datetime.combine(candidate.date() + timedelta(days=1), time(hour), ZONE)
    return candidate


def test_beheerders_are_warned_when_jobs_lag_behind_and_see_each_jobs_state(db, app, person, login):
    admin_client = login(person(Role.ADMINISTRATOR))
    employee_client = login(person(Role.EMPLOYEE))
    manager = person(Role.MANAGER)

    # No scheduler has ever run.
    assert WARNING in admin_client.get("/").text
    assert WARNING in admin_client.get("/opgaven").text
    assert WARNING not in employee_client.get("/").text
    page = admin_client.get("/beheer/taken").text
    assert "De planner draait niet." in page
    assert all(last == "nog nooit" for last, _, _ in job_rows(page).values())

    # A scheduler holds the lock and each job ran.
    app.config["SCHEDULER_IDENTITY"] = "planner-1"
    for job in (jobs.neglect_scan_job, jobs.weekly_digest_job, jobs.outbox_job):
        assert run_job(db, job, app).succeeded
    [digest] = db.session.scalars(select(OutboxMessage)).all()
    assert digest.recipient_id == manager.id and digest.status == "verzonden"
    assert WARNING not in admin_client.get("/").text
    assert WARNING not in employee_client.get("/").text

    page = admin_client.get("/beheer/taken").text
    assert "De planner draait (proces planner-1" in page
    rows = job_rows(page)
    assert list(rows) == ["Signaleringen (dagelijks 06:00)", "Weekoverzicht (maandag 07:00)",
                          "Uitgaande mail (elke 5 minuten)", "Bewaartermijn (maandelijks, de 1e om 05:30)"]
    now = datetime.now(ZONE)
    with app.test_request_context():
        expected_next = [nl_datetime(next_local(now, None, 6)), nl_datetime(next_local(now, 0, 7))]
    for (last, result, following), job_id in zip(rows.values(), (jobs.NEGLECT_SCAN, jobs.WEEKLY_DIGEST, jobs.OUTBOX)):
        [run] = runs(db, job_id)
        with app.test_request_context():
            assert last == nl_datetime(run.started_at)
        assert result == f"gelukt: {run.message}"
        assert following
    assert [rows[name][2] for name in list(rows)[:2]] == expected_next
    assert "1 in de wachtrij, 1 verzonden" in rows["Weekoverzicht (maandag 07:00)"][1]

    # The daily scan last succeeded 27 hours ago: overdue, though the scheduler lives.
    db.session.execute(update(JobRun).where(JobRun.job_id == jobs.NEGLECT_SCAN)
                       .values(started_at=utcnow() - timedelta(hours=27)))
    db.session.commit()
    assert WARNING in admin_client.get("/").text
    overdue = [name for name in job_rows(admin_client.get("/beheer/taken").text) if name.endswith(" Achter")]
    assert overdue == ["Signaleringen (dagelijks 06:00) Achter"]
    assert WARNING not in employee_client.get("/").text
    assert admin_client.get("/").text.count(WARNING) == 1
