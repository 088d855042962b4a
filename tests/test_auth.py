"""First run, logging in and out, and creating users."""

from sqlalchemy import func, select

from tracker.auth.models import Role, User

from .conftest import PASSWORD


def user_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.password_hash.is_not(None)))


def test_first_run_creates_the_first_beheerder_once(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/eerste-gebruik")
    page = client.get("/eerste-gebruik")
    assert "Welkom bij de Lobbytracker" in page.text
    response = client.post("/eerste-gebruik", data={
        "name": "Anna de Vries", "email": "Anna@Zaanstad.nl ", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 302
    anna = db.session.scalars(select(User).where(User.email == "anna@zaanstad.nl")).one()
    assert anna.role == Role.ADMINISTRATOR
    assert "Gebruikers en rollen" in client.get("/beheer/gebruikers").text
    # Once a user exists, the page is gone for everyone.
    assert client.get("/eerste-gebruik").status_code == 404
    assert client.post("/eerste-gebruik", data={
        "name": "Indringer", "email": "x@example.org", "password": PASSWORD, "password_again": PASSWORD,
    }).status_code == 404
    assert user_count(db) == 1


def test_first_run_refuses_a_short_or_mismatched_password(client, db):
    response = client.post("/eerste-gebruik", data={
        "name": "Anna", "email": "anna@zaanstad.nl", "password": "kort", "password_again": "kort"})
    assert "Kies een wachtwoord van minstens 12 tekens." in response.text
    response = client.post("/eerste-gebruik", data={
        "name": "Anna", "email": "anna@zaanstad.nl", "password": PASSWORD, "password_again": PASSWORD + "x"})
    assert "De wachtwoorden zijn niet gelijk." in response.text
    assert user_count(db) == 0


def test_login_with_wrong_password_says_so_without_telling_which_part(client, employee):
    wrong = client.post("/inloggen", data={"email": employee.email, "password": "verkeerd-wachtwoord"})
    unknown = client.post("/inloggen", data={"email": "niemand@zaanstad.nl", "password": "verkeerd-wachtwoord"})
    message = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert message in wrong.text and message in unknown.text
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(client, employee):
    response = client.get("/organisaties")
    assert "/inloggen?next=/organisaties" in response.location
    response = client.post("/inloggen?next=/organisaties", data={"email": employee.email, "password": PASSWORD})
    assert response.location == "/organisaties"
    client.post("/uitloggen")
    response = client.post("/inloggen?next=//evil.example.org/",
                           data={"email": employee.email, "password": PASSWORD})
    assert response.location == "/"


def test_login_starts_a_fresh_session(client, employee):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/inloggen", data={"email": employee.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_ends_the_session(employee_client):
    assert employee_client.get("/").status_code == 200
    response = employee_client.post("/uitloggen", follow_redirects=True)
    assert "U bent uitgelogd." in response.text
    assert employee_client.get("/").status_code == 302


def test_a_deactivated_user_cannot_log_in_or_continue(db, login, employee):
    client = login(employee)
    employee.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    response = client.post("/inloggen", data={"email": employee.email, "password": PASSWORD})
    assert "horen niet bij elkaar" in response.text


def test_bestuurders_cannot_log_in(client, db, administrator):
    hamming = db.session.scalars(select(User).where(User.name == "Jan Hamming")).one()
    assert hamming.password_hash is None
    response = client.post("/inloggen", data={"email": "jan.hamming@zaanstad.nl", "password": PASSWORD})
    assert "horen niet bij elkaar" in response.text


def test_create_user_command_takes_the_password_from_the_environment(runner, db, monkeypatch):
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    result = runner.invoke(args=["create-user", "--email", "Piet@Zaanstad.nl", "--name", "Piet Jansen",
                                 "--role", "manager"])
    assert result.exit_code == 0, result.output
    piet = db.session.scalars(select(User).where(User.email == "piet@zaanstad.nl")).one()
    assert piet.role == Role.MANAGER and piet.check_password(PASSWORD)
    again = runner.invoke(args=["create-user", "--email", "piet@zaanstad.nl", "--name", "Piet", "--role", "manager"])
    assert again.exit_code != 0 and "Er is al een gebruiker met dit e-mailadres." in again.output


def test_create_user_command_asks_for_the_password(runner, db, monkeypatch):
    monkeypatch.delenv("TRACKER_PASSWORD", raising=False)
    result = runner.invoke(args=["create-user", "--email", "kees@zaanstad.nl", "--name", "Kees"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    kees = db.session.scalars(select(User).where(User.email == "kees@zaanstad.nl")).one()
    assert kees.role == Role.EMPLOYEE
    short = runner.invoke(args=["create-user", "--email", "k2@zaanstad.nl", "--name", "K"], input="kort\nkort\n")
    assert short.exit_code != 0 and "minstens 12 tekens" in short.output


def test_passwords_are_stored_hashed(db, employee):
    stored = db.session.scalar(select(User.password_hash).where(User.id == employee.id))
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_beheerder_adds_a_medewerker_who_can_then_log_in(admin_client, app, db):
    response = admin_client.post("/beheer/gebruikers/nieuw", data={
        "name": "Sanne Bakker", "email": "sanne@zaanstad.nl", "role": "medewerker", "password": PASSWORD})
    assert response.status_code == 302
    assert "Sanne Bakker" in admin_client.get("/beheer/gebruikers").text
    sanne = app.test_client()
    assert sanne.post("/inloggen", data={"email": "sanne@zaanstad.nl", "password": PASSWORD}).status_code == 302
    assert sanne.get("/beheer/gebruikers").status_code == 403


def test_beheerder_changes_a_role_and_cannot_demote_themself(admin_client, db, administrator, employee):
    response = admin_client.post(f"/beheer/gebruikers/{employee.id}/bewerken", data={
        "name": employee.name, "role": "manager", "active": "y", "title": ""})
    assert response.status_code == 302
    db.session.refresh(employee)
    assert employee.role == Role.MANAGER
    response = admin_client.post(f"/beheer/gebruikers/{administrator.id}/bewerken", data={
        "name": administrator.name, "role": "medewerker", "active": "y", "title": ""})
    assert "U kunt uw eigen beheerdersrol niet intrekken" in response.text
    db.session.refresh(administrator)
    assert administrator.role == Role.ADMINISTRATOR


def test_beheerder_adds_a_bestuurder_who_can_take_part(admin_client, db):
    response = admin_client.post("/beheer/bestuurders/nieuw", data={
        "name": "Wendy Wethouder", "title": "wethouder Wonen"})
    assert response.status_code == 302
    wendy = db.session.scalars(select(User).where(User.name == "Wendy Wethouder")).one()
    assert wendy.is_official and not wendy.can_log_in
    assert "Wendy Wethouder (wethouder Wonen)" in admin_client.get("/contactmomenten/nieuw").text
