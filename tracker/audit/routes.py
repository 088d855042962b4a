"""The audit log for beheerders: every line, newest first, with filters."""

from datetime import date, time, timedelta

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import Role
from ..auth.service import list_users
from ..extensions import db
from ..formatting import from_local
from ..forms import optional_int
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")

PAGE_SIZE = 50

ACTIONS = {
    "create": _l("Aangemaakt"),
    "update": _l("Gewijzigd"),
    "delete": _l("Verwijderd"),
    "login": _l("Ingelogd"),
    "login_failed": _l("Inloggen mislukt"),
    "logout": _l("Uitgelogd"),
    "export": _l("Geëxporteerd"),
    "import": _l("Geïmporteerd"),
}

ENTITIES = {
    "interactions": _l("Contactmoment"),
    "follow_ups": _l("Afspraak of actie"),
    "contacts": _l("Contactpersoon"),
    "organisations": _l("Organisatie"),
    "users": _l("Gebruiker"),
    "themes": _l("Opgave"),
    "priorities": _l("Prioriteit"),
    "priority_status_changes": _l("Status van een prioriteit"),
    "arenas": _l("Netwerk"),
    "engagements": _l("Inzet in een netwerk"),
    "positions": _l("Positie"),
    "key_moments": _l("Kernmoment"),
    "funding_streams": _l("Geldstroom"),
    "woo_exports": _l("Woo-export"),
    "information_requests": _l("Woo- of AVG-verzoek"),
    "avg_actions": _l("AVG-handeling"),
    "retention_reviews": _l("Bewaartermijn"),
    "neglect_flags": _l("Signalering"),
    "neglect_flag_events": _l("Gebeurtenis bij een signalering"),
    "settings": _l("Instelling"),
}

ACTORS = {"cli": _l("opdrachtregel"), "job": _l("geplande taak")}

MAX_SHOWN = 300


@bp.before_request
def only_administrators():
    if current_user.is_authenticated and current_user.role != Role.ADMINISTRATOR:
        abort(403)


def query_int(name: str) -> int | None:
    try:
        return optional_int(request.args.get(name))
    except ValueError:
        return None


def query_date(name: str) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9000 else None


def shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        text = ", ".join(str(item) for item in value) or "—"
    else:
        text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def describe(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's changes as (field, text) pairs for the page."""
    lines = []
    for key, value in sorted((event.changes or {}).items()):
        if event.action == "update" and isinstance(value, list) and len(value) == 2:
            lines.append((key, f"{shown(value[0])} → {shown(value[1])}"))
        elif isinstance(value, dict) and set(value) == {"added", "removed"}:
            parts = []
            if value["added"]:
                parts.append(f"+ {shown(value['added'])}")
            if value["removed"]:
                parts.append(f"− {shown(value['removed'])}")
            lines.append((key, "; ".join(parts)))
        else:
            lines.append((key, shown(value)))
    return lines


@bp.route("")
def index():
    entity = request.args.get("entiteit") or None
    action = request.args.get("actie") or None
    user_id = query_int("gebruiker")
    start, end = query_date("van"), query_date("tot")
    page = max(1, min(query_int("pagina") or 1, 100000))

    conditions = []
    if entity:
        conditions.append(AuditEvent.entity == entity[:60])
    if action:
        conditions.append(AuditEvent.action == action[:40])
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if start:
        conditions.append(AuditEvent.at >= from_local(start, time.min))
    if end:
        conditions.append(AuditEvent.at < from_local(end + timedelta(days=1), time.min))
    events = list(db.session.scalars(select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
                                     .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    users = [(user.id, user.name) for user in list_users() if user.email]
    return render_template(
        "admin/audit.html", events=events[:PAGE_SIZE], has_next=len(events) > PAGE_SIZE, page=page,
        describe=describe, actions=ACTIONS, entities=ENTITIES, actors=ACTORS, users=users,
        filters={"entiteit": entity, "actie": action, "gebruiker": user_id,
                 "van": start.isoformat() if start else None, "tot": end.isoformat() if end else None})
