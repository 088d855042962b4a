"""The stakeholder map (krachtenveld) per priority: placing organisations and
contact persons by influence and attitude, its history and the movement over
time, who may edit it, and the high-influence stakeholders that the opgave
dashboard and the weekly digest name when they were not contacted in time."""

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import exc, func, select

from tracker.auth.models import Role
from tracker.digest.service import build_digest, render_digest
from tracker.digest.weeks import Week
from tracker.errors import DomainError
from tracker.neglect import service as neglect
from tracker.relations.models import Contact, Organisation
from tracker.stakeholders import service
from tracker.stakeholders.models import Attitude, Influence, Stakeholder, StakeholderAction, StakeholderChange
from tracker.strategy.models import Priority

from .queries import count_queries


# --- Helpers ------------------------------------------------------------------------------------------------------

@pytest.fixture
def bzk(db) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()


@pytest.fixture
def sanne(db, bzk) -> Contact:
    contact = Contact(name="Sanne Stakeholder", function="Directeur Wonen", organisation=bzk)
    db.session.add(contact)
    db.session.commit()
    return contact


def add_form(relation: str, influence="hoog", attitude="tegen", note="", terms="") -> dict:
    return {"zoek": terms, "relation": relation, "influence": influence, "attitude": attitude, "note": note}


def add(client, priority, relation, **values):
    return client.post(f"/prioriteiten/{priority.id}/krachtenveld/toevoegen", data=add_form(relation, **values))


def entry(db, **where) -> Stakeholder | None:
    db.session.rollback()
    return db.session.scalars(select(Stakeholder).filter_by(**where)).first()


def rows_of(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


class MapReader(HTMLParser):
    """The map as drawn: per linked dot the cell it sits in, named by the
    row and column headings; also the rows of every table on the page."""

    def __init__(self, html: str):
        super().__init__()
        self.cells, self.columns, self.row_labels, self.links = [], [], [], {}
        self.table_rows: list[list[str]] = []
        self._text_at, self._link, self._cell = None, None, None
        self.ghosts: list[str] = []
        self._ghost_text = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "rect" and attrs.get("stroke") == "#767676":
            self.cells.append(tuple(float(attrs[name]) for name in ("x", "y", "width", "height")))
        elif tag == "text" and "x" in attrs:
            self._text_at = (float(attrs["x"]), float(attrs["y"]), attrs.get("text-anchor"),
                             attrs.get("font-style") == "italic")
        elif tag == "a" and "aria-label" in attrs:
            self._link = attrs["href"]
        elif tag == "circle" and self._link:
            self.links[self._link] = (float(attrs["cx"]), float(attrs["cy"]))
        elif tag == "tr":
            self.table_rows.append([])
        elif tag in ("td", "th") and self.table_rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None
        elif tag == "text":
            self._text_at = None
        elif tag in ("td", "th") and self._cell is not None:
            self.table_rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._text_at is not None:
            x, y, anchor, italic = self._text_at
            if italic:
                self.ghosts.append(data.strip())
            elif anchor == "middle":
                self.columns.append((x, data.strip()))
            elif x == 8 and data.strip() != "Invloed":
                self.row_labels.append((y, data.strip()))
        if self._cell is not None:
            self._cell.append(data)

    def cell_of(self, href: str) -> tuple[str, str]:
        """(influence, attitude) headings of the cell the dot of a link sits in."""
        x, y = self.links[href]
        left, top, width, height = next(cell for cell in self.cells
                                        if cell[0] <= x <= cell[0] + cell[2] and cell[1] <= y <= cell[1] + cell[3])
        column = next(name for centre, name in self.columns if left < centre < left + width)
        row = next(name for middle, name in self.row_labels if top < middle < top + height)
        return row, column

    def table_row(self, starts: str) -> list[str]:
        found = [row for row in self.table_rows if row and row[0].startswith(starts)]
        assert len(found) == 1, f"{len(found)} rows start with {starts!r}"
        return found[0]


def read_map(client, priority, query: str = "") -> tuple[MapReader, str]:
    response = client.get(f"/prioriteiten/{priority.id}/krachtenveld{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return MapReader(html), unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).replace(" :", ":")


# --- The map ------------------------------------------------------------------------------------------------------

def test_the_map_puts_each_stakeholder_in_its_cell_and_the_same_in_a_table(
        db, manager_client, director_client, priority, bzk, sanne):
    assert add(manager_client, priority, f"organisatie:{bzk.id}", influence="hoog", attitude="tegen").status_code == 302
    assert add(manager_client, priority, f"contactpersoon:{sanne.id}", influence="laag", attitude="voor",
               note="Steunt de woningbouwimpuls").status_code == 302

    drawn, text = read_map(director_client, priority)
    assert drawn.cell_of(f"/organisaties/{bzk.id}") == ("Hoog", "Tegen")
    assert drawn.cell_of(f"/contactpersonen/{sanne.id}") == ("Laag", "Voor")
    assert [name for _x, name in drawn.columns] == ["Tegen", "Neutraal", "Voor", "Onbekend"]
    assert [name for _y, name in drawn.row_labels] == ["Hoog", "Midden", "Laag"]
    organisation = drawn.table_row(bzk.name)
    assert organisation[1:4] == ["organisatie", "Hoog", "Tegen"]
    contact = drawn.table_row("Sanne Stakeholder")
    assert contact[1:5] == ["contactpersoon", "Laag", "Voor", "Steunt de woningbouwimpuls"]
    assert "Dezelfde gegevens staan in de tabel onder de kaart." in text
    # A director reads, but gets no way to edit.
    assert "Stakeholder toevoegen" not in text and "Bewerken" not in text


def test_the_priority_page_and_the_opgave_dashboard_link_to_the_map(director_client, priority):
    link = f'href="/prioriteiten/{priority.id}/krachtenveld"'
    assert link in director_client.get(f"/prioriteiten/{priority.id}").get_data(as_text=True)
    assert link in director_client.get(f"/dashboard/opgaven/{priority.theme_id}").get_data(as_text=True)


def test_the_picker_finds_organisations_and_contacts_by_name_without_listing_everyone(
        db, manager_client, priority, bzk, sanne):
    db.session.add_all([Contact(name=f"Andere Persoon {number}") for number in range(30)])
    db.session.commit()
    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld/toevoegen").get_data(as_text=True)
    assert 'name="relation"' not in page and "Andere Persoon" not in page

    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld/toevoegen?zoek=sanne").get_data(as_text=True)
    assert f'value="contactpersoon:{sanne.id}"' in page and "Andere Persoon" not in page
    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld/toevoegen?zoek=BZK").get_data(as_text=True)
    assert f'value="organisatie:{bzk.id}"' in page
    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld/toevoegen?zoek=qqqzzz").get_data(as_text=True)
    assert "Geen organisatie of contactpersoon gevonden" in page


# --- Editing and its history --------------------------------------------------------------------------------------

def test_a_manager_moves_a_stakeholder_and_the_history_keeps_who_when_and_what(
        db, manager, manager_client, priority, bzk):
    before = datetime.now(timezone.utc)
    add(manager_client, priority, f"organisatie:{bzk.id}", influence="midden", attitude="onbekend")
    stakeholder = entry(db, organisation_id=bzk.id)
    response = manager_client.post(f"/krachtenveld/{stakeholder.id}/bewerken", data={
        "influence": "hoog", "attitude": "voor", "note": "Na het werkbezoek overtuigd"})
    assert response.status_code == 302
    assert response.location == f"/prioriteiten/{priority.id}/krachtenveld"

    stakeholder = entry(db, organisation_id=bzk.id)
    assert (stakeholder.influence, stakeholder.attitude, stakeholder.note) == (
        Influence.HIGH, Attitude.FOR, "Na het werkbezoek overtuigd")
    changes = list(db.session.scalars(select(StakeholderChange).order_by(StakeholderChange.id)))
    assert [change.action for change in changes] == [StakeholderAction.ADDED, StakeholderAction.CHANGED]
    moved = changes[-1]
    assert moved.changed_by_id == manager.id and moved.changed_at >= before
    assert (moved.old_influence, moved.new_influence, moved.old_attitude, moved.new_attitude) == (
        Influence.MEDIUM, Influence.HIGH, Attitude.UNKNOWN, Attitude.FOR)
    assert (moved.old_note, moved.new_note) == (None, "Na het werkbezoek overtuigd")

    # Saving it unchanged adds no history line.
    manager_client.post(f"/krachtenveld/{stakeholder.id}/bewerken", data={
        "influence": "hoog", "attitude": "voor", "note": "Na het werkbezoek overtuigd"})
    assert rows_of(db, StakeholderChange) == 2

    drawn, text = read_map(manager_client, priority)
    history = [row for row in drawn.table_rows if row[2:3] == ["Gewijzigd"]]
    assert history and history[0][1] == bzk.name and history[0][3:7] == [
        "Midden → Hoog", "Onbekend → Voor", "Na het werkbezoek overtuigd", "Mark Manager"]

    # Removed: off the map, with a line in the history.
    assert manager_client.post(f"/krachtenveld/{stakeholder.id}/verwijderen").status_code == 302
    assert entry(db, organisation_id=bzk.id) is None
    last = db.session.scalars(select(StakeholderChange).order_by(StakeholderChange.id.desc())).first()
    assert (last.action, last.old_influence, last.old_attitude) == (
        StakeholderAction.REMOVED, Influence.HIGH, Attitude.FOR)
    drawn, _text = read_map(manager_client, priority)
    assert f"/organisaties/{bzk.id}" not in drawn.links


def test_a_beheerder_may_edit_the_map_like_the_organisations(db, admin_client, priority, bzk):
    assert add(admin_client, priority, f"organisatie:{bzk.id}").status_code == 302
    assert entry(db, organisation_id=bzk.id) is not None


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.DIRECTOR])
def test_medewerkers_and_directors_read_the_map_but_cannot_change_it(
        db, login, make_user, manager, priority, bzk, sanne, role):
    stakeholder = service.add_stakeholder(priority, service.StakeholderData(
        bzk.id, None, Influence.HIGH, Attitude.AGAINST), manager)
    db.session.commit()
    client = login(make_user(role))
    assert client.get(f"/prioriteiten/{priority.id}/krachtenveld").status_code == 200
    for path in (f"/prioriteiten/{priority.id}/krachtenveld/toevoegen", f"/krachtenveld/{stakeholder.id}/bewerken"):
        assert client.get(path).status_code == 403
    assert add(client, priority, f"contactpersoon:{sanne.id}").status_code == 403
    assert client.post(f"/krachtenveld/{stakeholder.id}/bewerken", data={
        "influence": "laag", "attitude": "voor", "note": ""}).status_code == 403
    assert client.post(f"/krachtenveld/{stakeholder.id}/verwijderen").status_code == 403
    assert rows_of(db, Stakeholder) == 1 and rows_of(db, StakeholderChange) == 1
    assert entry(db, id=stakeholder.id).influence == Influence.HIGH


# --- Bad input ----------------------------------------------------------------------------------------------------

def error_at(page: str, field: str) -> str:
    """The error message shown at a field (its -error element)."""
    found = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert found, f"no error at {field}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_bad_input_gets_a_dutch_message_at_its_field_and_changes_nothing(
        db, manager, manager_client, priority, bzk, sanne):
    service.add_stakeholder(priority, service.StakeholderData(bzk.id, None, Influence.HIGH, Attitude.AGAINST),
                            manager)
    db.session.commit()
    url = f"/prioriteiten/{priority.id}/krachtenveld/toevoegen"
    cases = [
        (add_form(""), "zoek", "Zoek een organisatie of contactpersoon en kies er een."),
        (add_form(f"organisatie:{bzk.id}", terms="BZK"), "relation",
         f"{bzk.name} staat al op het krachtenveld van deze prioriteit."),
        (add_form("organisatie:999999"), "zoek", "Deze organisatie bestaat niet (meer): zoek opnieuw."),
        (add_form("contactpersoon:999999"), "zoek", "Deze contactpersoon bestaat niet (meer): zoek opnieuw."),
        (add_form("iemand:12", terms="sanne"), "relation",
         "Kies een organisatie of contactpersoon uit de zoekresultaten."),
        ({**add_form(f"contactpersoon:{sanne.id}", terms="sanne"),
          "relation": [f"contactpersoon:{sanne.id}", f"organisatie:{bzk.id}"]}, "relation",
         "Kies één organisatie of contactpersoon, niet meer."),
        (add_form(f"contactpersoon:{sanne.id}", influence="enorm"), "influence", None),
        (add_form(f"contactpersoon:{sanne.id}", attitude=""), "attitude",
         "Kies de houding: tegen, neutraal, voor of onbekend."),
        (add_form(f"contactpersoon:{sanne.id}", note="x" * 301), "note", "Gebruik hoogstens 300 tekens."),
    ]
    for data, field, message in cases:
        response = manager_client.post(url, data=data)
        assert response.status_code == 200, data
        page = response.get_data(as_text=True)
        assert "Het formulier is niet opgeslagen" in page, data
        shown = error_at(page, field)
        if message:
            assert shown == message, (data, shown)
        assert rows_of(db, Stakeholder) == 1 and rows_of(db, StakeholderChange) == 1, data

    stakeholder = entry(db, organisation_id=bzk.id)
    response = manager_client.post(f"/krachtenveld/{stakeholder.id}/bewerken", data={
        "influence": "", "attitude": "voor", "note": ""})
    assert error_at(response.get_data(as_text=True), "influence") == "Kies de invloed: laag, midden of hoog."
    assert entry(db, id=stakeholder.id).attitude == Attitude.AGAINST
    for path in ("/krachtenveld/999999/bewerken", "/prioriteiten/999999/krachtenveld",
                 "/prioriteiten/999999/krachtenveld/toevoegen"):
        assert manager_client.get(path).status_code == 404
    assert manager_client.post("/krachtenveld/999999/verwijderen").status_code == 404
    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld?vergelijk=2026-02-30").get_data(
        as_text=True)
    assert error_at(page, "vergelijk") == "Vul een bestaande datum in, zoals 30-11-2026."
    page = manager_client.get(f"/prioriteiten/{priority.id}/krachtenveld?vergelijk=2999-01-01").get_data(
        as_text=True)
    assert error_at(page, "vergelijk") == "Kies vandaag of een dag in het verleden."


def test_the_rules_hold_below_the_form(db, manager, priority, bzk, sanne):
    both = service.StakeholderData(bzk.id, sanne.id, Influence.HIGH, Attitude.FOR)
    with pytest.raises(DomainError, match="niet allebei"):
        service.add_stakeholder(priority, both, manager)
    db.session.rollback()
    # And in the database itself: exactly one of the two, once per priority.
    for values in ({"organisation_id": bzk.id, "contact_id": sanne.id}, {}):
        db.session.add(Stakeholder(priority_id=priority.id, influence=Influence.LOW, attitude=Attitude.FOR, **values))
        with pytest.raises(exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
    for _ in range(2):
        db.session.add(Stakeholder(priority_id=priority.id, organisation_id=bzk.id, influence=Influence.LOW,
                                   attitude=Attitude.FOR))
    with pytest.raises(exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- Movement over time -------------------------------------------------------------------------------------------

def backdate(db, days: int) -> None:
    """Moves every history line so far `days` into the past."""
    for change in db.session.scalars(select(StakeholderChange)):
        change.changed_at -= timedelta(days=days)
    db.session.commit()


def test_a_director_sees_what_moved_since_a_day_and_since_the_previous_change(
        db, manager, director_client, priority, bzk, sanne):
    other = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "VNG")).one()
    for relation, influence, attitude in ((bzk, Influence.HIGH, Attitude.AGAINST),
                                          (other, Influence.MEDIUM, Attitude.NEUTRAL)):
        service.add_stakeholder(priority, service.StakeholderData(relation.id, None, influence, attitude), manager)
    db.session.commit()
    backdate(db, 20)
    moved, gone = entry(db, organisation_id=bzk.id), entry(db, organisation_id=other.id)
    service.update_stakeholder(moved, Influence.HIGH, Attitude.NEUTRAL, "Gesprek met de DG", manager)
    service.remove_stakeholder(gone, manager)
    service.add_stakeholder(priority, service.StakeholderData(None, sanne.id, Influence.LOW, Attitude.FOR), manager)
    db.session.commit()

    ten_days_ago = (neglect.today() - timedelta(days=10)).isoformat()
    drawn, text = read_map(director_client, priority, f"?vergelijk={ten_days_ago}")
    assert drawn.cell_of(f"/organisaties/{bzk.id}") == ("Hoog", "Neutraal")
    assert f"{bzk.name[:15].rstrip()}… (eerder)" in drawn.ghosts
    assert any(ghost.startswith(other.name[:10]) and ghost.endswith("(eerder)") for ghost in drawn.ghosts)
    section = text.split("Verschuivingen sinds", 1)[1]
    assert f"{bzk.name}: van invloed hoog, tegen naar invloed hoog, neutraal" in section
    assert f"{other.name}: van de kaart gehaald (was invloed midden, neutraal)" in section
    assert "Sanne Stakeholder: nieuw op de kaart, invloed laag, voor" in section
    assert drawn.table_row(bzk.name)[4] == "invloed hoog, tegen"

    drawn, text = read_map(director_client, priority, "?vergelijk=vorige")
    section = text.split("Verschuivingen sinds de vorige wijziging", 1)[1]
    assert f"{bzk.name}: van invloed hoog, tegen naar invloed hoog, neutraal" in section
    assert "door Mark Manager" in section
    assert "Sanne Stakeholder" not in section.split("Geschiedenis")[0]

    # Compared with a day before any of it, everything now is new.
    long_ago = (neglect.today() - timedelta(days=30)).isoformat()
    _drawn, text = read_map(director_client, priority, f"?vergelijk={long_ago}")
    assert f"{bzk.name}: nieuw op de kaart, invloed hoog, neutraal" in text


# --- High influence, not contacted within the cadence -------------------------------------------------------------

def dashboard_text(client, priority) -> str:
    html = client.get(f"/dashboard/opgaven/{priority.theme_id}").get_data(as_text=True)
    section = html.split('id="krachtenvelden"', 1)[1].split("</section>", 1)[0]
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", section).split()))


def digest_text(user) -> str:
    _subject, text, _html = render_digest(build_digest(user, Week.of(neglect.today())))
    return text.split("Invloedrijke stakeholders niet gesproken binnen het ritme", 1)[1].split("==", 2)[1]


def test_dashboard_and_digest_name_a_high_influence_stakeholder_until_it_is_contacted(
        db, manager, employee, manager_client, login, priority, bzk, sanne, make_interaction):
    long_ago = datetime.now(timezone.utc) - timedelta(days=400)
    bzk.created_at = sanne.created_at = long_ago
    service.add_stakeholder(priority, service.StakeholderData(bzk.id, None, Influence.HIGH, Attitude.AGAINST), manager)
    service.add_stakeholder(priority, service.StakeholderData(None, sanne.id, Influence.MEDIUM, Attitude.FOR), manager)
    db.session.commit()
    cadence = service.cadence_for(neglect.organisation_cadences([bzk])[bzk.id], False, neglect.cadence_defaults())

    shown = dashboard_text(manager_client, priority)
    assert f"{bzk.name} · nog nooit contact · ritme {cadence} dagen" in shown
    assert f"Hoge invloed op: {priority.code} {priority.title}" in shown
    assert "Sanne Stakeholder" not in shown  # medium influence
    assert bzk.name in digest_text(manager)

    # A confidential contactmoment by the manager: the medewerker still sees no contact.
    make_interaction(manager, subject="Vertrouwelijk overleg", confidential=True, organisations=[bzk])
    assert bzk.name not in dashboard_text(manager_client, priority)
    assert bzk.name not in digest_text(manager)
    assert bzk.name in dashboard_text(login(employee), priority)
    employee.wants_digest = True
    db.session.commit()
    assert bzk.name in digest_text(employee)

    make_interaction(employee, subject="Overleg over Zaandam Oost", organisations=[bzk])
    assert bzk.name not in dashboard_text(login(employee), priority)
    assert bzk.name not in digest_text(employee)
    assert "Iedereen met hoge invloed is binnen het ritme gesproken." in dashboard_text(manager_client, priority)


def test_a_contact_person_counts_with_its_own_contactmomenten(db, manager, manager_client, priority, sanne,
                                                             make_interaction):
    sanne.created_at = datetime.now(timezone.utc) - timedelta(days=400)
    service.add_stakeholder(priority, service.StakeholderData(None, sanne.id, Influence.HIGH, Attitude.FOR), manager)
    db.session.commit()
    assert "Sanne Stakeholder" in dashboard_text(manager_client, priority)
    make_interaction(manager, contacts=[sanne])
    assert "Sanne Stakeholder" not in dashboard_text(manager_client, priority)


# --- A fixed number of queries ------------------------------------------------------------------------------------

def fill_maps(db, manager, make_interaction, number: int, start: int) -> None:
    """`number` organisations and contacts on the maps of all priorities, some
    of them moved and removed, half of them contacted."""
    priorities = list(db.session.scalars(select(Priority).order_by(Priority.id)))
    for index in range(start, start + number):
        organisation = Organisation(name=f"Stakeholder organisatie {index}",
                                    created_at=datetime.now(timezone.utc) - timedelta(days=300))
        contact = Contact(name=f"Stakeholder persoon {index}", organisation=organisation,
                          created_at=datetime.now(timezone.utc) - timedelta(days=300))
        db.session.add_all([organisation, contact])
        db.session.flush()
        for priority in priorities[:3]:
            for org_id, contact_id in ((organisation.id, None), (None, contact.id)):
                placed = service.add_stakeholder(priority, service.StakeholderData(
                    org_id, contact_id, Influence.HIGH, list(Attitude)[index % 4]), manager)
                service.update_stakeholder(placed, Influence.HIGH, list(Attitude)[(index + 1) % 4], "verschoven",
                                           manager)
        if index % 2:
            make_interaction(manager, organisations=[organisation], contacts=[contact])
    db.session.commit()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE])
def test_the_pages_cost_the_same_queries_on_more_stakeholders(app, db, login, make_user, manager, priority,
                                                              make_interaction, role):
    client = login(make_user(role))
    week = Week.of(neglect.today())
    urls = [f"/prioriteiten/{priority.id}/krachtenveld", f"/prioriteiten/{priority.id}/krachtenveld?vergelijk=vorige",
            f"/prioriteiten/{priority.id}/krachtenveld?vergelijk={(neglect.today() - timedelta(days=3)).isoformat()}",
            f"/dashboard/opgaven/{priority.theme_id}", f"/weekoverzicht?week={week}"]
    fill_maps(db, manager, make_interaction, 2, 0)
    small = {url: count_queries(app, client, url) for url in urls}
    fill_maps(db, manager, make_interaction, 12, 2)
    large = {url: count_queries(app, client, url) for url in urls}
    assert large == small
    assert rows_of(db, Stakeholder) == 14 * 3 * 2
