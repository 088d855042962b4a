"""Random and hostile input on every form and every query parameter.

Hypothesis sends markup and script, control characters and NUL, huge
strings, any unicode, numbers as text, impossible dates, random ids and
repeated fields (lists) to every POST route (FORMS) and every query
parameter of the GET routes (QUERIES), and random ids into every path.
The properties:
- never a 500: the test app has TESTING=True, so an exception in a view
  raises here (nothing is caught);
- a refused submission stores nothing: every row in the database is as it
  was (the audit log aside, which may record the attempt);
- what is stored comes back escaped: after an accepted submission the page
  it leads to holds no raw `<script` (or other hostile markup) but the
  layout's own script tag; the same holds for every page a query reaches;
- a redirect never leaves the site.

The examples are fixed (derandomize=True) so CI is reproducible, and
bounded per form; the number each form and query received is printed at
the end of the module (visible with or without -s).

FORMS and QUERIES must cover the app: a POST route without a FORMS entry, or
a query parameter a view reads (request.args, query_int, query_text,
query_date, ids_from_query) without a QUERIES entry, fails test_every_form_and_query_is_attacked.
"""

import inspect
import io
import re
import secrets
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.auth.models import Role, User
from tracker.database import utcnow
from tracker.digest.weeks import Week
from tracker.digest.models import OutboxMessage, OutboxStatus
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Priority, Theme

from .conftest import PASSWORD

ANON, EMP, MAN, ADM = "anoniem", "medewerker", "manager", "beheerder"
EXAMPLES = 30
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])
# How many generated inputs each form and query received: printed when the module ends.
RECEIVED: Counter = Counter()
ACCEPTED: Counter = Counter()

# --------------------------------------------------------------- values

MARKUP = ['<script>alert("xss")</script>', "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
          '"><img src=x onerror=alert(1)>', "<svg onload=alert(1)>", "<b onmouseover=alert(1)>vet</b>",
          "</textarea><script>alert(1)</script>", "javascript:alert(1)", "{{ 7 * 7 }}{% raw %}"]
# Markup no page of ours has: none of it may come back raw.
RAW_MARKUP = ("<img src=x", "<svg onload", "<b onmouseover", "</textarea><script")
SPECIAL = ["", " ", "\x00", "\x00\x01\x07\x1b\x7f", "\t\n\r", "\u200b\u202e\ufeff", "é" * 3, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
           "'; DROP TABLE users; --", "' OR '1'='1", "%00", "%25_%", "../../etc/passwd", "None", "null", "true",
           "y", "on", "ja", "mij", "0", "-1", "1e309", "NaN", "inf", "-0", "0x10", "²", "١٢٣", "9" * 30,
           str(2**31), str(2**63), str(-2**63 - 1), "2026-02-30", "99999-01-01", "0000-00-00", "30-11-2026",
           "1999-12-31", "2026-W99", "2026-W00", "2026-W48", "25:61", "10:30", "//evil.example",
           "https://evil.example/", "/\\evil.example", "\\\\evil.example"]
HUGE = ["x" * 5_000, "é" * 30_000, '<script>alert("xss")</script>' * 3_000, "9" * 400,
        "x" * 2_200_000]  # the last is beyond MAX_CONTENT_LENGTH: 413

impossible_dates = st.tuples(st.integers(0, 99999), st.integers(0, 13), st.integers(0, 32)).map(
    lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}")
hostile_text = st.one_of(
    st.sampled_from(MARKUP), st.sampled_from(SPECIAL), st.sampled_from(HUGE),
    st.text(max_size=60),  # any unicode but surrogates: control characters and NUL included
    st.builds(lambda markup, text: text + markup + text, st.sampled_from(MARKUP), st.text(max_size=8)),
    st.integers(-2**70, 2**70).map(str),
    st.floats().map(str),
    impossible_dates,
    st.dates().map(date.isoformat),
)
MISSING = object()


def values(pool: list[str]):
    """A field's value: valid-looking ones from the pool, hostile text, a
    list of values (the field repeated), or the field left out."""
    single = st.one_of(st.sampled_from(pool), hostile_text) if pool else hostile_text
    return st.one_of(single, st.lists(single, min_size=2, max_size=4), st.just(MISSING))


# --------------------------------------------------------------- checks

def rogue_markup(body: str) -> list[str]:
    """Hostile markup that came back unescaped. Our layout has one script tag, from /static/."""
    found = [text for text in RAW_MARKUP if text in body]
    scripts = body.lower().count("<script") - body.count('<script src="/static/')
    return found + (["<script"] * scripts)


def assert_safe_page(response, what: str, *, echoes_input: bool = False) -> None:
    """No 500, no unescaped markup, no NUL (but in a form shown again with what was
    typed: number and date fields echo their raw input), no redirect off the site."""
    assert response.status_code < 500, what
    if response.mimetype in ("text/html", "application/json"):  # not a download (a ZIP)
        body = response.get_data(as_text=True)
        assert not rogue_markup(body), f"{what}: unescaped markup {rogue_markup(body)}"
        assert echoes_input or "\x00" not in body, f"{what}: a NUL came back"
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.location
        assert not location.startswith("//") and urlsplit(location).netloc in ("", "localhost") \
            and "\\" not in location, f"{what}: redirects off the site to {location!r}"


def database_state(db) -> dict:
    """Every row of every table but the audit log (which may record a refused attempt),
    read with plain SQL on a connection of its own: it runs twice per example."""
    db.session.rollback()
    with db.engine.connect() as connection:
        return {table.name: connection.exec_driver_sql(
            f'SELECT * FROM "{table.name}" ORDER BY '
            + ", ".join(f'"{column.name}"' for column in table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables if table.name != "audit_events"}


def accepted(response, form=None) -> bool:
    """A redirect onwards; to the login page only for the logout form. A form
    with a `done_marker` answers with its result instead: a 200 page holding it."""
    if form is not None and form.done_marker is not None and response.status_code == 200:
        return form.done_marker.encode() in response.get_data()  # a page, or a download's bytes
    return response.status_code in (302, 303) and (
        not response.location.startswith("/inloggen") or (form is not None and form.relogin))


# --------------------------------------------------------------- fixtures

@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Hostile passwords are hashed on every accepted example: cheaply here."""
    from tracker.auth import models
    monkeypatch.setattr(models, "generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


@pytest.fixture(scope="module", autouse=True)
def report_inputs(request):
    """After the module: how many generated inputs each form and query received, and
    how many of them the app accepted (stored, then checked on the page it led to)."""
    yield
    lines = ["", "generated inputs per form and query (tests/test_property_inputs.py):",
             *(f"{count:5d}  {name}" + (f"  ({ACCEPTED[name]} accepted)" if name in ACCEPTED else "")
               for name, count in sorted(RECEIVED.items())),
             f"{sum(RECEIVED.values()):5d}  in all, {sum(ACCEPTED.values())} accepted"]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            for line in lines:
                reporter.write_line(line)
    else:
        print("\n".join(lines), file=sys.stderr)


@dataclass
class World:
    db: object
    clients: dict
    ids: dict
    make_interaction: Callable
    users: dict

    def fresh_interaction(self) -> int:
        return self.make_interaction(self.users[EMP]).id

    def fresh_follow_up(self) -> int:
        return self.make_interaction(self.users[EMP], follow_ups=[
            ("Notitie sturen", self.users[EMP], date.today() - timedelta(days=3))]).follow_ups[0].id

    def fresh_import(self) -> str:
        """The token of an upload of the beheerder's, awaiting confirmation."""
        from tracker.imports.models import ImportKind, PendingImport
        from tracker.imports.service import plan_import
        rows = [{"line": 2, "values": {"naam": "Piet Import"}}]
        pending = PendingImport(token=f"property{secrets.token_hex(8)}", user_id=self.users[ADM].id,
                                kind=ImportKind.CONTACTS, file_name="lijst.csv", rows=rows)
        self.db.session.add(pending)
        self.db.session.commit()
        # What its preview page would carry into the confirmation.
        self.ids["import_plan"] = plan_import(ImportKind.CONTACTS, rows).fingerprint
        return pending.token

    def fresh_contact(self) -> int:
        """A contact of its own, to anonymise."""
        contact = Contact(name="Otto Oud", email=f"otto{secrets.token_hex(4)}@voorbeeld.nl", notes="Notitie")
        self.db.session.add(contact)
        self.db.session.commit()
        return contact.id

    def fresh_retention_review(self) -> int:
        """An open retention review of a contact of its own."""
        from tracker.avg.models import RetentionReview
        review = RetentionReview(contact_id=self.fresh_contact(), listed_on=date.today())
        self.db.session.add(review)
        self.db.session.commit()
        return review.id

    def fresh_information_request(self) -> int:
        from tracker.avg.models import InformationRequest, RequestKind
        found = InformationRequest(kind=RequestKind.AVG, subject="Inzageverzoek", opened_on=date.today())
        self.db.session.add(found)
        self.db.session.commit()
        return found.id

    def fresh_key_moment(self) -> int:
        from tracker.strategy.models import KeyMoment
        found = KeyMoment(title="Regiodag", starts_at=utcnow() + timedelta(days=5))
        self.db.session.add(found)
        self.db.session.commit()
        return found.id

    def fresh_draft(self) -> int:
        """A draft of the medewerker's from the inbound mailbox, to discard."""
        from tracker.capture import drafts
        from tracker.capture.parse import Address, Capture
        capture = Capture(subject="Overleg BZK", starts_at=None, kind="e-mail", summary="",
                          organiser=Address("piet@minbzk.nl", "Piet"))
        message_id = f"<{secrets.token_hex(8)}@zaanstad.nl>"
        draft = drafts.add_draft(self.users[EMP], drafts.message_key(message_id, b""), message_id, utcnow(), capture)
        self.db.session.commit()
        return draft.id

    def fresh_api_token(self) -> int:
        """A personal access token of the medewerker's, to revoke."""
        from tracker.api.service import create_token
        token, _secret = create_token(self.users[EMP], "Power BI", None, acting=self.users[EMP])
        self.db.session.commit()
        return token.id


@pytest.fixture
def world(app, db, login, make_user, make_interaction, priority, employee, manager, administrator):
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    contact = Contact(name="Ingrid Visser", organisation=bzk)
    db.session.add(contact)
    colleague = make_user(Role.EMPLOYEE, name="Cor Collega", email="cor@zaanstad.nl")
    own = make_interaction(employee, organisations=[bzk], contacts=[contact],
                           follow_ups=[("Notitie sturen", employee, date.today() + timedelta(days=7))])
    flag = NeglectFlag(subject=FlagSubject.ORGANISATION, subject_key=neglect.subject_key(
        FlagSubject.ORGANISATION, bzk.id), organisation_id=bzk.id, status=FlagStatus.OPEN,
        neglected_since=date.today() - timedelta(days=3), raised_on=date.today(), owner_id=manager.id,
        theme_ids=[], priority_ids=[], engagement_ids=[])
    message = OutboxMessage(recipient_id=colleague.id, kind="weekoverzicht", period="2026-W01",
                            to_address=colleague.email, subject="Weekoverzicht", text_body="-", html_body="-",
                            message_id="<property@zaanstad.nl>", status=OutboxStatus.SENDING,
                            sending_since=utcnow(), attempts=1)
    db.session.add_all([flag, message])
    db.session.commit()
    ids = {"organisation": bzk.id, "contact": contact.id, "interaction": own.id,
           "follow_up": own.follow_ups[0].id, "flag": flag.id, "message": message.id, "user": colleague.id,
           "employee": employee.id, "manager": manager.id, "priority": priority.id,
           "priorities": list(db.session.scalars(select(Priority.id).order_by(Priority.id)))[:3],
           "themes": list(db.session.scalars(select(Theme.id).order_by(Theme.id)))[:3],
           "arena": bzk.arena_id, "yesterday": (date.today() - timedelta(days=1)).isoformat(),
           "future": (date.today() + timedelta(days=30)).isoformat()}
    users = {EMP: employee, MAN: manager, ADM: administrator}
    clients = {ANON: app.test_client(), **{role: login(user) for role, user in users.items()}}
    return World(db=db, clients=clients, ids=ids, make_interaction=make_interaction, users=users)


# --------------------------------------------------------------- forms

@dataclass
class Form:
    path: str                                   # "{id}": the record it posts to
    role: str
    base: Callable[[dict], dict]                # a valid submission, from the world's ids
    target: str | Callable | None = None        # an id key, or a maker of a fresh record per example
    pool: Callable[[dict], list] = lambda ids: []  # valid-looking values to mix in
    extra: tuple = ()                           # fields beyond the base to attack
    relogin: bool = False                       # the form ends the session (logging out)
    done_marker: str | None = None              # accepted: a 200 page with this (a result shown once)


def ids_pool(ids) -> list[str]:
    return [str(value) for key in ("organisation", "contact", "employee", "manager", "priority", "user", "arena")
            for value in [ids[key]]] + [str(value) for value in ids["priorities"] + ids["themes"]] + [
        ids["yesterday"], ids["future"], "y", "standaard", "eigen", "uit", "overleg", "ambtelijk", "bestuurlijk",
        "platform", "medewerker", "manager", "beheerder", "risico", "op-koers", "30", "3650"]


def interaction(ids) -> dict:
    return {"occurred_on": ids["yesterday"], "occurred_time": "10:30", "kind": "overleg", "level": "ambtelijk",
            "subject": "Werkbezoek Zaandam Oost", "summary": "Toelichting.", "outcome": "",
            "priority_ids": [str(ids["priority"])], "follow_ups-0-description": "",
            "follow_ups-1-description": ""}


# The pickers' search boxes and buttons (tracker/forms.py PickerField), and the hidden first button.
PICKER_EXTRA = ("contact_ids-zoek", "contact_ids-zoeken", "contact_ids-gezocht", "organisation_ids-zoek",
                "organisation_ids-zoeken", "opslaan")
INTERACTION_EXTRA = ("contact_ids", "organisation_ids", "participant_ids", "confidential", "new_contact_name",
                     "new_contact_function", "new_contact_organisation_id", "new_contact_email",
                     "follow_ups-0-id", "follow_ups-0-owner_id", "follow_ups-0-due_date", "follow_ups-0-remove",
                     "follow_ups-1-owner_id", "follow_ups-1-due_date", "follow_ups-7-description",
                     # Addresses read from an invitation, offered as new contacts; a mailbox draft's id.
                     "new_contacts-0-add", "new_contacts-0-name", "new_contacts-0-function",
                     "new_contacts-0-organisation_id", "new_contacts-0-email", "new_contacts-99-add", "draft_id",
                     *PICKER_EXTRA)
RELATIONSHIP = {"owner_id": "", "cadence_mode": "standaard", "cadence_days": ""}


def contact(ids) -> dict:
    return {"name": "Ingrid Visser", "function": "", "organisation_id": "", "email": "", "phone": "", "notes": "",
            **RELATIONSHIP}


def organisation(ids) -> dict:
    return {"name": "Platform Wijkenaanpak", "abbreviation": "", "kind": "platform", "arena_id": "",
            "parent_id": "", "description": "", **RELATIONSHIP}


FORMS = {
    "auth.login": Form("/inloggen", ANON, lambda ids: {"email": "mila@zaanstad.nl", "password": PASSWORD},
                       extra=("next",)),
    "auth.setup": Form("/eerste-gebruik", ANON, lambda ids: {
        "name": "Anna de Vries", "email": "anna@zaanstad.nl", "password": PASSWORD, "password_again": PASSWORD}),
    "auth.logout": Form("/uitloggen", EMP, lambda ids: {}, extra=("csrf_token", "next"), relogin=True),
    "interactions.create": Form("/contactmomenten/nieuw", EMP, interaction, pool=ids_pool, extra=INTERACTION_EXTRA),
    "interactions.edit": Form("/contactmomenten/{id}/bewerken", EMP, interaction, "interaction", pool=ids_pool,
                              extra=INTERACTION_EXTRA),
    # An invitation read into the form (nothing stored); hostile values replace the file by text.
    "interactions.read_file": Form("/contactmomenten/inlezen", EMP, lambda ids: {"file": (io.BytesIO(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261105T133000Z\r\n"
        b"SUMMARY:Overleg <b>BZK</b>\r\nATTENDEE;CN=Piet:mailto:piet@minbzk.nl\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
        "uitnodiging.ics")}, pool=ids_pool),
    "interactions.delete": Form("/contactmomenten/{id}/verwijderen", EMP, lambda ids: {},
                                World.fresh_interaction, extra=("csrf_token", "confirm")),
    "interactions.complete_follow_up": Form("/contactmomenten/acties/{id}/afgerond", EMP, lambda ids: {},
                                            World.fresh_follow_up, extra=("csrf_token",)),
    # A draft from the inbound mailbox thrown away on the home page.
    "main.discard_draft": Form("/concepten/{id}/weggooien", EMP, lambda ids: {}, World.fresh_draft,
                               extra=("csrf_token",)),
    "relations.new_organisation": Form("/organisaties/nieuw", MAN, organisation, pool=ids_pool),
    "relations.edit_organisation": Form("/organisaties/{id}/bewerken", MAN, organisation, "organisation",
                                        pool=ids_pool),
    "relations.new_contact": Form("/contactpersonen/nieuw", EMP, contact, pool=ids_pool),
    "relations.edit_contact": Form("/contactpersonen/{id}/bewerken", EMP, contact, "contact", pool=ids_pool),
    "strategy.priority": Form("/prioriteiten/{id}", MAN, lambda ids: {"status": "risico", "note": "Loopt achter."},
                              "priority", pool=ids_pool),
    "neglect.snooze": Form("/aandacht/{id}/snoozen", MAN, lambda ids: {
        "snooze-until": (date.today() + timedelta(days=10)).isoformat(), "snooze-reason": "Na het overleg"},
        "flag", pool=ids_pool),
    "neglect.assign": Form("/aandacht/{id}/toewijzen", MAN, lambda ids: {
        "assign-assignee_id": str(ids["employee"]), "assign-note": "Jij kent ze"}, "flag", pool=ids_pool),
    "digest.preferences": Form("/instellingen", EMP, lambda ids: {
        "wants_digest": "y", "theme_ids": [str(ids["themes"][0])]}, pool=ids_pool),
    "admin.new_user": Form("/beheer/gebruikers/nieuw", ADM, lambda ids: {
        "name": "Piet Jansen", "email": "piet@zaanstad.nl", "role": "medewerker", "password": PASSWORD},
        pool=ids_pool),
    "admin.edit_user": Form("/beheer/gebruikers/{id}/bewerken", ADM, lambda ids: {
        "name": "Cor Collega", "title": "", "role": "medewerker", "active": "y"}, "user", pool=ids_pool),
    "admin.new_official": Form("/beheer/bestuurders/nieuw", ADM, lambda ids: {
        "name": "Jan Jansen", "title": "wethouder Wonen"}),
    "admin.cadences": Form("/beheer/ritme", ADM, lambda ids: {"leading": "30", "member": "60", "watching": "120"},
                           pool=ids_pool),
    "account.change_password": Form("/instellingen/wachtwoord", EMP, lambda ids: {
        "current_password": PASSWORD, "new_password": "negen lange woorden over de zaan 2026",
        "new_password_again": "negen lange woorden over de zaan 2026"}),
    "admin.requeue": Form("/beheer/taken/uitgaand/{id}/opnieuw", ADM, lambda ids: {}, "message",
                          extra=("csrf_token",)),
    # A small CSV upload; hostile values replace the file by text, or the kind by anything.
    "imports.upload": Form("/beheer/import", ADM, lambda ids: {
        "kind": "contactpersonen", "file": (io.BytesIO("naam;functie\nPiet Import;<b>Adviseur</b>\n".encode()),
                                            "lijst.csv")}, pool=lambda ids: ["contactpersonen", "organisaties"]),
    "imports.confirm": Form("/beheer/import/{id}/bevestigen", ADM, lambda ids: {"plan": ids.get("import_plan", "")},
                            World.fresh_import, extra=("csrf_token",)),
    "tokens.index": Form("/instellingen/tokens", EMP, lambda ids: {"name": "Power BI directie",
                                                                  "expires_on": ids["future"]}, pool=ids_pool,
                         done_marker='id="new-token"'),  # the new token, shown once: no redirect
    "tokens.revoke": Form("/instellingen/tokens/{id}/intrekken", EMP, lambda ids: {}, World.fresh_api_token,
                          extra=("csrf_token",)),
    # Woo and AVG: an accepted export answers with its ZIP (whose file names are stored as text).
    "woo.export": Form("/woo", MAN, lambda ids: {"start": ids["yesterday"], "end": date.today().isoformat(),
                                                 "terms": "Werkbezoek"}, pool=ids_pool,
                       extra=("priority_ids", "organisation_ids", "replace_names"), done_marker="verantwoording.txt"),
    "avg.new_request": Form("/verzoeken/nieuw", MAN, lambda ids: {
        "kind": "woo", "subject": "Woo-verzoek woningbouw", "reference": "Z-1", "opened_on": ids["yesterday"],
        "closed_on": "", "contact_ids": [str(ids["contact"])]}, pool=lambda ids: [*ids_pool(ids), "woo", "avg"],
        extra=PICKER_EXTRA),
    "avg.edit_request": Form("/verzoeken/{id}/bewerken", MAN, lambda ids: {
        "kind": "avg", "subject": "Inzageverzoek", "reference": "", "opened_on": ids["yesterday"],
        "closed_on": date.today().isoformat(), "contact_ids": [str(ids["contact"])]},
        World.fresh_information_request, pool=lambda ids: [*ids_pool(ids), "woo", "avg"], extra=PICKER_EXTRA),
    "avg.export_contact": Form("/contactpersonen/{id}/avg/export", MAN, lambda ids: {}, "contact",
                               extra=("csrf_token",), done_marker="gegevens.json"),
    "avg.anonymise": Form("/contactpersonen/{id}/anonimiseren", ADM, lambda ids: {"reason": "Bewaartermijn"},
                          World.fresh_contact),
    "avg.keep": Form("/avg/bewaartermijn/{id}/bewaren", ADM, lambda ids: {"reason": "Nog actief"},
                     World.fresh_retention_review),
    # Seats, key moments, funding streams and the calendar address (issue 4).
    "positions.create": Form("/posities/nieuw", MAN, lambda ids: position(ids), pool=lambda ids: [
        *ids_pool(ids), "beoogd", "verkregen", "beeindigd", "niet-verkregen", "voorzitter"]),
    "positions.edit": Form("/posities/{id}/bewerken", MAN, lambda ids: position(ids), lambda world: first_id(
        world, "Position"), pool=lambda ids: [*ids_pool(ids), "verkregen", "beeindigd"]),
    "agenda.create": Form("/belangrijke-momenten/nieuw", EMP, lambda ids: key_moment(ids), pool=ids_pool),
    "agenda.edit": Form("/belangrijke-momenten/{id}/bewerken", EMP, lambda ids: key_moment(ids),
                        World.fresh_key_moment, pool=ids_pool),
    "funding.create": Form("/geldstromen/nieuw", MAN, lambda ids: funding_stream(ids), pool=lambda ids: [
        *ids_pool(ids), "1.250.000,50", "toegekend", "ingediend", "12.50"]),
    "funding.edit": Form("/geldstromen/{id}/bewerken", MAN, lambda ids: funding_stream(ids), lambda world: first_id(
        world, "FundingStream"), pool=lambda ids: [*ids_pool(ids), "1.250.000,50", "toegekend"]),
    # The stakeholder map (issue 8): the first accepted one makes the later ones duplicates.
    "stakeholders.add": Form("/prioriteiten/{id}/krachtenveld/toevoegen", MAN, lambda ids: {
        "zoek": "", "relation": f"organisatie:{ids['organisation']}", "influence": "hoog", "attitude": "tegen",
        "note": ""}, "priority", pool=lambda ids: stakeholder_pool(ids)),
    "stakeholders.edit": Form("/krachtenveld/{id}/bewerken", MAN, lambda ids: {
        "influence": "midden", "attitude": "voor", "note": "Na het overleg"},
        lambda world: stakeholder_on_map(world, fresh=False), pool=lambda ids: stakeholder_pool(ids)),
    "stakeholders.remove": Form("/krachtenveld/{id}/verwijderen", MAN, lambda ids: {},
                                lambda world: stakeholder_on_map(world, fresh=True), extra=("csrf_token",)),
    "agenda.create_feed": Form("/instellingen/agenda/nieuw", EMP, lambda ids: {}, extra=("csrf_token",)),
    "agenda.revoke_feed": Form("/instellingen/agenda/intrekken", EMP, lambda ids: {}, extra=("csrf_token",)),
}


def position(ids) -> dict:
    return {"organisation_id": str(ids["organisation"]), "title": "Lid bestuurlijk overleg", "role": "lid",
            "portfolio": "", "theme_ids": [str(ids["themes"][0])], "status": "beoogd", "holder_id": "",
            "held_since": "", "held_until": "", "text": ""}


def key_moment(ids) -> dict:
    return {"title": "Commissiedebat Wonen", "day": ids["future"], "clock": "10:30", "organisation_id": "",
            "arena_id": "", "priority_ids": [str(ids["priority"])], "notes": ""}


def funding_stream(ids) -> dict:
    return {"name": "Regiodeal", "provider_id": "", "provider_name": "", "description": "", "amount": "1.000",
            "deadline": ids["future"], "bid_status": "", "amount_requested": "", "amount_granted": "",
            "priority_ids": [str(ids["priority"])]}


def stakeholder_pool(ids) -> list[str]:
    return [*ids_pool(ids), f"organisatie:{ids['organisation']}", f"contactpersoon:{ids['contact']}",
            "organisatie:999999", "contactpersoon:", "laag", "midden", "hoog", "tegen", "neutraal", "voor", "onbekend"]


def stakeholder_on_map(world, fresh: bool) -> int:
    """The contact person on the priority's map; a new organisation on it when `fresh`."""
    from tracker.stakeholders.models import Attitude, Influence, Stakeholder
    key = "stakeholder"
    if not fresh and key in world.ids:
        return world.ids[key]
    relation = {"contact_id": world.ids["contact"]} if not fresh else {
        "organisation_id": world.db.session.scalar(select(Organisation.id).where(~Organisation.id.in_(
            select(Stakeholder.organisation_id).where(Stakeholder.organisation_id.is_not(None))))
            .order_by(Organisation.id).limit(1))}
    made = Stakeholder(priority_id=world.ids["priority"], influence=Influence.HIGH, attitude=Attitude.AGAINST,
                       **relation)
    world.db.session.add(made)
    world.db.session.commit()
    if not fresh:
        world.ids[key] = made.id
    return made.id


def first_id(world, model: str) -> int:
    from tracker.strategy import models
    found = getattr(models, model)
    return world.db.session.scalar(select(found.id).order_by(found.id).limit(1))

# The filters of the contactmomenten list (tracker/interactions/filters.py), also its exports'.
LIST_FILTERS = ("zoek", "date_from", "date_to", "theme_id", "priority_id", "arena_id", "organisation_id", "contact",
                "colleague_id", "kind", "level")
# Query parameters every GET route reads, and who asks (a manager may preview others' digests).
QUERIES = {
    "interactions.index": ("/contactmomenten/", EMP, ("pagina", "van", *LIST_FILTERS)),
    "interactions.export_list": ("/contactmomenten/export.csv", EMP, ("van", *LIST_FILTERS)),
    "search.index": ("/zoeken", EMP, ("zoek", "pagina_contactmomenten", "pagina_contactpersonen",
                                      "pagina_organisaties")),
    "interactions.create": ("/contactmomenten/nieuw", EMP, ("organisatie", "contactpersoon", "prioriteit", "concept")),
    "relations.organisations": ("/organisaties", EMP, ("soort", "netwerk", "zoek")),
    "relations.contacts": ("/contactpersonen", EMP, ("organisatie", "zoek")),
    "relations.organisation": ("/organisaties/1", EMP, ("pagina",)),
    "relations.new_contact": ("/contactpersonen/nieuw", EMP, ("organisatie",)),
    "avg.new_request": ("/verzoeken/nieuw", MAN, ("contactpersoon",)),
    "relations.pick_contacts": ("/contactpersonen/kiezen", EMP, ("zoek", "zonder")),
    "relations.pick_organisations": ("/organisaties/kiezen", EMP, ("zoek", "zonder")),
    "neglect.index": ("/aandacht/", EMP, ("opgave", "netwerk", "eigenaar", "gesnoozed", "pagina")),
    "digest.preview": ("/weekoverzicht", MAN, ("gebruiker", "week")),
    "digest.preview_html": ("/weekoverzicht/html", MAN, ("gebruiker", "week")),
    "auth.login": ("/inloggen", ANON, ("next",)),
    "sso.start": ("/inloggen/sso", ANON, ("next",)),
    "sso.callback": ("/inloggen/sso/callback", ANON, ("error", "error_description", "code", "state")),
    "audit.index": ("/beheer/audit", ADM, ("entiteit", "actie", "gebruiker", "van", "tot", "pagina")),
    "agenda.calendar": ("/belangrijke-momenten/kalender", EMP, ("maand",)),
    "agenda.export": ("/belangrijke-momenten/export.xlsx", EMP, ("maand",)),
    "agenda.create": ("/belangrijke-momenten/nieuw", EMP, ("datum",)),
    "stakeholders.map": ("/prioriteiten/1/krachtenveld", EMP, ("vergelijk",)),
    "stakeholders.add": ("/prioriteiten/1/krachtenveld/toevoegen", MAN, ("zoek",)),
}
READS_QUERY = re.compile(r"""(?:request\.args(?:\.get|\.getlist)?\s*[\[(]\s*"""
                         r"""|\b(?:query_int|query_text|query_date|ids_from_query)\(\s*)["'](\w+)["']""")


def form_data(base: dict, overrides: dict) -> dict:
    data = {**base, **overrides}
    return {name: value for name, value in data.items() if value is not MISSING}


def submission(form: Form, ids: dict):
    base = form.base(ids)
    names = sorted({*base, *form.extra, "onbekend_veld"})
    return st.dictionaries(st.sampled_from(names), values(form.pool(ids)), max_size=4)


REAL = "the real record"
path_text = st.one_of(st.sampled_from(MARKUP + SPECIAL), st.text(max_size=30))


def path_ids():
    """Mostly the real record; sometimes any number or text at all."""
    return st.one_of(st.just(REAL), st.just(REAL), st.just(REAL), st.integers(-2**70, 2**70), path_text)


def in_path(value) -> str:
    return quote(str(value), safe="")


# --------------------------------------------------------------- tests

def test_every_form_and_query_is_attacked(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert not posts - FORMS.keys(), f"POST routes with no entry in FORMS: {sorted(posts - FORMS.keys())}"
    assert not FORMS.keys() - posts, f"FORMS entries for routes that are gone: {sorted(FORMS.keys() - posts)}"
    read: dict[str, set] = {}
    for endpoint, view in app.view_functions.items():
        module = sys.modules[view.__module__]
        if not module.__name__.startswith("tracker."):
            continue  # Flask's own static view
        read.setdefault(module.__name__, set()).update(READS_QUERY.findall(inspect.getsource(module)))
    covered: dict[str, set] = {}
    for endpoint, (_path, _role, names) in QUERIES.items():
        covered.setdefault(app.view_functions[endpoint].__module__, set()).update(names)
    unattacked = {module: sorted(names - covered.get(module, set())) for module, names in read.items()
                  if names - covered.get(module, set())}
    assert not unattacked, f"query parameters read but not in QUERIES: {unattacked}"


@pytest.mark.parametrize("endpoint", [name for name in FORMS if name != "auth.setup"])
def test_hostile_form_input(app, world, login, endpoint):
    form = FORMS[endpoint]
    db = world.db

    @SETTINGS
    @given(overrides=submission(form, world.ids), record=path_ids() if form.target else st.none())
    def post(overrides, record):
        RECEIVED[f"POST {form.path}"] += 1
        target = None
        if form.target is not None:
            real = form.target(world) if callable(form.target) else world.ids[form.target]
            target = real if record == REAL else record
        url = form.path.format(id=in_path(target))
        client = world.clients[form.role] if form.role != ANON else app.test_client()
        sent = form_data(form.base(world.ids), overrides)
        if "next" in sent:
            url += "?next=" + quote(str(sent.pop("next")), safe="")
        before = database_state(db)
        response = client.post(url, data=sent)
        assert_safe_page(response, f"POST {url}", echoes_input=True)
        if accepted(response, form):
            ACCEPTED[f"POST {form.path}"] += 1
            if response.location:
                shown = client.get(response.location)
                assert_safe_page(shown, f"GET {response.location} after POST {url}")
        else:
            assert database_state(db) == before, f"POST {url} was refused ({response.status_code}) but stored"
        if form.relogin:
            world.clients[form.role] = login(world.users[form.role])

    post()
    assert RECEIVED[f"POST {form.path}"] >= EXAMPLES // 2


def test_hostile_first_run_input(app, db, client):
    """The first-run form, while no one can log in; an accepted one is undone for the next example."""
    form = FORMS["auth.setup"]

    @SETTINGS
    @given(overrides=submission(form, {}))
    def post(overrides):
        RECEIVED[f"POST {form.path}"] += 1
        fresh = app.test_client()
        before = database_state(db)
        response = fresh.post(form.path, data=form_data(form.base({}), overrides))
        assert_safe_page(response, f"POST {form.path}", echoes_input=True)
        if accepted(response):
            ACCEPTED[f"POST {form.path}"] += 1
            assert_safe_page(fresh.get(response.location), f"GET {response.location}")
            db.session.rollback()
            for user in db.session.scalars(select(User)):
                db.session.delete(user)
            db.session.commit()
            app.extensions["tracker"]["has_users"] = False
        else:
            assert database_state(db) == before, f"POST {form.path} was refused ({response.status_code}) but stored"

    post()
    assert RECEIVED[f"POST {form.path}"] >= EXAMPLES // 2


@pytest.mark.parametrize("endpoint", sorted(QUERIES))
def test_hostile_query_parameters(app, world, endpoint):
    path, role, names = QUERIES[endpoint]
    pool = ids_pool(world.ids) + ["mij", "ja", str(Week.last_finished(date.today()))]

    @SETTINGS
    @given(query=st.dictionaries(st.sampled_from(names + ("onbekend",)), values(pool), max_size=len(names) + 1))
    def get(query):
        RECEIVED[f"GET {path}?{'&'.join(names)}"] += 1
        sent = {name: value for name, value in query.items() if value is not MISSING}
        response = world.clients[role].get(path, query_string=sent)
        assert_safe_page(response, f"GET {path} {sent!r:.200}")

    get()


VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def random_path(rule, draw) -> str:
    """The rule with a number (for int converters) or any text in each variable part."""
    def value(match):
        converter = match.group(1) or "default"
        drawn = draw(st.one_of(st.integers(-2**70, 2**70), st.integers(0, 50)) if converter == "int" else path_text)
        return in_path(drawn)
    return VARIABLE.sub(value, rule.rule)


def test_random_ids_in_every_path(app, world):
    """Every GET route with a variable part, with any number or text in it, as a manager and a beheerder."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.arguments and "GET" in rule.methods]

    @settings(SETTINGS, max_examples=EXAMPLES * 3)
    @given(data=st.data())
    def get(data):
        rule = data.draw(st.sampled_from(rules))
        RECEIVED[f"GET {rule.rule} (random ids)"] += 1
        path = random_path(rule, data.draw)
        for role in (MAN, ADM):
            response = world.clients[role].get(path)
            assert_safe_page(response, f"GET {path} as {role}")
            response.close()

    get()
