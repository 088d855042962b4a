"""Cadences, the neglect scan, flags, snoozing and assigning."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.admin.models import Setting
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagAction, FlagStatus, NeglectFlag
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Engagement, Theme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def organisation(db, name: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.name == name)).one()


def flags(db, **where) -> list[NeglectFlag]:
    db.session.expire_all()
    return list(db.session.scalars(select(NeglectFlag).filter_by(**where).order_by(NeglectFlag.id)))


def scan(db, day: date):
    result = neglect.scan(day)
    db.session.commit()
    return result


def test_cadence_follows_the_intended_role_in_the_strategy(db):
    chair = organisation(db, "G40-themagroep Duurzaamheid")       # voorzitter
    member = organisation(db, "VNG-commissie Economie, Klimaat, Energie en Milieu")  # lid
    watched = organisation(db, "MRA portefeuillehoudersoverleg Duurzaamheid")     # monitoren
    unengaged = organisation(db, "Europese Commissie")            # no engagement
    cadences = neglect.organisation_cadences([chair, member, watched, unengaged])
    assert cadences == {chair.id: 30, member.id: 60, watched.id: 120, unengaged.id: None}


def test_a_contact_follows_its_organisation_unless_it_has_its_own_cadence(db):
    halsema = db.session.scalars(select(Contact).where(Contact.name == "Femke Halsema")).one()
    inherited = neglect.organisation_cadences([halsema.organisation])[halsema.organisation_id]
    assert neglect.contact_states([halsema])[halsema.id].cadence == inherited == 60
    halsema.cadence_days = 14
    assert neglect.contact_states([halsema])[halsema.id].cadence == 14
    halsema.cadence_disabled = True
    assert neglect.contact_states([halsema])[halsema.id].cadence is None


def test_the_scan_flags_what_is_neglected_and_is_idempotent(db):
    first = scan(db, today())
    assert first.raised == 0  # everything was tracked from today on
    later = today() + timedelta(days=61)
    result = scan(db, later)
    assert result.raised > 0
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    (flag,) = flags(db, organisation_id=bzk.id)
    assert flag.status == FlagStatus.OPEN and flag.cadence_days == 60 and flag.days_overdue == 1
    assert flag.neglected_since == today() + timedelta(days=60)
    themes = {theme.name for theme in db.session.scalars(select(Theme).where(Theme.id.in_(flag.theme_ids)))}
    assert themes == {"Kansengelijkheid", "Verstedelijking", "Duurzaamheid"}
    engagements = db.session.scalars(select(Engagement).where(Engagement.id.in_(flag.engagement_ids))).all()
    assert all(bzk in engagement.organisations for engagement in engagements) and len(engagements) == 3
    assert flag.priority_ids
    count = db.session.scalar(select(func.count()).select_from(NeglectFlag))
    again = scan(db, later)
    assert again.raised == 0 and again.still_open == result.raised
    assert db.session.scalar(select(func.count()).select_from(NeglectFlag)) == count
    assert [event.action for event in flag.events] == [FlagAction.RAISED]


def test_the_scan_command_takes_a_day(runner, db):
    day = (today() + timedelta(days=200)).isoformat()
    first = runner.invoke(args=["scan-neglect", "--today", day])
    assert first.exit_code == 0 and " raised" in first.output
    raised = db.session.scalar(select(func.count()).select_from(NeglectFlag))
    assert raised > 0
    second = runner.invoke(args=["scan-neglect", "--today", day])
    assert "0 raised" in second.output
    assert db.session.scalar(select(func.count()).select_from(NeglectFlag)) == raised
    assert runner.invoke(args=["scan-neglect", "--today", "30-02-2026"]).exit_code != 0


def test_logging_a_contact_clears_the_flag_at_once(db, employee_client, employee, make_interaction, priority):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    # The scan a day after the cadence ran out, as it would have run this morning.
    db.session.execute(Organisation.__table__.update().where(Organisation.id == bzk.id)
                       .values(created_at=datetime.now(timezone.utc) - timedelta(days=90)))
    db.session.commit()
    scan(db, today())
    (flag,) = flags(db, organisation_id=bzk.id)
    assert flag.status == FlagStatus.OPEN
    assert "Ministerie van Binnenlandse Zaken" in employee_client.get("/aandacht/").text
    # Yesterday at noon: a time that lies in the past whatever hour the test runs.
    employee_client.post("/contactmomenten/nieuw", data={
        "occurred_on": (today() - timedelta(days=1)).isoformat(), "occurred_time": "12:00", "kind": "overleg", "level": "ambtelijk",
        "subject": "Bijpraten met BZK", "organisation_ids": [str(bzk.id)], "priority_ids": [str(priority.id)]})
    (flag,) = flags(db, organisation_id=bzk.id)
    assert flag.status == FlagStatus.RESOLVED and "Bijpraten met BZK" in flag.resolution
    assert "Ministerie van Binnenlandse Zaken" not in employee_client.get("/aandacht/").text
    assert scan(db, today()).raised == 0


def test_due_soon_shows_amber_before_it_turns_red(db, employee_client, employee, make_interaction, priority):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    make_interaction(employee, organisations=[bzk], occurred_at=at_noon(today() - timedelta(days=50)))
    page = employee_client.get("/organisaties?zoek=Binnenlandse")
    due = (today() + timedelta(days=10))
    assert "Binnenkort: uiterlijk" in page.text
    state = neglect.organisation_states([bzk])[bzk.id]
    assert state.level == "due-soon" and state.due_on == due
    assert neglect.organisation_states([bzk], on=today() + timedelta(days=11))[bzk.id].level == "neglected"
    assert neglect.organisation_states([bzk], on=today() - timedelta(days=5))[bzk.id].level == "ok"
    assert "Binnenkort: uiterlijk" in employee_client.get(f"/organisaties/{bzk.id}").text


def test_a_relationship_resting_on_one_person_is_marked(db, make_user, login, make_interaction):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    alone = make_user(name="Eenling")
    make_interaction(alone, organisations=[bzk])
    make_interaction(alone, organisations=[bzk], subject="Tweede overleg")
    client = login(alone)
    assert "Rust op één persoon" in client.get(f"/organisaties/{bzk.id}").text
    make_interaction(make_user(name="Collega"), organisations=[bzk])
    assert "Rust op één persoon" not in client.get(f"/organisaties/{bzk.id}").text


def test_an_overdue_follow_up_is_flagged_to_its_owner_and_cleared_when_done(
        db, login, make_user, make_interaction):
    owner = make_user(name="Actiehouder")
    interaction = make_interaction(make_user(), follow_ups=[("Notitie sturen", owner, today() - timedelta(days=3))])
    scan(db, today())
    (flag,) = flags(db, follow_up_id=interaction.follow_ups[0].id)
    assert flag.owner_id == owner.id and flag.days_overdue == 3
    client = login(owner)
    home = client.get("/").text
    assert "Mijn relaties die aandacht nodig hebben" in home and "Notitie sturen" in home
    client.post(f"/contactmomenten/acties/{interaction.follow_ups[0].id}/afgerond")
    (flag,) = flags(db, follow_up_id=interaction.follow_ups[0].id)
    assert flag.status == FlagStatus.RESOLVED


@pytest.fixture
def open_flag(db):
    scan(db, today() + timedelta(days=61))
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    return flags(db, organisation_id=bzk.id)[0]


def test_a_manager_snoozes_a_flag_with_a_reason_and_it_comes_back(db, manager_client, open_flag):
    until = today() + timedelta(days=80)
    response = manager_client.post(f"/aandacht/{open_flag.id}/snoozen", data={
        "snooze-until": until.isoformat(), "snooze-reason": "Na het bestuurlijk overleg in maart"})
    assert response.status_code == 302
    (flag,) = flags(db, id=open_flag.id)
    assert flag.status == FlagStatus.SNOOZED and flag.snoozed_until == until
    page = manager_client.get(f"/aandacht/{flag.id}").text
    assert "Na het bestuurlijk overleg in maart" in page and "Gesnoozed" in page
    assert f"/aandacht/{flag.id}\"" not in manager_client.get("/aandacht/").text
    assert f"/aandacht/{flag.id}\"" in manager_client.get("/aandacht/?gesnoozed=ja").text
    scan(db, today() + timedelta(days=70))
    assert flags(db, id=open_flag.id)[0].status == FlagStatus.SNOOZED
    result = scan(db, until)
    assert result.reopened == 1
    (flag,) = flags(db, id=open_flag.id)
    assert flag.status == FlagStatus.OPEN
    assert [event.action for event in flag.events] == [FlagAction.REOPENED, FlagAction.SNOOZED, FlagAction.RAISED]


@pytest.mark.parametrize("data, field, message", [
    ({"snooze-until": "", "snooze-reason": "Reden"}, "snooze-until", "Vul een bestaande datum in"),
    ({"snooze-until": "2026-02-30", "snooze-reason": "Reden"}, "snooze-until", "Vul een bestaande datum in"),
    ({"snooze-until": "2001-01-01", "snooze-reason": "Reden"}, "snooze-until", "Kies een datum na vandaag."),
    ({"snooze-until": "FUTURE", "snooze-reason": "   "}, "snooze-reason", "Geef een reden op."),
])
def test_a_snooze_needs_a_future_date_and_a_reason(db, manager_client, open_flag, data, field, message):
    data = {name: (today() + timedelta(days=5)).isoformat() if value == "FUTURE" else value
            for name, value in data.items()}
    response = manager_client.post(f"/aandacht/{open_flag.id}/snoozen", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.text and message in response.text
    assert flags(db, id=open_flag.id)[0].status == FlagStatus.OPEN


def test_only_managers_snooze_or_assign(db, employee_client, director_client, open_flag, employee):
    for client in (employee_client, director_client):
        assert client.post(f"/aandacht/{open_flag.id}/snoozen", data={
            "snooze-until": (today() + timedelta(days=5)).isoformat(), "snooze-reason": "x"}).status_code == 403
        assert client.post(f"/aandacht/{open_flag.id}/toewijzen",
                           data={"assign-assignee_id": str(employee.id)}).status_code == 403
        assert "Snoozen" not in client.get(f"/aandacht/{open_flag.id}").text.split("Geschiedenis")[0].split(
            "</h1>")[1].replace("snoozen", "")
    assert flags(db, id=open_flag.id)[0].status == FlagStatus.OPEN


def test_a_manager_assigns_a_flag_to_a_colleague_who_then_sees_it(db, manager_client, login, make_user, open_flag):
    colleague = make_user(name="Collega Wijkenaanpak")
    response = manager_client.post(f"/aandacht/{open_flag.id}/toewijzen", data={
        "assign-assignee_id": str(colleague.id), "assign-note": "Jij kent de directeur"})
    assert response.status_code == 302
    (flag,) = flags(db, id=open_flag.id)
    assert flag.assignee_id == colleague.id
    assert [event.action for event in flag.events][0] == FlagAction.ASSIGNED
    home = login(colleague).get("/").text
    assert "Ministerie van Binnenlandse Zaken" in home
    mine = manager_client.get(f"/aandacht/?eigenaar={colleague.id}").text
    assert f"/aandacht/{flag.id}\"" in mine
    bad = manager_client.post(f"/aandacht/{open_flag.id}/toewijzen", data={"assign-assignee_id": "999999"})
    assert bad.status_code == 200 and "Kies uit de lijst." in bad.text


def test_the_attention_page_filters_by_opgave_and_network(db, employee_client, open_flag):
    veiligheid = db.session.scalars(select(Theme).where(Theme.name == "Veiligheid")).one()
    kansen = db.session.scalars(select(Theme).where(Theme.name == "Kansengelijkheid")).one()
    link = f"/aandacht/{open_flag.id}\""
    assert link in employee_client.get(f"/aandacht/?opgave={kansen.id}").text
    assert link not in employee_client.get(f"/aandacht/?opgave={veiligheid.id}").text
    bzk = db.session.get(Organisation, open_flag.organisation_id)
    assert link in employee_client.get(f"/aandacht/?netwerk={bzk.arena_id}").text
    europa = organisation(db, "Europese Commissie").arena_id
    assert link not in employee_client.get(f"/aandacht/?netwerk={europa}").text
    assert employee_client.get("/aandacht/?opgave=abc&netwerk=%00&eigenaar=-1&pagina=x").status_code == 200
    assert "Ministerie van Binnenlandse Zaken" in employee_client.get(f"/opgaven/{kansen.id}").text


def test_a_beheerder_changes_the_default_cadences(db, admin_client, employee_client):
    response = admin_client.post("/beheer/ritme", data={"leading": "14", "member": "45", "watching": "90"})
    assert response.status_code == 302
    chair = organisation(db, "G40-themagroep Duurzaamheid")
    assert neglect.organisation_cadences([chair])[chair.id] == 14
    bad = admin_client.post("/beheer/ritme", data={"leading": "0", "member": "abc", "watching": ""})
    assert "Kies een ritme tussen 1 en 3650 dagen." in bad.text
    db.session.expire_all()
    assert db.session.get(Setting, neglect.CADENCE_SETTING).value == {"leading": 14, "member": 45, "watching": 90}
    assert employee_client.get("/beheer/ritme").status_code == 403


def test_one_relationship_gets_its_own_cadence_owner_or_none(db, manager_client, manager):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    form = {"name": bzk.name, "abbreviation": "BZK", "kind": "ministerie", "arena_id": str(bzk.arena_id),
            "owner_id": str(manager.id), "cadence_mode": "eigen", "cadence_days": "21"}
    assert manager_client.post(f"/organisaties/{bzk.id}/bewerken", data=form).status_code == 302
    db.session.expire_all()
    bzk = db.session.get(Organisation, bzk.id)
    assert (bzk.cadence_days, bzk.owner_id) == (21, manager.id)
    assert "elke 21 dagen" in manager_client.get(f"/organisaties/{bzk.id}").text
    scan(db, today() + timedelta(days=22))
    assert flags(db, organisation_id=bzk.id)[0].owner_id == manager.id
    missing = manager_client.post(f"/organisaties/{bzk.id}/bewerken", data={**form, "cadence_days": ""})
    assert "Vul het aantal dagen in, of kies een ander ritme." in missing.text
    manager_client.post(f"/organisaties/{bzk.id}/bewerken", data={**form, "cadence_mode": "uit", "cadence_days": ""})
    result = scan(db, today() + timedelta(days=23))
    assert result.resolved >= 1
    assert flags(db, organisation_id=bzk.id)[0].status == FlagStatus.RESOLVED
