"""Logging contactmomenten: the journey, who sees what, who edits what."""

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.interactions.models import FollowUp, Interaction, InteractionKind, Level
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Priority, Theme


def priorities_of(db, theme_number: int) -> list[Priority]:
    theme = db.session.scalars(select(Theme).where(Theme.number == theme_number)).one()
    return theme.priorities


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def log_form(**overrides) -> dict:
    form = {"occurred_on": "2026-11-27", "occurred_time": "10:30", "kind": "overleg", "level": "ambtelijk",
            "subject": "Werkbezoek Zaandam Oost", "summary": "Toelichting op het pact Poelenburg.",
            "outcome": "BZK komt met een voorstel.", "follow_ups-0-description": "",
            "follow_ups-1-description": ""}
    form.update(overrides)
    return form


def test_a_medewerker_logs_a_contact_with_a_new_contact_two_priorities_and_a_follow_up(
        db, employee_client, employee, manager):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    first, second = priorities_of(db, 1)[:2]
    form_page = employee_client.get(f"/contactmomenten/nieuw?organisatie={bzk.id}")
    assert form_page.status_code == 200
    assert f'value="{bzk.id}" checked' in form_page.text

    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        organisation_ids=[str(bzk.id)], priority_ids=[str(first.id), str(second.id)],
        participant_ids=[str(manager.id)],
        new_contact_name="Ingrid Visser", new_contact_function="directeur Wijkenaanpak",
        new_contact_organisation_id=str(bzk.id), new_contact_email="Ingrid.Visser@minbzk.nl",
        **{"follow_ups-0-description": "Notitie Zaandam Oost sturen", "follow_ups-0-owner_id": str(employee.id),
           "follow_ups-0-due_date": "2026-12-11"}))
    assert response.status_code == 302
    shown = employee_client.get(response.location)
    assert "Het contactmoment is vastgelegd." in shown.text
    assert "Ingrid Visser, directeur Wijkenaanpak" in shown.text
    assert "Notitie Zaandam Oost sturen" in shown.text

    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.author_id == employee.id
    assert {priority.id for priority in interaction.priorities} == {first.id, second.id}
    assert [user.id for user in interaction.participants] == [manager.id]
    ingrid = db.session.scalars(select(Contact).where(Contact.name == "Ingrid Visser")).one()
    assert ingrid.organisation_id == bzk.id and ingrid.email == "ingrid.visser@minbzk.nl"
    assert interaction.follow_ups[0].owner_id == employee.id
    assert interaction.follow_ups[0].due_date == date(2026, 12, 11)

    # It is found where a colleague would look before the next meeting.
    assert "Werkbezoek Zaandam Oost" in employee_client.get(f"/organisaties/{bzk.id}").text
    assert "Werkbezoek Zaandam Oost" in employee_client.get(f"/contactpersonen/{ingrid.id}").text
    assert "Werkbezoek Zaandam Oost" in employee_client.get(f"/opgaven/{first.theme_id}").text
    assert "Werkbezoek Zaandam Oost" in employee_client.get(f"/prioriteiten/{second.id}").text
    home = employee_client.get("/")
    assert "Werkbezoek Zaandam Oost" in home.text and "Notitie Zaandam Oost sturen" in home.text
    assert "vr 27 nov 2026" in employee_client.get(f"/organisaties/{bzk.id}").text


def test_the_form_defaults_to_today(employee_client):
    page = employee_client.get("/contactmomenten/nieuw")
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    assert re.search(rf'<input[^>]*name="occurred_on"[^>]*value="{today.isoformat()}"', page.text)


def test_a_contacts_organisation_is_linked_too(db, employee_client):
    halsema = db.session.scalars(select(Contact).where(Contact.name == "Femke Halsema")).one()
    priority = priorities_of(db, 2)[0]
    employee_client.post("/contactmomenten/nieuw", data=log_form(
        contact_ids=[str(halsema.id)], priority_ids=[str(priority.id)]))
    interaction = db.session.scalars(select(Interaction)).one()
    assert [organisation.name for organisation in interaction.organisations] == ["Gemeente Amsterdam"]


def test_nothing_is_stored_when_any_part_is_wrong(db, employee_client, employee):
    priority = priorities_of(db, 1)[0]
    before = (count(db, Interaction), count(db, Contact), count(db, FollowUp))
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority.id)], new_contact_name="Nieuwe Persoon",
        **{"follow_ups-0-description": "Iets doen", "follow_ups-0-owner_id": str(employee.id),
           "follow_ups-0-due_date": "2026-02-30"}))
    assert response.status_code == 200
    assert (count(db, Interaction), count(db, Contact), count(db, FollowUp)) == before


def test_a_contactmoment_needs_a_priority(db, employee_client):
    response = employee_client.post("/contactmomenten/nieuw", data=log_form())
    assert "Kies minstens één strategische prioriteit." in response.text
    assert count(db, Interaction) == 0


def test_a_contactmoment_cannot_lie_in_the_future(db, employee_client):
    priority = priorities_of(db, 1)[0]
    future = (date.today() + timedelta(days=3)).isoformat()
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        occurred_on=future, priority_ids=[str(priority.id)]))
    assert "Een contactmoment ligt niet in de toekomst." in response.text
    assert count(db, Interaction) == 0


@pytest.mark.parametrize("local_day, local_time, utc", [
    ("2026-03-28", "10:00", datetime(2026, 3, 28, 9, 0, tzinfo=timezone.utc)),   # winter time, UTC+1
    ("2026-03-29", "10:00", datetime(2026, 3, 29, 8, 0, tzinfo=timezone.utc)),   # summer time, UTC+2
    ("2026-10-25", "10:00", datetime(2026, 10, 25, 9, 0, tzinfo=timezone.utc)),  # back to winter time
])
def test_times_are_stored_in_utc_and_shown_in_amsterdam_time(db, employee_client, local_day, local_time, utc):
    priority = priorities_of(db, 1)[0]
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        occurred_on=local_day, occurred_time=local_time, priority_ids=[str(priority.id)]))
    interaction = db.session.scalars(select(Interaction)).one()
    assert interaction.occurred_at == utc
    page = employee_client.get(response.location)
    assert f"{local_time}</time>" in page.text


def test_editing_keeps_the_contactmoment_and_changes_its_follow_ups(db, employee_client, employee, make_interaction):
    interaction = make_interaction(employee, follow_ups=[("Bellen met BZK", employee, date(2026, 12, 1))])
    follow_up_id = interaction.follow_ups[0].id
    page = employee_client.get(f"/contactmomenten/{interaction.id}/bewerken")
    assert 'value="Bellen met BZK"' in page.text
    priority = priorities_of(db, 3)[0]
    response = employee_client.post(f"/contactmomenten/{interaction.id}/bewerken", data=log_form(
        subject="Aangepast onderwerp", priority_ids=[str(priority.id)],
        **{"follow_ups-0-id": str(follow_up_id), "follow_ups-0-description": "Bellen met BZK",
           "follow_ups-0-owner_id": str(employee.id), "follow_ups-0-due_date": "2026-12-04",
           "follow_ups-1-description": "Verslag delen", "follow_ups-1-owner_id": str(employee.id),
           "follow_ups-1-due_date": "2026-12-05"}))
    assert response.status_code == 302
    db.session.expire_all()
    interaction = db.session.get(Interaction, interaction.id)
    assert interaction.subject == "Aangepast onderwerp"
    assert [priority.id for priority in interaction.priorities] == [priority.id]
    assert [(item.id == follow_up_id, item.due_date) for item in interaction.follow_ups] == [
        (True, date(2026, 12, 4)), (False, date(2026, 12, 5))]

    employee_client.post(f"/contactmomenten/{interaction.id}/bewerken", data=log_form(
        priority_ids=[str(priority.id)],
        **{"follow_ups-0-id": str(follow_up_id), "follow_ups-0-description": "Bellen met BZK",
           "follow_ups-0-owner_id": str(employee.id), "follow_ups-0-due_date": "2026-12-04",
           "follow_ups-0-remove": "y"}))
    db.session.expire_all()
    assert [item.description for item in db.session.get(Interaction, interaction.id).follow_ups] == [
        "Verslag delen"]


def test_a_medewerker_edits_only_own_contactmomenten(db, login, make_user, employee, make_interaction):
    colleague = make_user()
    interaction = make_interaction(colleague)
    client = login(employee)
    assert client.get(f"/contactmomenten/{interaction.id}").status_code == 200
    assert client.get(f"/contactmomenten/{interaction.id}/bewerken").status_code == 403
    assert client.post(f"/contactmomenten/{interaction.id}/bewerken", data=log_form()).status_code == 403
    assert client.post(f"/contactmomenten/{interaction.id}/verwijderen").status_code == 403
    assert count(db, Interaction) == 1
    assert "Bewerken" not in client.get(f"/contactmomenten/{interaction.id}").text


@pytest.mark.parametrize("role_fixture", ["manager", "administrator"])
def test_managers_and_beheerders_edit_all(request, db, login, make_user, make_interaction, role_fixture):
    interaction = make_interaction(make_user())
    client = login(request.getfixturevalue(role_fixture))
    priority = priorities_of(db, 1)[0]
    response = client.post(f"/contactmomenten/{interaction.id}/bewerken", data=log_form(
        subject="Door leidinggevende aangepast", priority_ids=[str(priority.id)]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interaction, interaction.id).subject == "Door leidinggevende aangepast"


def test_directors_read_but_do_not_edit_others_contactmomenten(login, make_user, director, make_interaction):
    interaction = make_interaction(make_user())
    client = login(director)
    assert client.get(f"/contactmomenten/{interaction.id}").status_code == 200
    assert client.get(f"/contactmomenten/{interaction.id}/bewerken").status_code == 403


def test_deleting_asks_first_then_removes_with_follow_ups(db, employee_client, employee, make_interaction):
    interaction = make_interaction(employee, follow_ups=[("Bellen", employee, date(2026, 12, 1))])
    confirm = employee_client.get(f"/contactmomenten/{interaction.id}/verwijderen")
    assert "Weet u zeker" in confirm.text
    assert count(db, Interaction) == 1
    response = employee_client.post(f"/contactmomenten/{interaction.id}/verwijderen")
    assert response.status_code == 302
    assert count(db, Interaction) == 0 and count(db, FollowUp) == 0


class TestConfidential:
    @pytest.fixture
    def secret(self, make_user, make_interaction):
        self.author = make_user(name="Auteur")
        self.participant = make_user(name="Deelnemer")
        return make_interaction(self.author, subject="Geheim overleg wietpilot", confidential=True,
                                participants=[self.participant])

    @pytest.mark.parametrize("who, sees", [
        ("author", True), ("participant", True), ("manager", True), ("director", True),
        ("colleague", False), ("administrator", False)])
    def test_seen_only_by_author_participants_managers_and_directors(
            self, request, login, make_user, secret, who, sees):
        user = {"author": lambda: self.author, "participant": lambda: self.participant,
                "colleague": make_user}.get(who) or (lambda: request.getfixturevalue(who))
        client = login(user())
        detail = client.get(f"/contactmomenten/{secret.id}")
        listing = client.get("/contactmomenten/")
        priority_page = client.get(f"/prioriteiten/{secret.priorities[0].id}")
        if sees:
            assert detail.status_code == 200 and "Vertrouwelijk" in detail.text
            assert "Geheim overleg wietpilot" in listing.text
        else:
            assert detail.status_code == 403
            assert "Geheim overleg wietpilot" not in listing.text
            assert "Geheim overleg wietpilot" not in priority_page.text


def test_follow_up_is_completed_by_its_owner(db, login, make_user, employee, make_interaction):
    author = make_user()
    interaction = make_interaction(author, follow_ups=[("Reactie sturen", employee, date(2026, 12, 1))])
    client = login(employee)
    assert "Reactie sturen" in client.get("/").text
    follow_up = interaction.follow_ups[0]
    response = client.post(f"/contactmomenten/acties/{follow_up.id}/afgerond")
    assert response.status_code == 302
    assert "Reactie sturen" not in client.get("/").text
    stranger = login(make_user())
    other = make_interaction(author, follow_ups=[("Niet van jou", author, date(2026, 12, 1))])
    assert stranger.post(f"/contactmomenten/acties/{other.follow_ups[0].id}/afgerond").status_code == 403
    db.session.expire_all()
    assert db.session.get(FollowUp, other.follow_ups[0].id).completed_at is None


def test_the_list_pages_through_contactmomenten(db, employee_client, employee):
    priority = priorities_of(db, 1)[0]
    now = datetime.now(timezone.utc)
    for number in range(55):
        db.session.add(Interaction(occurred_at=now - timedelta(hours=number), kind=InteractionKind.CALL,
                                   level=Level.OFFICIAL, subject=f"Gesprek {number:02d}", author=employee,
                                   priorities=[priority]))
    db.session.commit()
    first = employee_client.get("/contactmomenten/")
    assert "Gesprek 00" in first.text and "Gesprek 54" not in first.text and "Volgende" in first.text
    second = employee_client.get("/contactmomenten/?pagina=2")
    assert "Gesprek 54" in second.text and "Gesprek 00" not in second.text


def test_participants_include_bestuurders(db, employee_client):
    hamming = db.session.scalars(select(User).where(User.name == "Jan Hamming")).one()
    assert f'value="{hamming.id}"' in employee_client.get("/contactmomenten/nieuw").text


def test_a_follow_up_needs_an_owner_and_a_due_date(db, employee_client, employee):
    priority = priorities_of(db, 1)[0]
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(priority.id)], **{"follow_ups-0-description": "Nabellen"}))
    assert response.status_code == 200
    assert 'id="follow_ups-0-due_date-error"' in response.text
    assert "Vul een datum in waarop het af moet zijn." in response.text
    assert "Kies wie de actie uitvoert." in response.text
    assert count(db, Interaction) == 0
