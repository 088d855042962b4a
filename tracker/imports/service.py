"""Importing contact persons and organisations: columns, the plan per row
(create, update, unchanged or rejected, and why), and carrying it out.

An import is all or nothing. The preview page carries a fingerprint of the
plan it shows; the confirmation plans again against the database as it is
then and refuses when anything came out differently, or when any row is
rejected. Existing records are only completed, never overwritten: a field
is filled from the file only where the record has it empty.
"""

import csv
import hashlib
import io
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..audit import service as audit
from ..auth.models import Role, User
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..labels import LABELS
from ..relations.models import Contact, Organisation, OrganisationKind
from ..strategy.models import Arena
from .models import ImportKind, PendingImport
from .reading import FileRefused, Sheet

# How long an upload waits for its confirmation.
EXPIRY = timedelta(hours=1)
# What secrets.token_urlsafe(32) gives.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

CREATE, UPDATE, UNCHANGED, REJECT = "nieuw", "bijwerken", "ongewijzigd", "afgewezen"
ACTION_LABELS = {CREATE: _l("Nieuw"), UPDATE: _l("Bijwerken"), UNCHANGED: _l("Ongewijzigd"),
                 REJECT: _l("Afgewezen")}


@dataclass(frozen=True)
class Column:
    heading: str          # as in the template file and on the upload page
    attribute: str        # the model's attribute
    label: object         # how the preview names the field
    max_length: int
    required: bool = False
    aliases: tuple = ()
    help: object = ""


CONTACT_COLUMNS = (
    Column("naam", "name", _l("Naam"), 200, required=True, help=_l("verplicht")),
    Column("functie", "function", _l("Functie"), 200, help=_l("bijvoorbeeld Kamerlid (VVD)")),
    Column("organisatie", "organisation", _l("Organisatie"), 300,
           help=_l("naam of afkorting van een organisatie die al in de Lobbytracker staat")),
    Column("e-mail", "email", _l("E-mailadres"), 254, aliases=("e-mailadres", "email", "emailadres"),
           help=_l("herkent een contactpersoon die er al is")),
    Column("telefoon", "phone", _l("Telefoon"), 50, aliases=("telefoonnummer",)),
    Column("notities", "notes", _l("Notities"), 5000, aliases=("notitie", "opmerkingen")),
)
ORGANISATION_COLUMNS = (
    Column("naam", "name", _l("Naam"), 300, required=True, help=_l("verplicht; herkent een organisatie die er al is")),
    Column("afkorting", "abbreviation", _l("Afkorting"), 50),
    Column("soort", "kind", _l("Soort"), 100, help=_l("bijvoorbeeld Ministerie, Platform, Gemeente; leeg: Overig")),
    Column("netwerk", "arena", _l("Netwerk"), 200, help=_l("naam van een netwerk, zoals Metropoolregio Amsterdam")),
    Column("valt onder", "parent", _l("Valt onder"), 300,
           help=_l("naam of afkorting van een organisatie die al in de Lobbytracker staat")),
    Column("omschrijving", "description", _l("Omschrijving"), 5000),
    Column("website", "website", _l("Website"), 500, help=_l("beginnend met https://")),
)
COLUMNS = {ImportKind.CONTACTS: CONTACT_COLUMNS, ImportKind.ORGANISATIONS: ORGANISATION_COLUMNS}
KIND_LABELS = {ImportKind.CONTACTS: _l("Contactpersonen"), ImportKind.ORGANISATIONS: _l("Organisaties")}
TEMPLATE_EXAMPLES = {
    ImportKind.CONTACTS: ["Sanne de Vries", "Beleidsadviseur wonen", "BZK", "sanne.devries@minbzk.nl",
                          "070 123 4567", "Kent het dossier Zaandam Oost"],
    ImportKind.ORGANISATIONS: ["Platform Wijkenaanpak", "PWA", "Platform", "Metropoolregio Amsterdam", "",
                               "Regionaal overleg over de wijkaanpak", "https://www.metropoolregioamsterdam.nl"],
}
# Excel and other spreadsheets treat a cell that starts with "=" as a formula.
FORMULA_START = "="


def normal(text: str) -> str:
    """For comparing names: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


def heading_key(text: str) -> str:
    return " ".join(text.replace("*", "").split()).casefold()


# --- Columns -----------------------------------------------------------------------------------------------------

def map_columns(kind: ImportKind, headings: list[str]) -> dict[int, Column]:
    """Which column each position holds; refuses unknown, doubled and missing columns."""
    known = {}
    for column in COLUMNS[kind]:
        for name in (column.heading, *column.aliases):
            known[name] = column
    mapping, seen = {}, set()
    for position, heading in enumerate(headings):
        column = known.get(heading_key(heading))
        if not heading:
            raise FileRefused(_l("Kolom %(number)s heeft geen kolomkop.", number=position + 1))
        if column is None:
            raise FileRefused(_l("Onbekende kolom ‘%(heading)s’. Gebruik alleen deze kolommen: %(allowed)s.",
                                 heading=heading[:100], allowed=", ".join(c.heading for c in COLUMNS[kind])))
        if column.heading in seen:
            raise FileRefused(_l("De kolom ‘%(heading)s’ komt twee keer voor.", heading=column.heading))
        seen.add(column.heading)
        mapping[position] = column
    missing = [column.heading for column in COLUMNS[kind] if column.required and column.heading not in seen]
    if missing:
        raise FileRefused(_l("De verplichte kolom ‘%(heading)s’ ontbreekt.", heading=missing[0]))
    return mapping


def rows_of(kind: ImportKind, sheet: Sheet) -> list[dict]:
    """The sheet's rows as {"line": n, "values": {heading: text}}: what is stored until the confirmation."""
    mapping = map_columns(kind, sheet.headings)
    return [{"line": line, "values": {column.heading: values[position] for position, column in mapping.items()}}
            for line, values in sheet.rows]


# --- The plan ----------------------------------------------------------------------------------------------------

@dataclass
class RowPlan:
    line: int
    values: dict                      # heading -> text from the file
    action: str = CREATE
    reasons: list = field(default_factory=list)
    changes: list = field(default_factory=list)   # (label, old, new): fields that will be filled
    kept: list = field(default_factory=list)      # (label, current, in file): fields left as they are
    target_id: int | None = None
    record: object = None             # the record it updates, held here (the session holds it only weakly)
    # What to set: attribute -> value (a model for organisation, arena, parent).
    assign: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.values.get("naam", "")

    def reject(self, reason) -> None:
        self.action = REJECT
        # As plain text: Jinja does not escape a lazy string (it has __html__), and reasons quote the file.
        self.reasons.append(str(reason))


@dataclass
class Plan:
    kind: ImportKind
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict:
        return {action: self.count(action) for action in ACTION_LABELS}

    @property
    def confirmable(self) -> bool:
        return self.count(REJECT) == 0 and (self.count(CREATE) + self.count(UPDATE)) > 0

    @property
    def fingerprint(self) -> str:
        summary = [[row.line, row.action, row.target_id, [str(reason) for reason in row.reasons],
                    [[str(label), old, new] for label, old, new in row.changes]] for row in self.rows]
        return hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()


def _check_texts(row: RowPlan, kind: ImportKind) -> None:
    for column in COLUMNS[kind]:
        value = row.values.get(column.heading, "")
        if column.required and not value:
            row.reject(_l("%(field)s ontbreekt", field=column.label))
        if value.startswith(FORMULA_START):
            row.reject(_l("%(field)s begint met ‘=’: formules worden niet geïmporteerd", field=column.label))
        if len(value) > column.max_length:
            row.reject(_l("%(field)s is langer dan %(max)s tekens", field=column.label, max=column.max_length))


class OrganisationIndex:
    """Every organisation by normalised name and abbreviation (there are about a thousand)."""

    def __init__(self):
        self.by_key: dict[str, set[int]] = {}
        self.by_id: dict[int, Organisation] = {}
        for organisation in db.session.scalars(select(Organisation)):
            self.by_id[organisation.id] = organisation
            for key in (organisation.name, organisation.abbreviation):
                if key:
                    self.by_key.setdefault(normal(key), set()).add(organisation.id)

    def find(self, text: str, row: RowPlan, label) -> Organisation | None:
        ids = self.by_key.get(normal(text), set())
        if not ids:
            row.reject(_l("%(field)s onbekend: ‘%(name)s’", field=label, name=text))
            return None
        if len(ids) > 1:
            row.reject(_l("%(field)s niet eenduidig: ‘%(name)s’ past bij meer organisaties", field=label, name=text))
            return None
        return self.by_id[next(iter(ids))]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (Organisation, Arena)):
        return value.name
    if isinstance(value, OrganisationKind):
        return str(LABELS[OrganisationKind][value])
    return str(value)


def _complete(row: RowPlan, record, wanted: dict, labels: dict, empty=lambda attribute, value: value is None) -> None:
    """Fills what the record lacks; notes what it has otherwise."""
    for attribute, new in wanted.items():
        if new in (None, ""):
            continue
        current = getattr(record, attribute)
        if empty(attribute, current) or current == "":
            row.assign[attribute] = new
            row.changes.append((labels[attribute], _shown(current), _shown(new)))
        elif _shown(current).casefold() != _shown(new).casefold():
            row.kept.append((labels[attribute], _shown(current), _shown(new)))


def _contact_plan(rows: list[dict]) -> list[RowPlan]:
    organisations = OrganisationIndex()
    plans = [RowPlan(item["line"], item["values"]) for item in rows]
    # Compared in Python, not with lower() in SQL: SQLite's lower() leaves non-ASCII letters as they are.
    # Only the columns, for every contact (about ten thousand); the matched ones are loaded whole below.
    by_email: dict[str, list[int]] = {}
    by_name: dict[tuple, list[int]] = {}
    file_emails = {plan.values.get("e-mail", "").casefold() for plan in plans}
    file_names = {normal(plan.name) for plan in plans}
    candidates = set()
    for id_, name, organisation_id, email in db.session.execute(
            select(Contact.id, Contact.name, Contact.organisation_id, Contact.email).order_by(Contact.id)):
        if email:
            by_email.setdefault(email.casefold(), []).append(id_)
        by_name.setdefault((normal(name), organisation_id), []).append(id_)
        if normal(name) in file_names or (email and email.casefold() in file_emails):
            candidates.add(id_)
    # Every contact the file may update, in a few queries rather than one each.
    candidates = sorted(candidates)
    contacts: dict[int, Contact] = {}
    for start in range(0, len(candidates), 500):
        contacts.update((contact.id, contact) for contact in db.session.scalars(
            select(Contact).where(Contact.id.in_(candidates[start:start + 500]))))
    labels = {column.attribute: column.label for column in CONTACT_COLUMNS}
    seen: dict[tuple, int] = {}
    for plan in plans:
        _check_texts(plan, ImportKind.CONTACTS)
        values = plan.values
        email = None
        if values.get("e-mail"):
            try:
                email = validate_email(values["e-mail"], check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                plan.reject(_l("E-mailadres ongeldig: ‘%(email)s’", email=values["e-mail"]))
        organisation = organisations.find(values["organisatie"], plan, _l("Organisatie")) \
            if values.get("organisatie") else None
        if plan.action == REJECT:
            continue
        organisation_id = organisation.id if organisation else None
        matches = by_email.get(email.casefold(), []) if email else []
        if not matches:
            matches = by_name.get((normal(plan.name), organisation_id), [])
        if len(matches) > 1:
            plan.reject(_l("Past bij %(count)s contactpersonen die er al zijn; pas die eerst aan", count=len(matches)))
            continue
        existing = (contacts.get(matches[0]) or db.session.get(Contact, matches[0])) if matches else None
        keys = [("naam", normal(plan.name), organisation_id)] + ([("e-mail", email)] if email else []) + (
            [("id", existing.id)] if existing else [])
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            plan.reject(_l("Dubbel in het bestand: dezelfde contactpersoon als regel %(line)s", line=earlier))
            continue
        for key in keys:
            seen[key] = plan.line
        wanted = {"function": values.get("functie") or None, "organisation": organisation, "email": email,
                  "phone": values.get("telefoon") or None, "notes": values.get("notities") or None}
        if existing is None:
            plan.assign = {"name": plan.name, **wanted}
            continue
        plan.target_id, plan.record = existing.id, existing
        if normal(existing.name) != normal(plan.name):
            plan.kept.append((labels["name"], existing.name, plan.name))
        _complete(plan, existing, wanted, labels)
        plan.action = UPDATE if plan.assign else UNCHANGED
    return plans


def _kind_of(text: str) -> OrganisationKind | None:
    key = normal(text)
    for kind, label in LABELS[OrganisationKind].items():
        if key in (normal(str(label)), kind.value):
            return kind
    return None


def _organisation_plan(rows: list[dict]) -> list[RowPlan]:
    organisations = OrganisationIndex()
    arenas = {normal(arena.name): arena for arena in db.session.scalars(select(Arena))}
    by_name: dict[str, list[Organisation]] = {}
    for organisation in organisations.by_id.values():
        by_name.setdefault(normal(organisation.name), []).append(organisation)
    labels = {column.attribute: column.label for column in ORGANISATION_COLUMNS}
    kinds = ", ".join(str(label) for label in LABELS[OrganisationKind].values())
    plans = [RowPlan(item["line"], item["values"]) for item in rows]
    seen: dict[str, int] = {}
    for plan in plans:
        _check_texts(plan, ImportKind.ORGANISATIONS)
        values = plan.values
        kind = None
        if values.get("soort"):
            kind = _kind_of(values["soort"])
            if kind is None:
                plan.reject(_l("Soort onbekend: ‘%(kind)s’; kies uit %(kinds)s", kind=values["soort"], kinds=kinds))
        arena = None
        if values.get("netwerk"):
            arena = arenas.get(normal(values["netwerk"]))
            if arena is None:
                plan.reject(_l("Netwerk onbekend: ‘%(name)s’", name=values["netwerk"]))
        parent = organisations.find(values["valt onder"], plan, _l("Valt onder")) \
            if values.get("valt onder") else None
        website = values.get("website") or None
        if website and not website.lower().startswith(("https://", "http://")):
            plan.reject(_l("Website ongeldig: begin met https://"))
        if plan.action == REJECT:
            continue
        key = normal(plan.name)
        if key in seen:
            plan.reject(_l("Dubbel in het bestand: dezelfde organisatie als regel %(line)s", line=seen[key]))
            continue
        seen[key] = plan.line
        matches = by_name.get(key, [])
        if len(matches) > 1:
            plan.reject(_l("Past bij %(count)s organisaties die er al zijn; pas die eerst aan", count=len(matches)))
            continue
        existing = matches[0] if matches else None
        if existing is not None and parent is not None and parent.id == existing.id:
            plan.reject(_l("Een organisatie kan niet onder zichzelf vallen"))
            continue
        wanted = {"abbreviation": values.get("afkorting") or None, "kind": kind, "arena": arena, "parent": parent,
                  "description": values.get("omschrijving") or None, "website": website}
        if existing is None:
            plan.assign = {"name": plan.name, **wanted, "kind": kind or OrganisationKind.OTHER}
            continue
        plan.target_id, plan.record = existing.id, existing
        _complete(plan, existing, wanted, labels,
                  empty=lambda attribute, value: value is None or (attribute == "kind"
                                                                     and value == OrganisationKind.OTHER))
        plan.action = UPDATE if plan.assign else UNCHANGED
    return plans


def plan_import(kind: ImportKind, rows: list[dict]) -> Plan:
    """What the rows would do to the database as it is now."""
    planner = _contact_plan if kind == ImportKind.CONTACTS else _organisation_plan
    return Plan(kind, planner(rows))


# --- Uploading, previewing, confirming ---------------------------------------------------------------------------

def _require_administrator(acting: User) -> None:
    if acting.role != Role.ADMINISTRATOR:
        raise NotAllowed(_l("Alleen beheerders importeren."))


def start_import(kind: ImportKind, file_name: str, sheet: Sheet, acting: User) -> tuple[PendingImport, Plan]:
    """Keeps the file's rows for the preview, under a new random token; clears expired uploads."""
    _require_administrator(acting)
    rows = rows_of(kind, sheet)
    db.session.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - EXPIRY))
    plan = plan_import(kind, rows)
    pending = PendingImport(token=secrets.token_urlsafe(32), user_id=acting.id, kind=kind,
                            file_name=(file_name or "bestand")[:255], rows=rows)
    db.session.add(pending)
    db.session.flush()
    return pending, plan


def find_pending(token: str, acting: User) -> PendingImport | None:
    """The user's own upload under this token, if it has not expired."""
    if not TOKEN.fullmatch(token):
        return None  # also keeps a NUL, which PostgreSQL refuses, out of the query
    return db.session.scalar(select(PendingImport).where(
        PendingImport.token == token, PendingImport.user_id == acting.id,
        PendingImport.created_at >= utcnow() - EXPIRY))


class PlanChanged(DomainError):
    """The database changed between the preview and the confirmation."""


def confirm_import(pending: PendingImport, acting: User, seen: str) -> dict:
    """Carries out the whole plan, or nothing, if it is the plan the user saw (its
    `fingerprint`); records the import in the audit log."""
    _require_administrator(acting)
    if pending.imported_at is not None:
        return pending.result
    with db.session.no_autoflush:  # one flush for the whole file, not one per record looked up
        return _carry_out(pending, acting, seen)


def _carry_out(pending: PendingImport, acting: User, seen: str) -> dict:
    plan = plan_import(pending.kind, pending.rows)
    if not plan.confirmable:
        raise DomainError(_l("Dit bestand kan zo niet worden geïmporteerd: verbeter de afgewezen regels en upload "
                             "het opnieuw. Er is niets geïmporteerd."))
    if plan.fingerprint != seen:
        raise PlanChanged(_l("Sinds het voorbeeld is er iets veranderd in de gegevens, waardoor de import nu "
                             "anders zou uitpakken. Er is niets geïmporteerd. Bekijk het bijgewerkte voorbeeld en "
                             "bevestig opnieuw."))
    model = Contact if pending.kind == ImportKind.CONTACTS else Organisation
    records = []
    for row in plan.rows:
        if row.action == CREATE:
            record = model()
            db.session.add(record)
        elif row.action == UPDATE:
            record = row.record
        else:
            records.append((row.action, row.target_id, row.name))
            continue
        for attribute, value in row.assign.items():
            setattr(record, attribute, value)
        records.append((row.action, record, row.name))
    db.session.flush()
    records = [(action, record if isinstance(record, int) else record.id, name) for action, record, name in records]
    counts = {"created": plan.count(CREATE), "updated": plan.count(UPDATE), "unchanged": plan.count(UNCHANGED)}
    audit.record("import", model.__tablename__, note=f"{pending.file_name}: {counts['created']} nieuw, "
                 f"{counts['updated']} bijgewerkt, {counts['unchanged']} ongewijzigd",
                 changes={"bestand": pending.file_name, "soort": pending.kind.value, **counts}, user=acting,
                 commit=False)
    pending.imported_at = utcnow()
    pending.rows = []  # the file's contents are in the records now; no need to keep a copy
    pending.result = {**counts, "records": records}
    db.session.flush()
    return pending.result


def template_csv(kind: ImportKind) -> str:
    """A CSV file with the headings and one example row, as Dutch Excel opens it (";", UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.heading for column in COLUMNS[kind]])
    writer.writerow(TEMPLATE_EXAMPLES[kind])
    return "\ufeff" + out.getvalue()
