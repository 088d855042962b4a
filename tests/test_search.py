"""Search, the filtered contactmomenten list and its exports (issue 7).

Runs on SQLite (FTS5) and, with --postgresql, on PostgreSQL (tsvector, 'dutch').
"""

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.interactions import export
from tracker.interactions import service as interactions
from tracker.interactions.models import Interaction, InteractionKind, Level
from tracker.relations.models import Contact, Organisation
from tracker.search import service as search
from tracker.search.service import matching_interaction_ids
from tracker.strategy.models import Arena, Theme


def found_ids(db, terms: str) -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(matching_interaction_ids(terms)))


def data_for(interaction: Interaction, **changes) -> interactions.InteractionData:
    values = dict(occurred_at=interaction.occurred_at, kind=interaction.kind, level=interaction.level,
                  subject=interaction.subject, summary=interaction.summary, outcome=interaction.outcome,
                  confidential=interaction.confidential,
                  priority_ids=[priority.id for priority in interaction.priorities])
    values.update(changes)
    return interactions.InteractionData(**values)


def section(page: str, heading_id: str) -> str:
    """The part of the search page under one kind's heading."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start:end if end != -1 else len(page)]


# ------------------------------------------------------------------ the index stays in step

def test_a_contactmoment_is_found_after_create_edit_and_not_after_delete(db, employee, make_interaction):
    interaction = make_interaction(employee, subject="Werkbezoek houtbouw Poelenburg")
    assert found_ids(db, "houtbouw") == {interaction.id}
    assert found_ids(db, "Poelenburg werkbezoek") == {interaction.id}
    assert found_ids(db, "houtbo") == {interaction.id}, "the last word is a prefix"
    assert found_ids(db, "samenvatting") >= {interaction.id}, "the summary is searched too"

    interaction = db.session.get(Interaction, interaction.id)
    interactions.save_interaction(data_for(interaction, subject="Bestuurlijk overleg warmtenet",
                                           outcome="Steun toegezegd door de gedeputeerde"), employee, interaction)
    db.session.commit()
    assert found_ids(db, "houtbouw") == set()
    assert found_ids(db, "warmtenet") == {interaction.id}
    assert found_ids(db, "gedeputeerde") == {interaction.id}, "the outcome is searched too"

    interactions.delete_interaction(db.session.get(Interaction, interaction.id), employee)
    db.session.commit()
    assert found_ids(db, "warmtenet") == set()


def test_contacts_and_organisations_are_found_after_create_and_edit(db, manager_client):
    response = manager_client.post("/organisaties/nieuw", data={
        "name": "Stichting Zaanse Houtbouwers", "abbreviation": "SZH", "kind": "platform", "arena_id": "",
        "parent_id": "", "description": "", "owner_id": "", "cadence_mode": "standaard", "cadence_days": ""})
    assert response.status_code == 302
    organisation = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "SZH")).one()
    response = manager_client.post("/contactpersonen/nieuw", data={
        "name": "Wilhelmina Kroonenberg", "function": "kwartiermaker houtbouw", "organisation_id": str(organisation.id),
        "email": "w.kroonenberg@houtbouwers.example", "phone": "", "notes": "", "owner_id": "",
        "cadence_mode": "standaard", "cadence_days": ""})
    assert response.status_code == 302
    contact = db.session.scalars(select(Contact).where(Contact.name == "Wilhelmina Kroonenberg")).one()

    page = manager_client.get("/zoeken", query_string={"zoek": "kroonenberg"}).text
    assert "Wilhelmina Kroonenberg" in section(page, "contacts")
    for terms in ("kwartiermaker", "houtbouwers.example", "SZH", "Zaanse houtbouwers"):
        page = manager_client.get("/zoeken", query_string={"zoek": terms}).text
        assert ("Wilhelmina Kroonenberg" in section(page, "contacts")
                or "Stichting Zaanse Houtbouwers" in section(page, "organisations")), terms
    assert "Stichting Zaanse Houtbouwers" in section(
        manager_client.get("/zoeken?zoek=SZH").text, "organisations")

    response = manager_client.post(f"/contactpersonen/{contact.id}/bewerken", data={
        "name": "Wilhelmina Berkenhout", "function": "kwartiermaker", "organisation_id": str(organisation.id),
        "email": "", "phone": "", "notes": "", "owner_id": "", "cadence_mode": "standaard", "cadence_days": ""})
    assert response.status_code == 302
    assert "Geen contactpersonen gevonden." in manager_client.get("/zoeken?zoek=kroonenberg").text
    assert "Wilhelmina Berkenhout" in section(manager_client.get("/zoeken?zoek=berkenhout").text, "contacts")


def test_demo_data_fills_the_index(app, db, runner, employee, make_interaction):
    result = runner.invoke(args=["demo-data", "--interactions", "300", "--contacts", "40", "--organisations", "70",
                                 "--users", "5", "--seed", "3"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    by_like = db.session.scalar(select(func.count()).select_from(Interaction).where(
        Interaction.subject.ilike("%netcongestie%") | Interaction.summary.ilike("%netcongestie%")))
    assert by_like > 0
    assert len(found_ids(db, "netcongestie")) == by_like
    assert db.session.scalar(select(func.count()).select_from(
        search.matching_contact_ids("example").subquery())) >= 40
    # The bulk load indexes its rows in one go; what is logged afterwards is indexed as it is saved.
    later = make_interaction(employee, subject="Rondetafel zeespiegelstijging")
    assert found_ids(db, "zeespiegelstijging") == {later.id}


def test_the_migration_indexes_existing_rows_and_goes_back_down(app, db, employee, make_interaction):
    interaction_id = make_interaction(employee, subject="Rondetafel netcongestie Hembrug").id
    db.session.remove()
    downgrade(revision="a1d4b0a4d002")
    upgrade()
    assert found_ids(db, "hembrug") == {interaction_id}


# ------------------------------------------------------------------ the search page

def test_results_are_grouped_by_kind(db, employee_client, employee, make_interaction):
    organisation = Organisation(name="Netwerk Zaanoever Walvis")
    contact = Contact(name="Jan Walvis", function="havenmeester")
    db.session.add_all([organisation, contact])
    db.session.commit()
    make_interaction(employee, subject="Overleg Walvis over de kade")

    page = employee_client.get("/zoeken", query_string={"zoek": "walvis"}).text
    assert "Overleg Walvis over de kade" in section(page, "interactions")
    assert "Jan Walvis" in section(page, "contacts") and "havenmeester" in section(page, "contacts")
    assert "Netwerk Zaanoever Walvis" in section(page, "organisations")
    assert "Jan Walvis" not in section(page, "organisations")
    assert "1 contactmoment," in page and "1 contactpersoon," in page and "1 organisatie." in page


def test_confidential_contactmomenten_are_found_only_by_who_may_see_them(
        db, login, make_user, make_interaction, employee, manager, director, administrator):
    colleague = make_user(Role.EMPLOYEE, name="Collega Deelnemer")
    make_interaction(manager, subject="Vertrouwelijk gesprek Zeppelinhaven", confidential=True,
                     participants=[colleague])
    make_interaction(manager, subject="Openbaar gesprek Zeppelinhaven")
    for user, sees in ((employee, False), (administrator, False), (colleague, True), (manager, True),
                       (director, True)):
        page = login(user).get("/zoeken?zoek=zeppelinhaven").text
        assert "Openbaar gesprek Zeppelinhaven" in page
        assert ("Vertrouwelijk gesprek Zeppelinhaven" in page) is sees, user.name
        assert (("2 contactmomenten" if sees else "1 contactmoment,") in page), user.name


def test_each_kind_pages_on_its_own(db, employee_client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    db.session.add_all([Contact(name=f"Paginatest {letter}") for letter in "ABCDE"])
    db.session.add(Organisation(name="Paginatest organisatie"))
    db.session.commit()
    first = employee_client.get("/zoeken?zoek=paginatest").text
    contacts = section(first, "contacts")
    assert "Paginatest A" in contacts and "Paginatest C" in contacts and "Paginatest D" not in contacts
    assert "pagina_contactpersonen=2" in contacts
    second = employee_client.get("/zoeken?zoek=paginatest&pagina_contactpersonen=2").text
    contacts = section(second, "contacts")
    assert "Paginatest D" in contacts and "Paginatest E" in contacts and "Paginatest A" not in contacts
    assert "Paginatest organisatie" in section(second, "organisations"), "the other kinds stay on their page"


@pytest.mark.parametrize("terms", ['"', "'", "AND OR NOT", "NEAR(a b)", "*", "(zaan", "zaan)", "-zaan", "a:b",
                                   "subject:zaan", "\\", "!", "&|", "zaan*", '"zaan" OR', "^zaan", "𝔘𝔫𝔦 🙂",
                                   "de het een", "x" * 200, "%_%"])
def test_any_terms_answer_a_page(employee_client, employee, make_interaction, terms):
    make_interaction(employee, subject="Overleg Zaandam Oost")
    response = employee_client.get("/zoeken", query_string={"zoek": terms})
    assert response.status_code == 200


def test_terms_that_cannot_be_searched_get_a_dutch_message(employee_client):
    page = employee_client.get("/zoeken", query_string={"zoek": "?!-*"}).text
    assert "Vul een of meer woorden in, met letters of cijfers." in page
    page = employee_client.get("/zoeken", query_string={"zoek": "x" * 201}).text
    assert "Gebruik hoogstens 200 tekens." in page
    assert "Gevonden:" not in page


def test_the_header_search_box_leads_to_the_search_page(employee_client):
    home = employee_client.get("/").text
    assert 'action="/zoeken"' in home and 'name="zoek"' in home
    assert "Zoek contactmomenten, contactpersonen en organisaties" in home


# ------------------------------------------------------------------ the list's filters

def test_the_list_filters_on_each_field(db, employee_client, employee, manager, make_interaction):
    theme_one, theme_two = db.session.scalars(select(Theme).order_by(Theme.number).limit(2)).all()
    first_priority, other_priority = theme_one.priorities[0], theme_two.priorities[0]
    arena = db.session.scalars(select(Arena).order_by(Arena.id)).first()
    organisation = Organisation(name="Filterorganisatie", arena=arena)
    contact = Contact(name="Filtercontact")
    db.session.add_all([organisation, contact])
    db.session.commit()
    now = datetime.now(timezone.utc)
    make_interaction(employee, subject="Alpha zonder alles", priorities=[other_priority],
                     occurred_at=now - timedelta(days=40))
    make_interaction(manager, subject="Bravo met alles", priorities=[first_priority], organisations=[organisation],
                     contacts=[contact], occurred_at=now - timedelta(days=2))
    bravo = db.session.scalars(select(Interaction).where(Interaction.subject == "Bravo met alles")).one()
    bravo.kind, bravo.level = InteractionKind.CALL, Level.POLITICAL
    db.session.commit()

    def shown(**query) -> set[str]:
        page = employee_client.get("/contactmomenten/", query_string=query).text
        assert "Niet elk filter is gebruikt" not in page, query
        return {subject for subject in ("Alpha zonder alles", "Bravo met alles") if subject in page}

    both = {"Alpha zonder alles", "Bravo met alles"}
    assert shown() == both
    day = (now - timedelta(days=10)).date().isoformat()
    assert shown(date_from=day) == {"Bravo met alles"}
    assert shown(date_to=day) == {"Alpha zonder alles"}
    assert shown(theme_id=theme_one.id) == {"Bravo met alles"}
    assert shown(priority_id=other_priority.id) == {"Alpha zonder alles"}
    assert shown(arena_id=arena.id) == {"Bravo met alles"}
    assert shown(organisation_id=organisation.id) == {"Bravo met alles"}
    assert shown(contact="filtercont") == {"Bravo met alles"}
    assert shown(colleague_id=employee.id) == {"Alpha zonder alles"}
    assert shown(kind="telefonisch") == {"Bravo met alles"}
    assert shown(level="ambtelijk") == {"Alpha zonder alles"}
    assert shown(zoek="bravo") == {"Bravo met alles"}
    assert shown(theme_id=theme_one.id, kind="overleg") == set()
    assert shown(van="mij") == {"Alpha zonder alles"}


@pytest.mark.parametrize("query, field, message", [
    ({"theme_id": "abc"}, "theme_id", "Kies uit de lijst."),
    ({"contact": "?!"}, "contact", "Vul een of meer woorden in, met letters of cijfers."),
    ({"arena_id": "999999"}, "arena_id", "Kies uit de lijst."),
    ({"kind": "ruzie"}, "kind", "Kies uit de lijst."),
    ({"date_from": "2026-02-30"}, "date_from", "Vul een bestaande datum in, zoals 30-11-2026."),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to", "Kies een einddatum op of na de begindatum."),
])
def test_a_wrong_filter_gets_a_message_next_to_its_field_and_filters_nothing(
        employee_client, employee, make_interaction, query, field, message):
    make_interaction(employee, subject="Overleg dat er altijd staat")
    response = employee_client.get("/contactmomenten/", query_string=query)
    assert response.status_code == 200
    page = response.text
    assert f'id="{field}-error"' in page and message in page
    assert "Overleg dat er altijd staat" in page


def test_the_list_pages_through_its_results_with_the_filters_kept(db, employee_client, employee, make_interaction,
                                                                   monkeypatch):
    monkeypatch.setattr(interactions, "PAGE_SIZE", 2)
    now = datetime.now(timezone.utc)
    for number in range(3):
        make_interaction(employee, subject=f"Reeks {number}", occurred_at=now - timedelta(days=number + 1))
    make_interaction(employee, subject="Buiten de serie")
    first = employee_client.get("/contactmomenten/?zoek=reeks").text
    assert "Reeks 0" in first and "Reeks 1" in first and "Reeks 2" not in first
    assert "3 contactmomenten" in first
    assert "pagina=2" in first and "zoek=reeks" in first
    second = employee_client.get("/contactmomenten/?zoek=reeks&pagina=2").text
    assert "Reeks 2" in second and "Reeks 0" not in second and "Buiten de serie" not in second


def test_the_dashboard_links_with_theme_id_and_arena_id(db, employee_client, employee, make_interaction):
    theme = db.session.scalars(select(Theme).order_by(Theme.number)).first()
    arena = db.session.scalars(select(Arena).order_by(Arena.id)).first()
    make_interaction(employee, subject="Niets met dit netwerk")
    page = employee_client.get(f"/contactmomenten/?theme_id={theme.id}&arena_id={arena.id}").text
    assert f'<option selected value="{theme.id}">' in page or f'value="{theme.id}" selected' in page
    assert "Niets met dit netwerk" not in page and "Geen contactmomenten gevonden." in page


# ------------------------------------------------------------------ exports

def export_events(db) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export",
                                                            AuditEvent.entity == "interactions")))


def test_the_filtered_list_exports_to_csv_for_dutch_excel(db, employee_client, employee, manager, make_interaction):
    make_interaction(employee, subject="=HYPERLINK(\"https://evil.example\";\"klik\") Zaanbocht")
    make_interaction(employee, subject="+31 bellen over de Zaanbocht")
    make_interaction(manager, subject="Geheim over de Zaanbocht", confidential=True)
    make_interaction(employee, subject="Iets anders")

    response = employee_client.get("/contactmomenten/export.csv?zoek=zaanbocht")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Nummer", "Datum", "Tijd", "Onderwerp"]
    subjects = sorted(row[3] for row in rows[1:])
    assert subjects == ["'+31 bellen over de Zaanbocht", "'=HYPERLINK(\"https://evil.example\";\"klik\") Zaanbocht"]

    event = export_events(db)[-1]
    assert event.user_id == employee.id
    assert event.changes["aantal"] == 2 and event.changes["formaat"] == "csv"
    assert event.changes["terms"] == "zaanbocht"


def test_the_filtered_list_exports_to_excel(db, manager_client, manager, make_interaction):
    make_interaction(manager, subject="@SUM(A1) Zaanbocht")
    make_interaction(manager, subject="Geheim over de Zaanbocht", confidential=True)
    kind_filter = {"zoek": "zaanbocht", "kind": "overleg"}
    response = manager_client.get("/contactmomenten/export.xlsx", query_string=kind_filter)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Onderwerp"
    assert sorted(row[3] for row in rows[1:]) == ["'@SUM(A1) Zaanbocht", "Geheim over de Zaanbocht"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    event = export_events(db)[-1]
    assert event.changes["aantal"] == 2 and event.changes["kind"] == "overleg" and event.changes["formaat"] == "xlsx"


def test_an_export_beyond_the_limit_asks_for_narrower_filters(db, employee_client, employee, make_interaction,
                                                              monkeypatch):
    monkeypatch.setattr(export, "EXPORT_LIMIT", 1)
    make_interaction(employee, subject="Een")
    make_interaction(employee, subject="Twee")
    response = employee_client.get("/contactmomenten/export.csv?kind=overleg")
    assert response.status_code == 302 and "kind=overleg" in response.location
    assert "verfijn de filters" in employee_client.get(response.location).text
    assert export_events(db) == []
