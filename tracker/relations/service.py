"""Organisations and contacts: finding them, their history, editing."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..auth.models import Role, User
from ..auth.service import normalise_email
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..interactions.models import Interaction, interaction_contacts, interaction_organisations
from ..interactions.service import visible_to
from ..search import service as search
from ..strategy.models import Arena, Engagement, Position
from .models import Contact, Organisation, OrganisationKind, is_public_office

LIST_LIMIT = 200


def like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.abbreviation)
                              .order_by(Organisation.name))
    return [(id_, _organisation_label(name, abbreviation)) for id_, name, abbreviation in rows]


# Pickers: how many matches of a search a form shows at once.
PICK_LIMIT = 20


def _organisation_label(name: str, abbreviation: str | None) -> str:
    return f"{name} ({abbreviation})" if abbreviation and abbreviation not in name else name


def _contact_label(name: str, function: str | None, organisation: str | None) -> str:
    label = f"{name}, {function}" if function else name
    return f"{label} — {organisation}" if organisation else label


def _contact_rows(*conditions):
    return (select(Contact.id, Contact.name, Contact.function, Organisation.name)
            .outerjoin(Contact.organisation).where(*conditions))


def contact_labels(ids: list[int]) -> dict[int, str]:
    """{id: label} of those of the ids that are contacts, in one query."""
    rows = db.session.execute(_contact_rows(Contact.id.in_(ids)))
    return {id_: _contact_label(name, function, organisation) for id_, name, function, organisation in rows}


def find_contacts(terms: str, exclude: set[int] = frozenset(),
                  limit: int = PICK_LIMIT) -> tuple[list[tuple[int, str]], bool]:
    """Contacts matching a search by name, function, organisation or e-mail
    address, by name: up to `limit` (id, label) pairs and whether there are
    more. Anonymised contacts are no one to choose: left out."""
    conditions = search.picker_contact_conditions(terms)
    if not conditions:
        return [], False
    query = _contact_rows(Contact.anonymised_at.is_(None), *conditions)
    if exclude:
        query = query.where(Contact.id.notin_(exclude))
    rows = db.session.execute(query.order_by(Contact.name, Contact.id).limit(limit + 1)).all()
    return [(id_, _contact_label(name, function, organisation))
            for id_, name, function, organisation in rows[:limit]], len(rows) > limit


def organisation_labels(ids: list[int]) -> dict[int, str]:
    """{id: label} of those of the ids that are organisations, in one query."""
    rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.abbreviation)
                              .where(Organisation.id.in_(ids)))
    return {id_: _organisation_label(name, abbreviation) for id_, name, abbreviation in rows}


def find_organisations(terms: str, exclude: set[int] = frozenset(),
                       limit: int = PICK_LIMIT) -> tuple[list[tuple[int, str]], bool]:
    """Organisations matching a search by name or abbreviation, by name."""
    conditions = search.picker_organisation_conditions(terms)
    if not conditions:
        return [], False
    query = select(Organisation.id, Organisation.name, Organisation.abbreviation).where(*conditions)
    if exclude:
        query = query.where(Organisation.id.notin_(exclude))
    rows = db.session.execute(query.order_by(Organisation.name, Organisation.id).limit(limit + 1)).all()
    return [(id_, _organisation_label(name, abbreviation)) for id_, name, abbreviation in rows[:limit]], \
        len(rows) > limit


def last_contacts_by(column, ids: list[int], user: User) -> dict[int, object]:
    """Per id (an organisation or a contact), the last contactmoment's time."""
    if not ids:
        return {}
    link = column.table
    relation = next(iter(column.foreign_keys)).column
    # Per relation the newest visible link, walked newest first along the
    # link's (relation, time) index: one step for most, however many
    # contactmomenten a busy organisation has.
    latest = (select(link.c.occurred_at).join(Interaction, Interaction.id == link.c.interaction_id)
              .where(column == relation, visible_to(user))
              .order_by(link.c.occurred_at.desc()).limit(1).correlate(relation.table).scalar_subquery())
    rows = db.session.execute(select(relation, latest).where(relation.in_(ids)))
    return {relation_id: occurred_at for relation_id, occurred_at in rows if occurred_at is not None}


def search_organisations(user: User, text: str = "", arena_id: int | None = None,
                         kind: OrganisationKind | None = None) -> tuple[list[Organisation], dict]:
    query = select(Organisation).options(selectinload(Organisation.arena)).order_by(Organisation.name)
    if text:
        query = query.where(or_(Organisation.name.ilike(like(text), escape="\\"),
                                Organisation.abbreviation.ilike(like(text), escape="\\")))
    if arena_id is not None:
        query = query.where(Organisation.arena_id == arena_id)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    organisations = list(db.session.scalars(query.limit(LIST_LIMIT)))
    last = last_contacts_by(interaction_organisations.c.organisation_id,
                            [organisation.id for organisation in organisations], user)
    return organisations, last


def search_contacts(user: User, text: str = "", organisation_id: int | None = None) -> tuple[list[Contact], dict]:
    query = select(Contact).options(selectinload(Contact.organisation)).order_by(Contact.name)
    if text:
        query = query.where(or_(Contact.name.ilike(like(text), escape="\\"),
                                Contact.function.ilike(like(text), escape="\\"),
                                Contact.email.ilike(like(text), escape="\\")))
    if organisation_id is not None:
        query = query.where(Contact.organisation_id == organisation_id)
    contacts = list(db.session.scalars(query.limit(LIST_LIMIT)))
    last = last_contacts_by(interaction_contacts.c.contact_id, [contact.id for contact in contacts], user)
    return contacts, last


def arenas() -> list[Arena]:
    return list(db.session.scalars(select(Arena).order_by(Arena.sort_order, Arena.name)))


def organisation_for_page(organisation_id: int) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.id == organisation_id).options(
        selectinload(Organisation.arena), selectinload(Organisation.parent),
        selectinload(Organisation.children), selectinload(Organisation.contacts),
        selectinload(Organisation.engagements).selectinload(Engagement.theme),
        selectinload(Organisation.engagements).selectinload(Engagement.priorities),
        selectinload(Organisation.positions).selectinload(Position.holder),
        selectinload(Organisation.positions).selectinload(Position.themes)))


def contact_for_page(contact_id: int) -> Contact | None:
    return db.session.scalar(select(Contact).where(Contact.id == contact_id).options(
        selectinload(Contact.organisation).selectinload(Organisation.engagements).selectinload(Engagement.theme),
        selectinload(Contact.organisation).selectinload(Organisation.positions)))


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = db.session.get(User, owner_id)
    if owner is None or not owner.can_log_in:
        raise DomainError(_l("Kies een collega die kan inloggen."), field="owner_id")
    return owner


def _relationship(relation, *, owner_id: int | None, cadence_days: int | None, cadence_disabled: bool) -> None:
    relation.owner = _owner(owner_id)
    relation.cadence_days = cadence_days
    relation.cadence_disabled = cadence_disabled


def save_contact(contact: Contact | None, *, name: str, function: str | None, organisation_id: int | None,
                 email: str | None, phone: str | None, notes: str | None, acting: User,
                 owner_id: int | None = None, cadence_days: int | None = None,
                 cadence_disabled: bool = False, public_figure: bool | None = None) -> Contact:
    """`public_figure` None: a new contact gets it from its function, an existing one keeps it."""
    organisation = None
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise DomainError(_l("Kies een organisatie uit de lijst."), field="organisation_id")
    email = normalise_email(email or "") or None
    if email:
        same = select(Contact.id).where(Contact.email == email)
        if contact is not None:
            same = same.where(Contact.id != contact.id)
        if db.session.scalar(same) is not None:
            raise DomainError(_l("Er is al een contactpersoon met dit e-mailadres."), field="email")
    if contact is None:
        contact = Contact()
        db.session.add(contact)
    contact.name = name
    contact.function = function or None
    contact.organisation = organisation
    contact.email = email
    contact.phone = phone or None
    contact.notes = notes or None
    if public_figure is not None:
        contact.public_figure = public_figure
    elif contact.id is None:
        contact.public_figure = is_public_office(contact.function)
    _relationship(contact, owner_id=owner_id, cadence_days=cadence_days, cadence_disabled=cadence_disabled)
    db.session.flush()
    return contact


def save_organisation(organisation: Organisation | None, *, name: str, abbreviation: str | None,
                      kind: OrganisationKind, arena_id: int | None, parent_id: int | None,
                      description: str | None, acting: User, owner_id: int | None = None,
                      cadence_days: int | None = None, cadence_disabled: bool = False) -> Organisation:
    if acting.role not in (Role.MANAGER, Role.ADMINISTRATOR):
        raise NotAllowed(_l("Alleen managers en beheerders wijzigen organisaties."))
    arena = db.session.get(Arena, arena_id) if arena_id is not None else None
    if arena_id is not None and arena is None:
        raise DomainError(_l("Kies een netwerk uit de lijst."), field="arena_id")
    parent = db.session.get(Organisation, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise DomainError(_l("Kies een organisatie uit de lijst."), field="parent_id")
    ancestor = parent
    while ancestor is not None:
        if organisation is not None and ancestor.id == organisation.id:
            raise DomainError(_l("Een organisatie kan niet onder zichzelf vallen."), field="parent_id")
        ancestor = ancestor.parent
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = name
    organisation.abbreviation = abbreviation or None
    organisation.kind = kind
    organisation.arena = arena
    organisation.parent = parent
    organisation.description = description or None
    _relationship(organisation, owner_id=owner_id, cadence_days=cadence_days, cadence_disabled=cadence_disabled)
    db.session.flush()
    return organisation
