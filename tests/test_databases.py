"""The database layer: SQLite settings, concurrent writers, both engines."""

import threading

import pytest
from sqlalchemy import create_engine, text

from tracker.config import database_uri

from . import databases


def sqlite_only(request):
    if request.config.getoption("postgresql"):
        pytest.skip("SQLite settings")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(request, db):
    sqlite_only(request)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_writers_that_read_first_wait_for_each_other_instead_of_failing(request, app, db):
    """Two transactions that each read, then write: with deferred transactions
    the second fails at once with "database is locked"; BEGIN IMMEDIATE makes
    it wait for the first."""
    sqlite_only(request)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (value INTEGER)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    errors = []
    first_has_read = threading.Event()

    def increment(wait_for_other: bool):
        try:
            with engine.begin() as connection:
                value = connection.exec_driver_sql("SELECT value FROM counter").scalar()
                first_has_read.set()
                if wait_for_other:
                    threading.Event().wait(0.2)
                connection.exec_driver_sql("UPDATE counter SET value = ?", (value + 1,))
        except Exception as error:  # collected and asserted below
            errors.append(error)

    first = threading.Thread(target=increment, args=(True,))
    first.start()
    first_has_read.wait(5)
    second = threading.Thread(target=increment, args=(False,))
    second.start()
    first.join()
    second.join()
    assert errors == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT value FROM counter").scalar() == 2
    engine.dispose()


def test_postgresql_urls_use_psycopg_3():
    assert database_uri("postgres://u@h/d", "/tmp") == "postgresql+psycopg://u@h/d"
    assert database_uri("postgresql://u@h/d", "/tmp") == "postgresql+psycopg://u@h/d"
    assert database_uri(None, "/srv/instance") == "sqlite:////srv/instance/lobbytracker.sqlite"


@pytest.mark.skipif(not databases.postgres_url(), reason="TEST_DATABASE_URL is not set: PostgreSQL not tested")
def test_migrations_and_seed_on_an_empty_postgresql_database(tmp_path):
    from .conftest import migrate_and_seed

    server = databases.postgres_url()
    name = databases.unique_name("lobbytracker_empty")
    uri = databases.create_database(server, name)
    try:
        migrate_and_seed(uri)
        engine = create_engine(uri)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM priorities")).scalar() == 23
            kind = connection.execute(text(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'interactions' AND column_name = 'occurred_at'")).scalar()
            assert kind == "timestamp with time zone"
        engine.dispose()
    finally:
        databases.drop_database(server, name)


def test_a_login_holds_no_write_lock_while_it_checks_the_password(request, app, db, client, employee, monkeypatch):
    """Checking and renewing a password hash takes a good part of a second; a
    POST's transaction holds SQLite's write lock from its first statement, so
    a login that hashed inside it made every other writer wait (the load test
    found "database is locked" with 50 colleagues logging in)."""
    sqlite_only(request)
    import sqlite3

    from tracker.auth import passwords

    from .conftest import PASSWORD

    email, path = employee.email, db.engine.url.database
    db.session.rollback()
    checking, release = threading.Event(), threading.Event()
    verify = passwords.verify_password

    def slow_verify(stored, password):
        checking.set()
        release.wait(10)
        return verify(stored, password)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)
    responses = []
    login = threading.Thread(target=lambda: responses.append(
        client.post("/inloggen", data={"email": email, "password": PASSWORD})))
    login.start()
    try:
        assert checking.wait(10)
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if the login held the lock
            other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        release.set()
        login.join(10)
    assert responses[0].status_code == 302
