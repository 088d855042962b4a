"""Database plumbing shared by every model: SQLite settings and UTC times."""

import sqlite3
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import DateTime, Enum, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
# An execution option for Session.connection(): this transaction writes, even
# in a read-only request (the audit log records exports that way).
WRITE_TRANSACTION = "tracker_write_transaction"
BUSY_TIMEOUT_MS = 15_000


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def enum_column(enum_class, **kwargs):
    """A string column holding an enum's values, readable in the database."""
    return mapped_column(
        Enum(enum_class, native_enum=False, length=40, validate_strings=True,
             values_callable=lambda members: [member.value for member in members]),
        **kwargs,
    )


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on every database.

    SQLite keeps no offset, so values are normalised to UTC on the way in
    and marked as UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must carry a timezone")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Autocommit at the driver level: SQLAlchemy's "begin" listener below
    # decides how each transaction starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Long enough to queue behind the other workers' writes under load (the
    # load test, bench/loadtest.py), short of gunicorn's 30 s worker timeout.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MB of page cache per connection instead of SQLite's 2 MB: at five
    # years of use the busy indexes fit, and a page's counts stop re-reading
    # them from the operating system's cache (30 → 20 ms on the lists).
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return
    # In WAL mode a deferred transaction that reads and later writes fails
    # at once with "database is locked" when another connection wrote in
    # between, whatever the busy timeout. Everything but a read-only
    # request therefore takes the write lock up front.
    if (has_request_context() and request.method in READ_ONLY_METHODS
            and not connection.get_execution_options().get(WRITE_TRANSACTION)):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_ignoring_duplicates(session, model, index_elements: list[str]):
    """INSERT … ON CONFLICT DO NOTHING on the unique key, on SQLite and PostgreSQL.

    Its rowcount is -1 on PostgreSQL (psycopg): add `.returning(...)` and
    count the rows returned to learn whether a row went in."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing(index_elements=index_elements)
