"""Command-line commands: thin wrappers around the services."""

import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text

from .auth.models import Role
from .auth.service import create_user
from .errors import DomainError
from .extensions import db
from .demo.service import DEMO_PASSWORD, generate
from .digest import outbox
from .digest import service as digests
from .digest.weeks import Week
from .neglect import service as neglect
from .strategy.seed import SeedError, load_strategy, read_strategy


@click.command("seed")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="The strategy file (YAML); by default the configured SEED_FILE.")
@with_appcontext
def seed_command(path):
    """Load the strategy into the database; a second run changes nothing."""
    path = path or current_app.config["SEED_FILE"]
    try:
        result = load_strategy(read_strategy(path))
    except SeedError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if result.total:
        details = ", ".join(f"{count} {kind}" for kind, count in result.created.items())
        click.echo(f"Loaded {path}: created {details}.")
    else:
        click.echo(f"Loaded {path}: nothing new.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.EMPLOYEE.value,
              show_default=True)
@with_appcontext
def create_user_command(email, name, role):
    """Create a user; the password comes from TRACKER_PASSWORD or the prompt."""
    password = os.environ.get("TRACKER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(name=name, email=email, role=Role(role), password=password, acting=None)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("scan-neglect")
@click.option("--today", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Scan as on this day (YYYY-MM-DD); by default today in the municipality's time zone.")
@with_appcontext
def scan_neglect_command(on):
    """Flag neglected relationships and overdue follow-ups; idempotent per day."""
    day = on.date() if on else neglect.today()
    result = neglect.scan(day)
    db.session.commit()
    click.echo(f"Scan of {day.isoformat()}: {result.raised} raised, {result.still_open} still open, "
               f"{result.reopened} reopened after snooze, {result.resolved} resolved.")


def report_delivery(delivery) -> None:
    click.echo(f"Sent {delivery.sent}, waiting {delivery.waiting}.")
    if delivery.error:
        raise click.ClickException(f"mail server unavailable ({delivery.error}); "
                                   f"{delivery.waiting} message(s) kept in the outbox for a later try.")


@click.command("send-digests")
@click.option("--week", default=None, help="The ISO week, e.g. 2026-W48; by default the last finished week.")
@click.option("--dry-run", is_flag=True, help="Only show what would be sent.")
@with_appcontext
def send_digests_command(week, dry_run):
    """Queue and send the weekly digests; a second run sends nothing new."""
    try:
        week = Week.parse(week) if week else Week.last_finished(neglect.today())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from error
    if dry_run:
        for user in digests.recipients():
            digest = digests.build_digest(user, week)
            click.echo(f"{user.email}: {digest.subject}")
        return
    queued = digests.enqueue_week(week)
    db.session.commit()
    click.echo(f"Week {week}: {queued} digest(s) queued.")
    report_delivery(outbox.deliver())


@click.command("flush-outbox")
@with_appcontext
def flush_outbox_command():
    """Send every pending message now, whatever its backoff."""
    report_delivery(outbox.deliver(force=True))


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduled jobs in this process (production: exactly one)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from .scheduler.jobs import create_scheduler

    click.echo("Scheduler started; jobs run in the process that holds the database lock. Ctrl+C stops.")
    try:
        create_scheduler(current_app._get_current_object(), BlockingScheduler).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("demo-data")
@click.option("--interactions", default=10_000, show_default=True, help="Contactmomenten to add.")
@click.option("--contacts", default=1_000, show_default=True, help="Contact persons to add.")
@click.option("--organisations", default=200, show_default=True, help="Organisations to have in all.")
@click.option("--users", default=50, show_default=True, help="Users to have in all.")
@click.option("--seed", default=2026, show_default=True, help="Random seed: the same seed, the same data.")
@with_appcontext
def demo_data_command(interactions, contacts, organisations, users, seed):
    """Fill the database with realistic synthetic data on top of the strategy."""
    started = time.perf_counter()
    result = generate(interactions=interactions, contacts=contacts, organisations=organisations, users=users,
                      seed=seed)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics for the planner: with the ones from before the bulk
        # load it scans whole link tables instead of using their keys.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo(f"Added {result.users} users, {result.organisations} organisations, {result.contacts} contacts, "
               f"{result.interactions} contactmomenten, {result.follow_ups} follow-ups "
               f"in {time.perf_counter() - started:.1f} s (password of demo users: {DEMO_PASSWORD}).")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a consistent backup of the database to PATH while the app keeps running."""
    from .backup.service import BackupError, backup_database

    try:
        result = backup_database(db.engine.url, path)
    except BackupError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Backup written to {result.path} ({result.size:,} bytes, {result.method}).")


@click.command("retention-review")
@click.option("--today", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="List as on this day (YYYY-MM-DD); by default today in the municipality's time zone.")
@with_appcontext
def retention_review_command(on):
    """List contacts without a contactmoment within RETENTION_YEARS for a beheerder's review."""
    from .avg.service import list_for_review

    day = on.date() if on else neglect.today()
    result = list_for_review(day, current_app.config["RETENTION_YEARS"])
    db.session.commit()
    click.echo(f"Retention review of {day.isoformat()}: {result.listed} contact(s) listed for review, "
               f"{result.held} under a legal hold skipped, {result.dropped} active again and taken off the list.")


@click.command("fetch-mail")
@with_appcontext
def fetch_mail_command():
    """Read the inbound mailbox (IMAP_*) once: each message becomes a draft for its sender, or is refused."""
    from .capture import mailbox

    try:
        settings = mailbox.Settings.from_config(current_app.config)
        if settings is None:
            raise click.ClickException("IMAP_HOST is not set: there is no inbound mailbox to read.")
        result = mailbox.fetch_mail(settings)
    except mailbox.MailboxError as error:
        raise click.ClickException(f"{error}; the messages stay in the mailbox for a later try.") from error
    click.echo(f"Read {settings.folder} on {settings.host}: {result.drafts} draft(s), "
               f"{len(result.rejected)} refused, {result.already_stored} stored before and moved now.")
    for item in result.rejected:
        click.echo(f"Refused (moved to {settings.rejected_folder}): {item.sender or 'no sender'}, "
                   f"{item.subject!r}: {item.reason}")


@click.command("dashboard-counts")
@click.option("--recount", is_flag=True, help="Recount everything from the contactmomenten and store it.")
@with_appcontext
def dashboard_counts_command(recount):
    """Compare the dashboards' daily counts with a live recount; with --recount, store a fresh count."""
    from .dashboards import aggregates

    if recount:
        aggregates.rebuild()
        db.session.commit()
        click.echo("The dashboards' daily counts are recounted.")
        return
    problems = aggregates.differences()
    for problem in problems[:20]:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} daily count(s) differ from a live recount; "
                                   "run with --recount to store a fresh count.")
    click.echo("The dashboards' daily counts agree with a live recount.")


def init_app(app):
    app.cli.add_command(dashboard_counts_command)
    app.cli.add_command(retention_review_command)
    app.cli.add_command(fetch_mail_command)
    for command in (seed_command, create_user_command, scan_neglect_command, send_digests_command,
                    flush_outbox_command, scheduler_command, demo_data_command):
        app.cli.add_command(command)
    app.cli.add_command(backup_command)
