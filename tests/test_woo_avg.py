"""The Woo export, the AVG duties (inzage, anonymising), legal holds and the
retention review."""

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role
from tracker.avg import service as avg
from tracker.avg.models import (
    AvgAction, AvgActionKind, InformationRequest, RequestKind, RetentionDecision, RetentionReview,
)
from tracker.errors import DomainError
from tracker.formatting import local_today
from tracker.interactions.models import Interaction, interaction_contacts
from tracker.relations.models import Contact, Organisation
from tracker.scheduler import jobs
from tracker.stakeholders import service as stakeholders
from tracker.stakeholders.models import Attitude, Influence, StakeholderChange
from tracker.strategy.models import Priority
from tracker.woo.models import WooExport

@pytest.fixture
def bzk(db):
    return db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()


@pytest.fixture
def people(db, bzk):
    """An official (not a public figure) and a wethouder elsewhere (one)."""
    official = Contact(name="Pieter Jansen", function="beleidsmedewerker", organisation=bzk,
                       email="pieter.jansen@minbzk.nl", phone="070 123 4567", notes="Houdt van fietsen.")
    alderman = Contact(name="Wendy Wethouder", function="wethouder Wonen, gemeente Amsterdam")
    db.session.add_all([official, alderman])
    db.session.commit()
    return official, alderman


def days_ago(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no byte order mark"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def woo_form(**values) -> dict:
    today = local_today()
    form = {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat(), "terms": ""}
    form.update(values)
    return form


# --- The contact's flag ---------------------------------------------------------------------------------------------

def test_the_public_figure_flag_follows_the_function_unless_chosen(db, employee_client):
    for name, function, mode in (("Wendy Wethouder", "Wethouder Wonen", "functie"),
                                 ("Kees Kamerlid", "Tweede Kamerlid (VVD)", "functie"),
                                 ("Bea Beleid", "beleidsadviseur", "functie"),
                                 ("Willem Wethouder", "wethouder", "nee"),
                                 ("Anna Adviseur", "adviseur", "ja")):
        response = employee_client.post("/contactpersonen/nieuw", data={
            "name": name, "function": function, "organisation_id": "", "email": "", "phone": "", "notes": "",
            "public_figure_mode": mode, "owner_id": "", "cadence_mode": "standaard", "cadence_days": ""})
        assert response.status_code == 302, response.get_data(as_text=True)
    flags = dict(db.session.execute(select(Contact.name, Contact.public_figure)).all())
    assert flags["Wendy Wethouder"] and flags["Kees Kamerlid"] and flags["Anna Adviseur"]
    assert not flags["Bea Beleid"] and not flags["Willem Wethouder"]

    # The edit form shows the stored choice, and the contact page the flag.
    willem = db.session.scalars(select(Contact).where(Contact.name == "Willem Wethouder")).one()
    form = employee_client.get(f"/contactpersonen/{willem.id}/bewerken").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="nee"', form)
    assert "Publiek figuur" in employee_client.get(f"/contactpersonen/{willem.id}").get_data(as_text=True)


def test_a_contact_made_elsewhere_gets_the_flag_from_its_function(db):
    minister = Contact(name="Mona Minister", function="Minister van VRO")
    clerk = Contact(name="Gijs Griffier", function="griffier")
    db.session.add_all([minister, clerk])
    db.session.commit()
    assert minister.public_figure is True and clerk.public_figure is False


# --- The Woo export -------------------------------------------------------------------------------------------------

@pytest.fixture
def woo_world(db, make_interaction, manager, employee, people, bzk):
    official, alderman = people
    open_one = make_interaction(employee, subject="Woningbouw Achtersluispolder", contacts=[official, alderman],
                                occurred_at=days_ago(3),
                                follow_ups=[("Rekensom woningbouw naar Pieter Jansen sturen", employee,
                                             local_today() + timedelta(days=7))])
    open_one.summary = "Pieter Jansen (pieter.jansen@minbzk.nl) lichtte toe; Mila Medewerker vroeg door."
    secret = make_interaction(manager, subject="Woningbouw: vertrouwelijk bod", confidential=True,
                              contacts=[official], occurred_at=days_ago(2))
    make_interaction(employee, subject="Woningbouw lang geleden", occurred_at=days_ago(90))
    make_interaction(employee, subject="Verkeer en vervoer", occurred_at=days_ago(1))
    db.session.commit()
    return open_one, secret


def test_a_woo_export_holds_an_overview_a_document_per_contactmoment_and_an_inventory(
        db, manager_client, manager, woo_world):
    open_one, secret = woo_world
    archive = unzip(manager_client.post("/woo", data=woo_form(terms="woningbouw")))
    names = sorted(archive.namelist())
    documents = sorted(name for name in names if name.startswith("documenten/"))
    assert len(documents) == 2
    assert {"overzicht.csv", "inventarislijst.csv", "verantwoording.txt"} <= set(names)

    inventory = read_csv(archive, "inventarislijst.csv")
    assert inventory[0][:5] == ["Nr.", "Document", "Datum", "Omschrijving", "Vertrouwelijk"]
    assert [row[0] for row in inventory[1:]] == ["1", "2"]
    assert [row[1] for row in inventory[1:]] == documents
    # Oldest first: the open one (three days ago), then the confidential one.
    assert [row[3] for row in inventory[1:]] == ["Woningbouw Achtersluispolder", "Woningbouw: vertrouwelijk bod"]
    assert [row[4] for row in inventory[1:]] == ["nee", "ja, beoordelen op uitzonderingsgronden"]

    overview = read_csv(archive, "overzicht.csv")
    assert len(overview) == 3 and overview[1][5] == "Woningbouw Achtersluispolder"
    assert "Rekensom woningbouw naar Pieter Jansen sturen" in overview[1][-1]

    first = archive.read(documents[0]).decode("utf-8")
    assert "Document 1 van 2" in first and "VERTROUWELIJK" not in first
    assert "Onderwerp: Woningbouw Achtersluispolder" in first
    assert "Pieter Jansen, beleidsmedewerker" in first and "Wendy Wethouder" in first
    assert "Rekensom woningbouw naar Pieter Jansen sturen" in first  # with its follow-ups
    second = archive.read(documents[1]).decode("utf-8")
    assert second.startswith("Document 2 van 2") and "VERTROUWELIJK" in second.splitlines()[2]

    justification = archive.read("verantwoording.txt").decode("utf-8")
    assert "Zoektermen: woningbouw" in justification and "Aantal documenten: 2" in justification
    assert "Gemaakt door: Mark Manager" in justification
    # Neither the one outside the period nor the one about something else.
    everything = b"".join(archive.read(name) for name in names).decode("utf-8-sig", "replace")
    assert "lang geleden" not in everything and "Verkeer en vervoer" not in everything


def test_names_of_people_who_are_not_public_figures_are_replaced_on_request(db, manager_client, woo_world, bzk):
    archive = unzip(manager_client.post("/woo", data=woo_form(terms="Achtersluispolder", replace_names="y")))
    [document] = [name for name in archive.namelist() if name.startswith("documenten/")]
    text = archive.read(document).decode("utf-8")
    official = f"[functie: beleidsmedewerker, {bzk.name}]"
    assert "Pieter Jansen" not in text and "pieter.jansen@minbzk.nl" not in text
    assert f"Contactpersonen: {official}, Wendy Wethouder, wethouder Wonen, gemeente Amsterdam" in text
    assert f"{official} ({official}) lichtte toe" in text  # in the summary too
    assert "Mila Medewerker" not in text and "[functie: medewerker, gemeente Zaanstad]" in text
    assert f"Rekensom woningbouw naar {official} sturen" in text
    overview = archive.read("overzicht.csv").decode("utf-8-sig")
    assert "Pieter Jansen" not in overview and "Mila Medewerker" not in overview
    assert "Namen vervangen door functies: ja" in archive.read("verantwoording.txt").decode("utf-8")


def test_a_beheerder_exports_only_what_a_beheerder_may_see(db, admin_client, woo_world):
    archive = unzip(admin_client.post("/woo", data=woo_form(terms="woningbouw")))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8-sig", "replace")
    assert "vertrouwelijk bod" not in everything
    assert len([name for name in archive.namelist() if name.startswith("documenten/")]) == 1


def test_priorities_and_organisations_narrow_the_export(db, manager_client, woo_world, bzk, priority):
    # The official works at BZK, so both contactmomenten with him are linked to BZK.
    archive = unzip(manager_client.post("/woo", data=woo_form(organisation_ids=[str(bzk.id)])))
    assert len([name for name in archive.namelist() if name.startswith("documenten/")]) == 2
    archive = unzip(manager_client.post("/woo", data=woo_form(
        organisation_ids=[str(bzk.id)], terms="Achtersluispolder", priority_ids=[str(priority.id)])))
    assert len([name for name in archive.namelist() if name.startswith("documenten/")]) == 1
    [log] = db.session.scalars(select(WooExport).order_by(WooExport.id.desc()).limit(1))
    assert log.filters["organisaties"] == [bzk.name] and log.filters["prioriteiten"] == [
        f"{priority.code} {priority.title}"]


def test_each_export_is_logged_with_terms_filters_user_time_and_hits(db, manager_client, manager, woo_world):
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    manager_client.post("/woo", data=woo_form(terms="woningbouw", replace_names="y"))
    [log] = db.session.scalars(select(WooExport)).all()
    assert (log.terms, log.user_id, log.user_name, log.hits) == ("woningbouw", manager.id, "Mark Manager", 2)
    assert log.filters == {"prioriteiten": [], "organisaties": [], "namen_vervangen": True}
    assert log.created_at >= before and log.period_end == local_today()
    line = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "woo_exports")
                              .order_by(AuditEvent.id.desc())).first()
    assert line.action == "export" and line.entity_id == str(log.id) and line.user_id == manager.id
    page = manager_client.get("/woo/logboek").get_data(as_text=True)
    assert "woningbouw" in page and "Mark Manager" in page and "Namen vervangen: ja" in page


def test_a_woo_export_without_a_subject_or_with_a_backwards_period_is_refused(db, manager_client, woo_world):
    page = manager_client.post("/woo", data=woo_form())
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Geef zoektermen, prioriteiten of organisaties op" in page.get_data(as_text=True)
    today = local_today()
    page = manager_client.post("/woo", data=woo_form(terms="woningbouw", start=today.isoformat(),
                                                            end=(today - timedelta(days=5)).isoformat()))
    assert "Het einde van de periode ligt niet voor het begin." in page.get_data(as_text=True)
    page = manager_client.post("/woo", data=woo_form(terms="woningbouw", start="31-02-2026"))
    assert "Vul een bestaande datum in" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WooExport)) == 0


def test_exported_cells_never_start_a_formula(db, manager_client, make_interaction, manager):
    make_interaction(manager, subject="=HYPERLINK(\"http://kwaad\") over woningbouw", occurred_at=days_ago(1))
    archive = unzip(manager_client.post("/woo", data=woo_form(terms="woningbouw")))
    for name in ("overzicht.csv", "inventarislijst.csv"):
        rows = read_csv(archive, name)
        assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
        for row in rows:
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_only_managers_and_beheerders_make_woo_exports(employee_client, director_client):
    for client in (employee_client, director_client):
        assert client.get("/woo").status_code == 403
        assert client.post("/woo", data=woo_form(terms="x")).status_code == 403
        assert client.get("/woo/logboek").status_code == 403


# --- AVG: inzage and anonymising -----------------------------------------------------------------------------------

def test_an_avg_export_holds_everything_about_the_person_and_is_logged(db, admin_client, administrator, woo_world,
                                                                       people):
    official, _alderman = people
    archive = unzip(admin_client.post(f"/contactpersonen/{official.id}/avg/export"))
    data = json.loads(archive.read("gegevens.json"))
    assert data["contactpersoon"]["naam"] == "Pieter Jansen"
    assert data["contactpersoon"]["e-mailadres"] == "pieter.jansen@minbzk.nl"
    assert data["contactpersoon"]["notities"] == "Houdt van fietsen."
    # A beheerder does not see the confidential contactmoment, so it is not in a beheerder's export.
    assert [item["onderwerp"] for item in data["contactmomenten"]] == ["Woningbouw Achtersluispolder"]
    assert data["contactmomenten"][0]["acties"][0]["omschrijving"].startswith("Rekensom")
    assert data["auditlog"][0]["handeling"] == "create"
    rows = read_csv(archive, "contactmomenten.csv")
    assert rows[1][3] == "Woningbouw Achtersluispolder"
    [action] = db.session.scalars(select(AvgAction)).all()
    assert (action.action, action.contact_id, action.user_name) == (AvgActionKind.EXPORT, official.id,
                                                                   "Bas Beheerder")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "export", AuditEvent.entity == "contacts", AuditEvent.entity_id == str(official.id))) == 1
    assert "Inzage" in admin_client.get("/avg/logboek").get_data(as_text=True)


def test_anonymising_removes_the_personal_data_and_keeps_the_contactmomenten(db, admin_client, woo_world, people):
    official, _alderman = people
    links = db.session.scalar(select(func.count()).select_from(interaction_contacts).where(
        interaction_contacts.c.contact_id == official.id))
    page = admin_client.get(f"/contactpersonen/{official.id}/anonimiseren").get_data(as_text=True)
    assert "Dit kan niet ongedaan worden gemaakt." in page

    refused = admin_client.post(f"/contactpersonen/{official.id}/anonimiseren", data={"reason": "  "})
    assert refused.status_code == 200 and "Vul de reden in." in refused.get_data(as_text=True)
    assert db.session.get(Contact, official.id).name == "Pieter Jansen"

    done = admin_client.post(f"/contactpersonen/{official.id}/anonimiseren",
                             data={"reason": "AVG-verzoek van betrokkene"})
    assert done.status_code == 302
    contact = db.session.get(Contact, official.id)
    assert contact.name == f"Geanonimiseerd contact {official.id}"
    assert (contact.function, contact.email, contact.phone, contact.notes) == (None, None, None, None)
    assert contact.anonymised_at is not None and contact.organisation_id is not None
    assert db.session.scalar(select(func.count()).select_from(interaction_contacts).where(
        interaction_contacts.c.contact_id == official.id)) == links == 2
    assert db.session.scalar(select(func.count()).select_from(Interaction)) == 4
    [action] = db.session.scalars(select(AvgAction)).all()
    assert action.action == AvgActionKind.ANONYMISE and action.reason == "AVG-verzoek van betrokkene"
    line = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "contacts")
                              .order_by(AuditEvent.id.desc())).first()
    assert "geanonimiseerd" in line.note and "Pieter" not in json.dumps(line.changes)
    # The contactmoment shows the anonymised participant.
    shown = admin_client.get(f"/contactmomenten/{woo_world[0].id}").get_data(as_text=True)
    assert f"Geanonimiseerd contact {official.id}" in shown
    # Where the texts named the person, they now name the placeholder: the confidential one too.
    assert "Pieter Jansen" not in shown and "pieter.jansen@minbzk.nl" not in shown
    assert f"Geanonimiseerd contact {official.id} (Geanonimiseerd contact {official.id}) lichtte toe" in shown
    assert db.session.get(Interaction, woo_world[0].id).follow_ups[0].description == (
        f"Rekensom woningbouw naar Geanonimiseerd contact {official.id} sturen")
    # Nobody puts the data back by editing the record.
    assert "Contactpersoon bewerken" not in admin_client.get(f"/contactpersonen/{official.id}").get_data(as_text=True)
    edit = admin_client.post(f"/contactpersonen/{official.id}/bewerken",
                             data={"name": "Pieter Jansen", "email": "pieter.jansen@minbzk.nl"}, follow_redirects=True)
    assert "Deze contactpersoon is geanonimiseerd" in edit.get_data(as_text=True)
    assert db.session.get(Contact, official.id).name == f"Geanonimiseerd contact {official.id}"
    # Once is enough.
    again = admin_client.post(f"/contactpersonen/{official.id}/anonimiseren", data={"reason": "nog eens"})
    assert again.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AvgAction)) == 1


def test_the_stakeholder_maps_are_in_the_inzage_and_their_notes_go_with_anonymising(db, admin_client, manager,
                                                                                    people):
    official, _alderman = people
    priority = db.session.scalars(select(Priority).order_by(Priority.id)).first()
    entry = stakeholders.add_stakeholder(priority, stakeholders.StakeholderData(
        organisation_id=None, contact_id=official.id, influence=Influence.HIGH, attitude=Attitude.AGAINST,
        note="Pieter twijfelt nog"), manager)
    stakeholders.update_stakeholder(entry, Influence.HIGH, Attitude.NEUTRAL, "Pieter is bijgedraaid", manager)
    db.session.commit()

    data = json.loads(unzip(admin_client.post(f"/contactpersonen/{official.id}/avg/export")).read("gegevens.json"))
    [shown] = data["krachtenveld"]
    assert (shown["prioriteit"].startswith(priority.code), shown["invloed"], shown["houding"], shown["notitie"]) == (
        True, "hoog", "neutraal", "Pieter is bijgedraaid")
    assert [change["houding"] for change in data["krachtenveld_geschiedenis"]] == [[None, "tegen"],
                                                                                   ["tegen", "neutraal"]]

    assert admin_client.post(f"/contactpersonen/{official.id}/anonimiseren",
                             data={"reason": "AVG-verzoek"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(entry), entry.id).note is None
    assert db.session.get(type(entry), entry.id).attitude == Attitude.NEUTRAL  # where they stood stays
    notes = db.session.execute(select(StakeholderChange.old_note, StakeholderChange.new_note)
                               .where(StakeholderChange.contact_id == official.id)).all()
    assert notes and all(old is None and new is None for old, new in notes)


def test_only_a_beheerder_anonymises(db, manager_client, people):
    official, _alderman = people
    assert manager_client.get(f"/contactpersonen/{official.id}/anonimiseren").status_code == 403
    assert manager_client.post(f"/contactpersonen/{official.id}/anonimiseren",
                               data={"reason": "weg ermee"}).status_code == 403
    assert db.session.get(Contact, official.id).name == "Pieter Jansen"


# --- Legal holds ----------------------------------------------------------------------------------------------------

def test_an_open_request_blocks_anonymising_and_deleting_until_it_is_closed(db, admin_client, administrator, people):
    official, _alderman = people
    response = admin_client.post("/verzoeken/nieuw", data={
        "kind": "woo", "subject": "Woo-verzoek woningbouw", "reference": "Z-2026-0042",
        "opened_on": local_today().isoformat(), "closed_on": "", "contact_ids": [str(official.id)]})
    assert response.status_code == 302
    [request] = db.session.scalars(select(InformationRequest)).all()
    assert request.kind == RequestKind.WOO and [contact.id for contact in request.contacts] == [official.id]

    refused = admin_client.post(f"/contactpersonen/{official.id}/anonimiseren", data={"reason": "bewaartermijn"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "valt onder een lopend verzoek" in text and "Woo-verzoek woningbouw" in text
    assert db.session.get(Contact, official.id).name == "Pieter Jansen"
    assert db.session.scalar(select(func.count()).select_from(AvgAction)) == 0

    with pytest.raises(DomainError, match="lopend Woo- of AVG-verzoek"):
        db.session.delete(db.session.get(Contact, official.id))
        db.session.flush()
    db.session.rollback()

    admin_client.post(f"/verzoeken/{request.id}/bewerken", data={
        "kind": "woo", "subject": "Woo-verzoek woningbouw", "reference": "Z-2026-0042",
        "opened_on": local_today().isoformat(), "closed_on": local_today().isoformat(),
        "contact_ids": [str(official.id)]})
    assert db.session.get(InformationRequest, request.id).closed_on == local_today()
    done = admin_client.post(f"/contactpersonen/{official.id}/anonimiseren", data={"reason": "bewaartermijn"})
    assert done.status_code == 302 and db.session.get(Contact, official.id).anonymised_at is not None


def test_a_request_closed_before_it_opened_is_refused(db, manager_client, people):
    today = local_today()
    response = manager_client.post("/verzoeken/nieuw", data={
        "kind": "avg", "subject": "Inzageverzoek", "opened_on": today.isoformat(),
        "closed_on": (today - timedelta(days=1)).isoformat()})
    assert "De datum van afsluiten ligt niet voor de datum van binnenkomst." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(InformationRequest)) == 0


# --- The retention review -------------------------------------------------------------------------------------------

@pytest.fixture
def retention_world(db, make_interaction, employee, bzk):
    """Contacts known for six years: one last seen six years ago, one never
    contacted, one seen last month, one under a legal hold; and a new one."""
    six_years = days_ago(6 * 366)
    stale = Contact(name="Sietse Stil", function="adviseur", created_at=six_years)
    never = Contact(name="Nooit Gesproken", created_at=six_years)
    active = Contact(name="Anke Actief", created_at=six_years)
    held = Contact(name="Hanna Hold", created_at=six_years)
    new = Contact(name="Nina Nieuw")
    db.session.add_all([stale, never, active, held, new])
    db.session.commit()
    make_interaction(employee, contacts=[stale, held], occurred_at=days_ago(6 * 365))
    make_interaction(employee, contacts=[active], occurred_at=days_ago(30))
    db.session.add(InformationRequest(kind=RequestKind.AVG, subject="Inzage Hanna", opened_on=local_today(),
                                      contacts=[held]))
    db.session.commit()
    return {"stale": stale, "never": never, "active": active, "held": held, "new": new}


def listed(db) -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Contact.name).join(RetentionReview, RetentionReview.contact_id == Contact.id)
                                  .where(RetentionReview.decision.is_(None))))


def test_the_monthly_job_lists_the_right_contacts_once(db, app, retention_world):
    today = local_today()
    result = avg.list_for_review(today, 5)
    db.session.commit()
    assert (result.listed, result.held) == (2, 1)
    assert listed(db) == {"Sietse Stil", "Nooit Gesproken"}
    [review] = db.session.scalars(select(RetentionReview).where(
        RetentionReview.contact_id == retention_world["stale"].id)).all()
    assert review.last_contact_at is not None and review.listed_on == today
    assert avg.list_for_review(today, 5).listed == 0  # a second run adds nothing
    # A longer retention period lists no one.
    db.session.rollback()
    assert avg.list_for_review(today, 7).listed == 0


def test_the_job_runs_in_the_scheduler_and_catches_up_once_a_month(db, app, retention_world):
    run = jobs.retention_review_job(app)
    assert run.succeeded and "2 nieuw ter beoordeling, 1 onder een lopend verzoek" in run.message
    assert listed(db) == {"Sietse Stil", "Nooit Gesproken"}
    # This month's run is done: catching up does not run it again.
    assert "bewaartermijn" not in jobs.catch_up(app)


def test_the_command_lists_as_of_a_given_day(db, runner, retention_world):
    result = runner.invoke(args=["retention-review", "--today", local_today().isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 contact(s) listed for review, 1 under a legal hold skipped" in result.output
    assert listed(db) == {"Sietse Stil", "Nooit Gesproken"}


def test_a_beheerder_keeps_a_contact_for_a_year_or_anonymises_it_after_review(db, admin_client, retention_world):
    today = local_today()
    avg.list_for_review(today, 5)
    db.session.commit()
    page = admin_client.get("/avg/bewaartermijn").get_data(as_text=True)
    assert "Sietse Stil" in page and "Nooit Gesproken" in page and "Hanna Hold" not in page
    stale_review = db.session.scalars(select(RetentionReview).where(
        RetentionReview.contact_id == retention_world["stale"].id)).one()

    refused = admin_client.post(f"/avg/bewaartermijn/{stale_review.id}/bewaren",
                                data={"reason": ""})
    assert refused.status_code == 200 and "Vul de reden in." in refused.get_data(as_text=True)
    kept = admin_client.post(f"/avg/bewaartermijn/{stale_review.id}/bewaren",
                             data={"reason": "Lid van de commissie tot 2027"})
    assert kept.status_code == 302
    review = db.session.get(RetentionReview, stale_review.id)
    assert review.decision == RetentionDecision.KEEP and review.keep_until == today + timedelta(days=365)
    assert db.session.get(Contact, retention_world["stale"].id).name == "Sietse Stil"

    never = retention_world["never"]
    assert admin_client.post(f"/contactpersonen/{never.id}/anonimiseren",
                             data={"reason": "Bewaartermijn verstreken"}).status_code == 302
    assert listed(db) == set()
    assert db.session.scalars(select(RetentionReview.decision).where(
        RetentionReview.contact_id == never.id)).one() == RetentionDecision.ANONYMISE

    # Next month nobody comes back; after the year the kept contact does.
    assert avg.list_for_review(today + timedelta(days=31), 5).listed == 0
    db.session.commit()
    assert avg.list_for_review(today + timedelta(days=366), 5).listed == 1
    db.session.commit()
    assert listed(db) == {"Sietse Stil"}


def test_only_a_beheerder_reviews_retention(manager_client, employee_client):
    for client in (manager_client, employee_client):
        assert client.get("/avg/bewaartermijn").status_code == 403


def test_a_contact_with_a_new_contactmoment_drops_off_the_list(db, make_interaction, employee, retention_world):
    today = local_today()
    avg.list_for_review(today, 5)
    db.session.commit()
    make_interaction(employee, contacts=[retention_world["stale"]], occurred_at=days_ago(1))
    result = avg.list_for_review(today, 5)
    db.session.commit()
    assert result.dropped == 1 and listed(db) == {"Nooit Gesproken"}


def test_the_retention_cutoff_survives_a_leap_day(app):
    assert avg.retention_cutoff(date(2028, 2, 29), 5).date() in (date(2023, 2, 27), date(2023, 2, 28))
