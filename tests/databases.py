"""Throw-away PostgreSQL databases for the tests, made from a template."""

import itertools
import os

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

_numbers = itertools.count(1)


def postgres_url() -> str | None:
    """TEST_DATABASE_URL, pointed at psycopg 3; None when not set."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _admin_connection(url: str):
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_numbers)}"


def create_database(url: str, name: str, template: str | None = None) -> str:
    with _admin_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)))
        else:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    with _admin_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
