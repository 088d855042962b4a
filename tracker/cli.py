"""Command-line commands: thin wrappers around the services."""

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from .auth.models import Role
from .auth.service import create_user
from .errors import DomainError
from .extensions import db
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


def init_app(app):
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
