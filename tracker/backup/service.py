"""A consistent backup while the app keeps running.

SQLite: the online backup API copies the database page by page in one read
transaction, so writers carry on (WAL) and the copy is the database as it
was at one moment. The copy is a single self-contained file (no -wal file
beside it): to restore, stop the app and put it in place.

PostgreSQL: pg_dump in its custom format, which reads in one snapshot;
restore with pg_restore.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from ..errors import DomainError


class BackupError(DomainError):
    pass


@dataclass
class Backup:
    path: Path
    size: int
    method: str


def backup_database(url: URL, path: str | os.PathLike) -> Backup:
    """Writes a backup of the database at `url` to `path`, which must not exist yet."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    # Written beside the target and renamed at the end: a failed backup never
    # leaves a file that looks complete.
    partial = path.with_name(f".{path.name}.partial")
    try:
        if url.get_backend_name() == "sqlite":
            method = _sqlite_backup(url, partial)
        elif url.get_backend_name() == "postgresql":
            method = _pg_dump(url, partial)
        else:
            raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path=path, size=path.stat().st_size, method=method)


def _sqlite_backup(url: URL, target: Path) -> str:
    if not url.database or url.database == ":memory:" or not Path(url.database).exists():
        raise BackupError(f"no SQLite database at {url.database!r}")
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True, timeout=30)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)  # all pages in one step: one consistent snapshot
        destination.execute("PRAGMA journal_mode=DELETE")  # a single file, whatever the source's mode
        check = destination.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the backup failed its integrity check: {check}")
    finally:
        destination.close()
        source.close()
    return "sqlite online backup"


def _pg_dump(url: URL, target: Path) -> str:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("pg_dump not found: install the PostgreSQL client tools of the server's version")
    # The password goes through the environment, not the command line that `ps` shows.
    environment = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    dbname = url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([program, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dbname}"],
                            env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return "pg_dump (custom format)"
