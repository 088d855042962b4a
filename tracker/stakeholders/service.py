"""The stakeholder map (krachtenveld) per priority: who matters to it, where
they stand towards Zaanstad's position, and how that moved.

Every addition, change and removal writes a StakeholderChange with its
author, time and the old and new values, so the map of any earlier day can
be rebuilt from the history alone (`positions_at`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exc, select
from sqlalchemy.orm import joinedload

from ..auth.models import Role, User
from ..database import utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..interactions.models import Interaction, interaction_contacts, interaction_organisations
from ..neglect import service as neglect
from ..relations.models import Contact, Organisation
from ..strategy.models import Priority
from .models import Attitude, Influence, Stakeholder, StakeholderAction, StakeholderChange

NOTE_LENGTH = 300
HISTORY_LIMIT = 200

Position = tuple[Influence, Attitude]


def can_edit(user: User) -> bool:
    """Managers keep the maps, as they keep the organisations; beheerders may too."""
    return user.role in (Role.MANAGER, Role.ADMINISTRATOR)


def _check_editor(acting: User) -> None:
    if not can_edit(acting):
        raise NotAllowed(_l("Alleen managers en beheerders bewerken een krachtenveld."))


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise DomainError(_l("Gebruik hoogstens %(max)d tekens.", max=NOTE_LENGTH), field="note")
    return note or None


@dataclass
class StakeholderData:
    organisation_id: int | None
    contact_id: int | None
    influence: Influence
    attitude: Attitude
    note: str | None = None


# --- Changing a map ----------------------------------------------------------------------------------------------

def add_stakeholder(priority: Priority, data: StakeholderData, acting: User) -> Stakeholder:
    """Puts an organisation or a contact person (exactly one) on the priority's
    map. Broken rules name the field "relation": where the user picks one. Flushes."""
    _check_editor(acting)
    if data.organisation_id is None and data.contact_id is None:
        raise DomainError(_l("Zoek een organisatie of contactpersoon en kies er een."), field="relation")
    if data.organisation_id is not None and data.contact_id is not None:
        raise DomainError(_l("Kies een organisatie óf een contactpersoon, niet allebei."), field="relation")
    if data.organisation_id is not None:
        relation = db.session.get(Organisation, data.organisation_id)
        if relation is None:
            raise DomainError(_l("Deze organisatie bestaat niet (meer): zoek opnieuw."), field="relation")
        same = Stakeholder.organisation_id == relation.id
    else:
        relation = db.session.get(Contact, data.contact_id)
        if relation is None:
            raise DomainError(_l("Deze contactpersoon bestaat niet (meer): zoek opnieuw."), field="relation")
        same = Stakeholder.contact_id == relation.id
    duplicate = _l("%(name)s staat al op het krachtenveld van deze prioriteit.", name=relation.name)
    if db.session.scalar(select(Stakeholder.id).where(Stakeholder.priority_id == priority.id, same)) is not None:
        raise DomainError(duplicate, field="relation")
    note = _clean_note(data.note)
    stakeholder = Stakeholder(priority_id=priority.id, organisation_id=data.organisation_id,
                              contact_id=data.contact_id, influence=data.influence, attitude=data.attitude,
                              note=note, updated_at=utcnow())
    try:
        # A colleague adding the same one at the same moment meets the unique key.
        with db.session.begin_nested():
            db.session.add(stakeholder)
            db.session.flush()
    except exc.IntegrityError:
        raise DomainError(duplicate, field="relation") from None
    _record(stakeholder, StakeholderAction.ADDED, acting, new=(data.influence, data.attitude, note))
    db.session.flush()
    return stakeholder


def update_stakeholder(stakeholder: Stakeholder, influence: Influence, attitude: Attitude, note: str | None,
                       acting: User) -> bool:
    """Moves a stakeholder or changes its note; False (and no history line)
    when nothing changed. Flushes."""
    _check_editor(acting)
    note = _clean_note(note)
    old = (stakeholder.influence, stakeholder.attitude, stakeholder.note)
    new = (influence, attitude, note)
    if old == new:
        return False
    stakeholder.influence, stakeholder.attitude, stakeholder.note = new
    stakeholder.updated_at = utcnow()
    _record(stakeholder, StakeholderAction.CHANGED, acting, old=old, new=new)
    db.session.flush()
    return True


def remove_stakeholder(stakeholder: Stakeholder, acting: User) -> None:
    """Takes a stakeholder off the map; its history stays. Flushes."""
    _check_editor(acting)
    _record(stakeholder, StakeholderAction.REMOVED, acting,
            old=(stakeholder.influence, stakeholder.attitude, stakeholder.note))
    db.session.delete(stakeholder)
    db.session.flush()


def _record(stakeholder: Stakeholder, action: StakeholderAction, acting: User, old=(None, None, None),
            new=(None, None, None)) -> None:
    db.session.add(StakeholderChange(
        priority_id=stakeholder.priority_id, organisation_id=stakeholder.organisation_id,
        contact_id=stakeholder.contact_id, action=action, changed_at=utcnow(), changed_by_id=acting.id,
        old_influence=old[0], old_attitude=old[1], old_note=old[2],
        new_influence=new[0], new_attitude=new[1], new_note=new[2]))


# --- Reading a map -----------------------------------------------------------------------------------------------

def priority_for_map(priority_id: int) -> Priority | None:
    return db.session.scalar(select(Priority).where(Priority.id == priority_id).options(joinedload(Priority.theme)))


def stakeholder_for_page(stakeholder_id: int) -> Stakeholder | None:
    return db.session.scalar(select(Stakeholder).where(Stakeholder.id == stakeholder_id).options(
        joinedload(Stakeholder.priority).joinedload(Priority.theme), joinedload(Stakeholder.organisation),
        joinedload(Stakeholder.contact).joinedload(Contact.organisation)))


def sort_name(relation) -> str:
    return relation.name.casefold()


def stakeholders_of(priority: Priority) -> list[Stakeholder]:
    """The priority's map, by name. One query."""
    found = db.session.scalars(select(Stakeholder).where(Stakeholder.priority_id == priority.id).options(
        joinedload(Stakeholder.organisation), joinedload(Stakeholder.contact).joinedload(Contact.organisation)))
    return sorted(found, key=lambda item: (sort_name(item.relation), item.id))


def changes_of(priority: Priority) -> list[StakeholderChange]:
    """The whole history of the priority's map, oldest first. One query."""
    return list(db.session.scalars(
        select(StakeholderChange).where(StakeholderChange.priority_id == priority.id)
        .order_by(StakeholderChange.changed_at, StakeholderChange.id)
        .options(joinedload(StakeholderChange.organisation),
                 joinedload(StakeholderChange.contact).joinedload(Contact.organisation),
                 joinedload(StakeholderChange.changed_by))))


def positions_at(changes: list[StakeholderChange], moment: datetime) -> dict[tuple, tuple[Position, object]]:
    """The map as it was just before `moment`: per relation its position and
    the organisation or contact, rebuilt from the history (oldest first)."""
    found: dict[tuple, tuple[Position, object]] = {}
    for change in changes:
        if change.changed_at >= moment:
            break
        if change.action == StakeholderAction.REMOVED:
            found.pop(change.key, None)
        else:
            found[change.key] = ((change.new_influence, change.new_attitude), change.relation)
    return found


def previous_positions(changes: list[StakeholderChange]) -> dict[tuple, tuple[Position, StakeholderChange]]:
    """Per relation now on the map: where it stood before its latest move, and
    that move (the last change of influence or attitude since it was added)."""
    found: dict[tuple, tuple[Position, StakeholderChange]] = {}
    for change in changes:
        if change.action != StakeholderAction.CHANGED:
            found.pop(change.key, None)
        elif (change.old_influence, change.old_attitude) != (change.new_influence, change.new_attitude):
            found[change.key] = ((change.old_influence, change.old_attitude), change)
    return found


@dataclass
class Shift:
    """A stakeholder that moved, joined or left the map since the comparison."""

    relation: object
    key: tuple
    before: Position | None     # None: not on the map then
    after: Position | None      # None: not on the map now
    change: StakeholderChange | None = None


def shifts(stakeholders: list[Stakeholder], earlier: dict[tuple, Position],
           include_new_and_gone: bool, earlier_relations: dict[tuple, object]) -> list[Shift]:
    now = {item.key: item for item in stakeholders}
    found = []
    for key, item in now.items():
        position = (item.influence, item.attitude)
        if key in earlier and earlier[key] != position:
            found.append(Shift(item.relation, key, earlier[key], position))
        elif key not in earlier and include_new_and_gone:
            found.append(Shift(item.relation, key, None, position))
    if include_new_and_gone:
        found += [Shift(earlier_relations[key], key, position, None)
                  for key, position in earlier.items() if key not in now]
    return sorted(found, key=lambda shift: (sort_name(shift.relation), shift.key))


# --- The drawing -------------------------------------------------------------------------------------------------

ROWS = [Influence.HIGH, Influence.MEDIUM, Influence.LOW]
COLUMNS = [Attitude.AGAINST, Attitude.NEUTRAL, Attitude.FOR, Attitude.UNKNOWN]
# Each at least 4.5:1 against white; the column headings carry the meaning, the colour helps.
COLOURS = {Attitude.AGAINST: "#b3261e", Attitude.NEUTRAL: "#4d4d4d", Attitude.FOR: "#2c6e2f",
           Attitude.UNKNOWN: "#6a3d9a"}
GHOST = "#595959"
LEFT, TOP, CELL_WIDTH, LINE, PAD, MIN_LINES, LABEL_LENGTH = 88, 40, 210, 22, 10, 3, 25


@dataclass
class Dot:
    label: str
    title: str
    href: str | None
    x: float
    y: float
    colour: str
    ghost: bool = False


@dataclass
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Drawing:
    width: int
    height: int
    columns: list[tuple[float, str]] = field(default_factory=list)   # (centre x, heading)
    rows: list[tuple[float, float, float, str]] = field(default_factory=list)  # (top, height, centre y, heading)
    dots: list[Dot] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    left: int = LEFT
    top: int = TOP
    cell_width: int = CELL_WIDTH


def short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def draw(placed: list[tuple[tuple, object, Position, str, str]], ghosts: list[tuple[tuple, object, Position]],
         labels: dict, ghost_label) -> Drawing:
    """The grid of influence (rows, high on top) × attitude (columns) with a dot
    and a name per stakeholder, listed down each cell; `ghosts` are earlier
    positions, drawn hollow with an arrow to where the stakeholder is now.
    `placed`: (key, relation, position, href, title); `labels` names the rows
    and columns; `ghost_label` makes a ghost's label from a name."""
    cells: dict[Position, list] = {}
    for key, relation, position, href, title in placed:
        cells.setdefault(position, []).append((key, relation, href, title, False))
    for key, relation, position in ghosts:
        cells.setdefault(position, []).append((key, relation, None, None, True))
    heights = {row: max([MIN_LINES] + [len(cells.get((row, column), [])) for column in COLUMNS]) * LINE + 2 * PAD
               for row in ROWS}
    drawing = Drawing(width=LEFT + CELL_WIDTH * len(COLUMNS) + 8, height=TOP + sum(heights.values()) + 8)
    drawing.columns = [(LEFT + CELL_WIDTH * index + CELL_WIDTH / 2, labels[column])
                       for index, column in enumerate(COLUMNS)]
    top, where = TOP, {}
    for row in ROWS:
        drawing.rows.append((top, heights[row], top + heights[row] / 2, labels[row]))
        for index, column in enumerate(COLUMNS):
            items = sorted(cells.get((row, column), []), key=lambda item: (item[4], sort_name(item[1])))
            for line, (key, relation, href, title, ghost) in enumerate(items):
                x, y = LEFT + CELL_WIDTH * index + 16, top + PAD + LINE * line + LINE / 2
                text = ghost_label(short(relation.name, LABEL_LENGTH - 9)) if ghost else short(relation.name)
                drawing.dots.append(Dot(text, title or "",
                                        href, x, y, GHOST if ghost else COLOURS[column], ghost))
                where.setdefault(key, {})["ghost" if ghost else "now"] = (x, y)
        top += heights[row]
    for points in where.values():
        if "ghost" in points and "now" in points:
            (x1, y1), (x2, y2) = points["ghost"], points["now"]
            drawing.arrows.append(Arrow(x1, y1, x2, y2))
    return drawing


# --- High influence, not contacted within the cadence ------------------------------------------------------------

@dataclass
class Uncontacted:
    """A relation with high influence on one or more priorities, not worked on within its cadence."""

    relation: Organisation | Contact
    is_contact: bool
    priorities: list[Priority]
    cadence: int
    last_contact: datetime | None
    days_since: int


def cadence_for(relation_cadence: int | None, disabled: bool, defaults: neglect.CadenceDefaults) -> int | None:
    """The neglect scan's cadence; on the map without one from the strategy, a
    stakeholder of high influence gets the default for other engagements.
    A cadence switched off stays off."""
    if disabled:
        return None
    return relation_cadence or defaults.member


def last_visible_contacts(link_column, ids: list[int], seen, before: datetime) -> dict[int, datetime]:
    """The latest contactmoment per organisation or contact that the reader
    may see (`seen`), walked backwards along the link's (relation, time)
    index. One query, also for no ids."""
    link = link_column.table.c
    relation = next(iter(link_column.foreign_keys)).column
    latest = (select(link.occurred_at).join(Interaction, Interaction.id == link.interaction_id)
              .where(link_column == relation, link.occurred_at < before, seen)
              .order_by(link.occurred_at.desc()).limit(1).correlate(relation.table).scalar_subquery())
    rows = db.session.execute(select(relation, latest).where(relation.in_(ids)))
    return {relation_id: last for relation_id, last in rows if last is not None}


def uncontacted_high_influence(priority_ids, seen, on: date | None = None) -> list[Uncontacted]:
    """Stakeholders of high influence on the priorities (a subquery or a list
    of ids) whose organisation or contact person has had no contactmoment the
    reader may see (`seen`, a condition on Interaction) within its cadence on
    a day (default today); most overdue first. A fixed number of queries."""
    on = on or neglect.today()
    found = list(db.session.scalars(
        select(Stakeholder).where(Stakeholder.priority_id.in_(priority_ids), Stakeholder.influence == Influence.HIGH)
        .options(joinedload(Stakeholder.priority).joinedload(Priority.theme), joinedload(Stakeholder.organisation),
                 joinedload(Stakeholder.contact).joinedload(Contact.organisation))))
    organisations = {item.organisation.id: item.organisation for item in found if item.organisation}
    organisations.update({item.contact.organisation.id: item.contact.organisation for item in found
                          if item.contact and item.contact.organisation})
    cadences = neglect.organisation_cadences(list(organisations.values())) if organisations else {}
    defaults = neglect.cadence_defaults()
    cutoff = neglect.end_of(on)
    last_organisation = last_visible_contacts(interaction_organisations.c.organisation_id,
                                              [item.organisation_id for item in found if item.organisation_id],
                                              seen, cutoff)
    last_contact = last_visible_contacts(interaction_contacts.c.contact_id,
                                         [item.contact_id for item in found if item.contact_id], seen, cutoff)
    grouped: dict[tuple, Uncontacted] = {}
    for item in found:
        relation = item.relation
        if item.organisation is not None:
            inherited = neglect.own_cadence(False, relation.cadence_days, cadences.get(relation.id))
            last = last_organisation.get(relation.id)
        else:
            inherited = neglect.own_cadence(False, relation.cadence_days, cadences.get(relation.organisation_id))
            last = last_contact.get(relation.id)
        cadence = cadence_for(inherited, relation.cadence_disabled, defaults)
        state = neglect.state_of(cadence, last, relation.created_at, on)
        if not state.neglected:
            continue
        entry = grouped.setdefault(item.key, Uncontacted(relation, item.contact is not None, [], cadence, last,
                                                         state.days_since))
        entry.priorities.append(item.priority)
    for entry in grouped.values():
        entry.priorities.sort(key=lambda priority: (priority.theme.number, priority.number))
    return sorted(grouped.values(), key=lambda entry: (-(entry.days_since - entry.cadence),
                                                       sort_name(entry.relation)))
