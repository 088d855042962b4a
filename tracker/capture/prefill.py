"""Fills the contactmoment form from a Capture: the people in it matched to
contacts and colleagues by e-mail address, the others offered as new contacts.

Nothing is stored here; the user checks the form and saves it.
"""

import re
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..auth.models import User
from ..extensions import db
from ..formatting import to_local
from ..forms import as_choices
from ..relations.models import Contact, Organisation
from .parse import Address, Capture

# Addresses at these domains say nothing about someone's organisation.
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.com", "live.nl",
    "msn.com", "icloud.com", "me.com", "yahoo.com", "yahoo.nl", "ziggo.nl", "kpnmail.nl", "kpnplanet.nl",
    "planet.nl", "xs4all.nl", "home.nl", "hetnet.nl", "casema.nl", "upcmail.nl", "telfort.nl", "proton.me",
    "protonmail.com", "gmx.com", "gmx.net",
})
# "Visser, Ingrid (BZK)" as Outlook's address book writes names.
SURNAME_FIRST = re.compile(r"^\s*([^,()]+),\s*([^,()]+?)\s*(?:\([^)]*\))?\s*$")
TRAILING_NOTE = re.compile(r"\s*\([^)]*\)\s*$")


def fill_form(form, capture: Capture) -> list[Address]:
    """Puts what the capture says into an InteractionForm (not yet filled in
    from a request) and returns the addresses that are neither a contact nor a
    colleague, in the order they appear. Each of those (up to the form's
    maximum) is offered as a new contact, not ticked."""
    if capture.starts_at is not None:
        local = to_local(capture.starts_at)
        form.occurred_on.data, form.occurred_time.data = local.date(), local.time().replace(second=0, microsecond=0)
    if capture.kind:
        form.kind.data = capture.kind
    form.subject.data = capture.subject[:200]
    form.summary.data = capture.summary

    people = ([capture.organiser] if capture.organiser else []) + list(capture.attendees)
    emails = list(dict.fromkeys(person.email for person in people))
    contacts = _contacts_by_email(emails)
    colleagues = _colleagues_by_email(emails)

    form.contact_ids.data = _merge(form.contact_ids.data, [contacts[email][0] for email in emails if email in contacts])
    form.organisation_ids.data = _merge(form.organisation_ids.data, [
        contacts[email][1] for email in emails if email in contacts and contacts[email][1] is not None])
    form.participant_ids.data = _merge(form.participant_ids.data,
                                       [colleagues[email] for email in emails if email in colleagues])

    unknown, seen = [], set()
    for person in people:
        if person.email in contacts or person.email in colleagues or person.email in seen:
            continue
        seen.add(person.email)
        unknown.append(person)
    suggestions = suggested_organisations(person.email for person in unknown)
    while len(form.new_contacts):
        form.new_contacts.pop_entry()
    for person in unknown[:form.new_contacts.max_entries]:
        choices = suggestions.get(domain_of(person.email), [])
        form.new_contacts.append_entry({
            "add": False, "name": contact_name(person), "email": person.email,
            "organisation_id": choices[0][0] if choices else None})
    offer_organisations(form, suggestions)
    return unknown


def contact_name(address: Address) -> str:
    """A person's name as the contact list writes it: "Ingrid Visser", not "Visser, Ingrid (BZK)"."""
    name = address.name
    match = SURNAME_FIRST.match(name)
    if match:
        name = f"{match.group(2)} {match.group(1)}"
    name = TRAILING_NOTE.sub("", name).strip()
    return name or address.email.split("@", 1)[0]


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""


def suggested_organisations(emails) -> dict[str, list[tuple[int, str]]]:
    """Per e-mail domain, the organisations of the contacts who share it, the most common first.

    One query for all domains; public mail domains (gmail.com, ziggo.nl, ...) suggest nothing."""
    domains = sorted({domain_of(email) for email in emails} - PUBLIC_MAIL_DOMAINS - {""})
    if not domains:
        return {}
    rows = db.session.execute(
        select(Contact.email, Organisation.id, Organisation.name, Organisation.abbreviation)
        .join(Contact.organisation)
        .where(or_(*(Contact.email.like(f"%@{_escape_like(domain)}", escape="\\") for domain in domains))))
    counts: dict[str, Counter] = {}
    names: dict[int, str] = {}
    for email, organisation_id, name, abbreviation in rows:
        counts.setdefault(domain_of(email), Counter())[organisation_id] += 1
        names[organisation_id] = f"{name} ({abbreviation})" if abbreviation and abbreviation not in name else name
    return {domain: [(organisation_id, names[organisation_id]) for organisation_id, _count in counter.most_common()]
            for domain, counter in counts.items()}


def offer_organisations(form, suggestions: dict[str, list[tuple[int, str]]] | None = None) -> None:
    """Each offered contact chooses its organisation among those its e-mail domain suggests."""
    entries = [entry.form for entry in form.new_contacts if entry.form.organisation_id.choices is None]
    if not entries:
        return
    if suggestions is None:
        suggestions = suggested_organisations(entry.email.data or "" for entry in entries)
    for entry in entries:
        entry.organisation_id.choices = as_choices(suggestions.get(domain_of(entry.email.data or ""), []),
                                                   blank=_("— geen —"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contacts_by_email(emails: list[str]) -> dict[str, tuple[int, int | None]]:
    if not emails:
        return {}
    rows = db.session.execute(select(Contact.email, Contact.id, Contact.organisation_id)
                              .where(Contact.email.in_(emails), Contact.anonymised_at.is_(None))
                              .order_by(Contact.id))
    found: dict[str, tuple[int, int | None]] = {}
    for email, contact_id, organisation_id in rows:
        found.setdefault(email, (contact_id, organisation_id))
    return found


def _colleagues_by_email(emails: list[str]) -> dict[str, int]:
    if not emails:
        return {}
    rows = db.session.execute(select(User.email, User.id).where(User.email.in_(emails), User.active.is_(True)))
    return {email: user_id for email, user_id in rows}


def _merge(existing, ids) -> list[int]:
    return list(dict.fromkeys([*(existing or []), *ids]))
