"""Full-text search (issue 7)

Revision ID: a1d4b0a7d001
Revises: a1d4b0a4d002
Create Date: 2026-12-01 00:00:00

SQLite: one FTS5 table per searchable table, with external content (the
text stays in the table itself, the FTS table holds only the index), kept
in step by triggers, so that bulk inserts (`flask demo-data`) and raw SQL
are indexed too. A later migration that makes SQLite rebuild one of these
tables (batch mode with recreate) drops its triggers and must create them
again.

PostgreSQL: a generated tsvector column (the 'dutch' configuration) with a
GIN index on each table; the database keeps it in step by itself.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a1d4b0a7d001'
down_revision = 'a1d4b0a4d002'
branch_labels = None
depends_on = None

# table -> the columns searched, in the order the FTS table has them.
SEARCHED = {
    "interactions": ("subject", "summary", "outcome"),
    "contacts": ("name", "function", "email"),
    "organisations": ("name", "abbreviation"),
}

# PostgreSQL: the expression of each generated column. E-mail addresses are
# split at "@" and "." so that a part of one is found, as on SQLite.
VECTORS = {
    "interactions": "setweight(to_tsvector('dutch', coalesce(subject, '')), 'A') || "
                    "setweight(to_tsvector('dutch', coalesce(summary, '')), 'B') || "
                    "setweight(to_tsvector('dutch', coalesce(outcome, '')), 'B')",
    "contacts": "setweight(to_tsvector('dutch', coalesce(name, '')), 'A') || "
                "setweight(to_tsvector('dutch', coalesce(function, '')), 'B') || "
                "setweight(to_tsvector('dutch', translate(coalesce(email, ''), '@.', '  ')), 'B')",
    "organisations": "setweight(to_tsvector('dutch', coalesce(name, '')), 'A') || "
                     "setweight(to_tsvector('dutch', coalesce(abbreviation, '')), 'A')",
}


def _sqlite_upgrade():
    for table, columns in SEARCHED.items():
        fts = f"{table}_fts"
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        # remove_diacritics 2: "cafe" finds "café"; prefix indexes make "zaan*" quick.
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
                   f"tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_downgrade():
    for table in SEARCHED:
        fts = f"{table}_fts"
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def _postgresql_upgrade():
    for table, expression in VECTORS.items():
        # Adding a stored generated column computes it for every existing row.
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def _postgresql_downgrade():
    for table in VECTORS:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()
    else:
        raise NotImplementedError(f"full-text search is not set up for {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_downgrade()
    elif dialect == "postgresql":
        _postgresql_downgrade()
