"""`flask backup PATH` while the app keeps writing, and a restore that finds every record."""

import shutil
import subprocess
import threading
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.audit.service import verify
from tracker.extensions import db as _db
from tracker.interactions.models import FollowUp, Interaction

from . import databases
from .conftest import PASSWORD, app_config

WRITTEN_DURING_BACKUP = "Geschreven tijdens de backup"


def row_counts(engine) -> dict[str, int]:
    """Rows per table; SQLite's full-text index tables aside (derived from the others)."""
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        if connection.dialect.name == "sqlite":
            virtual = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'").scalars().all()
            names = [name for name in names if not any(name.startswith(fts) for fts in virtual)]
        return {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
                for name in names}


class Writer(threading.Thread):
    """Another connection that keeps logging contactmomenten, each with a
    follow-up in the same transaction, until told to stop."""

    def __init__(self, uri: str, author_id: int):
        super().__init__()
        self.engine = sa.create_engine(uri)
        self.author_id = author_id
        self.written = 0
        self.error = None
        self.started_writing = threading.Event()
        self.stop = threading.Event()

    def run(self):
        try:
            while not self.stop.is_set():
                now = datetime.now(timezone.utc)
                with self.engine.begin() as connection:
                    interaction_id = connection.execute(sa.insert(Interaction.__table__).values(
                        occurred_at=now, kind="overleg", level="ambtelijk",
                        subject=f"{WRITTEN_DURING_BACKUP} {self.written}", summary="", outcome="",
                        confidential=False, author_id=self.author_id, created_at=now, updated_at=now,
                    )).inserted_primary_key[0]
                    connection.execute(sa.insert(FollowUp.__table__).values(
                        interaction_id=interaction_id, description=f"{WRITTEN_DURING_BACKUP} {self.written}",
                        owner_id=self.author_id, due_date=date(2027, 1, 1), created_at=now))
                self.written += 1
                if self.written >= 5:
                    self.started_writing.set()
        except Exception as error:  # reported by the test
            self.error = error
            self.started_writing.set()
        finally:
            self.engine.dispose()


def restore(request, backup, tmp_path) -> str:
    """Restores the backup into a fresh database as the README says; its URL."""
    if request.config.getoption("postgresql"):
        server = databases.postgres_url()
        name = databases.unique_name("lobbytracker_restored")
        uri = databases.create_database(server, name)
        request.addfinalizer(lambda: databases.drop_database(server, name))
        target = sa.make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(backup)],
                       check=True, capture_output=True)
        return uri
    restored = tmp_path / "restored" / "lobbytracker.sqlite"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    return f"sqlite:///{restored}"


def test_a_backup_made_while_another_connection_writes_restores_every_record(
        request, app, db, runner, tmp_path, employee, manager, make_interaction):
    secret = make_interaction(employee, subject="Vertrouwelijk: grondposities Hembrugterrein (één café)",
                              confidential=True, participants=[manager],
                              follow_ups=[("Notitie naar de wethouder", employee, date(2027, 2, 1))])
    for number in range(20):
        make_interaction(manager, subject=f"Overleg over HOV ZaanIJ {number}")
    secret_id, secret_subject = secret.id, secret.subject
    employee_id, employee_email, manager_email = employee.id, employee.email, manager.email
    audit_before = verify()
    db.session.rollback()  # this session holds no lock while other connections read and write
    before = row_counts(db.engine)

    writer = Writer(app.config["SQLALCHEMY_DATABASE_URI"], employee_id)
    writer.start()
    try:
        assert writer.started_writing.wait(30)
        backup = tmp_path / "lobbytracker.backup"
        result = runner.invoke(args=["backup", str(backup)])
        written_before_backup_ended = writer.written
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None
    assert result.exit_code == 0, result.output
    assert f"Backup written to {backup}" in result.output
    assert writer.written > 5

    restored_uri = restore(request, backup, tmp_path)
    restored_app = create_app(app_config(restored_uri))
    restored_app.instance_path = str(tmp_path)
    with restored_app.app_context():
        after = row_counts(_db.engine)
        # Every table and every row that was there before the backup.
        assert set(after) == set(before)
        during = after["interactions"] - before["interactions"]
        assert {name: count for name, count in after.items() if name not in {"interactions", "follow_ups"}} == \
               {name: count for name, count in before.items() if name not in {"interactions", "follow_ups"}}
        # One moment in time: each contactmoment written meanwhile came with its follow-up, or neither did.
        assert after["follow_ups"] - before["follow_ups"] == during
        assert 5 <= during <= written_before_backup_ended
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Interaction).where(
            Interaction.subject.startswith(WRITTEN_DURING_BACKUP))) == during

        restored_secret = _db.session.get(Interaction, secret_id)
        assert restored_secret.subject == secret_subject and restored_secret.confidential
        assert [user.email for user in restored_secret.participants] == [manager_email]
        assert [item.description for item in restored_secret.follow_ups] == ["Notitie naar de wethouder"]
        audit_after = verify()
        assert audit_after.ok and audit_after.count == audit_before.count
        assert audit_after.last_hash == audit_before.last_hash
        _db.session.rollback()

        # And the restored app works: the author logs in with the same password and reads it.
        client = restored_app.test_client()
        assert client.post("/inloggen", data={"email": employee_email, "password": PASSWORD}).status_code == 302
        page = client.get(f"/contactmomenten/{secret_id}")
        assert page.status_code == 200
        assert "Hembrugterrein (één café)" in page.get_data(as_text=True)
        _db.session.remove()
        _db.engine.dispose()


def test_a_backup_never_overwrites_a_file_or_leaves_a_partial_one(runner, tmp_path):
    existing = tmp_path / "lobbytracker.backup"
    existing.write_bytes(b"an older backup")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert existing.read_bytes() == b"an older backup"

    result = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "lobbytracker.backup")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
    assert sorted(path.name for path in tmp_path.iterdir() if "backup" in path.name) == ["lobbytracker.backup"]


@pytest.mark.parametrize("uri", ["sqlite:////nonexistent/folder/lobbytracker.sqlite"])
def test_a_backup_of_a_missing_sqlite_database_says_so(uri, tmp_path):
    app = create_app(app_config(uri))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.sqlite")])
    assert result.exit_code != 0
    assert "no SQLite database" in result.output
    assert not list(tmp_path.iterdir())
