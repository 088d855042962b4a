"""Seats in gremia, key moments with their calendar and iCalendar feed, and
funding streams: the pages, their rules, their Excel workbooks and their cost
in queries."""

import hashlib
import html
import re
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import icalendar
import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from tracker.agenda.models import CalendarFeed
from tracker.auth.models import Role, User
from tracker.interactions.models import FollowUp
from tracker.relations.models import Organisation
from tracker.strategy.models import (
    BidStatus, FundingStream, KeyMoment, Position, PositionStatus, Priority, Theme,
)

ZONE = ZoneInfo("Europe/Amsterdam")


# --- Helpers -------------------------------------------------------------------------------------------------------

def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def official(db, name="Wethouder Duurzaamheid", title="wethouder Klimaat") -> User:
    user = User(name=name, title=title, is_official=True)
    db.session.add(user)
    db.session.commit()
    return user


def seeded_position(db, key="g40-duurzaamheid-voorzitter") -> Position:
    return db.session.scalars(select(Position).where(Position.seed_key == key)).one()


def position_form(position: Position, **changes) -> dict:
    data = {"organisation_id": str(position.organisation_id), "title": position.title,
            "role": position.role.value if position.role else "", "portfolio": position.portfolio or "",
            "theme_ids": [str(theme.id) for theme in position.themes], "status": position.status.value,
            "holder_id": "", "held_since": "", "held_until": "", "text": position.text or ""}
    data.update(changes)
    return data


def theme(db, number: int) -> Theme:
    return db.session.scalars(select(Theme).where(Theme.number == number)).one()


def priority_of(db, number: int) -> Priority:
    return theme(db, number).priorities[0]


def moment(db, title, day: date, clock=time(10), priorities=(), organisation=None) -> KeyMoment:
    found = KeyMoment(title=title, starts_at=datetime.combine(day, clock, tzinfo=ZONE).astimezone(timezone.utc),
                      priorities=list(priorities), organisation=organisation)
    db.session.add(found)
    db.session.commit()
    return found


def workbook_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} holds a formula: {cell.value!r}"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@contextmanager
def counting(db):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def queries(db, client, path) -> int:
    with counting(db) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


# --- Positions -----------------------------------------------------------------------------------------------------

def test_the_positions_are_grouped_by_network_with_their_opgaven(employee_client, db):
    page = text(employee_client.get("/posities"))
    position = seeded_position(db)
    arena = position.organisation.arena
    section = page[page.index(f'id="netwerk-{arena.id}"'):]
    section = section[:section.index("</section>")]
    assert arena.name in section and position.title in section
    assert "Beoogd" in section
    for item in position.themes:
        assert f"{item.number}. {item.name}" in section
    # A medewerker reads, but does not edit.
    assert "Positie toevoegen" not in page and "/bewerken" not in page
    assert employee_client.get(f"/posities/{position.id}/bewerken").status_code == 403


def test_a_manager_records_that_a_bestuurder_obtained_a_seat(manager_client, db):
    position = seeded_position(db)
    holder = official(db)
    response = manager_client.post(f"/posities/{position.id}/bewerken", data=position_form(
        position, status="verkregen", holder_id=str(holder.id), held_since="2026-05-01"))
    assert response.status_code == 302
    db.session.refresh(position)
    assert position.status == PositionStatus.HELD
    assert position.holder_id == holder.id and position.held_since == date(2026, 5, 1)
    row = re.search(rf'<tr class="utrecht-table__row" id="positie-{position.id}">(.*?)</tr>',
                    text(manager_client.get("/posities")), re.S).group(1)
    assert "Verkregen" in row and "Wethouder Duurzaamheid (wethouder Klimaat)" in row and "1 mei 2026" in row


@pytest.mark.parametrize("changes, field_message", [
    ({"status": "verkregen"}, "Vul in welke bestuurder deze positie heeft gekregen."),
    ({"status": "verkregen", "holder_id": "HOLDER"}, "Vul in sinds wanneer de bestuurder deze positie heeft."),
    ({"status": "beeindigd", "holder_id": "HOLDER", "held_since": "2026-05-01"},
     "Vul in tot wanneer de bestuurder deze positie had."),
    ({"held_since": "2026-05-01", "held_until": "2026-04-30"},
     "De einddatum ligt vóór de begindatum: kies een datum op of na 01-05-2026."),
    ({"held_since": "31-02-2026"}, "Vul een bestaande datum in, zoals 30-11-2026."),
    ({"holder_id": "MANAGER"}, "Kies uit de lijst."),
    ({"title": ""}, "Vul de naam van de positie in."),
    ({"organisation_id": "999999"}, "Kies uit de lijst."),
])
def test_a_wrong_position_is_refused_with_a_dutch_message_and_changes_nothing(
        manager_client, manager, db, changes, field_message):
    position = seeded_position(db)
    holder = official(db)
    data = position_form(position, **{key: {"HOLDER": str(holder.id), "MANAGER": str(manager.id)}.get(value, value)
                                      for key, value in changes.items()})
    response = manager_client.post(f"/posities/{position.id}/bewerken", data=data)
    assert response.status_code == 200
    page = text(response)
    assert "Het formulier is niet opgeslagen" in page
    assert field_message in page
    assert 'aria-invalid="true"' in page
    db.session.refresh(position)
    assert position.status == PositionStatus.WANTED and position.holder_id is None and position.held_since is None


def test_a_beheerder_adds_a_position_and_a_directeur_may_not(admin_client, director_client, db):
    organisation = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    data = {"organisation_id": str(organisation.id), "title": "Lid bestuurlijk overleg Woningbouw", "role": "lid",
            "portfolio": "", "theme_ids": [str(theme(db, 2).id)], "status": "beoogd", "holder_id": "",
            "held_since": "", "held_until": "", "text": ""}
    assert director_client.get("/posities/nieuw").status_code == 403
    assert director_client.post("/posities/nieuw", data=data).status_code == 403
    assert db.session.scalar(select(Position).where(Position.title == data["title"])) is None
    assert admin_client.post("/posities/nieuw", data=data).status_code == 302
    created = db.session.scalars(select(Position).where(Position.title == data["title"])).one()
    assert [item.number for item in created.themes] == [2]


def test_the_positions_workbook_holds_the_figures_of_the_page(manager_client, db):
    position = seeded_position(db)
    position.status, position.holder, position.held_since = PositionStatus.HELD, official(db), date(2026, 5, 1)
    position.portfolio = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    rows = workbook_rows(manager_client.get("/posities/export.xlsx"))
    assert rows[0] == ["Netwerk", "Gremium", "Positie", "Rol", "Portefeuille", "Opgaven", "Status", "Bestuurder",
                       "Sinds", "Tot"]
    assert len(rows) - 1 == len(db.session.scalars(select(Position)).all())
    row = next(row for row in rows if row[2] == position.title)
    assert row[0] == position.organisation.arena.name
    assert row[4] == '=HYPERLINK("http://evil.example")'  # kept as text, not run
    assert row[6] == "Verkregen" and row[7] == "Wethouder Duurzaamheid (wethouder Klimaat)"
    assert row[8] == datetime(2026, 5, 1)


# --- Key moments and the calendar ---------------------------------------------------------------------------------

def key_moment_form(db, **changes) -> dict:
    data = {"title": "Commissiedebat Wonen", "day": "2026-12-10", "clock": "14:30", "organisation_id": "",
            "arena_id": "", "priority_ids": [str(priority_of(db, 2).id)], "notes": "Inbreng over Achtersluispolder"}
    data.update(changes)
    return data


def test_a_medewerker_adds_a_key_moment_that_shows_in_its_month(employee_client, db):
    tweede_kamer = db.session.scalars(select(Organisation).where(Organisation.name.like("Tweede Kamer%"))).first()
    response = employee_client.post("/belangrijke-momenten/nieuw", data=key_moment_form(
        db, organisation_id=str(tweede_kamer.id)))
    assert response.status_code == 302
    created = db.session.scalars(select(KeyMoment).where(KeyMoment.title == "Commissiedebat Wonen")).one()
    # 14:30 in Amsterdam (winter time) is 13:30 UTC; the arena follows the organisation.
    assert created.starts_at == datetime(2026, 12, 10, 13, 30, tzinfo=timezone.utc) and not created.all_day
    assert created.arena_id == tweede_kamer.arena_id
    page = text(employee_client.get("/belangrijke-momenten/kalender?maand=2026-12"))
    assert "<caption" in page and "december 2026" in page
    cell = re.search(r'<td[^>]*>\s*<p class="lt-calendar__date"><time datetime="2026-12-10">(.*?)</td>', page, re.S)
    assert cell and "14:30" in cell.group(1) and "Commissiedebat Wonen" in cell.group(1)
    assert 'href="/belangrijke-momenten/kalender?maand=2026-11"' in page
    assert 'href="/belangrijke-momenten/kalender?maand=2027-01"' in page
    assert "Commissiedebat Wonen" not in text(employee_client.get("/belangrijke-momenten/kalender?maand=2027-01"))


def test_a_key_moment_without_a_time_lasts_the_whole_day(employee_client, db):
    assert employee_client.post("/belangrijke-momenten/nieuw", data=key_moment_form(
        db, title="Algemene Beschouwingen", clock="")).status_code == 302
    created = db.session.scalars(select(KeyMoment).where(KeyMoment.title == "Algemene Beschouwingen")).one()
    assert created.all_day and created.starts_at == datetime(2026, 12, 9, 23, 0, tzinfo=timezone.utc)
    edit = text(employee_client.get(f"/belangrijke-momenten/{created.id}/bewerken"))
    assert 'value="2026-12-10"' in edit


@pytest.mark.parametrize("month", ["2026-13", "december", "2026-1", "1999-12", "2026-12-01", "²⁰²⁶-12", "9" * 40])
def test_a_wrong_month_gets_a_dutch_message_not_an_error(employee_client, month):
    response = employee_client.get("/belangrijke-momenten/kalender", query_string={"maand": month})
    assert response.status_code == 400
    assert "Die maand bestaat niet of valt buiten de kalender." in text(response)


def test_the_calendar_stops_at_its_ends(employee_client):
    first = text(employee_client.get("/belangrijke-momenten/kalender?maand=2000-01"))
    assert "maand=1999-12" not in first and "maand=2000-02" in first
    last = text(employee_client.get("/belangrijke-momenten/kalender?maand=2099-12"))
    assert "maand=2100-01" not in last and "maand=2099-11" in last


@pytest.mark.parametrize("changes, message", [
    ({"day": "2026-02-30"}, "Vul een bestaande datum in, zoals 30-11-2026."),
    ({"day": ""}, "Vul een bestaande datum in, zoals 30-11-2026."),
    ({"clock": "25:00"}, "Vul een tijd in, zoals 14:30, of laat de tijd leeg."),
    ({"title": "  "}, "Vul een titel in."),
    ({"day": "1850-01-01"}, "Kies een datum tussen 2000 en 2099."),
    ({"arena_id": "999999"}, "Kies uit de lijst."),
    ({"priority_ids": ["999999"]}, "Kies alleen uit de lijst."),
])
def test_a_wrong_key_moment_is_refused_with_a_dutch_message(employee_client, db, changes, message):
    response = employee_client.post("/belangrijke-momenten/nieuw", data=key_moment_form(db, **changes))
    assert response.status_code == 200
    assert message in text(response)
    assert db.session.scalar(select(KeyMoment).where(KeyMoment.title.like("%Commissiedebat%"))) is None


def test_a_key_moment_is_edited_and_the_list_shows_what_comes(director_client, db):
    today = date.today()
    later = moment(db, "Begrotingsbehandeling BZK", today + timedelta(days=20), priorities=[priority_of(db, 2)])
    moment(db, "Al geweest", today - timedelta(days=20))
    page = text(director_client.get("/belangrijke-momenten"))
    assert "Begrotingsbehandeling BZK" in page and "Al geweest" not in page
    response = director_client.post(f"/belangrijke-momenten/{later.id}/bewerken", data=key_moment_form(
        db, title="Begrotingsbehandeling BZK (verschoven)", day=(today + timedelta(days=21)).isoformat()))
    assert response.status_code == 302
    db.session.refresh(later)
    assert later.title == "Begrotingsbehandeling BZK (verschoven)"
    assert later.starts_at.astimezone(ZONE).date() == today + timedelta(days=21)


def test_the_key_moments_workbook_holds_the_month(employee_client, db):
    moment(db, "+cmd|' /C calc'!A0", date(2026, 12, 3), priorities=[priority_of(db, 2)])
    moment(db, "Regiodag MRA", date(2026, 12, 17), clock=time(9, 15))
    moment(db, "Volgende maand", date(2027, 1, 5))
    rows = workbook_rows(employee_client.get("/belangrijke-momenten/export.xlsx?maand=2026-12"))
    assert rows[0][:3] == ["Datum", "Tijd", "Titel"]
    assert [row[2] for row in rows[1:]] == ["+cmd|' /C calc'!A0", "Regiodag MRA"]
    assert rows[2][:2] == [datetime(2026, 12, 17), "09:15"]
    assert rows[1][5].startswith(priority_of(db, 2).code)
    assert employee_client.get("/belangrijke-momenten/export.xlsx?maand=2026-13").status_code == 404


# --- The calendar feed ---------------------------------------------------------------------------------------------

def make_feed(client) -> str:
    assert client.post("/instellingen/agenda/nieuw").status_code == 302
    page = text(client.get("/instellingen/agenda"))
    address = re.search(r'id="agenda-adres" type="text" readonly value="([^"]+)"', page).group(1)
    # Shown once: the next visit no longer has it.
    assert 'id="agenda-adres"' not in text(client.get("/instellingen/agenda"))
    return address.removeprefix("http://localhost")


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def summaries(calendar) -> set[str]:
    return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}


def test_the_feed_holds_the_key_moments_of_followed_opgaven_and_own_open_follow_ups(
        app, db, login, make_user, make_interaction):
    user = make_user(Role.MANAGER, name="Fem Feed")
    user.followed_themes = [theme(db, 2)]
    db.session.commit()
    soon = date.today() + timedelta(days=10)
    moment(db, "Debat verstedelijking", soon, priorities=[priority_of(db, 2)])
    moment(db, "Debat gezondheid", soon, priorities=[priority_of(db, 5)])
    moment(db, "MRA Regiodag", soon)  # linked to no priority: for everyone
    moment(db, "Lang geleden", date.today() - timedelta(days=200), priorities=[priority_of(db, 2)])
    moment(db, "Over twee jaar", date.today() + timedelta(days=730), priorities=[priority_of(db, 2)])
    colleague = make_user(Role.EMPLOYEE, name="Cor Collega")
    make_interaction(user, subject="Overleg BZK", follow_ups=[
        ("Rekensom sturen", user, soon), ("Memo schrijven", colleague, soon)])
    done = make_interaction(user, subject="Afgerond overleg", follow_ups=[("Al gedaan", user, soon)])
    done.follow_ups[0].completed_at = datetime.now(timezone.utc)
    db.session.commit()

    address = make_feed(login(user))
    stored = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).one()
    token = address.removeprefix("/agenda/").removesuffix(".ics")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash

    calendar = parse(app.test_client().get(address))  # no login: the address is the key
    assert summaries(calendar) == {"Debat verstedelijking", "MRA Regiodag", "Actie: Rekensom sturen"}
    debate = next(event for event in calendar.walk("VEVENT") if event["SUMMARY"] == "Debat verstedelijking")
    assert debate.decoded("DTSTART") == datetime.combine(soon, time(10), tzinfo=ZONE)
    action = next(event for event in calendar.walk("VEVENT") if str(event["SUMMARY"]).startswith("Actie"))
    assert action.decoded("DTSTART") == soon and "Overleg BZK" in str(action["DESCRIPTION"])


def test_confidential_follow_ups_stay_private_to_their_owner(app, db, login, make_user, make_interaction):
    owner = make_user(Role.EMPLOYEE, name="Olga Eigenaar")
    other_manager = make_user(Role.MANAGER, name="Max Manager")
    soon = date.today() + timedelta(days=3)
    make_interaction(owner, subject="Geheim overleg Rijk", confidential=True, participants=[other_manager],
                     follow_ups=[("Geheime notitie", owner, soon), ("Notitie manager", other_manager, soon)])
    own = parse(app.test_client().get(make_feed(login(owner))))
    assert "Vertrouwelijke actie" in summaries(own)
    body = own.to_ical().decode()
    assert "Geheime notitie" not in body and "Geheim overleg Rijk" not in body
    assert next(event for event in own.walk("VEVENT"))["CLASS"] == "CONFIDENTIAL"
    # The manager, who may read the contactmoment, finds only their own follow-up, also without its text.
    theirs = parse(app.test_client().get(make_feed(login(other_manager))))
    assert summaries(theirs) == {"Vertrouwelijke actie"}
    assert "Geheime notitie" not in theirs.to_ical().decode() and "Notitie manager" not in theirs.to_ical().decode()


def test_a_revoked_or_replaced_address_answers_404(app, db, login, make_user):
    user = make_user(Role.EMPLOYEE)
    client = login(user)
    first = make_feed(client)
    assert app.test_client().get(first).status_code == 200
    second = make_feed(client)
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    assert client.post("/instellingen/agenda/intrekken").status_code == 302
    assert app.test_client().get(second).status_code == 404
    assert db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id)) is None
    assert "U heeft nog geen agenda-adres" in text(client.get("/instellingen/agenda"))


def test_the_address_of_a_switched_off_account_answers_404(app, db, login, make_user):
    user = make_user(Role.EMPLOYEE)
    address = make_feed(login(user))
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert app.test_client().get(address).status_code == 404
    for wrong in ("/agenda/.ics", "/agenda/x.ics", "/agenda/" + "a" * 500 + ".ics"):
        assert app.test_client().get(wrong).status_code == 404


# --- Funding streams -----------------------------------------------------------------------------------------------

def funding_form(stream: FundingStream, **changes) -> dict:
    data = {"name": stream.name, "provider_id": str(stream.provider_id or ""), "provider_name": "",
            "description": stream.description or "", "amount": "", "deadline": "", "bid_status": "",
            "amount_requested": "", "amount_granted": "",
            "priority_ids": [str(priority.id) for priority in stream.priorities]}
    data.update(changes)
    return data


def stream_named(db, key="woningbouwimpuls") -> FundingStream:
    return db.session.scalars(select(FundingStream).where(FundingStream.seed_key == key)).one()


def test_a_manager_keeps_a_bid_current_in_dutch_amounts(manager_client, db):
    stream = stream_named(db)
    response = manager_client.post(f"/geldstromen/{stream.id}/bewerken", data=funding_form(
        stream, amount="€ 1.000.000.000", deadline="2027-03-01", bid_status="toegekend",
        amount_requested="12.500.000", amount_granted="9.750.000,50"))
    assert response.status_code == 302
    db.session.refresh(stream)
    assert (stream.amount, stream.amount_requested, stream.amount_granted) == (
        Decimal("1000000000"), Decimal("12500000"), Decimal("9750000.50"))
    assert stream.bid_status == BidStatus.GRANTED and stream.deadline == date(2027, 3, 1)
    page = text(manager_client.get("/geldstromen"))
    assert "€\xa09.750.000,50" in page and "Toegekend" in page
    assert page.index("Woningbouwimpuls") < page.index("Volkshuisvestingsfonds")  # the nearest deadline first
    form = text(manager_client.get(f"/geldstromen/{stream.id}/bewerken"))
    assert 'value="9.750.000,50"' in form


@pytest.mark.parametrize("changes, message", [
    ({"amount": "12.50"}, "Vul een bedrag in euro's in, zoals 1.250.000 of 2500,50."),
    ({"amount": "veel"}, "Vul een bedrag in euro's in, zoals 1.250.000 of 2500,50."),
    ({"amount": "NaN"}, "Vul een bedrag in euro's in, zoals 1.250.000 of 2500,50."),
    ({"amount_requested": "-5"}, "Vul een bedrag in tussen 0 en 999.999.999.999,99 euro."),
    ({"amount_requested": "1e30"}, "Vul een bedrag in tussen 0 en 999.999.999.999,99 euro."),
    ({"amount_requested": "10,555"}, "Vul een bedrag in hele centen in, zoals 2500,50."),
    ({"bid_status": "ingediend", "amount_granted": "100"}, "Een toegekend bedrag hoort bij de status Toegekend."),
    ({"deadline": "morgen"}, "Vul een bestaande datum in, zoals 30-11-2026."),
    ({"name": ""}, "Vul dit veld in."),
])
def test_a_wrong_funding_stream_is_refused_with_a_dutch_message(manager_client, db, changes, message):
    stream = stream_named(db)
    response = manager_client.post(f"/geldstromen/{stream.id}/bewerken", data=funding_form(stream, **changes))
    assert response.status_code == 200
    assert message in text(response)
    db.session.refresh(stream)
    assert stream.amount is None and stream.amount_granted is None and stream.name == "Woningbouwimpuls (WBI)"


def test_only_managers_and_beheerders_edit_funding_streams(employee_client, director_client, admin_client, db):
    stream = stream_named(db)
    for client in (employee_client, director_client):
        assert client.get(f"/geldstromen/{stream.id}/bewerken").status_code == 403
        assert client.post("/geldstromen/nieuw", data=funding_form(stream, name="Nieuw fonds")).status_code == 403
        assert "/bewerken" not in text(client.get("/geldstromen"))
    assert admin_client.post("/geldstromen/nieuw", data=funding_form(
        stream, name="Regiodeal Zaanstreek", provider_id="", provider_name="Rijk (LNV)")).status_code == 302
    assert db.session.scalars(select(FundingStream).where(FundingStream.name == "Regiodeal Zaanstreek")
                              ).one().provider_name == "Rijk (LNV)"


def test_the_funding_workbook_has_the_amounts_as_numbers_and_the_totals(employee_client, db):
    first, second = stream_named(db), stream_named(db, "mirt")
    first.amount, first.amount_requested, first.bid_status = Decimal("1000000"), Decimal("250000.50"), BidStatus.SUBMITTED
    second.amount_requested, second.amount_granted = Decimal("100"), Decimal("80")
    second.bid_status = BidStatus.GRANTED
    second.provider_name = "@SUM(1+1)"
    db.session.commit()
    rows = workbook_rows(employee_client.get("/geldstromen/export.xlsx"))
    assert rows[0] == ["Naam", "Ministerie of fonds", "Omvang", "Deadline", "Status aanvraag", "Aangevraagd",
                       "Toegekend", "Prioriteiten"]
    row = next(row for row in rows if row[0] == "Woningbouwimpuls (WBI)")
    assert row[2] == 1000000 and row[5] == 250000.5 and row[4] == "Ingediend"
    assert next(row for row in rows if row[0] == "MIRT")[1].endswith("@SUM(1+1)")
    assert rows[-1][0] == "Totaal" and rows[-1][2] == 1000000 and rows[-1][5] == 250100.5 and rows[-1][6] == 80


# --- A fixed number of queries per page ----------------------------------------------------------------------------

def grow(db, factor: int) -> None:
    """Positions, key moments and funding streams, each with its links, `factor` times over."""
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id).limit(20)).all()
    themes_ = db.session.scalars(select(Theme)).all()
    priorities = db.session.scalars(select(Priority).order_by(Priority.id)).all()
    holders = [official(db, name=f"Wethouder {number}") for number in range(3)]
    this_month = date.today().replace(day=1)
    for number in range(5 * factor):
        organisation = organisations[number % len(organisations)]
        db.session.add(Position(organisation=organisation, title=f"Zetel {number}", status=PositionStatus.HELD,
                                holder=holders[number % 3], held_since=date(2026, 1, 1),
                                themes=themes_[number % 3:number % 3 + 2]))
        day = this_month + timedelta(days=number % 27)
        db.session.add(KeyMoment(title=f"Moment {number}", organisation=organisation, arena=organisation.arena,
                                 starts_at=datetime.combine(day, time(9), tzinfo=ZONE).astimezone(timezone.utc),
                                 priorities=priorities[number % 5:number % 5 + 2]))
        db.session.add(FundingStream(name=f"Fonds {number}", provider=organisation, amount=Decimal(number),
                                     priorities=priorities[number % 7:number % 7 + 3]))
    db.session.commit()


PAGES = ["/posities", "/belangrijke-momenten", "/belangrijke-momenten/kalender", "/geldstromen",
         "/posities/export.xlsx", "/belangrijke-momenten/export.xlsx", "/geldstromen/export.xlsx"]


def test_each_page_costs_the_same_number_of_queries_on_ten_times_the_data(
        app, db, manager, manager_client, make_interaction):
    feed = make_feed(manager_client)
    pages = PAGES + [feed]

    def open_follow_ups(count):
        for number in range(count):
            make_interaction(manager, subject=f"Overleg {number}",
                             follow_ups=[(f"Actie {number}", manager, date.today() + timedelta(days=number))])

    grow(db, 1)
    open_follow_ups(2)
    small = {path: queries(db, manager_client, path) for path in pages}
    grow(db, 9)
    open_follow_ups(18)
    assert db.session.query(KeyMoment).count() >= 50 and db.session.query(FollowUp).count() >= 20
    assert len(parse(app.test_client().get(feed)).walk("VEVENT")) >= 70
    large = {path: queries(db, manager_client, path) for path in pages}
    assert large == small
    assert all(count <= 20 for count in small.values()), small
