"""The directors' dashboards: one opgave's progress and the whole strategy at a glance."""

import re
from datetime import date, datetime, time, timedelta, timezone
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.auth.models import Role
from tracker.dashboards import charts, service
from tracker.dashboards.periods import Period
from tracker.demo.service import generate
from tracker.formatting import local_today
from tracker.interactions.models import Interaction, Level
from tracker.interactions.service import InteractionData, save_interaction
from tracker.interactions.models import InteractionKind
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import (
    Arena, Engagement, EngagementLevel, FundingStream, IntendedRole, KeyMoment, Priority, PriorityStatus, Theme,
)
from tracker.strategy.service import set_priority_status

from .queries import count_queries

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STATIC = Path(__file__).parent.parent / "static" / "css"


class Tables(HTMLParser):
    """Every table row of a page as the texts of its cells."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def row(self, starts: str) -> list[str]:
        found = [row for row in self.rows if row and row[0].startswith(starts)]
        assert len(found) == 1, f"{len(found)} rows start with {starts!r}"
        return found[0]


def days_ago(days: int, hour: int = 11) -> datetime:
    return datetime.combine(local_today() - timedelta(days=days), time(hour), tzinfo=AMSTERDAM)


@pytest.fixture
def bzk(db):
    return db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()


@pytest.fixture
def log(db, make_interaction, bzk, priority):
    """A contactmoment with BZK about priority 1.1, at a level, some days ago."""
    def log(author, days, level=Level.OFFICIAL, confidential=False, subject=None, organisations=None,
            priorities=None, follow_ups=()):
        interaction = make_interaction(author, subject=subject or f"Overleg {days} dagen geleden",
                                       confidential=confidential, occurred_at=days_ago(days),
                                       organisations=[bzk] if organisations is None else organisations,
                                       priorities=priorities or [priority], follow_ups=follow_ups)
        interaction.level = level
        db.session.commit()
        return interaction
    return log


def page(client, url) -> tuple[str, Tables]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return html, Tables(html)


def workbook(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.data))


def sheet_row(sheet, first: str) -> list:
    rows = [[cell.value for cell in row] for row in sheet.iter_rows() if str(row[0].value or "").startswith(first)]
    assert len(rows) == 1, f"{len(rows)} rows start with {first!r} in {sheet.title}"
    return rows[0]


# --- One opgave ---------------------------------------------------------------------------------------------------

def test_a_priority_shows_its_status_activity_last_contact_flags_and_follow_ups(
        db, director_client, manager, employee, log, priority):
    set_priority_status(priority, PriorityStatus.AT_RISK, "Het kabinet schuift het budget door.", manager)
    db.session.commit()
    for days in (2, 20):
        log(employee, days)
    log(employee, 60)
    log(employee, 200, follow_ups=[("Rekensom sturen", employee, local_today() + timedelta(days=3))])
    log(employee, 500)  # before the last 52 weeks and the default period

    html, tables = page(director_client, f"/dashboard/opgaven/{priority.theme_id}")
    assert "Dashboard opgave 1: " in html
    row = tables.row(f"{priority.code} ")
    assert row[1].startswith("Risico sinds ") and "Het kabinet schuift het budget door." in row[1]
    # 4, 13 and 52 weeks, the period (the last twelve months), the last contact, flags, follow-ups.
    assert row[2:6] == ["2", "3", "4", "4"]
    assert row[6] == format_day(local_today() - timedelta(days=2))
    assert row[8] == "1"
    assert "Rekensom sturen" in html


def format_day(day: date) -> str:
    from babel.dates import format_date
    return format_date(day, "EEE d MMM y", locale="nl")


def test_the_period_moves_the_windows_and_the_figures(director_client, employee, log, priority):
    log(employee, 2)
    log(employee, 450)
    first = local_today() - timedelta(days=600)
    last = local_today() - timedelta(days=400)
    _html, tables = page(director_client, f"/dashboard/opgaven/{priority.theme_id}?vanaf={first}&tot={last}")
    row = tables.row(f"{priority.code} ")
    # Counted back from the end of the period: only the one 450 days ago is in it, 50 days before its end.
    assert row[2:6] == ["0", "1", "1", "1"]
    assert row[6] == format_day(local_today() - timedelta(days=450))


def test_level_and_arena_filters_narrow_the_counts(director_client, employee, log, priority, db):
    log(employee, 3, level=Level.POLITICAL)
    log(employee, 4, level=Level.OFFICIAL)
    amsterdam = db.session.scalars(select(Organisation).where(Organisation.name == "Gemeente Amsterdam")).one()
    log(employee, 5, level=Level.OFFICIAL, organisations=[amsterdam])
    url = f"/dashboard/opgaven/{priority.theme_id}"
    assert page(director_client, url)[1].row(f"{priority.code} ")[5] == "3"
    assert page(director_client, url + "?niveau=bestuurlijk")[1].row(f"{priority.code} ")[5] == "1"
    html, tables = page(director_client, f"{url}?netwerk={amsterdam.arena_id}")
    assert tables.row(f"{priority.code} ")[5] == "1"
    # The engagements in other networks are left out.
    assert not [row for row in tables.rows if row[0].startswith("Ministerie van Binnenlandse Zaken")]
    amsterdam_rows = [row for row in tables.rows if row[0] == "Gemeente Amsterdam" and len(row) == 8]
    assert amsterdam_rows and all(row[3] == format_day(local_today() - timedelta(days=5)) for row in amsterdam_rows)


@pytest.mark.parametrize("query, message", [
    ("vanaf=morgen", "Vul een bestaande datum in, zoals 30-11-2026."),
    ("tot=2026-02-30", "Vul een bestaande datum in, zoals 30-11-2026."),
    ("vanaf=2026-05-01&tot=2026-04-01", "De begindatum ligt na de einddatum."),
    ("vanaf=2015-01-01&tot=2026-01-01", "Kies een periode van hoogstens vijf jaar."),
    ("vanaf=0001-01-01", "Kies een datum tussen 2000 en 2100."),
    ("tot=9999-12-31", "Kies een datum tussen 2000 en 2100."),
    ("netwerk=999999", "Kies een netwerk uit de lijst."),
    ("netwerk=abc", "Kies een netwerk uit de lijst."),
    ("niveau=minister", "Kies een niveau uit de lijst."),
])
def test_a_bad_filter_gets_a_dutch_message_and_its_default(director_client, priority, query, message):
    # The strategy page has no network filter: it shows every network.
    urls = [f"/dashboard/opgaven/{priority.theme_id}"] + (["/dashboard/strategie"] if "netwerk" not in query else [])
    for url in urls:
        html, _tables = page(director_client, f"{url}?{query}")
        assert message in html, url
        assert "Niet elk filter is gebruikt" in html
        if "netwerk" in query or "niveau" in query:
            continue
        # The line under the form names the period in force: the default one.
        assert format_day(Period.last_year(local_today()).first) in html
        assert director_client.get(f"{url}/export.xlsx?{query}").status_code == 200


def test_an_unknown_opgave_is_not_found(director_client):
    assert director_client.get("/dashboard/opgaven/999999").status_code == 404
    assert director_client.get("/dashboard/opgaven/999999/export.xlsx").status_code == 404


def test_coverage_follows_the_intended_role_and_level(db, director_client, employee, log, bzk):
    engagement = db.session.scalars(select(Engagement).where(Engagement.organisations.any(Organisation.id == bzk.id),
                                                             Engagement.theme_id == 1)).first()
    assert engagement.level == EngagementLevel.POLITICAL_AND_SENIOR_OFFICIAL
    url = "/dashboard/opgaven/1"
    assert "Nog nooit gesproken" in page(director_client, url)[1].row("Ministerie van Binnenlandse Zaken")[7]

    log(employee, 10, level=Level.SENIOR_OFFICIAL)
    row = page(director_client, url)[1].row("Ministerie van Binnenlandse Zaken")
    assert row[3:6] == [format_day(local_today() - timedelta(days=10)), "0", "1"]
    assert "Aandacht nodig" in row[7] and "geen bestuurlijk contact in 90 dagen" in row[7]

    log(employee, 12, level=Level.POLITICAL)
    row = page(director_client, url)[1].row("Ministerie van Binnenlandse Zaken")
    assert row[4:6] == ["1", "1"]
    assert "Op orde" in row[7]


def test_the_coverage_rule(app):
    today = date(2026, 11, 30)
    at = lambda days: datetime.combine(today - timedelta(days=days), time(12), tzinfo=timezone.utc)  # noqa: E731
    leading = Engagement(role=IntendedRole.CHAIR, level=EngagementLevel.POLITICAL)
    watching = Engagement(role=IntendedRole.MONITOR, level=EngagementLevel.POLITICAL)
    assert service.coverage_of(leading, service.OrganisationContact(), 30, today)[0] == service.Coverage.NEVER
    assert service.coverage_of(leading, service.OrganisationContact(at(5), 1, 0), 30, today)[0] == service.Coverage.OK
    state, reasons = service.coverage_of(leading, service.OrganisationContact(at(40), 1, 0), 30, today)
    assert state == service.Coverage.ATTENTION and reasons == ["laatste contact 40 dagen geleden, ritme 30 dagen"]
    state, _reasons = service.coverage_of(leading, service.OrganisationContact(at(5), 0, 3), 30, today)
    assert state == service.Coverage.ATTENTION
    # Monitoring asks only for the cadence, at any level.
    state, _reasons = service.coverage_of(watching, service.OrganisationContact(at(100), 0, 0), 120, today)
    assert state == service.Coverage.OK


def test_key_moments_and_funding_of_the_priorities_show(db, director_client, priority):
    other = db.session.scalars(select(Priority).where(Priority.theme_id != priority.theme_id)).first()
    db.session.add_all([
        KeyMoment(starts_at=datetime.now(timezone.utc) + timedelta(days=10), title="Commissiedebat Jeugd",
                  priorities=[priority]),
        KeyMoment(starts_at=datetime.now(timezone.utc) - timedelta(days=10), title="Voorbij debat",
                  priorities=[priority]),
        KeyMoment(starts_at=datetime.now(timezone.utc) + timedelta(days=10), title="Ander debat", priorities=[other]),
        FundingStream(name="Fonds Kansrijke Wijken", priorities=[priority]),
    ])
    db.session.commit()
    html, _tables = page(director_client, f"/dashboard/opgaven/{priority.theme_id}")
    assert "Commissiedebat Jeugd" in html and "Fonds Kansrijke Wijken" in html
    assert "Voorbij debat" not in html and "Ander debat" not in html


def test_the_weeks_follow_the_municipal_calendar(app, db, director, employee, priority):
    # Monday 00:30 in Amsterdam is still Sunday in UTC: it belongs to the new week.
    monday = date(2026, 3, 30)  # the day after the clocks went forward
    interaction = save_interaction(InteractionData(
        occurred_at=datetime.combine(monday, time(0, 30), tzinfo=AMSTERDAM), kind=InteractionKind.CALL,
        level=Level.OFFICIAL, subject="Vroeg belletje", priority_ids=[priority.id]), employee)
    db.session.commit()
    assert interaction.occurred_at.astimezone(timezone.utc).date() == date(2026, 3, 29)
    theme = db.session.get(Theme, priority.theme_id)
    weekly = service.weekly_by_level(director, theme, service.Filters(Period(date(2026, 3, 16), date(2026, 4, 12))))
    assert weekly.starts == [date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30), date(2026, 4, 6)]
    assert weekly.values[Level.OFFICIAL] == [0, 0, 1, 0]


# --- Confidentiality ----------------------------------------------------------------------------------------------

def test_figures_count_only_what_the_viewer_may_see(login, make_user, employee, director, log, priority, db):
    colleague = make_user(Role.EMPLOYEE, name="Cor Collega")
    log(colleague, 3, confidential=True, subject="Geheim overleg over het budget",
        follow_ups=[("Geheime actie", colleague, local_today() + timedelta(days=2))])
    log(colleague, 4)
    url = f"/dashboard/opgaven/{priority.theme_id}"
    as_employee, employee_tables = page(login(employee), url)
    as_director, director_tables = page(login(director), url)
    assert employee_tables.row(f"{priority.code} ")[2] == "1"
    assert director_tables.row(f"{priority.code} ")[2] == "2"
    assert "Geheime actie" in as_director and "Geheim overleg over het budget" in as_director
    assert "Geheime actie" not in as_employee and "Geheim overleg" not in as_employee
    assert "vertrouwelijke van anderen tellen niet mee" in as_employee
    matrix_employee = Tables(login(employee).get("/dashboard/strategie").get_data(as_text=True))
    matrix_director = Tables(login(director).get("/dashboard/strategie").get_data(as_text=True))
    assert matrix_employee.row("1. ")[-1] == "1" and matrix_director.row("1. ")[-1] == "2"


# --- The whole strategy -------------------------------------------------------------------------------------------

def test_each_cell_links_to_the_list_of_the_contactmomenten_it_counts(db, director_client, employee, log, bzk,
                                                                    priority):
    log(employee, 3)
    log(employee, 5, level=Level.POLITICAL)
    log(employee, 9, organisations=[])
    log(employee, 800)  # outside the period
    theme = db.session.get(Theme, priority.theme_id)
    arena = db.session.get(Arena, bzk.arena_id)
    html, tables = page(director_client, "/dashboard/strategie")
    arenas = [name for name in tables.rows[0]]
    row = tables.row(f"{theme.number}. {theme.name}")
    assert row[arenas.index(arena.name)] == "2"
    assert row[arenas.index("Geen netwerk")] == "1"
    assert row[-1] == "3"
    links = re.findall(r'href="(/contactmomenten/\?[^"]*)"[^>]*aria-label="2 contactmomenten over '
                       + re.escape(theme.name) + " in " + re.escape(arena.name), html)
    assert len(links) == 1
    listing = director_client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert "2 contactmomenten" in listing
    assert "Overleg 3 dagen geleden" in listing and "Overleg 9 dagen geleden" not in listing

    political = Tables(director_client.get("/dashboard/strategie?niveau=bestuurlijk").get_data(as_text=True))
    assert political.row(f"{theme.number}. ")[arenas.index(arena.name)] == "1"


def test_the_trend_counts_per_opgave_per_month(db, director_client, employee, log, priority):
    log(employee, 1)
    first = local_today().replace(day=1)
    html, tables = page(director_client, f"/dashboard/strategie?vanaf={first}&tot={local_today()}")
    header = next(row for row in tables.rows if row and row[0] == "Maand")
    theme = db.session.get(Theme, priority.theme_id)
    month_rows = [row for row in tables.rows if len(row) == len(header) and row[0] != "Maand"]
    if local_today().day == 1:
        assert month_rows[0][header.index(f"{theme.number}. {theme.name}")] == "0"  # yesterday was last month
    else:
        assert month_rows[0][header.index(f"{theme.number}. {theme.name}")] == "1"
    assert 'role="img"' in html and "<title id=\"grafiek-trend-title\">" in html


# --- Export ---------------------------------------------------------------------------------------------------------

def test_the_opgave_export_has_the_figures_of_the_page(db, director_client, employee, manager, log, priority):
    priority.title = "=HYPERLINK(\"http://example.org\", \"klik\")"
    db.session.commit()
    for days in (2, 40, 100):
        log(employee, days, level=Level.POLITICAL if days == 2 else Level.OFFICIAL)
    url = f"/dashboard/opgaven/{priority.theme_id}?niveau=ambtelijk"
    _html, tables = page(director_client, url)
    book = workbook(director_client, url.replace("?", "/export.xlsx?"))
    assert book.sheetnames == ["Overzicht", "Prioriteiten", "Inzet per organisatie", "Per week", "Per netwerk",
                               "Belangrijke momenten", "Geldstromen"]
    row = sheet_row(book["Prioriteiten"], priority.code)
    assert row[5:9] == [int(n) for n in tables.row(f"{priority.code} ")[2:6]] == [0, 1, 2, 2]
    title = book["Prioriteiten"].cell(row=[c.value for c in book["Prioriteiten"]["A"]].index(priority.code) + 1,
                                      column=2)
    assert title.data_type == "s" and title.value == priority.title
    assert sum(r[4] or 0 for r in book["Per week"].iter_rows(min_row=2, values_only=True)) == 2
    assert sheet_row(book["Overzicht"], "Niveau")[1] == "Ambtelijk"
    for sheet in book.worksheets:
        assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"], sheet.title
    seeded = db.session.scalar(select(FundingStream).where(FundingStream.priorities.any(
        Priority.theme_id == priority.theme_id)).order_by(FundingStream.name))
    if seeded is not None:
        assert sheet_row(book["Geldstromen"], seeded.name)[0] == seeded.name


def test_the_strategy_export_has_the_matrix_and_the_trend(db, director_client, employee, log, bzk, priority):
    log(employee, 3)
    _html, tables = page(director_client, "/dashboard/strategie")
    book = workbook(director_client, "/dashboard/strategie/export.xlsx")
    theme = db.session.get(Theme, priority.theme_id)
    sheet = book["Opgaven per netwerk"]
    assert [cell.value for cell in sheet[1]] == tables.rows[0]
    assert sheet_row(sheet, f"{theme.number}. ")[1:] == [int(value) for value in tables.row(f"{theme.number}. ")[1:]]
    assert sheet_row(sheet, "Totaal")[-1] == 1
    assert book["Per maand"].max_row == len(Period.last_year(local_today()).months()) + 1


def test_an_export_is_written_in_the_audit_log(db, director_client):
    from tracker.audit.models import AuditEvent
    director_client.get("/dashboard/strategie/export.xlsx")
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export",
                                                      AuditEvent.entity == "dashboards")) is not None


# --- Charts and colours ---------------------------------------------------------------------------------------------

def contrast(first: str, second: str) -> float:
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_colours_stand_out_against_the_background():
    for colour in [*charts.LEVEL_COLOURS.values(), *charts.LINE_COLOURS]:
        assert contrast(colour, charts.BACKGROUND) >= 3, colour


def test_the_matrix_numbers_are_readable_on_every_step_of_the_scale():
    css = (STATIC / "app.css").read_text()
    for step, (background, text) in enumerate(zip(charts.HEAT_COLOURS, charts.HEAT_TEXT)):
        assert contrast(background, text) >= 4.5, step
        assert f".lt-heat--{step} {{ background: {background}; color: {text}; }}" in css


def test_the_scale_spreads_counts_over_its_steps():
    assert charts.heat_step(0, 50) == 0
    assert charts.heat_step(1, 50) == 1
    assert charts.heat_step(50, 50) == charts.HEAT_STEPS
    assert charts.heat_ranges(10) == [(0, 0, 0), (1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8), (5, 9, 10)]
    assert charts.heat_ranges(2) == [(0, 0, 0), (3, 1, 1), (5, 2, 2)]
    for value in range(1, 11):
        step = charts.heat_step(value, 10)
        assert any(low <= value <= high for found, low, high in charts.heat_ranges(10) if found == step)


def test_the_charts_are_svg_with_a_text_equivalent(director_client, employee, log, priority):
    log(employee, 3)
    html, tables = page(director_client, f"/dashboard/opgaven/{priority.theme_id}")
    assert html.count('<svg class="lt-chart__svg"') == 2
    for chart in ("grafiek-week", "grafiek-netwerk"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert "<script" not in html.split("<main", 1)[1]
    assert any(row[:1] == ["Rijk"] and row[-1] == "1" for row in tables.rows)


# --- A fixed number of queries --------------------------------------------------------------------------------------

PAGES = ["/dashboard/opgaven/{theme}", "/dashboard/opgaven/{theme}?niveau=ambtelijk&netwerk={arena}",
         "/dashboard/opgaven/{theme}/export.xlsx", "/dashboard/strategie", "/dashboard/strategie/export.xlsx"]


def add_data(db, seed: int, interactions: int, priority, manager, make_interaction) -> None:
    """Demo data, and one of each kind of thing the pages list, so that the
    small database already needs every query the large one does."""
    overdue = local_today() - timedelta(days=3)
    make_interaction(manager, subject=f"Met actie {seed}", organisations=[db.session.get(Organisation, 1)],
                     follow_ups=[("Te laat", manager, overdue),
                                 ("Nog open", manager, local_today() + timedelta(days=9))])
    generate(interactions=interactions, contacts=interactions // 5, organisations=60 + interactions // 10,
             users=8 + interactions // 50, seed=seed, now=datetime.now(timezone.utc))
    db.session.add(KeyMoment(starts_at=datetime.now(timezone.utc) + timedelta(days=seed), title=f"Debat {seed}",
                             priorities=[priority]))
    set_priority_status(priority, PriorityStatus.ON_TRACK, f"Stand {seed}", manager)
    neglect.scan(local_today())
    # An open flag about an organisation and one about a contact person, in the first network.
    bzk = db.session.get(Organisation, 1)
    contact = Contact(name=f"Contact {seed}", organisation=bzk)
    db.session.add(contact)
    db.session.flush()
    for subject, values in ((FlagSubject.ORGANISATION, {"organisation_id": bzk.id}),
                            (FlagSubject.CONTACT, {"contact_id": contact.id})):
        key = neglect.subject_key(subject, values.get("organisation_id") or values["contact_id"])
        if db.session.scalar(select(NeglectFlag.id).where(NeglectFlag.subject_key == key,
                                                          NeglectFlag.status != FlagStatus.RESOLVED)) is None:
            db.session.add(NeglectFlag(subject=subject, subject_key=key, status=FlagStatus.OPEN,
                                       neglected_since=local_today(), days_overdue=5, cadence_days=30,
                                       owner_id=manager.id, assignee_id=manager.id, theme_ids=[priority.theme_id],
                                       priority_ids=[priority.id], engagement_ids=[], raised_on=local_today(),
                                       **values))
    db.session.commit()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.EMPLOYEE])
def test_every_page_costs_the_same_queries_on_ten_times_the_data(app, db, login, make_user, manager, priority, role,
                                                                 make_interaction):
    viewer = make_user(role)
    client = login(viewer)
    arena = db.session.scalar(select(Arena.id).order_by(Arena.id))
    urls = [url.format(theme=priority.theme_id, arena=arena) for url in PAGES]
    add_data(db, 1, 60, priority, manager, make_interaction)
    assert db.session.scalar(select(Interaction.id).limit(1)) is not None
    small = {url: count_queries(app, client, url) for url in urls}
    add_data(db, 2, 540, priority, manager, make_interaction)
    large = {url: count_queries(app, client, url) for url in urls}
    assert large == small
