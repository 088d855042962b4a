"""Contactmomenten and follow-ups: who sees them, saving, listing."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, false, func, or_, select, true, update
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..auth.service import normalise_email
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..neglect import service as neglect
from ..relations.models import Contact, Organisation
from ..strategy.models import Priority
from .models import (
    FollowUp, Interaction, InteractionKind, Level, interaction_contacts, interaction_organisations,
    interaction_participants,
)

PAGE_SIZE = 50


@dataclass
class FollowUpData:
    description: str
    owner_id: int
    due_date: date
    id: int | None = None


@dataclass
class NewContactData:
    name: str
    function: str | None = None
    organisation_id: int | None = None
    email: str | None = None


@dataclass
class InteractionData:
    occurred_at: datetime
    kind: InteractionKind
    level: Level
    subject: str
    summary: str = ""
    outcome: str = ""
    confidential: bool = False
    contact_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    participant_ids: list[int] = field(default_factory=list)
    priority_ids: list[int] = field(default_factory=list)
    follow_ups: list[FollowUpData] = field(default_factory=list)
    removed_follow_up_ids: list[int] = field(default_factory=list)
    new_contact: NewContactData | None = None
    # Addresses read from an invitation or e-mail that the user chose to add;
    # one that meanwhile belongs to a contact links that contact instead.
    new_contacts: list[NewContactData] = field(default_factory=list)


def visible_to(user: User):
    """The SQL condition for contactmomenten this user may see.

    Confidential ones are seen only by their author, their internal
    participants, managers and directors.
    """
    if user.sees_all_confidential:
        return true()
    participates = exists().where(
        interaction_participants.c.interaction_id == Interaction.id,
        interaction_participants.c.user_id == user.id,
    )
    return or_(Interaction.confidential == false(), Interaction.author_id == user.id, participates)


def can_view(user: User, interaction: Interaction) -> bool:
    return (not interaction.confidential or user.sees_all_confidential or interaction.author_id == user.id
            or any(participant.id == user.id for participant in interaction.participants))


def can_edit(user: User, interaction: Interaction) -> bool:
    return can_view(user, interaction) and (
        interaction.author_id == user.id or user.edits_all_interactions)


def _load_all(model, ids: list[int], field_name: str, message):
    ids = sorted(set(ids))
    if not ids:
        return []
    found = db.session.scalars(select(model).where(model.id.in_(ids))).all()
    if len(found) != len(ids):
        raise DomainError(message, field=field_name)
    return list(found)


def _colleagues(ids: list[int], field_name: str) -> list[User]:
    return _load_all(User, ids, field_name, _l("Kies collega's uit de lijst."))


def save_interaction(data: InteractionData, acting: User, interaction: Interaction | None = None) -> Interaction:
    """Creates or updates a contactmoment with its links and follow-ups.

    Flushes but does not commit: the caller owns the transaction, so that
    the whole contactmoment is stored or nothing is.
    """
    if interaction is not None and not can_edit(acting, interaction):
        raise NotAllowed(_l("U mag dit contactmoment niet bewerken."))
    if not data.subject.strip():
        raise DomainError(_l("Vul een onderwerp in."), field="subject")
    if data.occurred_at > utcnow():
        raise DomainError(_l("Een contactmoment ligt niet in de toekomst."), field="occurred_on")
    priorities = _load_all(Priority, data.priority_ids, "priority_ids", _l("Kies prioriteiten uit de lijst."))
    if not priorities:
        raise DomainError(_l("Kies minstens één strategische prioriteit."), field="priority_ids")
    contacts = _load_all(Contact, data.contact_ids, "contact_ids", _l("Kies contactpersonen uit de lijst."))
    organisations = _load_all(Organisation, data.organisation_ids, "organisation_ids",
                              _l("Kies organisaties uit de lijst."))
    participants = _colleagues(data.participant_ids, "participant_ids")

    if data.new_contact is not None:
        email = normalise_email(data.new_contact.email or "") or None
        if email and db.session.scalar(select(Contact.id).where(Contact.email == email)) is not None:
            raise DomainError(_l("Er is al een contactpersoon met dit e-mailadres; kies die in de lijst."),
                              field="new_contact_email")
        contact = Contact(name=data.new_contact.name, function=data.new_contact.function or None, email=email)
        if data.new_contact.organisation_id is not None:
            contact.organisation = db.session.get(Organisation, data.new_contact.organisation_id)
            if contact.organisation is None:
                raise DomainError(_l("Kies een organisatie uit de lijst."), field="new_contact_organisation_id")
            if contact.organisation not in organisations:
                organisations.append(contact.organisation)
        db.session.add(contact)
        contacts.append(contact)
    for offered in data.new_contacts:
        contact = _offered_contact(offered)
        if contact not in contacts:
            contacts.append(contact)
    # A contact's organisation is part of the contact, so it is linked too:
    # the organisation's history then shows the contactmoment.
    for contact in contacts:
        if contact.organisation is not None and contact.organisation not in organisations:
            organisations.append(contact.organisation)

    if interaction is None:
        interaction = Interaction(author=acting)
        db.session.add(interaction)
    interaction.occurred_at = data.occurred_at
    interaction.kind = data.kind
    interaction.level = data.level
    interaction.subject = data.subject.strip()
    interaction.summary = data.summary
    interaction.outcome = data.outcome
    interaction.confidential = data.confidential
    interaction.priorities = priorities
    interaction.contacts = contacts
    interaction.organisations = organisations
    interaction.participants = participants
    _save_follow_ups(interaction, data)
    db.session.flush()
    for link in (interaction_contacts, interaction_organisations):
        db.session.execute(update(link).where(link.c.interaction_id == interaction.id)
                           .values(occurred_at=interaction.occurred_at))
    neglect.resolve_for_interaction(interaction)
    return interaction


def _offered_contact(offered: NewContactData) -> Contact:
    email = normalise_email(offered.email or "") or None
    if email:
        known = db.session.scalar(select(Contact).where(Contact.email == email).order_by(Contact.id).limit(1))
        if known is not None:
            return known
    contact = Contact(name=offered.name, function=offered.function or None, email=email)
    if offered.organisation_id is not None:
        contact.organisation = db.session.get(Organisation, offered.organisation_id)
        if contact.organisation is None:
            raise DomainError(_l("Kies een organisatie uit de lijst."), field="new_contacts")
    db.session.add(contact)
    return contact


def _save_follow_ups(interaction: Interaction, data: InteractionData) -> None:
    existing = {follow_up.id: follow_up for follow_up in interaction.follow_ups if follow_up.id is not None}
    owners = {user.id: user for user in _colleagues(
        [item.owner_id for item in data.follow_ups], "follow_ups")}
    for removed_id in data.removed_follow_up_ids:
        if removed_id in existing:
            interaction.follow_ups.remove(existing.pop(removed_id))
    for item in data.follow_ups:
        follow_up = existing.get(item.id) if item.id is not None else None
        if follow_up is None:
            follow_up = FollowUp()
            interaction.follow_ups.append(follow_up)
        follow_up.description = item.description
        follow_up.owner = owners[item.owner_id]
        follow_up.due_date = item.due_date


def delete_interaction(interaction: Interaction, acting: User) -> None:
    if not can_edit(acting, interaction):
        raise NotAllowed(_l("U mag dit contactmoment niet verwijderen."))
    db.session.delete(interaction)
    db.session.flush()


def complete_follow_up(follow_up: FollowUp, acting: User) -> None:
    if follow_up.owner_id != acting.id and not can_edit(acting, follow_up.interaction):
        raise NotAllowed(_l("Alleen de eigenaar of wie het contactmoment mag bewerken, rondt deze actie af."))
    follow_up.completed_at = utcnow()
    neglect.resolve_follow_up(follow_up, acting)
    db.session.flush()


def _with_links(query):
    return query.options(
        selectinload(Interaction.author),
        selectinload(Interaction.organisations),
        selectinload(Interaction.contacts),
        selectinload(Interaction.priorities).selectinload(Priority.theme),
    )


def recent_for_user(user: User, limit: int = 10) -> list[Interaction]:
    """The user's own latest contactmomenten: authored or taken part in."""
    participates = exists().where(interaction_participants.c.interaction_id == Interaction.id,
                                  interaction_participants.c.user_id == user.id)
    query = (select(Interaction).where(or_(Interaction.author_id == user.id, participates))
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit))
    return list(db.session.scalars(_with_links(query)))


def open_follow_ups(user: User) -> list[FollowUp]:
    query = (select(FollowUp).where(FollowUp.owner_id == user.id, FollowUp.completed_at.is_(None))
             .join(FollowUp.interaction).where(visible_to(user))
             .order_by(FollowUp.due_date, FollowUp.id)
             .options(selectinload(FollowUp.interaction)))
    return list(db.session.scalars(query))


def latest_visible(user: User, *conditions, limit: int = PAGE_SIZE, offset: int = 0) -> list[Interaction]:
    """Contactmomenten the user may see, newest first, narrowed by conditions."""
    query = (select(Interaction).where(visible_to(user), *conditions)
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit).offset(offset))
    return list(db.session.scalars(_with_links(query)))


def count_visible(user: User, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(Interaction).where(visible_to(user), *conditions))


def history_of(user: User, column, relation_id: int, limit: int, offset: int = 0) -> list[Interaction]:
    """The newest contactmomenten with one organisation or contact person that
    the user may see; `column` is the link's organisation_id or contact_id.
    Read backwards along the link's (relation, time, contactmoment) index, so
    the page costs the same for a history of ten or of twenty thousand."""
    link = column.table
    query = (select(Interaction).join(link, link.c.interaction_id == Interaction.id)
             .where(column == relation_id, visible_to(user))
             .order_by(link.c.occurred_at.desc(), link.c.interaction_id.desc()).limit(limit).offset(offset))
    return list(db.session.scalars(_with_links(query)))


def count_history(user: User, column, relation_id: int, limit: int) -> tuple[int, bool]:
    """How many of those the user may see, counted up to `limit`; and whether
    there are more. Who sees everything is answered from the index alone."""
    link = column.table
    query = select(link.c.interaction_id).where(column == relation_id)
    if not user.sees_all_confidential:
        query = query.join(Interaction, Interaction.id == link.c.interaction_id).where(visible_to(user))
    count = db.session.scalar(select(func.count()).select_from(query.limit(limit + 1).subquery()))
    return min(count, limit), count > limit


def load_for_page(interaction_id: int) -> Interaction | None:
    query = _with_links(select(Interaction).where(Interaction.id == interaction_id)).options(
        selectinload(Interaction.participants),
        selectinload(Interaction.follow_ups).selectinload(FollowUp.owner))
    return db.session.scalar(query)
