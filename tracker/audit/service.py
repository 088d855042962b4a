"""The audit log: every create, update and delete of the app's records, every
login, logout and export, in an append-only table chained by hashes.

Changes are recorded automatically: mapper events note which objects a flush
inserts, updates and deletes, and the session's `after_flush` turns them into
audit lines in the same transaction (one INSERT per flush, nothing at all
when a flush touches no audited record). `record()` adds a line explicitly.

Each line's hash is sha256(previous line's hash + canonical JSON of its
fields); the first line follows 64 zeros. Appending reads the newest hash, so
it must be serialised: on PostgreSQL a transaction-level advisory lock is
taken first; on SQLite every writing transaction already holds the database's
write lock (BEGIN IMMEDIATE, see database.py). `verify()` walks the chain.
"""

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from enum import Enum

import click
from flask import g, has_request_context, request
from flask.cli import with_appcontext
from flask_login import current_user, user_logged_in, user_logged_out
from sqlalchemy import event, func, insert, inspect, select

from ..database import READ_ONLY_METHODS, WRITE_TRANSACTION, utcnow
from ..extensions import db
from .models import AuditEvent

GENESIS = "0" * 64
# pg_advisory_xact_lock key for appending ("LTAUDIT" in ASCII).
LOCK_KEY = 0x4C54415544_4954

CREATE, UPDATE, DELETE = "create", "update", "delete"
LOGIN, LOGIN_FAILED, LOGOUT, EXPORT = "login", "login_failed", "logout", "export"

# Bookkeeping, not user data: the scheduler's runs and lock, the mail outbox, and
# uploaded import files awaiting confirmation (the import itself is recorded), and
# drafts from the inbound mailbox awaiting theirs (the contactmoment is recorded).
SKIPPED_TABLES = frozenset({"audit_events", "job_runs", "scheduler_lock", "outbox_messages", "pending_imports",
                            "capture_drafts"})
# Columns that change as a side effect of something already recorded.
NOISE_COLUMNS = frozenset({"updated_at", "last_login_at"})
# Values never written to the log, only the fact that they changed.
SECRET = re.compile(r"password|secret|token", re.IGNORECASE)
MASK = "***"
# Beheerders read this log, and a confidential contactmoment is not for them:
# its lines (and its follow-ups') keep that its texts changed, not what they say.
CONFIDENTIAL_TEXT = {"interactions": frozenset({"subject", "summary", "outcome"}),
                     "follow_ups": frozenset({"description"})}
HIDDEN = "(vertrouwelijk)"

PENDING = "audit_pending"
_UNSET = object()
_registered = False


class AuditLogError(RuntimeError):
    """Someone tried to change or remove an audit line through the ORM."""


# --- Values --------------------------------------------------------------------------------------------------------

def plain(value):
    """A value as JSON holds it, the same after a round trip through the database."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return MASK
    return str(value)


def _value(key: str, value):
    return MASK if value is not None and SECRET.search(key) else plain(value)


def canonical(fields) -> str:
    """The canonical JSON of an event's fields (a dict or a row), as hashed."""
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name)
    document = {
        "at": get("at").astimezone(timezone.utc).isoformat(timespec="microseconds"),
        **{name: get(name) for name in ("user_id", "user_name", "action", "entity", "entity_id", "changes",
                                        "remote_addr", "note")},
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def chain_hash(previous_hash: str, fields) -> str:
    return hashlib.sha256((previous_hash + canonical(fields)).encode("ascii")).hexdigest()


# --- Appending -----------------------------------------------------------------------------------------------------

def _append(connection, events: list[dict]) -> None:
    """Chains the events to the newest line and inserts them, in the caller's
    transaction, which holds the append lock until it ends."""
    table = AuditEvent.__table__
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    previous = connection.scalar(select(table.c.hash).order_by(table.c.id.desc()).limit(1)) or GENESIS
    for item in events:
        item["previous_hash"] = previous
        item["hash"] = previous = chain_hash(previous, item)
    connection.execute(insert(table), events)


def _clip(text, length):
    return None if text is None else str(text)[:length]


def _event(action, *, actor, entity=None, entity_id=None, changes=None, note=None, at=None) -> dict:
    user_id, user_name, actor_note, remote_addr = actor
    if note is None:
        note = actor_note
    return {"at": at or utcnow(), "user_id": user_id, "user_name": _clip(user_name, 200), "action": action,
            "entity": _clip(entity, 60), "entity_id": _clip(entity_id, 60),
            "changes": plain(changes) if changes is not None else None,
            "remote_addr": _clip(remote_addr, 100), "note": None if note is None else str(note)}


def _actor(user=_UNSET, *, load: bool = True) -> tuple:
    """(user id, user name, note, remote address) of whoever acts now.

    Inside a flush (`load=False`) only a user the request already loaded
    counts: loading one there could run login code in the middle of a flush."""
    if has_request_context():
        if user is _UNSET:
            user = current_user if load else g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user.id, user.name, None, request.remote_addr
        return None, None, None, request.remote_addr
    if user is not _UNSET and user is not None:
        return user.id, user.name, None, None
    return None, None, "cli" if click.get_current_context(silent=True) is not None else "job", None


def record(action: str, entity: str | None = None, entity_id=None, note: str | None = None,
           changes: dict | None = None, *, user=_UNSET, commit: bool = True) -> None:
    """Adds one line to the audit log, e.g. `record("export", "users", note="CSV")`.

    The actor is the logged-in user (or `user`), with the request's address.
    By default the line is committed at once, so that it stands whatever the
    request does next: call it when the session holds nothing half done, or
    pass `commit=False` to make it part of the caller's transaction.
    """
    session = db.session
    if commit and session.get_bind().dialect.name == "sqlite" and has_request_context() \
            and request.method in READ_ONLY_METHODS:
        # A read-only request's transaction cannot safely turn into a writing
        # one on SQLite: end it and write in one that takes the lock first.
        session.commit()
        session.connection(execution_options={WRITE_TRANSACTION: True})
    _append(session.connection(), [_event(
        action, actor=_actor(user), entity=entity, entity_id=None if entity_id is None else str(entity_id),
        changes=changes, note=note)])
    if commit:
        session.commit()


# --- What a flush changed -----------------------------------------------------------------------------------------

_mapper_info: dict = {}


def _info(mapper):
    """(columns, many-to-many collections, primary key attributes) of a mapper, cached."""
    info = _mapper_info.get(mapper)
    if info is None:
        columns = [prop.key for prop in mapper.column_attrs]
        collections = [rel.key for rel in mapper.relationships if rel.secondary is not None and rel.uselist]
        keys = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
        info = _mapper_info[mapper] = (columns, collections, keys)
    return info


def _identity(state) -> str:
    """The primary key, from the object's own values (it may be deleted or just inserted)."""
    values = [state.dict.get(key) for key in _info(state.mapper)[2]]
    return ",".join("" if value is None else str(value) for value in values)


def _ids(objects) -> list:
    ids = sorted((_identity(inspect(obj)) for obj in objects), key=lambda text: (len(text), text))
    return [int(item) if item.isdecimal() else item for item in ids]


def _snapshot(state, mapper, *, skip=()) -> dict:
    columns, collections, keys = _info(mapper)
    values = {}
    for key in columns:
        if key in skip or key in keys or key not in state.dict:
            continue
        value = state.dict[key]
        if value is not None:
            values[key] = _value(key, value)
    for key in collections:
        if key in state.dict:
            values[key] = _ids(state.dict[key])
    return values


def _differences(state, mapper) -> dict:
    columns, collections, _keys = _info(mapper)
    changes = {}
    for key in columns:
        if key in NOISE_COLUMNS:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        old, new = _value(key, old), _value(key, new)
        if old != new or (SECRET.search(key) and history.added):
            changes[key] = [old, new]
    for key in collections:
        history = state.attrs[key].history
        if history.added or history.deleted:
            changes[key] = {"added": _ids(history.added), "removed": _ids(history.deleted)}
    return changes


def _note(action):
    def listener(mapper, connection, target):
        if mapper.local_table.name in SKIPPED_TABLES:
            return
        state = inspect(target)
        session = state.session
        if session is not None and isinstance(session, _session_class()):
            session.info.setdefault(PENDING, []).append((action, state, mapper))
    return listener


def _session_class():
    return db.session.session_factory.class_


def _refuse(mapper, connection, target):
    raise AuditLogError("The audit log is append-only and written by tracker.audit.service only.")


def _before_flush(session, flush_context, instances):
    session.info.pop(PENDING, None)


def _confidential(state, mapper) -> bool:
    """Whether the object is (or was, before this flush) a confidential contactmoment or one's follow-up."""
    table = mapper.local_table.name
    if table not in CONFIDENTIAL_TEXT:
        return False
    target = state.obj()
    interaction = target if table == "interactions" else getattr(target, "interaction", None)
    if interaction is None:
        return False
    return bool(interaction.confidential) or any(inspect(interaction).attrs.confidential.history.deleted)


def _hide_confidential(changes: dict, table: str) -> dict:
    def hidden(value):
        return None if value is None else HIDDEN
    for key in CONFIDENTIAL_TEXT[table] & changes.keys():
        value = changes[key]
        changes[key] = [hidden(item) for item in value] if isinstance(value, list) else hidden(value)
    return changes


def _after_flush(session, flush_context):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    actor, now, events = None, utcnow(), []
    for action, state, mapper in pending:
        if action == UPDATE:
            changes = _differences(state, mapper)
            if not changes:
                continue
        elif action == CREATE:
            changes = _snapshot(state, mapper, skip=NOISE_COLUMNS | {"created_at"})
        else:
            changes = _snapshot(state, mapper)
        if _confidential(state, mapper):
            changes = _hide_confidential(changes, mapper.local_table.name)
        actor = actor or _actor(load=False)
        events.append(_event(action, actor=actor, entity=mapper.local_table.name,
                             entity_id=_identity(state),
                             changes=changes, at=now))
    if events:
        _append(session.connection(), events)


def _guard_bulk(orm_execute_state):
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and orm_execute_state.bind_mapper is not None \
            and orm_execute_state.bind_mapper.class_ is AuditEvent:
        raise AuditLogError("The audit log is append-only: no UPDATE or DELETE of audit events.")


# --- Logins --------------------------------------------------------------------------------------------------------

def _logged_in(sender, user, **extra):
    record(LOGIN, "users", user.id, user=user)


def _logged_out(sender, user, **extra):
    if user is not None and getattr(user, "is_authenticated", False):
        record(LOGOUT, "users", user.id, user=user)


def record_failed_login(email: str | None) -> None:
    """A refused login: the address tried (and its account, if any), never the password."""
    from ..auth.service import find_by_email

    user = find_by_email(email) if email else None
    record(LOGIN_FAILED, "users", user.id if user is not None else None,
           changes={"email": _clip(email or "", 254)}, user=None)


# --- Verifying -----------------------------------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool
    count: int
    last_hash: str
    broken_id: int | None = None
    reason: str | None = None


def verify() -> Verification:
    """Walks the chain from the first line: the first line that does not
    follow from the one before it, or all well."""
    table = AuditEvent.__table__
    previous, count = GENESIS, 0
    rows = db.session.execute(select(table).order_by(table.c.id).execution_options(yield_per=1000))
    try:
        for row in rows:
            if row.previous_hash != previous:
                return Verification(False, count, previous, row.id,
                                    "its previous_hash does not match the line before it (a line was removed or "
                                    "altered)")
            if chain_hash(previous, row) != row.hash:
                return Verification(False, count, previous, row.id, "its contents do not match its hash (altered)")
            previous, count = row.hash, count + 1
    finally:
        rows.close()
    return Verification(True, count, previous)


@click.command("audit-verify")
@with_appcontext
def verify_command():
    """Check the audit log's hash chain; exits non-zero when it is broken."""
    result = verify()
    db.session.rollback()
    if not result.ok:
        raise click.ClickException(
            f"audit log broken at event {result.broken_id}: {result.reason}; "
            f"the {result.count} event(s) before it are intact.")
    click.echo(f"Audit log OK: {result.count} events, chain intact; newest hash {result.last_hash}.")


# --- Wiring --------------------------------------------------------------------------------------------------------

def _register_listeners():
    global _registered
    if _registered:
        return
    _registered = True
    for name, action in (("after_insert", CREATE), ("after_update", UPDATE), ("after_delete", DELETE)):
        event.listen(db.Model, name, _note(action), propagate=True)
    for name in ("before_insert", "before_update", "before_delete"):
        event.listen(AuditEvent, name, _refuse)
    session_class = _session_class()
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "do_orm_execute", _guard_bulk)
    user_logged_in.connect(_logged_in, weak=False)
    user_logged_out.connect(_logged_out, weak=False)


def init_app(app):
    _register_listeners()
    app.cli.add_command(verify_command)
