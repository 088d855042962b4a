"""AVG duties for contact persons: what is held about someone, anonymising,
the retention review, and Woo and AVG requests that put contacts under a
legal hold.

Functions take models, plain values and the acting user; they flush, and
the view, command or job that calls them commits.
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, exists, func, not_, or_, select, update
from sqlalchemy.orm import selectinload

from ..admin.access import BOM, DELIMITER, safe_cell
from ..audit import service as audit
from ..audit.models import AuditEvent
from ..auth.models import Role, User
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..formatting import local_zone, to_local
from ..interactions.models import FollowUp, Interaction, interaction_contacts
from ..interactions.service import visible_to
from ..labels import label
from ..neglect.models import NeglectFlag
from ..relations.models import Contact
from ..stakeholders.models import Stakeholder, StakeholderChange
from ..strategy.models import Priority
from .models import (
    AvgAction, AvgActionKind, InformationRequest, RequestKind, RetentionDecision, RetentionReview,
    information_request_contacts,
)

# A decision to keep a contact holds this long; then the job may list it again.
KEEP_FOR_DAYS = 365


class LegalHold(DomainError):
    """The contact is covered by an open Woo or AVG request."""


def handles_requests(user: User) -> bool:
    """Woo exports, AVG exports and the request register: beheerders and managers."""
    return user.role in (Role.ADMINISTRATOR, Role.MANAGER)


def reviews_retention(user: User) -> bool:
    """Anonymising and the retention review: beheerders only."""
    return user.role == Role.ADMINISTRATOR


# --- Requests and legal holds -------------------------------------------------------------------------------------

def request_is_open(today: date):
    return or_(InformationRequest.closed_on.is_(None), InformationRequest.closed_on > today)


def held_contact_ids(today: date):
    """A SELECT of the ids of contacts covered by an open request."""
    return (select(information_request_contacts.c.contact_id)
            .join(InformationRequest, InformationRequest.id == information_request_contacts.c.request_id)
            .where(request_is_open(today)))


def holds_for(contact_ids: list[int], today: date) -> dict[int, list[InformationRequest]]:
    """Per contact id, the open requests that cover it."""
    if not contact_ids:
        return {}
    rows = db.session.execute(
        select(information_request_contacts.c.contact_id, InformationRequest)
        .join(InformationRequest, InformationRequest.id == information_request_contacts.c.request_id)
        .where(information_request_contacts.c.contact_id.in_(contact_ids), request_is_open(today))
        .order_by(InformationRequest.opened_on, InformationRequest.id)).all()
    holds: dict[int, list[InformationRequest]] = {}
    for contact_id, found in rows:
        holds.setdefault(contact_id, []).append(found)
    return holds


def describe_request(found: InformationRequest) -> str:
    kind = _("Woo-verzoek") if found.kind == RequestKind.WOO else _("AVG-verzoek")
    reference = f" ({found.reference})" if found.reference else ""
    return f"{kind} “{found.subject}”{reference}"


def ensure_not_held(contact: Contact, today: date, doing: str) -> None:
    holds = holds_for([contact.id], today).get(contact.id)
    if holds:
        raise LegalHold(_l("%(name)s valt onder een lopend verzoek: %(requests)s. %(doing)s kan pas als dat "
                           "verzoek is afgesloten.", name=contact.name,
                           requests="; ".join(describe_request(found) for found in holds), doing=doing))


def today_in_zone() -> date:
    return datetime.now(local_zone()).date()


@event.listens_for(Contact, "before_delete")
def _refuse_deleting_held_contact(mapper, connection, target):
    # Whatever code deletes a contact: not while a request covers it.
    today = today_in_zone()
    held = connection.scalar(select(func.count()).select_from(held_contact_ids(today).where(
        information_request_contacts.c.contact_id == target.id).subquery()))
    if held:
        raise LegalHold(_l("Deze contactpersoon valt onder een lopend Woo- of AVG-verzoek. Verwijderen kan pas als "
                           "dat verzoek is afgesloten."))


def list_requests() -> list[InformationRequest]:
    query = (select(InformationRequest)
             .options(selectinload(InformationRequest.contacts).selectinload(Contact.organisation),
                      selectinload(InformationRequest.created_by))
             .order_by(InformationRequest.closed_on.is_not(None), InformationRequest.opened_on.desc(),
                       InformationRequest.id.desc()))
    return list(db.session.scalars(query))


def save_request(found: InformationRequest | None, *, kind: RequestKind, subject: str, reference: str | None,
                 opened_on: date, closed_on: date | None, contact_ids: list[int], acting: User,
                 today: date) -> InformationRequest:
    if not handles_requests(acting):
        raise NotAllowed(_l("Alleen beheerders en managers leggen Woo- en AVG-verzoeken vast."))
    if not subject.strip():
        raise DomainError(_l("Vul een onderwerp in."), field="subject")
    if opened_on > today:
        raise DomainError(_l("Een verzoek is niet in de toekomst binnengekomen."), field="opened_on")
    if closed_on is not None and closed_on < opened_on:
        raise DomainError(_l("De datum van afsluiten ligt niet voor de datum van binnenkomst."), field="closed_on")
    ids = sorted(set(contact_ids))
    contacts = list(db.session.scalars(select(Contact).where(Contact.id.in_(ids)))) if ids else []
    if len(contacts) != len(ids):
        raise DomainError(_l("Kies contactpersonen uit de lijst."), field="contact_ids")
    if found is None:
        found = InformationRequest(created_by=acting)
        db.session.add(found)
    found.kind, found.subject, found.reference = kind, subject.strip(), (reference or "").strip() or None
    found.opened_on, found.closed_on, found.contacts = opened_on, closed_on, contacts
    db.session.flush()
    return found


# --- What is held about a person ----------------------------------------------------------------------------------

def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="minutes")
    return value.isoformat()


def _log(action: AvgActionKind, contact: Contact, acting: User, reason: str | None = None) -> AvgAction:
    row = AvgAction(action=action, contact_id=contact.id, reason=reason, user_id=acting.id, user_name=acting.name)
    db.session.add(row)
    return row


def _took_part(contact: Contact):
    return Interaction.id.in_(select(interaction_contacts.c.interaction_id)
                              .where(interaction_contacts.c.contact_id == contact.id))


def count_interactions(contact: Contact, acting: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Interaction).where(_took_part(contact),
                                                                                 visible_to(acting)))


def contact_interactions(contact: Contact, acting: User) -> list[Interaction]:
    """The contactmomenten the person took part in that the acting user may see, newest first."""
    query = (select(Interaction).where(_took_part(contact), visible_to(acting))
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
             .options(selectinload(Interaction.author), selectinload(Interaction.organisations),
                      selectinload(Interaction.priorities).selectinload(Priority.theme),
                      selectinload(Interaction.follow_ups).selectinload(FollowUp.owner)))
    return list(db.session.scalars(query))


def person_data(contact: Contact, acting: User, today: date) -> dict:
    """Everything the application holds about the person, as plain data."""
    interactions = contact_interactions(contact, acting)
    flags = db.session.scalars(select(NeglectFlag).where(NeglectFlag.contact_id == contact.id)
                               .order_by(NeglectFlag.raised_on))
    requests = db.session.scalars(
        select(InformationRequest).join(information_request_contacts)
        .where(information_request_contacts.c.contact_id == contact.id).order_by(InformationRequest.opened_on))
    actions = db.session.scalars(select(AvgAction).where(AvgAction.contact_id == contact.id)
                                 .order_by(AvgAction.created_at))
    reviews = db.session.scalars(select(RetentionReview).where(RetentionReview.contact_id == contact.id)
                                 .order_by(RetentionReview.listed_on))
    on_maps = db.session.scalars(select(Stakeholder).where(Stakeholder.contact_id == contact.id)
                                 .options(selectinload(Stakeholder.priority)).order_by(Stakeholder.priority_id))
    map_changes = db.session.scalars(select(StakeholderChange).where(StakeholderChange.contact_id == contact.id)
                                     .options(selectinload(StakeholderChange.changed_by))
                                     .order_by(StakeholderChange.changed_at, StakeholderChange.id))
    audit_lines = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "contacts",
                                                              AuditEvent.entity_id == str(contact.id))
                                     .order_by(AuditEvent.id))
    return {
        "toelichting": _("Alle gegevens die de Lobbytracker over deze persoon bewaart, opgevraagd op %(day)s. "
                         "Contactmomenten die als vertrouwelijk zijn vastgelegd staan er alleen in als de "
                         "opvrager ze mag zien.", day=today.isoformat()),
        "contactpersoon": {
            "id": contact.id, "naam": contact.name, "functie": contact.function, "e-mailadres": contact.email,
            "telefoon": contact.phone, "notities": contact.notes,
            "organisatie": contact.organisation.name if contact.organisation else None,
            "publiek_figuur": contact.public_figure,
            "eigenaar_van_de_relatie": contact.owner.name if contact.owner else None,
            "ritme_in_dagen": contact.cadence_days, "niet_signaleren": contact.cadence_disabled,
            "vastgelegd_op": _iso(contact.created_at), "geanonimiseerd_op": _iso(contact.anonymised_at),
        },
        "contactmomenten": [{
            "id": item.id, "datum": _iso(item.occurred_at), "soort": str(label(item.kind)),
            "niveau": str(label(item.level)), "onderwerp": item.subject, "samenvatting": item.summary,
            "uitkomst": item.outcome, "vertrouwelijk": item.confidential, "vastgelegd_door": item.author.name,
            "organisaties": [organisation.name for organisation in item.organisations],
            "prioriteiten": [f"{priority.code} {priority.title}" for priority in item.priorities],
            "acties": [{"omschrijving": follow_up.description, "eigenaar": follow_up.owner.name,
                        "uiterlijk": _iso(follow_up.due_date), "afgerond_op": _iso(follow_up.completed_at)}
                       for follow_up in item.follow_ups],
        } for item in interactions],
        "krachtenveld": [{"prioriteit": f"{entry.priority.code} {entry.priority.title}",
                          "invloed": entry.influence.value, "houding": entry.attitude.value, "notitie": entry.note,
                          "bijgewerkt_op": _iso(entry.updated_at)} for entry in on_maps],
        "krachtenveld_geschiedenis": [{
            "op": _iso(change.changed_at), "handeling": change.action.value,
            "door": change.changed_by.name if change.changed_by else None,
            "invloed": [_value(change.old_influence), _value(change.new_influence)],
            "houding": [_value(change.old_attitude), _value(change.new_attitude)],
            "notitie": [change.old_note, change.new_note]} for change in map_changes],
        "signaleringen": [{"status": str(label(flag.status)), "gesignaleerd_op": _iso(flag.raised_on),
                           "verwaarloosd_sinds": _iso(flag.neglected_since)} for flag in flags],
        "verzoeken": [{"soort": found.kind.value, "onderwerp": found.subject, "kenmerk": found.reference,
                       "binnengekomen_op": _iso(found.opened_on), "afgesloten_op": _iso(found.closed_on)}
                      for found in requests],
        "avg_handelingen": [{"handeling": row.action.value, "door": row.user_name, "op": _iso(row.created_at),
                             "reden": row.reason} for row in actions],
        "bewaartermijn": [{"op_de_lijst_sinds": _iso(row.listed_on),
                           "besluit": row.decision.value if row.decision else None, "reden": row.reason,
                           "bewaren_tot": _iso(row.keep_until)} for row in reviews],
        "auditlog": [{"op": _iso(line.at), "handeling": line.action, "door": line.user_name,
                      "wijzigingen": line.changes, "toelichting": line.note} for line in audit_lines],
    }


def _value(choice) -> str | None:
    return choice.value if choice is not None else None


def _interactions_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([_("Datum"), _("Soort"), _("Niveau"), _("Onderwerp"), _("Samenvatting"), _("Uitkomst"),
                     _("Vertrouwelijk"), _("Vastgelegd door"), _("Organisaties"), _("Prioriteiten")])
    for item in data["contactmomenten"]:
        writer.writerow([safe_cell(value) for value in (
            item["datum"], item["soort"], item["niveau"], item["onderwerp"], item["samenvatting"], item["uitkomst"],
            _("ja") if item["vertrouwelijk"] else _("nee"), item["vastgelegd_door"],
            ", ".join(item["organisaties"]), ", ".join(item["prioriteiten"]))])
    return BOM + out.getvalue()


def export_person(contact: Contact, acting: User, today: date) -> bytes:
    """A ZIP with everything held about the person: gegevens.json (all of it)
    and contactmomenten.csv (for Excel). Logged in the AVG log and the audit log."""
    if not handles_requests(acting):
        raise NotAllowed(_l("Alleen beheerders en managers maken een AVG-export."))
    data = person_data(contact, acting, today)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("contactmomenten.csv", _interactions_csv(data))
    row = _log(AvgActionKind.EXPORT, contact, acting)
    db.session.flush()
    audit.record(audit.EXPORT, "contacts", contact.id, note=f"AVG-inzage (avg_actions {row.id})", commit=False)
    return buffer.getvalue()


# --- Anonymising ----------------------------------------------------------------------------------------------------

PERSONAL_FIELDS = ("name", "function", "email", "phone", "notes")


def anonymised_name(contact_id: int) -> str:
    return _("Geanonimiseerd contact %(id)s", id=contact_id)


def _scrub_texts(contact: Contact, placeholder: str) -> int:
    """Replaces the person's name, e-mail address and phone number in the texts
    of the contactmomenten they took part in (confidential ones too); returns
    how many contactmomenten changed."""
    known = sorted({value for value in (contact.name, contact.email, contact.phone) if value and len(value) > 2},
                   key=len, reverse=True)
    if not known:
        return 0
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in known), re.IGNORECASE)
    changed = 0
    rows = db.session.execute(select(Interaction.id, Interaction.subject, Interaction.summary, Interaction.outcome)
                              .where(_took_part(contact))).all()
    for interaction_id, *texts in rows:
        new = [pattern.sub(lambda match: placeholder, text or "") for text in texts]
        if new != [text or "" for text in texts]:
            db.session.execute(update(Interaction).where(Interaction.id == interaction_id).values(
                subject=new[0][:200], summary=new[1], outcome=new[2]))
            changed += 1
    for follow_up_id, description in db.session.execute(
            select(FollowUp.id, FollowUp.description).where(FollowUp.interaction_id.in_(
                select(interaction_contacts.c.interaction_id).where(interaction_contacts.c.contact_id == contact.id)))):
        new = pattern.sub(lambda match: placeholder, description)
        if new != description:
            db.session.execute(update(FollowUp).where(FollowUp.id == follow_up_id).values(description=new[:500]))
    return changed


def anonymise(contact: Contact, *, acting: User, reason: str, today: date) -> Contact:
    """Removes the person's data, also where the texts of their contactmomenten
    name them; the record and its links to contactmomenten stay.

    Written as plain UPDATEs, so the audit line says what was cleared without
    repeating what it held."""
    if not reviews_retention(acting):
        raise NotAllowed(_l("Alleen een beheerder anonimiseert een contactpersoon."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Vul de reden in."), field="reason")
    if contact.anonymised_at is not None:
        raise DomainError(_l("Deze contactpersoon is al geanonimiseerd."))
    ensure_not_held(contact, today, _("Anonimiseren"))
    now = utcnow()
    cleared = [name for name in PERSONAL_FIELDS if getattr(contact, name)]
    scrubbed = _scrub_texts(contact, anonymised_name(contact.id))
    db.session.execute(update(Contact).where(Contact.id == contact.id).values(
        name=anonymised_name(contact.id), function=None, email=None, phone=None, notes=None, public_figure=False,
        anonymised_at=now, owner_id=None, cadence_days=None, cadence_disabled=True))
    # What colleagues wrote about the person on the stakeholder maps; where
    # they stood on a map stays, as it does for the contactmomenten.
    db.session.execute(update(Stakeholder).where(Stakeholder.contact_id == contact.id).values(note=None))
    db.session.execute(update(StakeholderChange).where(StakeholderChange.contact_id == contact.id)
                       .values(old_note=None, new_note=None))
    db.session.expire_all()  # the UPDATEs went past the objects the session holds
    db.session.execute(update(RetentionReview).where(RetentionReview.contact_id == contact.id,
                                                     RetentionReview.decision.is_(None))
                       .values(decision=RetentionDecision.ANONYMISE, reason=reason, decided_by_id=acting.id,
                               decided_at=now))
    _log(AvgActionKind.ANONYMISE, contact, acting, reason)
    db.session.flush()
    audit.record(audit.UPDATE, "contacts", contact.id, note=_(
        "AVG: geanonimiseerd; de naam is vervangen in %(count)s contactmomenten. Reden: %(reason)s",
        count=scrubbed, reason=reason),
                 changes={name: [audit.MASK, None] for name in cleared} | {"name": [audit.MASK, contact.name]},
                 commit=False)
    return contact


# --- Retention review -----------------------------------------------------------------------------------------------

def retention_cutoff(today: date, years: int) -> datetime:
    """The start of the day `years` before today, in the municipality's zone, as UTC."""
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(timezone.utc)


def _kept(today: date):
    return exists().where(RetentionReview.contact_id == Contact.id,
                          RetentionReview.decision == RetentionDecision.KEEP, RetentionReview.keep_until > today)


def _recent_contact(cutoff: datetime):
    return exists().where(interaction_contacts.c.contact_id == Contact.id, interaction_contacts.c.occurred_at >= cutoff)


def _open_review():
    return exists().where(RetentionReview.contact_id == Contact.id, RetentionReview.decision.is_(None))


def retention_candidates(today: date, years: int):
    """Contacts with no contactmoment since the cut-off (and known longer than
    that), not anonymised, not kept by a decision that still holds."""
    cutoff = retention_cutoff(today, years)
    return (select(Contact.id)
            .where(Contact.anonymised_at.is_(None), Contact.created_at < cutoff,
                   not_(_recent_contact(cutoff)), not_(_kept(today))))


@dataclass
class ListingResult:
    listed: int
    held: int
    dropped: int


def list_for_review(today: date, years: int) -> ListingResult:
    """The monthly listing: new candidates go on the review list; contacts
    under a legal hold are not listed at all; listed contacts that had a
    contactmoment since drop off. A second run the same day adds nothing."""
    candidates = retention_candidates(today, years)
    held = db.session.scalar(select(func.count()).select_from(
        candidates.where(Contact.id.in_(held_contact_ids(today))).subquery()))
    new_ids = list(db.session.scalars(candidates.where(Contact.id.not_in(held_contact_ids(today)),
                                                       not_(_open_review())).order_by(Contact.id)))
    last = dict(db.session.execute(
        select(interaction_contacts.c.contact_id, func.max(interaction_contacts.c.occurred_at))
        .where(interaction_contacts.c.contact_id.in_(new_ids)).group_by(interaction_contacts.c.contact_id)).all()
    ) if new_ids else {}
    db.session.add_all(RetentionReview(contact_id=contact_id, listed_on=today, last_contact_at=last.get(contact_id))
                       for contact_id in new_ids)
    stale = db.session.execute(
        RetentionReview.__table__.delete().where(
            RetentionReview.decision.is_(None),
            RetentionReview.contact_id.not_in(candidates.where(Contact.id.not_in(held_contact_ids(today))))))
    db.session.flush()
    return ListingResult(listed=len(new_ids), held=held or 0, dropped=max(stale.rowcount or 0, 0))


@dataclass
class ReviewRow:
    review: RetentionReview
    last_contact_at: datetime | None
    holds: list


def open_reviews(today: date) -> list[ReviewRow]:
    """The listed contacts awaiting a decision, with the requests that hold them."""
    reviews = list(db.session.scalars(
        select(RetentionReview).join(RetentionReview.contact)
        .where(RetentionReview.decision.is_(None), Contact.anonymised_at.is_(None))
        .options(selectinload(RetentionReview.contact).selectinload(Contact.organisation))
        .order_by(RetentionReview.listed_on, Contact.name, RetentionReview.id)))
    ids = [review.contact_id for review in reviews]
    holds = holds_for(ids, today)
    last = dict(db.session.execute(
        select(interaction_contacts.c.contact_id, func.max(interaction_contacts.c.occurred_at))
        .where(interaction_contacts.c.contact_id.in_(ids)).group_by(interaction_contacts.c.contact_id)).all()
    ) if ids else {}
    return [ReviewRow(review, last.get(review.contact_id), holds.get(review.contact_id, [])) for review in reviews]


def keep(review: RetentionReview, *, acting: User, reason: str, today: date) -> RetentionReview:
    if not reviews_retention(acting):
        raise NotAllowed(_l("Alleen een beheerder beoordeelt de bewaartermijn."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Vul de reden in waarom de gegevens blijven."), field="reason")
    if review.decision is not None:
        raise DomainError(_l("Over deze contactpersoon is al besloten."))
    review.decision, review.reason, review.decided_by = RetentionDecision.KEEP, reason, acting
    review.decided_at = utcnow()
    review.keep_until = date.fromordinal(today.toordinal() + KEEP_FOR_DAYS)
    db.session.flush()
    return review


def avg_log(limit: int = 200) -> list[AvgAction]:
    return list(db.session.scalars(select(AvgAction).order_by(AvgAction.created_at.desc(), AvgAction.id.desc())
                                   .limit(limit)))


def actions_for(contact: Contact) -> list[AvgAction]:
    return list(db.session.scalars(select(AvgAction).where(AvgAction.contact_id == contact.id)
                                   .order_by(AvgAction.created_at.desc(), AvgAction.id.desc())))

