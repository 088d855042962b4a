"""Choosing contacts and organisations by search (tracker/forms.py PickerField):
the forms show what is chosen and what a search found, never the whole table;
without JavaScript the button "Zoeken" brings the form back with every value kept."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tracker.auth.models import Role
from tracker.demo.service import generate
from tracker.interactions import filters
from tracker.interactions.models import Interaction
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Priority

from .queries import count_queries


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def log_form(**overrides) -> dict:
    form = {"occurred_on": "2026-11-27", "occurred_time": "10:30", "kind": "werkbezoek", "level": "bestuurlijk",
            "subject": "Werkbezoek Zaandam Oost", "summary": "Toelichting op het pact Poelenburg.",
            "outcome": "BZK komt met een voorstel.", "follow_ups-0-description": "",
            "follow_ups-1-description": ""}
    form.update(overrides)
    return form


@pytest.fixture
def people(db):
    """A few contacts beside the seeded ones: two Jansens, one at BZK, and one anonymised."""
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    made = {
        "pieter": Contact(name="Pieter Jansen", function="programmamanager woningbouw", organisation=bzk,
                          email="pieter.jansen@minbzk.nl"),
        "eva": Contact(name="Eva Jansen", function="wethouder wonen"),
        "karin": Contact(name="Karin de Boer", function="directeur", organisation=bzk),
        "gone": Contact(name="Geanonimiseerd contact Jansen", anonymised_at=datetime.now(timezone.utc)),
    }
    db.session.add_all(made.values())
    db.session.commit()
    return made


def checked_ids(html: str, name: str) -> set[int]:
    return {int(value) for value in re.findall(rf'name="{name}"[^>]*value="(\d+)" checked', html)}


def unchecked_ids(html: str, name: str) -> set[int]:
    return {int(value) for value in re.findall(rf'name="{name}"[^>]*value="(\d+)">', html)}


def test_the_form_shows_only_the_chosen_contact_not_all_of_them(db, employee_client, people):
    page = employee_client.get(f"/contactmomenten/nieuw?contactpersoon={people['pieter'].id}").text
    assert checked_ids(page, "contact_ids") == {people["pieter"].id}
    assert unchecked_ids(page, "contact_ids") == set()
    assert "Pieter Jansen, programmamanager woningbouw — Ministerie van Binnenlandse Zaken" in page
    assert "Karin de Boer" not in page and "Eva Jansen" not in page
    # Organisations too: none listed until one is chosen or searched.
    assert checked_ids(page, "organisation_ids") == set() and unchecked_ids(page, "organisation_ids") == set()
    assert 'name="contact_ids-zoek"' in page and 'name="contact_ids-zoeken"' in page


def test_searching_without_javascript_keeps_every_entered_value_and_saves_nothing(
        db, employee_client, employee, manager, people):
    priority = db.session.scalar(select(Priority).order_by(Priority.id))
    bzk = people["pieter"].organisation
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority.id)], participant_ids=[str(manager.id)], contact_ids=[str(people["karin"].id)],
        organisation_ids=[str(bzk.id)], confidential="y", new_contact_name="Ingrid Visser",
        **{"contact_ids-zoek": "jans", "contact_ids-zoeken": "1",
           "follow_ups-0-description": "Notitie sturen", "follow_ups-0-owner_id": str(employee.id),
           "follow_ups-0-due_date": "2026-12-11"}))
    assert response.status_code == 200
    assert count(db, Interaction) == 0
    page = response.text
    assert "Het formulier is niet opgeslagen" not in page  # a search is no failed save
    for value in ("Werkbezoek Zaandam Oost", "Toelichting op het pact Poelenburg.", "BZK komt met een voorstel.",
                  "Notitie sturen", "2026-12-11", 'value="jans"', "Ingrid Visser", "2026-11-27", "10:30"):
        assert value in page, value
    assert re.search(r'<option selected value="werkbezoek">|<option value="werkbezoek" selected', page)
    assert checked_ids(page, "priority_ids") == {priority.id}
    assert checked_ids(page, "participant_ids") == {manager.id}
    assert checked_ids(page, "organisation_ids") == {bzk.id}
    assert re.search(r'name="confidential"[^>]*checked|checked[^>]*name="confidential"', page)
    # The chosen contact stays chosen; the Jansens are offered, the anonymised one is not.
    assert checked_ids(page, "contact_ids") == {people["karin"].id}
    assert unchecked_ids(page, "contact_ids") == {people["pieter"].id, people["eva"].id}
    assert "2 gevonden." in page

    # Ticking one of them and saving stores both.
    saved = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority.id)], contact_ids=[str(people["karin"].id), str(people["eva"].id)],
        **{"contact_ids-zoek": "jans", "contact_ids-gezocht": "jans"}))
    assert saved.status_code == 302
    interaction = db.session.scalars(select(Interaction)).one()
    assert {contact.id for contact in interaction.contacts} == {people["karin"].id, people["eva"].id}


def test_enter_in_the_search_box_searches_and_enter_elsewhere_saves(db, employee_client, people):
    priority = db.session.scalar(select(Priority.id).order_by(Priority.id))
    # Enter sends the form with its hidden first button "opslaan"; new words in a search box are a search.
    searched = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], opslaan="1", **{"organisation_ids-zoek": "binnenlandse",
                                                      "organisation_ids-gezocht": ""}))
    assert searched.status_code == 200 and count(db, Interaction) == 0
    assert unchecked_ids(searched.text, "organisation_ids") == {people["pieter"].organisation_id}
    assert 'name="organisation_ids-gezocht" value="binnenlandse"' in searched.text
    # The same words once searched: Enter saves.
    saved = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], opslaan="1", **{"organisation_ids-zoek": "binnenlandse",
                                                      "organisation_ids-gezocht": "binnenlandse"}))
    assert saved.status_code == 302 and count(db, Interaction) == 1


def test_chosen_contacts_stay_chosen_when_the_form_is_refused(db, employee_client, people):
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        subject="", contact_ids=[str(people["pieter"].id), str(people["eva"].id)],
        organisation_ids=[str(people["pieter"].organisation_id)]))
    assert response.status_code == 200 and count(db, Interaction) == 0
    assert "Vul een onderwerp in." in response.text
    assert checked_ids(response.text, "contact_ids") == {people["pieter"].id, people["eva"].id}
    assert checked_ids(response.text, "organisation_ids") == {people["pieter"].organisation_id}


@pytest.mark.parametrize("value", ["999999", "abc", "-1", str(2**40)])
def test_an_unknown_contact_is_refused_with_a_dutch_message(db, employee_client, people, value):
    priority = db.session.scalar(select(Priority.id).order_by(Priority.id))
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], contact_ids=[str(people["eva"].id), value]))
    assert response.status_code == 200
    assert count(db, Interaction) == 0
    assert "Kies contactpersonen die bestaan: zoek ze op en vink ze aan." in response.text
    # The summary links to the picker's search box.
    assert 'href="#contact_ids"' in response.text and 'id="contact_ids"' in response.text


def test_an_unknown_organisation_is_refused(db, employee_client):
    priority = db.session.scalar(select(Priority.id).order_by(Priority.id))
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], organisation_ids=["999999"]))
    assert response.status_code == 200 and count(db, Interaction) == 0
    assert "Kies organisaties die bestaan: zoek ze op en vink ze aan." in response.text


def test_the_new_contacts_organisation_is_chosen_among_the_organisations_ticked(db, employee_client, people):
    bzk = people["pieter"].organisation
    page = employee_client.get(f"/contactmomenten/nieuw?organisatie={bzk.id}").text
    select_html = re.search(r'<select[^>]*name="new_contact_organisation_id".*?</select>', page, re.S).group(0)
    assert 'data-picker-options="organisation_ids"' in select_html
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select_html) == [
        "— geen —", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)"]
    # Another organisation that exists is accepted as well; one that does not, is not.
    other = db.session.scalar(select(Organisation.id).where(Organisation.id != bzk.id).order_by(Organisation.id))
    priority = db.session.scalar(select(Priority.id).order_by(Priority.id))
    refused = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], new_contact_name="Ingrid Visser", new_contact_organisation_id="999999"))
    assert refused.status_code == 200 and "Kies uit de lijst." in refused.text
    saved = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority)], new_contact_name="Ingrid Visser", new_contact_organisation_id=str(other)))
    assert saved.status_code == 302
    assert db.session.scalars(select(Contact).where(Contact.name == "Ingrid Visser")).one().organisation_id == other


def test_editing_shows_the_linked_contacts_and_organisations_ticked(db, employee_client, employee, people,
                                                                     make_interaction):
    interaction = make_interaction(employee, contacts=[people["pieter"], people["eva"]])
    page = employee_client.get(f"/contactmomenten/{interaction.id}/bewerken").text
    assert checked_ids(page, "contact_ids") == {people["pieter"].id, people["eva"].id}
    assert checked_ids(page, "organisation_ids") == {people["pieter"].organisation_id}
    assert "Karin de Boer" not in page


# --- The search behind the pickers (static/js/picker.js) ----------------------------------------------------------

def test_the_contact_search_finds_by_name_function_organisation_and_email(db, employee_client, people):
    def labels(terms, **params):
        response = employee_client.get("/contactpersonen/kiezen", query_string={"zoek": terms, **params})
        assert response.status_code == 200 and response.mimetype == "application/json"
        return response.json

    found = labels("jans")
    assert [item["label"] for item in found["results"]] == [
        "Eva Jansen, wethouder wonen",
        "Pieter Jansen, programmamanager woningbouw — Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"]
    assert found["more"] is False and found["status"] == "2 gevonden."
    assert [item["id"] for item in labels("wethouder wonen")["results"]] == [people["eva"].id]
    assert [item["id"] for item in labels("minbzk")["results"]] == [people["pieter"].id]
    # By the organisation's name or abbreviation, word by word across person and organisation.
    assert {item["id"] for item in labels("bzk")["results"]} >= {people["pieter"].id, people["karin"].id}
    assert [item["id"] for item in labels("karin binnenlandse")["results"]] == [people["karin"].id]
    # Already chosen ones are left out; the anonymised never found.
    assert [item["id"] for item in labels("jansen", zonder=[people["eva"].id])["results"]] == [people["pieter"].id]
    assert labels("geanonimiseerd")["results"] == []
    nothing = labels("xyzzy")
    assert nothing["results"] == [] and nothing["status"].startswith("Niets gevonden")
    assert labels('"* OR (')["results"] == []  # no word, no query syntax


def test_the_contact_search_says_when_there_are_more(db, employee_client):
    db.session.add_all(Contact(name=f"Test Persoon {number:02d}") for number in range(25))
    db.session.commit()
    found = employee_client.get("/contactpersonen/kiezen?zoek=persoon").json
    assert len(found["results"]) == 20 and found["more"] is True
    assert found["results"][0]["label"] == "Test Persoon 00"
    assert found["status"].startswith("Meer dan 20 gevonden")


def test_the_organisation_search(db, employee_client):
    found = employee_client.get("/organisaties/kiezen?zoek=binnenl").json
    assert [item["label"] for item in found["results"]] == [
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (BZK)"]


def test_the_searches_need_a_login(client, employee):
    for path in ("/contactpersonen/kiezen?zoek=jansen", "/organisaties/kiezen?zoek=bzk"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.location


# --- The Woo and AVG request form -----------------------------------------------------------------------------------

def test_the_request_form_chooses_its_contacts_by_search(db, login, make_user, people):
    client = login(make_user(Role.MANAGER))
    page = client.get(f"/verzoeken/nieuw?contactpersoon={people['eva'].id}").text
    assert checked_ids(page, "contact_ids") == {people["eva"].id}
    assert "Karin de Boer" not in page
    searched = client.post("/verzoeken/nieuw", data={
        "kind": "avg", "subject": "Inzage Jansen", "reference": "Z-1", "opened_on": "2026-11-20", "closed_on": "",
        "contact_ids": [str(people["eva"].id)], "contact_ids-zoek": "karin", "contact_ids-zoeken": "1"})
    assert searched.status_code == 200
    assert 'value="Inzage Jansen"' in searched.text and 'value="Z-1"' in searched.text
    assert checked_ids(searched.text, "contact_ids") == {people["eva"].id}
    assert unchecked_ids(searched.text, "contact_ids") == {people["karin"].id}
    refused = client.post("/verzoeken/nieuw", data={
        "kind": "avg", "subject": "Inzage Jansen", "opened_on": "2026-11-20", "contact_ids": ["999999"]})
    assert refused.status_code == 200
    assert "Kies contactpersonen die bestaan: zoek ze op en vink ze aan." in refused.text


# --- The list filtered by a contact's name --------------------------------------------------------------------------

def test_the_contact_filter_finds_the_same_whichever_way_it_reads(db, manager_client, employee, people,
                                                                    make_interaction, monkeypatch):
    with_pieter = make_interaction(employee, subject="Met Pieter", contacts=[people["pieter"]])
    with_eva = make_interaction(employee, subject="Met Eva", contacts=[people["eva"]],
                                occurred_at=datetime.now(timezone.utc) - timedelta(days=3))
    make_interaction(employee, subject="Met Karin", contacts=[people["karin"]])

    def listed(text):
        page = manager_client.get("/contactmomenten/", query_string={"contact": text}).text
        return re.findall(r'href="/contactmomenten/(\d+)">', page)

    few = listed("jansen")
    assert few == [str(with_pieter.id), str(with_eva.id)]
    monkeypatch.setattr(filters, "FEW_CONTACT_LINKS", 1)  # as for a common surname in five years of data
    assert listed("jansen") == few
    assert listed("pieter jansen") == [str(with_pieter.id)]


# --- A fixed number of queries --------------------------------------------------------------------------------------

def test_the_forms_cost_the_same_queries_on_ten_times_the_data(app, db, login, make_user, employee, people,
                                                               make_interaction):
    manager = make_user(Role.MANAGER)
    client = login(manager)
    interaction = make_interaction(employee, contacts=[people["pieter"], people["eva"]])
    urls = ["/contactmomenten/nieuw", f"/contactmomenten/nieuw?contactpersoon={people['eva'].id}",
            f"/contactmomenten/{interaction.id}/bewerken", "/verzoeken/nieuw",
            "/contactpersonen/kiezen?zoek=jansen", "/organisaties/kiezen?zoek=ministerie",
            "/contactmomenten/?contact=jansen"]
    generate(interactions=60, contacts=40, organisations=80, users=10, seed=1)
    db.session.commit()
    small = {url: count_queries(app, client, url) for url in urls}
    generate(interactions=600, contacts=400, organisations=800, users=20, seed=2)
    db.session.commit()
    assert count(db, Contact) > 440
    large = {url: count_queries(app, client, url) for url in urls}
    assert large == small
