"""The migration chain, walked one step at a time on an empty database with
data in it: an upgrade in production must not lose a single row.

The chain is read from Alembic's script directory, so migrations added later
are walked too. At each step every table that appears for the first time
gets a row, its values derived from the column types (enum columns take a
value the models allow); at the end every row must still be there with the
values it went in with, in every column that still exists. Then one step
down and up again, and the rows are still there.
"""

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from tracker import create_app
from tracker.extensions import db

from . import databases
from .conftest import app_config

MOMENT = datetime(2023, 3, 14, 9, 26, 53, 589000, tzinfo=timezone.utc)


@pytest.fixture
def empty_app(request, tmp_path):
    """The app on an empty database: no tables at all."""
    if request.config.getoption("postgresql"):
        server = databases.postgres_url()
        name = databases.unique_name("lobbytracker_migrations")
        uri = databases.create_database(server, name)
        request.addfinalizer(lambda: databases.drop_database(server, name))
    else:
        uri = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    app = create_app(app_config(uri))
    app.instance_path = str(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def revision_chain(app) -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, f"the migrations branch: heads {script.get_heads()}"
    return [revision.revision for revision in reversed(list(script.walk_revisions("base", "heads")))]


def derived_tables(connection) -> set[str]:
    """SQLite's full-text indexes (virtual tables and their shadow tables):
    the database fills them from the tables they index."""
    if connection.dialect.name != "sqlite":
        return set()
    virtual = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").scalars().all()
    return set(virtual) | {f"{name}_{shadow}" for name in virtual
                           for shadow in ("data", "idx", "content", "docsize", "config")}


def reflect(connection) -> sa.MetaData:
    skipped = derived_tables(connection) | {"alembic_version"}
    metadata = sa.MetaData()
    metadata.reflect(connection, only=lambda name, _: name not in skipped)
    return metadata


def model_enum_values(table_name: str, column_name: str) -> list[str] | None:
    """The values the models allow in an enum column, where the models have it."""
    table = db.metadata.tables.get(table_name)
    if table is None or column_name not in table.c:
        return None
    return list(getattr(table.c[column_name].type, "enums", None) or []) or None


# Columns left empty because a check constraint allows only one of a pair.
LEFT_EMPTY = {("stakeholders", "contact_id")}  # an organisation or a contact person, not both


def value_for(column: sa.Column, rows: dict, dialect: str):
    """A value that fits the column, or None to leave it out."""
    if (column.table.name, column.name) in LEFT_EMPTY:
        return None
    for foreign_key in column.foreign_keys:
        target = rows.get(foreign_key.column.table.name)
        return None if target is None else target[foreign_key.column.name]
    enums = model_enum_values(column.table.name, column.name)
    if enums:
        return enums[-1]
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.DateTime):
        return MOMENT if dialect == "postgresql" or kind.timezone else MOMENT.replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return date(2023, 3, 14)
    if isinstance(kind, sa.Integer):
        return 7
    if isinstance(kind, (sa.Float, sa.Numeric)):
        return Decimal("12.5") if getattr(kind, "asdecimal", False) else 12.5
    if isinstance(kind, sa.JSON):
        return {"bewaard": ["één", 2]}
    if isinstance(kind, sa.LargeBinary):
        return b"\x00bewaard\xff"
    if isinstance(kind, sa.Uuid):
        return uuid.UUID("12345678-1234-5678-1234-567812345678")
    if isinstance(kind, sa.String):
        text = f"{column.table.name}.{column.name}: Zaanstad, één café"
        return text[:kind.length] if kind.length else text
    return None


def insert_row(connection, table: sa.Table, rows: dict) -> dict:
    values = {}
    for column in table.columns:
        if column.computed is not None or column.identity is not None:
            continue
        if column.primary_key and column.autoincrement is not False and isinstance(column.type, sa.Integer) \
                and not column.foreign_keys and len(table.primary_key.columns) == 1:
            continue  # the database numbers it
        value = value_for(column, rows, connection.dialect.name)
        if value is not None:
            values[column.name] = value
        else:
            assert column.nullable or column.server_default is not None, (
                f"the test cannot fill {table.name}.{column.name} ({column.type!r}); teach value_for its type")
    result = connection.execute(table.insert().values(values))
    values.update({column.name: key for column, key in zip(table.primary_key.columns,
                                                           result.inserted_primary_key or ())})
    return values


def fill_new_tables(rows: dict) -> list[str]:
    """Gives every table that has no row yet one row; returns their names."""
    added = []
    with db.engine.begin() as connection:
        metadata = reflect(connection)
        for table in metadata.sorted_tables:
            if table.name not in rows:
                rows[table.name] = insert_row(connection, table, rows)
                added.append(table.name)
    return added


def comparable(value):
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc))
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return uuid.UUID(value) if len(value) in (32, 36) else value
        except ValueError:
            return value
    return value


def missing_or_changed(rows: dict) -> list[str]:
    """What of the rows put in is no longer there as it went in."""
    problems = []
    with db.engine.connect() as connection:
        metadata = reflect(connection)
        for name, row in rows.items():
            table = metadata.tables.get(name)
            if table is None:
                continue  # a table a migration removed on purpose
            key = [table.c[column.name] == row[column.name] for column in table.primary_key.columns]
            found = connection.execute(sa.select(table).where(*key)).mappings().first()
            if found is None:
                problems.append(f"{name}: the row {row} is gone")
                continue
            for column, value in row.items():
                if column in found and comparable(found[column]) != comparable(value):
                    problems.append(f"{name}.{column}: {value!r} became {found[column]!r}")
    return problems


def test_upgrade_an_empty_database_step_by_step_with_data_then_down_one_step_and_up_again(empty_app):
    chain = revision_chain(empty_app)
    assert len(chain) >= 4
    rows, first_seen = {}, {}
    for revision in chain:
        upgrade(revision=revision)
        for table in fill_new_tables(rows):
            first_seen[table] = revision

    assert {"users", "organisations", "contacts", "interactions", "follow_ups", "neglect_flags",
            "interaction_priorities"} <= set(first_seen)
    assert first_seen["users"] == chain[0]
    assert missing_or_changed(rows) == []
    with db.engine.connect() as connection:
        head_tables = set(reflect(connection).tables)

    downgrade(revision="-1")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == chain[-2]
    kept = {name: row for name, row in rows.items() if first_seen[name] != chain[-1]}
    assert missing_or_changed(kept) == []

    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == chain[-1]
        tables_now = set(reflect(connection).tables)
    assert tables_now == head_tables
    assert missing_or_changed(kept) == []
    # The newest step's tables are back, empty, and take rows again.
    assert set(fill_new_tables(kept)) == {name for name, revision in first_seen.items() if revision == chain[-1]}
