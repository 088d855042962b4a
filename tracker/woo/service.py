"""The Woo export: every contactmoment about a subject in a period, as one ZIP
with a CSV overview, one readable document per contactmoment and a numbered
inventory list; each export logged with how it searched.

The export holds what the acting user may see (confidential contactmomenten
only for whom the visibility rules allow), and marks the confidential ones.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..admin.access import BOM, DELIMITER, safe_cell
from ..audit import service as audit
from ..auth.models import User
from ..avg.service import handles_requests
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..formatting import from_local, nl_date, nl_datetime, to_local
from ..interactions.models import (
    FollowUp, Interaction, interaction_organisations, interaction_priorities,
)
from ..interactions.service import visible_to
from ..labels import label
from ..relations.models import Contact, Organisation
from ..search.service import matching_interaction_ids
from ..strategy.models import Priority
from .models import WooExport

# More than this many documents is no longer one answer to one request.
MAX_DOCUMENTS = 5000
LOAD_BATCH = 500


@dataclass
class WooQuery:
    start: date
    end: date
    terms: str = ""
    priority_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    replace_names: bool = False


@dataclass
class WooResult:
    content: bytes
    log: WooExport
    filename: str


def _conditions(query: WooQuery, acting: User) -> list:
    conditions = [visible_to(acting),
                  Interaction.occurred_at >= from_local(query.start, time()),
                  Interaction.occurred_at < from_local(query.end + timedelta(days=1), time())]
    if query.terms.strip():
        conditions.append(Interaction.id.in_(matching_interaction_ids(query.terms.strip())))
    if query.priority_ids:
        conditions.append(Interaction.id.in_(select(interaction_priorities.c.interaction_id)
                                             .where(interaction_priorities.c.priority_id.in_(query.priority_ids))))
    if query.organisation_ids:
        conditions.append(Interaction.id.in_(
            select(interaction_organisations.c.interaction_id)
            .where(interaction_organisations.c.organisation_id.in_(query.organisation_ids))))
    return conditions


def count_matches(query: WooQuery, acting: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Interaction).where(*_conditions(query, acting)))


def _load(query: WooQuery, acting: User) -> list[Interaction]:
    ids = list(db.session.scalars(select(Interaction.id).where(*_conditions(query, acting))
                                  .order_by(Interaction.occurred_at, Interaction.id)))
    found: list[Interaction] = []
    for start in range(0, len(ids), LOAD_BATCH):
        batch = ids[start:start + LOAD_BATCH]
        loaded = {item.id: item for item in db.session.scalars(
            select(Interaction).where(Interaction.id.in_(batch)).options(
                selectinload(Interaction.author), selectinload(Interaction.participants),
                selectinload(Interaction.contacts).selectinload(Contact.organisation),
                selectinload(Interaction.organisations),
                selectinload(Interaction.priorities).selectinload(Priority.theme),
                selectinload(Interaction.follow_ups).selectinload(FollowUp.owner)))}
        found.extend(loaded[item_id] for item_id in batch)
    return found


class Names:
    """How people are named in the export: as themselves, or, on request,
    those who are not public figures by their role."""

    def __init__(self, replace: bool, municipality: str):
        self.replace = replace
        self.municipality = municipality
        # Per person and per contactmoment, computed once: an export names each many times.
        self._contacts: dict[int, str] = {}
        self._users: dict[int, str] = {}
        self._patterns: dict[int, tuple] = {}
        self._role_word, self._where = _("functie"), _("gemeente %(name)s", name=municipality)

    def contact(self, contact: Contact) -> str:
        if not self.replace or contact.public_figure:
            return contact.display_name
        if contact.id not in self._contacts:
            role = contact.function or _("contactpersoon")
            where = f", {contact.organisation.name}" if contact.organisation else ""
            self._contacts[contact.id] = f"[{self._role_word}: {role}{where}]"
        return self._contacts[contact.id]

    def user(self, user: User) -> str:
        # Bestuurders (burgemeester, wethouders) are public figures; colleagues are not.
        if not self.replace or user.is_official:
            return user.display_name
        if user.id not in self._users:
            role = user.title or str(label(user.role)).lower()
            self._users[user.id] = f"[{self._role_word}: {role}, {self._where}]"
        return self._users[user.id]

    def text(self, value: str, interaction: Interaction) -> str:
        """Free text with the names (and e-mail addresses and phone numbers) of
        the people linked to the contactmoment replaced."""
        if not self.replace or not value:
            return value or ""
        if interaction.id not in self._patterns:
            self._patterns[interaction.id] = self._known(interaction)
        replacements = self._patterns[interaction.id]
        # Most texts name no one: a plain search first, a pattern only for the names that occur.
        lowered = value.casefold()
        present = tuple(item for item in replacements if item.casefold() in lowered)
        if not present:
            return value
        # Longest first, so that a full name wins over a part of it.
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(item)}(?!\w)" for item in present), re.IGNORECASE)
        replacements = {item.casefold(): new for item, new in replacements.items()} | replacements
        return pattern.sub(lambda match: replacements.get(match.group(0).casefold()) or next(
            new for item, new in replacements.items() if re.fullmatch(re.escape(item), match.group(0), re.IGNORECASE)),
            value)

    def _known(self, interaction: Interaction) -> dict[str, str]:
        replacements: dict[str, str] = {}
        for contact in interaction.contacts:
            if not contact.public_figure:
                for known in (contact.name, contact.email, contact.phone):
                    if known and len(known) > 2:
                        replacements[known] = self.contact(contact)
        people = [interaction.author, *interaction.participants,
                  *(follow_up.owner for follow_up in interaction.follow_ups)]
        for user in people:
            if not user.is_official:
                for known in (user.name, user.email):
                    if known and len(known) > 2:
                        replacements[known] = self.user(user)
        return {item: replacements[item] for item in sorted(replacements, key=len, reverse=True)}


def document_name(number: int, interaction: Interaction) -> str:
    return f"documenten/{number:04d}-{to_local(interaction.occurred_at).date().isoformat()}.txt"


def _heading(text: str) -> list[str]:
    return [text, "-" * len(text)]


def render_document(number: int, total: int, interaction: Interaction, names: Names) -> str:
    lines = [_("Document %(number)s van %(total)s", number=number, total=total), ""]
    if interaction.confidential:
        lines += [_("VERTROUWELIJK: dit contactmoment is als vertrouwelijk vastgelegd. Beoordeel het op de "
                    "uitzonderingsgronden van de Woo (artikel 5.1 en 5.2) voordat u het openbaar maakt."), ""]
    rows = [
        (_("Onderwerp"), names.text(interaction.subject, interaction)),
        (_("Datum"), nl_datetime(interaction.occurred_at)),
        (_("Soort contact"), str(label(interaction.kind))),
        (_("Niveau"), str(label(interaction.level))),
        (_("Vertrouwelijk"), _("ja") if interaction.confidential else _("nee")),
        (_("Vastgelegd door"), names.user(interaction.author)),
        (_("Collega's"), ", ".join(names.user(user) for user in interaction.participants) or "—"),
        (_("Contactpersonen"), ", ".join(names.contact(contact) for contact in interaction.contacts) or "—"),
        (_("Organisaties"), ", ".join(organisation.name for organisation in interaction.organisations) or "—"),
        (_("Prioriteiten"), ", ".join(f"{priority.code} {priority.title}" for priority in interaction.priorities)
         or "—"),
    ]
    lines += [f"{key}: {value}" for key, value in rows]
    for title, text in ((_("Samenvatting"), interaction.summary), (_("Uitkomst"), interaction.outcome)):
        lines += ["", *_heading(title), names.text(text, interaction) or "—"]
    lines += ["", *_heading(_("Afspraken en acties"))]
    if not interaction.follow_ups:
        lines.append("—")
    for index, follow_up in enumerate(interaction.follow_ups, start=1):
        state = (_("afgerond op %(day)s", day=nl_date(follow_up.completed_at)) if follow_up.completed_at
                 else _("open"))
        lines.append(_("%(number)s. %(text)s (eigenaar: %(owner)s; uiterlijk %(due)s; %(state)s)",
                       number=index, text=names.text(follow_up.description, interaction),
                       owner=names.user(follow_up.owner), due=nl_date(follow_up.due_date), state=state))
    return "\r\n".join(lines) + "\r\n"


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return BOM + out.getvalue()


def overview_csv(interactions: list[Interaction], names: Names) -> str:
    rows = []
    for number, item in enumerate(interactions, start=1):
        rows.append([
            number, document_name(number, item), to_local(item.occurred_at).strftime("%d-%m-%Y %H:%M"),
            label(item.kind), label(item.level), names.text(item.subject, item),
            _("ja") if item.confidential else _("nee"), names.user(item.author),
            ", ".join(names.user(user) for user in item.participants),
            ", ".join(names.contact(contact) for contact in item.contacts),
            ", ".join(organisation.name for organisation in item.organisations),
            ", ".join(f"{priority.code} {priority.title}" for priority in item.priorities),
            " | ".join(names.text(follow_up.description, item) for follow_up in item.follow_ups),
        ])
    return _csv([_("Nr."), _("Document"), _("Datum"), _("Soort contact"), _("Niveau"), _("Onderwerp"),
                 _("Vertrouwelijk"), _("Vastgelegd door"), _("Collega's"), _("Contactpersonen"), _("Organisaties"),
                 _("Prioriteiten"), _("Afspraken en acties")], rows)


def inventory_csv(interactions: list[Interaction], names: Names) -> str:
    """The inventarislijst: one numbered line per document, with empty columns
    for the assessment (openbaar, deels openbaar, niet openbaar; the ground)."""
    rows = [[number, document_name(number, item), to_local(item.occurred_at).strftime("%d-%m-%Y"),
             names.text(item.subject, item),
             _("ja, beoordelen op uitzonderingsgronden") if item.confidential else _("nee"), "", ""]
            for number, item in enumerate(interactions, start=1)]
    return _csv([_("Nr."), _("Document"), _("Datum"), _("Omschrijving"), _("Vertrouwelijk"),
                 _("Beoordeling (openbaar / deels openbaar / niet openbaar)"), _("Weigeringsgrond")], rows)


def justification(log: WooExport) -> str:
    """verantwoording.txt: how this export searched."""
    filters = log.filters
    lines = [
        _("Woo-export %(id)s", id=log.id), "",
        _("Gemaakt door: %(name)s", name=log.user_name),
        _("Gemaakt op: %(moment)s", moment=nl_datetime(log.created_at)),
        _("Periode: %(start)s tot en met %(end)s", start=nl_date(log.period_start), end=nl_date(log.period_end)),
        _("Zoektermen: %(terms)s", terms=log.terms or "—"),
        _("Prioriteiten: %(items)s", items=", ".join(filters.get("prioriteiten", [])) or _("alle")),
        _("Organisaties: %(items)s", items=", ".join(filters.get("organisaties", [])) or _("alle")),
        _("Namen vervangen door functies: %(answer)s", answer=_("ja") if filters.get("namen_vervangen") else _("nee")),
        _("Aantal documenten: %(hits)s", hits=log.hits), "",
        _("Gezocht is in onderwerp, samenvatting en uitkomst van de contactmomenten in de periode; elk opgegeven "
          "soort filter (zoektermen, prioriteiten, organisaties) beperkt de uitkomst, binnen een soort volstaat "
          "één treffer. Bij elk contactmoment staan de afspraken en acties die erbij zijn vastgelegd."),
        _("Contactmomenten die als vertrouwelijk zijn vastgelegd staan er alleen in als de maker van de export ze mag "
          "zien; ze zijn gemarkeerd."),
    ]
    if filters.get("namen_vervangen"):
        lines.append(_("Namen van personen die geen publiek figuur zijn, zijn vervangen door hun functie, ook in de "
                       "tekst als ze aan het contactmoment gekoppeld zijn. Controleer de tekst op andere namen."))
    return "\r\n".join(lines) + "\r\n"


def validate(query: WooQuery) -> None:
    if query.end < query.start:
        raise DomainError(_l("Het einde van de periode ligt niet voor het begin."), field="end")
    if not (query.terms.strip() or query.priority_ids or query.organisation_ids):
        raise DomainError(_l("Geef zoektermen, prioriteiten of organisaties op: waar gaat het verzoek over?"),
                          field="terms")


def export(query: WooQuery, acting: User) -> WooResult:
    if not handles_requests(acting):
        raise NotAllowed(_l("Alleen beheerders en managers maken een Woo-export."))
    validate(query)
    priorities = list(db.session.scalars(select(Priority).where(Priority.id.in_(query.priority_ids))
                                         .order_by(Priority.id))) if query.priority_ids else []
    if len(priorities) != len(set(query.priority_ids)):
        raise DomainError(_l("Kies prioriteiten uit de lijst."), field="priority_ids")
    organisations = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(query.organisation_ids))
                                            .order_by(Organisation.name))) if query.organisation_ids else []
    if len(organisations) != len(set(query.organisation_ids)):
        raise DomainError(_l("Kies organisaties uit de lijst."), field="organisation_ids")
    hits = count_matches(query, acting)
    if hits > MAX_DOCUMENTS:
        raise DomainError(_l("Dit zijn %(hits)s contactmomenten, meer dan %(max)s: maak de periode korter of de "
                             "zoektermen preciezer.", hits=hits, max=MAX_DOCUMENTS), field="terms")
    interactions = _load(query, acting)
    log = WooExport(user_id=acting.id, user_name=acting.name, terms=query.terms.strip()[:500],
                    period_start=query.start, period_end=query.end, hits=len(interactions), filters={
                        "prioriteiten": [f"{priority.code} {priority.title}" for priority in priorities],
                        "organisaties": [organisation.name for organisation in organisations],
                        "namen_vervangen": query.replace_names})
    db.session.add(log)
    db.session.flush()
    names = Names(query.replace_names, current_app.config["MUNICIPALITY"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("verantwoording.txt", justification(log))
        archive.writestr("overzicht.csv", overview_csv(interactions, names))
        archive.writestr("inventarislijst.csv", inventory_csv(interactions, names))
        for number, item in enumerate(interactions, start=1):
            archive.writestr(document_name(number, item), render_document(number, len(interactions), item, names))
    audit.record(audit.EXPORT, "woo_exports", log.id, commit=False,
                 note=_("Woo-export: %(hits)s documenten", hits=len(interactions)))
    stamp = to_local(log.created_at).strftime("%Y%m%d-%H%M")
    return WooResult(buffer.getvalue(), log, f"woo-export-{log.id}-{stamp}.zip")


def export_log(limit: int = 200) -> list[WooExport]:
    return list(db.session.scalars(select(WooExport).order_by(WooExport.created_at.desc(), WooExport.id.desc())
                                   .limit(limit)))


def period_default(today: date) -> tuple[date, date]:
    return today.replace(year=today.year - 1), today

