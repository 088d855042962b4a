import contextvars
import shutil
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tracker import create_app
from tracker.auth.models import Role, User
from tracker.extensions import db as _db
from tracker.interactions.models import InteractionKind, Level
from tracker.interactions.service import FollowUpData, InteractionData, save_interaction
from tracker.strategy.models import Priority
from tracker.strategy.seed import load_strategy, read_strategy

from . import databases
from .imap import dovecot  # noqa: F401  (a real IMAP server for the inbound mailbox tests)

PASSWORD = "een-lang-wachtwoord-2026"
SECRET = "test-secret-key"


# Cheap Argon2 parameters: the suite hashes a password for every user it makes.
# Production keeps argon2-cffi's defaults (tracker/auth/passwords.py).
QUICK_HASHING = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024, "PASSWORD_HASH_PARALLELISM": 1}


def app_config(uri: str, **extra) -> dict:
    return {"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": uri,
            "WTF_CSRF_ENABLED": False, **QUICK_HASHING, **extra}


class RequestClient(FlaskClient):
    """A test client whose every request runs as in production: in its own
    app context, with its own database session and its own `g`.

    The test's own session ends its transaction first, so that it holds no
    lock while the request writes and sees fresh data afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.rollback()
        return contextvars.Context().run(super().open, *args, **kwargs)


def pytest_addoption(parser):
    parser.addoption("--postgresql", action="store_true",
                     help="run the tests on the PostgreSQL server in TEST_DATABASE_URL instead of SQLite")


def pytest_report_header(config):
    if config.getoption("postgresql"):
        return f"database: PostgreSQL at {databases.postgres_url()}"
    return "database: SQLite (run with --postgresql and TEST_DATABASE_URL for PostgreSQL)"


def pytest_configure(config):
    if config.getoption("postgresql") and not databases.postgres_url():
        raise pytest.UsageError("--postgresql needs TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1/test")


def migrate_and_seed(uri: str) -> None:
    app = create_app(app_config(uri))
    with app.app_context():
        upgrade()
        load_strategy(read_strategy(app.config["SEED_FILE"]))
        _db.session.commit()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def seeded_database(request, tmp_path_factory):
    """A database migrated to the newest schema and seeded, made once per run:
    a SQLite file, or a PostgreSQL template database."""
    if request.config.getoption("postgresql"):
        server = databases.postgres_url()
        name = databases.unique_name("lobbytracker_template")
        migrate_and_seed(databases.create_database(server, name))
        yield name
        databases.drop_database(server, name)
    else:
        path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
        migrate_and_seed(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_path(request, seeded_database, tmp_path) -> str:
    """A copy of the seeded SQLite file (SQLite runs only)."""
    if request.config.getoption("postgresql"):
        pytest.skip("this test copies a SQLite file")
    path = tmp_path / "test.sqlite"
    shutil.copy(seeded_database, path)
    return str(path)


@pytest.fixture
def database_uri(request, seeded_database, tmp_path):
    """A fresh seeded database for one test."""
    if request.config.getoption("postgresql"):
        server = databases.postgres_url()
        name = databases.unique_name("lobbytracker_test")
        yield databases.create_database(server, name, template=seeded_database)
        databases.drop_database(server, name)
    else:
        path = tmp_path / "test.sqlite"
        shutil.copy(seeded_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app(database_uri, tmp_path):
    app = create_app(app_config(database_uri))
    app.instance_path = str(tmp_path)
    app.test_client_class = RequestClient
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.EMPLOYEE, name: str | None = None, email: str | None = None) -> User:
        number = next(counter)
        user = User(name=name or f"{role.value.title()} {number}",
                    email=email or f"{role.value}{number}@zaanstad.nl", role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user
    return make


def log_in(client, user: User):
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data
    return client


@pytest.fixture
def login(app):
    def login_as(user: User):
        return log_in(app.test_client(), user)
    return login_as


@pytest.fixture
def employee(make_user):
    return make_user(Role.EMPLOYEE, name="Mila Medewerker", email="mila@zaanstad.nl")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, name="Mark Manager", email="mark@zaanstad.nl")


@pytest.fixture
def director(make_user):
    return make_user(Role.DIRECTOR, name="Dina Directeur", email="dina@zaanstad.nl")


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, name="Bas Beheerder", email="bas@zaanstad.nl")


@pytest.fixture
def employee_client(login, employee):
    return login(employee)


@pytest.fixture
def manager_client(login, manager):
    return login(manager)


@pytest.fixture
def director_client(login, director):
    return login(director)


@pytest.fixture
def admin_client(login, administrator):
    return login(administrator)


@pytest.fixture
def priority(db) -> Priority:
    return db.session.scalar(_db.select(Priority).where(Priority.seed_key.is_not(None)).order_by(Priority.id))


@pytest.fixture
def make_interaction(db, priority):
    def make(author: User, *, subject="Overleg over Zaandam Oost", confidential=False, participants=(),
             organisations=(), contacts=(), priorities=None, occurred_at=None, follow_ups=()):
        data = InteractionData(
            occurred_at=occurred_at or datetime.now(timezone.utc) - timedelta(days=1),
            kind=InteractionKind.MEETING, level=Level.OFFICIAL, subject=subject, summary="Samenvatting",
            confidential=confidential, participant_ids=[user.id for user in participants],
            organisation_ids=[organisation.id for organisation in organisations],
            contact_ids=[contact.id for contact in contacts],
            priority_ids=[item.id for item in (priorities or [priority])],
            follow_ups=[FollowUpData(description=text, owner_id=owner.id, due_date=due)
                        for text, owner, due in follow_ups])
        interaction = save_interaction(data, author)
        db.session.commit()
        return interaction
    return make


@pytest.fixture
def yesterday() -> date:
    return date.today() - timedelta(days=1)
