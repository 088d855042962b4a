"""End-to-end browser tests: the real app on a live server, driven by
Debian's chromium through Playwright, with axe-core on every page.

They run with the rest of the suite on SQLite. They are skipped, saying so,
only when /usr/bin/chromium is missing and in the `--postgresql` run.
"""

import shutil
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import got_request_exception
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tracker import create_app
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.interactions.models import InteractionKind, Level
from tracker.interactions.service import FollowUpData, InteractionData, NewContactData, save_interaction
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, NeglectFlag
from tracker.relations.models import Organisation

from ..conftest import PASSWORD, SECRET
from .person import Person

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    if config.getoption("postgresql"):
        reason = "browser tests run only in the SQLite run, not with --postgresql, to keep CI time down"
    elif not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests"
    else:
        return
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request in the test output; errors are still logged."""

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """The app, as in production (CSRF on, TESTING off), on 127.0.0.1 in a
    background thread, with its own SQLite file."""

    def __init__(self, database_path: str):
        self.app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}",
                               "TESTING": False, "WTF_CSRF_ENABLED": True,
                               # The browser keeps the CSS, script and fonts instead of
                               # asking for each again on every page: faster, same pages.
                               "SEND_FILE_MAX_AGE_DEFAULT": 3600,
                               # No scheduler: its catch-up runs would scan and send
                               # digests while a test looks at the pages.
                               "SCHEDULER_ENABLED": False})
        # Stored mails and the like beside the test's database, not in the project's instance/.
        self.app.instance_path = str(Path(database_path).parent / "instance")
        Path(self.app.instance_path).mkdir(exist_ok=True)
        self.errors: list[BaseException] = []
        got_request_exception.connect(self._record_error, self.app)
        # Port 0: the operating system picks a free port, and the socket is
        # bound to it at once, so no other process can take it in between.
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True,
                                  request_handler=QuietRequestHandler)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)
        self.thread.start()

    def _record_error(self, sender, exception, **extra):
        self.errors.append(exception)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        got_request_exception.disconnect(self._record_error, self.app)
        with self.app.app_context():
            db.engine.dispose()

    # Setting the scene directly in the database, for what a test is not about.

    def add_user(self, role: Role, name: str, email: str) -> None:
        """A colleague who logs in with tests.conftest.PASSWORD."""
        with self.app.app_context():
            user = User(name=name, email=email, role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()

    def add_interaction(self, author_email: str, **values) -> int:
        """A contactmoment with a new contact, organisations, priorities and
        one follow-up owned by its author; returns its id."""
        with self.app.app_context():
            author = db.session.scalar(db.select(User).where(User.email == author_email))
            data = InteractionData(
                occurred_at=datetime.now(timezone.utc) - timedelta(days=1), kind=InteractionKind.MEETING,
                level=Level.OFFICIAL, subject=values.get("subject", "Overleg over Zaandam Oost"),
                summary="Samenvatting van het overleg.", outcome="Afgesproken: een vervolgoverleg.",
                organisation_ids=values.get("organisation_ids", [1]), priority_ids=values.get("priority_ids", [1, 5]),
                participant_ids=values.get("participant_ids", []),
                new_contact=NewContactData(name="Sanne de Vries", function="Beleidsadviseur", organisation_id=1),
                follow_ups=[FollowUpData(description="Notitie sturen", owner_id=author.id,
                                         due_date=date.today() + timedelta(days=7))])
            interaction = save_interaction(data, author)
            db.session.commit()
            return interaction.id

    def add_neglected_organisation(self, abbreviation: str, days: int = 90, scanned_on: date | None = None) -> int:
        """Tracks an organisation `days` longer than it is (never contacted)
        and runs the neglect scan of a day (this morning's by default);
        returns its open flag's id."""
        with self.app.app_context():
            organisation = db.session.scalar(db.select(Organisation).where(Organisation.abbreviation == abbreviation))
            organisation.created_at = datetime.now(timezone.utc) - timedelta(days=days)
            neglect.scan(scanned_on or neglect.today())
            db.session.commit()
            return db.session.scalar(db.select(NeglectFlag.id).where(
                NeglectFlag.organisation_id == organisation.id, NeglectFlag.status == FlagStatus.OPEN))


@pytest.fixture
def fresh_database(seeded_database, tmp_path) -> str:
    """A copy of the migrated, seeded SQLite file, without users who log in."""
    path = tmp_path / "browser.sqlite"
    shutil.copy(seeded_database, path)
    return str(path)


@pytest.fixture
def live_server(fresh_database):
    """The app on a fresh database, for one test."""
    server = LiveServer(fresh_database)
    yield server
    server.stop()
    assert not server.errors, f"the server failed while the test ran: {server.errors!r}"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser, server: LiveServer):
    context = browser.new_context(base_url=server.url, locale="nl-NL", timezone_id="Europe/Amsterdam",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture(params=["muis", "toetsenbord"])
def person(request, context):
    """Someone in the browser, with the mouse or with the keyboard only."""
    return Person(context.new_page(), keyboard=request.param == "toetsenbord")
