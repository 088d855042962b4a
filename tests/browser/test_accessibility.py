"""axe-core and the checks in audit.py on every page of the app (listed in
pages.py), for every role, and on every form showing its errors."""

import shutil

import pytest
from playwright.sync_api import expect

from tracker.auth.models import Role, User
from tracker.digest.mail import stored_mails
from tracker.digest.outbox import deliver
from tracker.digest.service import enqueue_week
from tracker.digest.weeks import Week
from tracker.extensions import db
from tracker.neglect import service as neglect
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Priority

from ..conftest import PASSWORD
from .conftest import LiveServer, new_context
from .pages import ANONYMOUS, ANONYMOUS_PAGES, FIRST_RUN_PAGE, FORMS_WITH_ERRORS, PAGES, ROLE_LABELS, ROLES
from .person import Person

EMAILS = {role: f"{role}@zaanstad.nl" for role in ROLES}
NAMES = {role: f"Test {role}" for role in ROLES}


class Sweep:
    """One server for the whole module, with a person logged in per role."""

    def __init__(self, browser, database_path):
        self.browser = browser
        self.server = LiveServer(database_path)
        for role in ROLES:
            self.server.add_user(Role(role), NAMES[role], EMAILS[role])
        interaction = self.server.add_interaction(EMAILS["medewerker"], organisation_ids=[1], priority_ids=[1, 5])
        with self.server.app.app_context():
            organisation = db.session.get(Organisation, 1)
            priority = db.session.get(Priority, 5)
            self.ids = {
                "theme": priority.theme_id, "priority": priority.id, "arena": organisation.arena_id,
                "organisation": organisation.id, "interaction": interaction,
                "contact": db.session.scalar(db.select(Contact.id).where(Contact.name == "Sanne de Vries")),
                "user": db.session.scalar(db.select(User.id).where(User.email == EMAILS["medewerker"])),
                "manager": db.session.scalar(db.select(User.id).where(User.email == EMAILS["manager"])),
                "week": str(Week.of(neglect.today())),
            }
        self.ids["flag"] = self.server.add_neglected_organisation("VNG")
        self.ids.update(self.store_digests())
        self.ids.update(self.add_overview_records())
        self.ids.update(self.add_privacy_records())
        self.ids.update(self.add_import_records())
        self.ids.update(self.add_mailbox_draft())
        self.ids.update(self.add_stakeholder_records())
        self.contexts, self.people = [], {}

    def store_digests(self) -> dict:
        """This week's digests of the manager and (opted in) the beheerder,
        sent as without a mail server: stored under the instance folder."""
        with self.server.app.app_context():
            administrator = db.session.scalar(db.select(User).where(User.email == EMAILS["beheerder"]))
            administrator.wants_digest = True
            enqueue_week(Week.of(neglect.today()))
            db.session.commit()
            assert deliver(force=True).sent == 2
            names = [mail.name for mail in stored_mails()]
            return {key: next(name for name in names if f".{user_id}@" in name)
                    for key, user_id in (("mail", administrator.id), ("colleague_mail", self.ids["manager"]))}

    def add_overview_records(self) -> dict:
        """{position} and {funding_stream} from the seed, {key_moment} made here
        (next week, with a priority), so that the calendar month shows it."""
        from datetime import datetime, timedelta, timezone

        from tracker.strategy.models import FundingStream, KeyMoment, Position
        with self.server.app.app_context():
            moment = KeyMoment(title="Commissiedebat Wonen", starts_at=datetime.now(timezone.utc) + timedelta(days=7),
                               organisation=db.session.get(Organisation, 1), priorities=[db.session.get(Priority, 5)])
            db.session.add(moment)
            db.session.commit()
            return {"key_moment": moment.id,
                    "position": db.session.scalar(db.select(Position.id).order_by(Position.id).limit(1)),
                    "funding_stream": db.session.scalar(db.select(FundingStream.id).order_by(FundingStream.id).limit(1))}

    def add_privacy_records(self) -> dict:
        """{information_request}: an open Woo request; and a contact listed for
        the retention review, so that its page shows a decision form."""
        from datetime import datetime, timedelta, timezone

        from tracker.avg.models import InformationRequest, RequestKind
        from tracker.avg.service import list_for_review
        with self.server.app.app_context():
            request = InformationRequest(kind=RequestKind.WOO, subject="Woo-verzoek woningbouw",
                                         opened_on=neglect.today())
            db.session.add_all([request, Contact(name="Oud Contact", function="adviseur",
                                                 created_at=datetime.now(timezone.utc) - timedelta(days=3000))])
            db.session.flush()
            list_for_review(neglect.today(), 5)
            db.session.commit()
            return {"information_request": request.id}

    def add_stakeholder_records(self) -> dict:
        """{stakeholder}: an organisation on {priority}'s map that moved once, and a
        contact person beside it, so the map has dots, an earlier place and history."""
        from tracker.stakeholders import service as stakeholders
        from tracker.stakeholders.models import Attitude, Influence
        with self.server.app.app_context():
            manager = db.session.scalar(db.select(User).where(User.email == EMAILS["manager"]))
            priority = db.session.get(Priority, self.ids["priority"])
            placed = stakeholders.add_stakeholder(priority, stakeholders.StakeholderData(
                self.ids["organisation"], None, Influence.HIGH, Attitude.AGAINST), manager)
            stakeholders.update_stakeholder(placed, Influence.HIGH, Attitude.NEUTRAL, "Na het werkbezoek", manager)
            stakeholders.add_stakeholder(priority, stakeholders.StakeholderData(
                None, self.ids["contact"], Influence.LOW, Attitude.FOR), manager)
            db.session.commit()
            return {"stakeholder": placed.id}

    def add_import_records(self) -> dict:
        """{import}: the beheerder's upload awaiting confirmation (one row of each
        result); {import_done}: one confirmed."""
        from tracker.imports.models import ImportKind
        from tracker.imports.reading import read_file
        from tracker.imports.service import confirm_import, plan_import, start_import
        data = ("naam;functie;e-mail;organisatie\nSanne de Vries;Adviseur;;BZK\nNieuw Contact;;nieuw@example.nl;\n"
                "Fout Adres;;geen-adres;\nSanne de Vries;Adviseur;;BZK\n").encode()
        with self.server.app.app_context():
            administrator = db.session.scalar(db.select(User).where(User.email == EMAILS["beheerder"]))
            pending, _plan = start_import(ImportKind.CONTACTS, "lijst.csv", read_file("lijst.csv", data),
                                          administrator)
            done, _plan = start_import(ImportKind.CONTACTS, "klaar.csv", read_file(
                "klaar.csv", b"naam\nGeimporteerd Contact\n"), administrator)
            confirm_import(done, administrator, plan_import(done.kind, done.rows).fingerprint)
            db.session.commit()
            return {"import": pending.token, "import_done": done.token}

    def add_mailbox_draft(self) -> dict:
        """{draft}: the medewerker's draft from the inbound mailbox, on the home page."""
        from datetime import datetime, timezone

        from tracker.capture.drafts import add_draft, message_key
        from tracker.capture.parse import Address, Capture
        with self.server.app.app_context():
            employee = db.session.scalar(db.select(User).where(User.email == EMAILS["medewerker"]))
            capture = Capture(subject="Overleg woningbouwopgave Zaandam", kind="overleg", summary="Bespreking.",
                              starts_at=datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc),
                              organiser=Address("jan.jansen@minbzk.nl", "Jan Jansen"))
            draft = add_draft(employee, message_key("<sweep@zaanstad.nl>", b""), "<sweep@zaanstad.nl>",
                              datetime.now(timezone.utc), capture)
            db.session.commit()
            return {"draft": draft.id}

    def person(self, role: str) -> Person:
        if role not in self.people:
            context = new_context(self.browser, self.server)
            self.contexts.append(context)
            known_as = (f"{NAMES[role]} · {ROLE_LABELS[role]}",) if role != ANONYMOUS else ()
            person = Person(context.new_page(), keyboard=False, known_as=known_as)
            if role != ANONYMOUS:
                page = person.page
                person.visit("/inloggen")
                person.fill(page.get_by_label("E-mailadres"), EMAILS[role])
                person.fill(page.get_by_label("Wachtwoord"), PASSWORD)
                person.press(page.get_by_role("button", name="Inloggen"))
            self.people[role] = person
        return self.people[role]

    def close(self):
        for context in self.contexts:
            context.close()
        self.server.stop()


@pytest.fixture(scope="module")
def sweep(browser, seeded_database, tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweep.sqlite"
    shutil.copy(seeded_database, path)
    sweep = Sweep(browser, str(path))
    yield sweep
    sweep.close()
    assert not sweep.server.errors, f"the server failed during the sweep: {sweep.server.errors!r}"


def h1(person):
    return person.page.get_by_role("heading", level=1)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.path)
def test_every_page_passes_for_every_role(sweep, page):
    """The page as each role sees it; axe runs in the four tabs side by side."""
    audits = []
    for role in ROLES:
        person = sweep.person(role)
        allowed = role in page.roles
        audits.append((role, person.visit(page.path.format(**sweep.ids), page.status if allowed else 403,
                                          wait_for_audit=False)))
        if allowed:
            expect(h1(person)).not_to_have_text("Geen toegang")
        else:
            expect(h1(person)).to_have_text("Geen toegang")
    failures = []
    for role, audit in audits:
        try:
            audit.finish()
        except AssertionError as failure:
            failures.append(f"as {role}: {failure}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("page", ANONYMOUS_PAGES, ids=lambda page: page.path)
def test_every_page_passes_before_logging_in(sweep, page):
    sweep.person(ANONYMOUS).visit(page.path, status=page.status)


def test_the_first_run_page_passes(context):
    person = Person(context.new_page(), keyboard=False)
    person.visit(FIRST_RUN_PAGE.path, status=FIRST_RUN_PAGE.status)
    expect(h1(person)).to_have_text("Welkom bij de Lobbytracker")


def show_errors(person, form, ids):
    page = person.page
    person.visit(form.path.format(**ids))
    if form.expand:
        person.expand(page.get_by_text(form.expand, exact=True))
    for label, value in form.fill.items():
        if value is True:
            person.tick(page.get_by_label(label, exact=True))
        else:
            person.fill(page.get_by_label(label).first, value)
    person.press(page.get_by_role("button", name=form.button))
    expect(page.get_by_role("alert").filter(has_text="Het formulier is niet opgeslagen")).to_be_visible()


@pytest.mark.parametrize("form", [form for form in FORMS_WITH_ERRORS if form.path != FIRST_RUN_PAGE.path],
                         ids=lambda form: f"{form.role}-{form.path}")
def test_every_form_passes_with_its_errors(sweep, form):
    show_errors(sweep.person(form.role), form, sweep.ids)


@pytest.mark.parametrize("form", [form for form in FORMS_WITH_ERRORS if form.path == FIRST_RUN_PAGE.path],
                         ids=lambda form: f"{form.role}-{form.path}")
def test_the_first_run_form_passes_with_its_errors(context, form):
    show_errors(Person(context.new_page(), keyboard=False), form, {})
