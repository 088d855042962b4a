"""The audit log: what it records, that it is append-only and chained, and
who reads it."""

import threading

import pytest
from sqlalchemy import delete, select, text, update

from tracker.audit import service as audit
from tracker.audit.models import AuditEvent
from tracker.auth.models import User
from tracker.extensions import db as _db
from tracker.interactions.models import Interaction

from .conftest import PASSWORD
from .test_interactions import log_form, priorities_of

ADDRESS = "192.0.2.17"


def events(db, **where) -> list[AuditEvent]:
    db.session.rollback()
    query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def newest(db) -> AuditEvent:
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()


def test_creating_editing_and_deleting_a_contactmoment_is_logged_with_who_what_and_from_where(
        db, employee_client, employee):
    first, second = priorities_of(db, 1)[:2]
    employee_client.environ_base["REMOTE_ADDR"] = ADDRESS
    response = employee_client.post("/contactmomenten/nieuw", data=log_form(
        priority_ids=[str(first.id)], **{"follow_ups-0-description": "Notitie sturen",
                                         "follow_ups-0-owner_id": str(employee.id),
                                         "follow_ups-0-due_date": "2026-12-11"}))
    assert response.status_code == 302
    interaction_id = db.session.scalars(select(Interaction.id)).one()

    [created] = events(db, entity="interactions", entity_id=str(interaction_id))
    assert (created.action, created.user_id, created.user_name, created.remote_addr, created.note) == (
        "create", employee.id, "Mila Medewerker", ADDRESS, None)
    assert created.changes["subject"] == "Werkbezoek Zaandam Oost"
    assert created.changes["kind"] == "overleg" and created.changes["author_id"] == employee.id
    assert created.changes["priorities"] == [first.id]
    [follow_up] = events(db, entity="follow_ups")
    assert follow_up.action == "create" and follow_up.changes["description"] == "Notitie sturen"
    assert follow_up.changes["due_date"] == "2026-12-11"

    response = employee_client.post(f"/contactmomenten/{interaction_id}/bewerken", data=log_form(
        subject="Aangepast onderwerp", priority_ids=[str(second.id)]))
    assert response.status_code == 302
    updated = events(db, entity="interactions", action="update")[-1]
    assert updated.user_id == employee.id and updated.remote_addr == ADDRESS
    assert updated.changes["subject"] == ["Werkbezoek Zaandam Oost", "Aangepast onderwerp"]
    assert updated.changes["priorities"] == {"added": [second.id], "removed": [first.id]}
    assert "summary" not in updated.changes and "updated_at" not in updated.changes

    response = employee_client.post(f"/contactmomenten/{interaction_id}/verwijderen", data={})
    assert response.status_code == 302
    assert db.session.get(Interaction, interaction_id) is None
    # The record is gone; its history stays.
    history = events(db, entity="interactions", entity_id=str(interaction_id))
    assert [event.action for event in history] == ["create", "update", "delete"]
    deleted = history[-1]
    assert deleted.user_id == employee.id and deleted.remote_addr == ADDRESS
    assert deleted.changes["subject"] == "Aangepast onderwerp" and deleted.changes["priorities"] == [second.id]
    assert [event.action for event in events(db, entity="follow_ups")] == ["create", "delete"]


def test_saving_without_changes_and_reading_pages_write_nothing(db, employee_client, employee, make_interaction):
    interaction = make_interaction(employee)
    before = newest(db).id
    employee_client.get(f"/contactmomenten/{interaction.id}")
    employee_client.get("/contactmomenten/")
    assert newest(db).id == before


def test_passwords_are_never_logged(db, admin_client, administrator):
    response = admin_client.post("/beheer/gebruikers/nieuw", data={
        "name": "Nina Nieuw", "email": "nina@zaanstad.nl", "role": "medewerker", "password": PASSWORD,
        "password_again": PASSWORD})
    assert response.status_code == 302
    nina = db.session.scalars(select(User).where(User.email == "nina@zaanstad.nl")).one()
    created = events(db, entity="users", entity_id=str(nina.id), action="create")[0]
    assert created.user_id == administrator.id
    assert created.changes["email"] == "nina@zaanstad.nl" and created.changes["password_hash"] == "***"
    db.session.refresh(nina)
    nina.set_password("een-ander-lang-wachtwoord")
    db.session.commit()
    changed = events(db, entity="users", entity_id=str(nina.id), action="update")[-1]
    assert changed.changes == {"password_hash": ["***", "***"]} and changed.note == "job"
    logged = " ".join(f"{event.changes} {event.note}" for event in events(db))
    assert nina.password_hash not in logged and PASSWORD not in logged


def test_logins_failures_and_logouts_are_logged_without_the_password(db, client, employee):
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    client.post("/inloggen", data={"email": employee.email, "password": "fout-wachtwoord-123"})
    failed = newest(db)
    assert (failed.action, failed.user_id, failed.entity, failed.entity_id, failed.remote_addr) == (
        "login_failed", None, "users", str(employee.id), ADDRESS)
    assert failed.changes == {"email": employee.email}
    assert "fout-wachtwoord" not in (failed.note or "") + str(failed.changes)

    client.post("/inloggen", data={"email": "niemand@zaanstad.nl", "password": "fout-wachtwoord-123"})
    unknown = newest(db)
    assert unknown.action == "login_failed" and unknown.entity_id is None
    assert unknown.changes == {"email": "niemand@zaanstad.nl"}

    assert client.post("/inloggen", data={"email": employee.email, "password": PASSWORD}).status_code == 302
    login = newest(db)
    assert (login.action, login.user_id, login.user_name, login.remote_addr) == (
        "login", employee.id, employee.name, ADDRESS)

    client.post("/uitloggen")
    logout = newest(db)
    assert (logout.action, logout.user_id, logout.remote_addr) == ("logout", employee.id, ADDRESS)
    assert audit.verify().ok


def test_an_export_is_logged_even_from_a_read_only_request(app, db, administrator):
    with app.test_request_context("/beheer/gebruikers/export", method="GET",
                                  environ_base={"REMOTE_ADDR": ADDRESS}):
        from flask_login import login_user
        login_user(administrator)
        db.session.scalars(select(User)).all()  # the export reads first
        audit.record(audit.EXPORT, "users", note="CSV")
    exported = newest(db)
    assert (exported.action, exported.entity, exported.note, exported.user_id, exported.remote_addr) == (
        "export", "users", "CSV", administrator.id, ADDRESS)
    assert audit.verify().ok


def export_routes(app) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules()
            if "export" in rule.rule and "GET" in rule.methods and not rule.arguments]


def test_every_export_route_is_logged(app, db, admin_client):
    routes = export_routes(app)
    assert len(routes) >= 5, routes  # the access review, contactmomenten, dashboards, Woo log, …
    for route in routes:
        before = newest(db).id
        response = admin_client.get(route)
        assert response.status_code == 200, route
        exported = newest(db)
        assert exported.id > before and exported.action == "export", route


def test_commands_and_jobs_are_logged_without_a_user(db, runner, monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    result = runner.invoke(args=["create-user", "--email", "cli@zaanstad.nl", "--name", "Via CLI"])
    assert result.exit_code == 0, result.output
    created = newest(db)
    assert (created.action, created.entity, created.user_id, created.note, created.remote_addr) == (
        "create", "users", None, "cli", None)


def test_audit_verify_passes_on_an_untouched_log(db, runner, employee, make_interaction):
    make_interaction(employee)
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0, result.output
    count = len(events(db))
    assert f"Audit log OK: {count} events" in result.output


def test_audit_verify_names_an_altered_event(db, runner, employee, make_interaction):
    make_interaction(employee, subject="Het echte onderwerp")
    target = events(db, entity="interactions")[0]
    db.session.execute(text("UPDATE audit_events SET user_name = 'Iemand anders' WHERE id = :id"),
                       {"id": target.id})
    db.session.commit()
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code != 0
    assert f"broken at event {target.id}:" in result.output and "altered" in result.output


def test_audit_verify_names_the_event_after_a_deleted_one(db, runner, employee, make_interaction):
    make_interaction(employee)
    make_interaction(employee, subject="Tweede")
    first_id = events(db, entity="interactions")[0].id
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": first_id})
    db.session.commit()
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code != 0
    following = db.session.scalar(select(AuditEvent.id).where(AuditEvent.id > first_id).order_by(AuditEvent.id))
    assert f"broken at event {following}:" in result.output


def test_audit_verify_catches_a_rewritten_event_by_its_successor(db, runner, employee, make_interaction):
    make_interaction(employee)
    make_interaction(employee, subject="Daarna")
    target = events(db, entity="interactions")[0]
    forged = {column: getattr(target, column) for column in
              ("at", "user_id", "user_name", "action", "entity", "entity_id", "changes", "remote_addr", "note")}
    forged["note"] = "vervalst"
    db.session.execute(text("UPDATE audit_events SET note = 'vervalst', hash = :hash WHERE id = :id"),
                       {"hash": audit.chain_hash(target.previous_hash, forged), "id": target.id})
    db.session.commit()
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code != 0
    following = db.session.scalar(select(AuditEvent.id).where(AuditEvent.id > target.id).order_by(AuditEvent.id))
    assert f"broken at event {following}:" in result.output


def test_the_app_never_changes_or_removes_audit_events(db, employee, make_interaction):
    make_interaction(employee)
    event = newest(db)
    event.note = "weg ermee"
    with pytest.raises(audit.AuditLogError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(newest(db))
    with pytest.raises(audit.AuditLogError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(audit.AuditLogError):
        db.session.execute(update(AuditEvent).values(note="x"))
    db.session.rollback()
    with pytest.raises(audit.AuditLogError):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    assert audit.verify().ok


def test_concurrent_writers_keep_one_chain(app, db):
    before = len(events(db))
    db.session.rollback()
    errors = []

    def write(number):
        try:
            with app.app_context():
                for step in range(8):
                    audit.record(audit.EXPORT, "users", note=f"writer {number} step {step}")
                _db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = audit.verify()
    assert result.ok and result.count == before + 32


def test_the_audit_page_is_for_beheerders_only(client, login, employee, manager, director):
    for user in (employee, manager, director):
        assert login(user).get("/beheer/audit").status_code == 403
    assert client.get("/beheer/audit").status_code == 302


def test_the_audit_page_lists_newest_first_with_filters(db, admin_client, administrator, employee,
                                                       make_interaction):
    make_interaction(employee, subject="Eerste gesprek")
    make_interaction(employee, subject="Tweede gesprek")
    page = admin_client.get("/beheer/audit")
    assert page.status_code == 200
    assert "Auditlog" in page.text and 'aria-current="page"' in page.text
    assert page.text.index("Tweede gesprek") < page.text.index("Eerste gesprek")
    assert "Contactmoment" in page.text and "Aangemaakt" in page.text and "Ingelogd" in page.text

    only_logins = admin_client.get("/beheer/audit?actie=login")
    assert "Tweede gesprek" not in only_logins.text and "Ingelogd</td>" in only_logins.text
    contactmomenten = admin_client.get("/beheer/audit?entiteit=interactions&actie=create")
    assert "Tweede gesprek" in contactmomenten.text and "Ingelogd</td>" not in contactmomenten.text
    assert "Tweede gesprek" not in admin_client.get(f"/beheer/audit?gebruiker={administrator.id}").text
    assert "Tweede gesprek" not in admin_client.get("/beheer/audit?tot=2000-01-01").text
    assert "Tweede gesprek" in admin_client.get("/beheer/audit?van=2000-01-01&tot=2999-12-31").text
    for nonsense in ("?van=gisteren", "?pagina=-3", "?gebruiker=abc", "?van=0001-01-01", "?pagina=999"):
        assert admin_client.get("/beheer/audit" + nonsense).status_code == 200
