"""The authorization matrix: every route in app.url_map × every role × own
and others' records × confidential or not, each with the answer it must get.

ROUTES holds one row per endpoint and method. `test_every_route_has_a_row`
fails, listing them, when app.url_map has a route (or a method of one) that
has no row here: a new route gets its row before it lands.

The rules, from the README and the code:
- every page needs a login (302 to /inloggen), except the login page, the
  first-run page (404 once someone can log in), static files and /healthz;
- a medewerker edits their own contactmomenten, managers and beheerders all
  they may see; a confidential one is seen only by its author, its internal
  participants, managers and directeuren: not by other medewerkers, nor by
  beheerders; that holds for every page that shows contactmomenten, their
  follow-ups or flags, so every answer is checked for the subjects and
  actions of the confidential contactmomenten the role may not see;
- /beheer/* is for beheerders; organisations are created and edited by
  managers and beheerders; so are flags snoozed and assigned and priority
  statuses set; a digest of someone else is previewed only by managers,
  directeuren and beheerders (and then shows only what both may see);
- single sign-on (/inloggen/sso*) is public, and answers 404 to everyone
  while OIDC_ISSUER is unset, as in the test app;
- a method a route does not have answers 405, for everyone;
- the reporting API (/api/v1/*, rows with `bearer=True`) knows no session:
  a logged-in browser without a token gets 401 (JSON), as does anyone
  without one; each role's personal access token reads what the row
  expects, and no contactmoment that is confidential, whoever asks. Its
  OpenAPI document is public. Tokens are made and revoked by everyone who
  logs in, for themselves only.
Stored digest e-mails under /beheer/mail show a beheerder their headers
only: the text is for the recipient.

Every POST either has its effect (checked) or is refused with every row in
the database as it was (the audit log aside: it may record the attempt).
"""

import io
import io
import itertools
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.api.models import ApiToken
from tracker.auth.models import Role, User
from tracker.capture.drafts import add_draft, message_key
from tracker.capture.models import CaptureDraft, DraftStatus
from tracker.capture.parse import Address, Capture
from tracker.avg.models import AvgAction, InformationRequest, RequestKind, RetentionDecision, RetentionReview
from tracker.database import utcnow
from tracker.digest.models import OutboxMessage, OutboxStatus
from tracker.digest.weeks import Week
from tracker.imports.models import ImportKind, PendingImport
from tracker.interactions.models import FollowUp, Interaction
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import PriorityStatusChange
from tracker.stakeholders.models import Attitude, Influence, Stakeholder
from tracker.woo.models import WooExport
from tracker.agenda.models import CalendarFeed
from tracker.strategy.models import FundingStream, KeyMoment, Position

from .conftest import PASSWORD

ANON, EMP, MAN, DIR, ADM = "anoniem", "medewerker", "manager", "directeur", "beheerder"
ROLES = (ANON, EMP, MAN, DIR, ADM)
USERS = (EMP, MAN, DIR, ADM)
SEES_ALL_CONFIDENTIAL = {MAN, DIR}
EDITS_ALL = {MAN, ADM}
COLLEAGUE, SHARED = "collega", "gedeeld"
UNKNOWN_ID = 999999
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# --------------------------------------------------------------- the cases

@dataclass(frozen=True)
class Case:
    """Which record a request points at, seen from the acting role."""
    name: str
    mine: bool = False           # written by (or, for a digest, about) the acting user
    confidential: bool = False
    taking_part: bool = False    # someone else's, with the acting user as internal participant
    missing: bool = False        # an id no record has
    relation: bool = False       # a flag about a relationship (never confidential), not a follow-up

    @property
    def author(self) -> str | None:
        return None if self.missing else SHARED if self.taking_part else "self" if self.mine else COLLEAGUE


# Contactmomenten and what hangs off them: their follow-ups and the flags of those.
RECORD_CASES = (Case("eigen", mine=True), Case("eigen vertrouwelijk", mine=True, confidential=True),
                Case("andermans"), Case("andermans vertrouwelijk", confidential=True),
                Case("andermans vertrouwelijk, deelnemer", confidential=True, taking_part=True),
                Case("onbekend", missing=True))
# A flag page also shows flags about relationships: one that a confidential contactmoment resolved.
FLAG_PAGE_CASES = RECORD_CASES[:-1] + (Case("relatie, opgelost door vertrouwelijk contactmoment", relation=True),
                                       RECORD_CASES[-1])
# Any other record: one that exists, one that does not.
PLAIN_CASES = (Case("bestaand"), Case("onbekend", missing=True))
# A digest preview: the user's own, a colleague's (who wrote confidential ones), nobody's.
PREVIEW_CASES = (Case("eigen", mine=True), Case("van collega"), Case("onbekend", missing=True))
NO_RECORD = (Case("-"),)
RECORD_KINDS = {"interaction", "follow_up", "flag"}


def may_see(role: str, case: Case) -> bool:
    """The confidentiality rule, as the README states it."""
    return (case.relation or not case.confidential or case.mine or case.taking_part
            or role in SEES_ALL_CONFIDENTIAL)


def may_edit(role: str, case: Case) -> bool:
    return may_see(role, case) and (case.mine or role in EDITS_ALL)


# ------------------------------------------------------------- the answers

@dataclass(frozen=True)
class Expect:
    status: int
    location: str | None = None  # the start of the redirect target, when it matters

    def __str__(self):
        return f"{self.status}{' → ' + self.location if self.location else ''}"


OK, DONE = Expect(200), Expect(302)
LOGIN, HOME = Expect(302, "/inloggen"), Expect(302, "/")
FORBIDDEN, NOT_FOUND, NOT_ALLOWED = Expect(403), Expect(404), Expect(405)

Allowed = Callable[[str, Case], bool]


def everyone(role, case):
    return True


def only(*roles) -> Allowed:
    return lambda role, case: role in roles


def sees(role, case):
    return may_see(role, case)


def edits(role, case):
    return may_edit(role, case)


def completes(role, case):
    # A follow-up is completed by its owner (here its author) or by whoever may edit its contactmoment.
    return case.mine or may_edit(role, case)


def manages_flag(role, case):
    return may_see(role, case) and role in (MAN, ADM)


def previews(role, case):
    return case.mine or role in (MAN, DIR, ADM)


def answer(allowed: Allowed, success: Expect = OK, *, found_first: bool = True):
    """Anonymous: to the login page. An unknown record: 404, looked up before
    the role is checked unless `found_first` is False (/beheer refuses first)."""
    def expect(role: str, case: Case) -> Expect:
        if role == ANON:
            return LOGIN
        if case.missing and found_first:
            return NOT_FOUND
        if not allowed(role, case):
            return FORBIDDEN
        return NOT_FOUND if case.missing else success
    return expect


def public(success: Expect = OK, logged_in: Expect | None = None):
    def expect(role, case):
        return success if role == ANON or logged_in is None else logged_in
    return expect


def always(result: Expect):
    return lambda role, case: result


@dataclass
class Post:
    expect: Callable[[str, Case], Expect]
    # The form to send: (world, role, target id) -> data.
    data: Callable = lambda world, role, target: {}
    # Whether the intended change happened: (world, role, target id) -> bool.
    done: Callable | None = None
    # Aim at a record made for this request alone (the change would disturb the others).
    fresh: bool = False


@dataclass
class Route:
    path: str                          # "{id}": the record the case points at
    kind: str | None = None            # what {id} is
    get: Callable | None = None        # (role, case) -> Expect; None: GET is not a method of the route
    post: Post | None = None
    shows: Callable | None = None      # (world, role, case) -> markers a 200 must show
    last: bool = False                 # ends sessions: run after everything else
    only_cases: tuple | None = None    # instead of the kind's cases
    bearer: bool = False               # the API: asked with the role's token, never its session

    @property
    def cases(self):
        if self.only_cases:
            return self.only_cases
        if self.kind in RECORD_KINDS:
            return RECORD_CASES
        if self.kind == "digest_user":
            return PREVIEW_CASES
        return PLAIN_CASES if self.kind else NO_RECORD


# ------------------------------------------------------------- POST forms

def interaction_form(world, subject: str, confidential: bool = False) -> dict:
    return {"occurred_on": world.yesterday, "occurred_time": "10:30", "kind": "overleg", "level": "ambtelijk",
            "subject": subject, "summary": "Toelichting.", "priority_ids": [str(world.priority_id)],
            "follow_ups-0-description": "", "follow_ups-1-description": "",
            **({"confidential": "y"} if confidential else {})}


RELATIONSHIP = {"owner_id": "", "cadence_mode": "standaard", "cadence_days": ""}


def organisation_form(name: str) -> dict:
    return {"name": name, "abbreviation": "", "kind": "platform", "arena_id": "", "parent_id": "", "description": "",
            **RELATIONSHIP}


def contact_form(name: str) -> dict:
    return {"name": name, "function": "", "organisation_id": "", "email": "", "phone": "", "notes": "",
            **RELATIONSHIP}


def marker(world, role, what) -> str:
    return f"XM{what}{role}{world.count()}MX"


def row(db, model, **where):
    db.session.rollback()
    return db.session.scalars(select(model).filter_by(**where)).first()


# ------------------------------------------------------------- the table

ROUTES: dict[tuple[str, str], tuple[str, "Route"]] = {}


def route(endpoint: str, spec: Route) -> None:
    for method, present in (("GET", spec.get), ("POST", spec.post)):
        if present is not None:
            ROUTES[endpoint, method] = spec


def _visible_subjects(world, role, case):
    return world.markers(role, "subject")


route("static", Route("/static/css/app.css", get=public()))
route("main.healthz", Route("/healthz", get=public()))
route("auth.login", Route(
    "/inloggen", get=public(OK, logged_in=HOME),
    # A wrong password (a right one is test_auth's): the form again, or home when logged in already.
    post=Post(public(OK, logged_in=HOME), data=lambda world, role, target: {
        "email": world.users[EMP].email, "password": "fout-wachtwoord-123"})))
route("auth.setup", Route(
    "/eerste-gebruik", get=always(NOT_FOUND),
    post=Post(always(NOT_FOUND), data=lambda world, role, target: {
        "name": "Indringer", "email": "indringer@zaanstad.nl", "password": "x" * 16, "password_again": "x" * 16})))
route("auth.logout", Route(
    "/uitloggen", last=True,
    post=Post(always(LOGIN), done=lambda world, role, target: world.logged_out(role))))  # for everyone
# Home: the user's own latest contactmomenten (written or taken part in), follow-ups and flags.
route("main.home", Route("/", get=answer(everyone), shows=lambda world, role, case: world.markers(
    role, "subject", authors=("self", SHARED)) | world.markers(role, "action", authors=("self",))))

# Contactmomenten.
route("interactions.index", Route("/contactmomenten/", get=answer(everyone), shows=_visible_subjects))
# The filtered list as a file (CSV here; the Excel file is built from the same rows).
route("interactions.export_list", Route("/contactmomenten/export.csv", get=answer(everyone), shows=_visible_subjects))
route("interactions.create", Route(
    "/contactmomenten/nieuw", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: interaction_form(
        world, world.remember("nieuw", marker(world, role, "nieuw"))),
        done=lambda world, role, target: world.exists(Interaction, subject=world.remembered("nieuw"),
                                                      author_id=world.users[role].id))))
# An invitation read into the new-contactmoment form for everyone who logs in; it stores nothing.
route("interactions.read_file", Route(
    "/contactmomenten/inlezen", post=Post(answer(everyone), data=lambda world, role, target: {"file": (io.BytesIO(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261105T133000Z\r\n"
        b"SUMMARY:Overleg\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"), "uitnodiging.ics")})))
route("interactions.show", Route("/contactmomenten/{id}", "interaction", get=answer(sees)))
route("interactions.edit", Route(
    "/contactmomenten/{id}/bewerken", "interaction", get=answer(edits),
    post=Post(answer(edits, DONE), fresh=True, data=lambda world, role, target: interaction_form(
        world, world.remember("bewerkt", marker(world, role, "bewerkt")), confidential=world.confidential(target)),
        done=lambda world, role, target: row(world.db, Interaction, id=target).subject == world.remembered("bewerkt"))))
route("interactions.delete", Route(
    "/contactmomenten/{id}/verwijderen", "interaction", get=answer(edits),
    post=Post(answer(edits, HOME), fresh=True,
              done=lambda world, role, target: row(world.db, Interaction, id=target) is None)))
# Drafts from the inbound mailbox: each user throws away only their own; someone
# else's is not found (404), like an unknown id.
DRAFT_CASES = (Case("eigen", mine=True), Case("andermans"), Case("onbekend", missing=True))


def own_draft(role, case):
    return LOGIN if role == ANON else HOME if case.mine else NOT_FOUND


route("main.discard_draft", Route(
    "/concepten/{id}/weggooien", "draft", only_cases=DRAFT_CASES,
    post=Post(own_draft, fresh=True,
              done=lambda world, role, target: row(world.db, CaptureDraft, id=target).status == DraftStatus.DISCARDED)))
route("interactions.complete_follow_up", Route(
    "/contactmomenten/acties/{id}/afgerond", "follow_up",
    post=Post(answer(completes, DONE), fresh=True,
              done=lambda world, role, target: row(world.db, FollowUp, id=target).completed_at is not None)))

# Search: every subject starts with "XS", the last word is a prefix. A page holds ten
# contactmomenten, so it is checked for the role's own; nothing hidden may show.
route("search.index", Route("/zoeken?zoek=xs", get=answer(everyone), shows=lambda world, role, case: world.markers(
    role, "subject", authors=("self",))))

# Signaleringen.
route("neglect.index", Route("/aandacht/", get=answer(everyone),
                             shows=lambda world, role, case: world.markers(role, "action")))
route("neglect.show", Route("/aandacht/{id}", "flag", get=answer(sees), only_cases=FLAG_PAGE_CASES))
route("neglect.snooze", Route(
    "/aandacht/{id}/snoozen", "flag",
    post=Post(answer(manages_flag, DONE), fresh=True, data=lambda world, role, target: {
        "snooze-until": world.in_a_week, "snooze-reason": "Na het bestuurlijk overleg"},
        done=lambda world, role, target: row(world.db, NeglectFlag, id=target).status == FlagStatus.SNOOZED)))
route("neglect.assign", Route(
    "/aandacht/{id}/toewijzen", "flag",
    post=Post(answer(manages_flag, DONE), fresh=True, data=lambda world, role, target: {
        "assign-assignee_id": str(world.users[EMP].id), "assign-note": "Jij kent ze"},
        done=lambda world, role, target: row(world.db, NeglectFlag, id=target).assignee_id == world.users[EMP].id)))

# Organisations and contact persons.
route("relations.organisations", Route("/organisaties", get=answer(everyone)))
route("relations.organisation", Route("/organisaties/{id}", "organisation", get=answer(everyone),
                                      shows=_visible_subjects))
route("relations.new_organisation", Route(
    "/organisaties/nieuw", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: organisation_form(
        world.remember("organisatie", marker(world, role, "org"))),
        done=lambda world, role, target: world.exists(Organisation, name=world.remembered("organisatie")))))
route("relations.edit_organisation", Route(
    "/organisaties/{id}/bewerken", "organisation", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: organisation_form(
        world.remember("organisatie", marker(world, role, "org"))),
        done=lambda world, role, target: row(world.db, Organisation, id=target).name == world.remembered(
            "organisatie"))))
route("relations.contacts", Route("/contactpersonen", get=answer(everyone)))
# The pickers' searches (JSON for static/js/picker.js): contacts are no secret to a colleague.
route("relations.pick_contacts", Route("/contactpersonen/kiezen?zoek=jansen", get=answer(everyone)))
route("relations.pick_organisations", Route("/organisaties/kiezen?zoek=ministerie", get=answer(everyone)))
route("relations.contact", Route("/contactpersonen/{id}", "contact", get=answer(everyone), shows=_visible_subjects))
route("relations.new_contact", Route(
    "/contactpersonen/nieuw", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: contact_form(
        world.remember("contact", marker(world, role, "contact"))),
        done=lambda world, role, target: world.exists(Contact, name=world.remembered("contact")))))
route("relations.edit_contact", Route(
    "/contactpersonen/{id}/bewerken", "contact", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: contact_form(
        world.remember("contact", marker(world, role, "contact"))),
        done=lambda world, role, target: row(world.db, Contact, id=target).name == world.remembered("contact"))))

# The strategy.
route("strategy.themes", Route("/opgaven", get=answer(everyone)))
route("strategy.theme", Route("/opgaven/{id}", "theme", get=answer(everyone)))
route("strategy.priority", Route(
    "/prioriteiten/{id}", "priority", get=answer(everyone), shows=_visible_subjects,
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: {
        "status": "risico", "note": world.remember("status", marker(world, role, "status"))},
        done=lambda world, role, target: world.exists(PriorityStatusChange, note=world.remembered("status")))))
route("strategy.arenas", Route("/netwerken", get=answer(everyone)))
route("strategy.arena", Route("/netwerken/{id}", "arena", get=answer(everyone)))

# The dashboards: for everyone; their figures and lists count only what the viewer may see.
route("dashboards.theme", Route("/dashboard/opgaven/{id}", "theme", get=answer(everyone)))
route("dashboards.theme_export", Route("/dashboard/opgaven/{id}/export.xlsx", "theme", get=answer(everyone)))
route("dashboards.strategy", Route("/dashboard/strategie", get=answer(everyone)))
route("dashboards.strategy_export", Route("/dashboard/strategie/export.xlsx", get=answer(everyone)))

# Seats, key moments, funding streams (issue 4). Everyone reads them; positions and funding
# streams are edited by managers and beheerders, key moments by everyone who logs in.
def position_form(world, title: str) -> dict:
    return {"organisation_id": str(world.organisation_id), "title": title, "role": "", "portfolio": "",
            "theme_ids": [str(world.theme_id)], "status": "beoogd", "holder_id": "", "held_since": "",
            "held_until": "", "text": ""}


def key_moment_form(world, title: str) -> dict:
    return {"title": title, "day": world.in_a_week, "clock": "10:00", "organisation_id": "", "arena_id": "",
            "priority_ids": [str(world.priority_id)], "notes": ""}


def funding_form(world, name: str) -> dict:
    return {"name": name, "provider_id": "", "provider_name": "", "description": "", "amount": "1.000",
            "deadline": "", "bid_status": "", "amount_requested": "", "amount_granted": "",
            "priority_ids": [str(world.priority_id)]}


route("positions.index", Route("/posities", get=answer(everyone)))
route("positions.export", Route("/posities/export.xlsx", get=answer(everyone)))
route("positions.create", Route(
    "/posities/nieuw", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: position_form(
        world, world.remember("positie", marker(world, role, "positie"))),
        done=lambda world, role, target: world.exists(Position, title=world.remembered("positie")))))
route("positions.edit", Route(
    "/posities/{id}/bewerken", "position", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: position_form(
        world, world.remember("positie", marker(world, role, "positie"))),
        done=lambda world, role, target: row(world.db, Position, id=target).title == world.remembered("positie"))))
route("agenda.index", Route("/belangrijke-momenten", get=answer(everyone)))
route("agenda.calendar", Route("/belangrijke-momenten/kalender", get=answer(everyone)))
route("agenda.export", Route("/belangrijke-momenten/export.xlsx", get=answer(everyone)))
route("agenda.show", Route("/belangrijke-momenten/{id}", "key_moment", get=answer(everyone)))
route("agenda.create", Route(
    "/belangrijke-momenten/nieuw", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: key_moment_form(
        world, world.remember("moment", marker(world, role, "moment"))),
        done=lambda world, role, target: world.exists(KeyMoment, title=world.remembered("moment")))))
route("agenda.edit", Route(
    "/belangrijke-momenten/{id}/bewerken", "key_moment", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: key_moment_form(
        world, world.remember("moment", marker(world, role, "moment"))),
        done=lambda world, role, target: row(world.db, KeyMoment, id=target).title == world.remembered("moment"))))
route("funding.index", Route("/geldstromen", get=answer(everyone)))
route("funding.export", Route("/geldstromen/export.xlsx", get=answer(everyone)))
route("funding.create", Route(
    "/geldstromen/nieuw", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: funding_form(
        world, world.remember("geldstroom", marker(world, role, "geld"))),
        done=lambda world, role, target: world.exists(FundingStream, name=world.remembered("geldstroom")))))
route("funding.edit", Route(
    "/geldstromen/{id}/bewerken", "funding_stream", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: funding_form(
        world, world.remember("geldstroom", marker(world, role, "geld"))),
        done=lambda world, role, target: row(world.db, FundingStream, id=target).name == world.remembered(
            "geldstroom"))))
# One's own calendar address: made and revoked by everyone who logs in, for themselves.
route("agenda.feed_settings", Route("/instellingen/agenda", get=answer(everyone)))
route("agenda.create_feed", Route(
    "/instellingen/agenda/nieuw",
    post=Post(answer(everyone, DONE), done=lambda world, role, target: world.exists(
        CalendarFeed, user_id=world.users[role].id))))
route("agenda.revoke_feed", Route(
    "/instellingen/agenda/intrekken",
    post=Post(answer(everyone, DONE), done=lambda world, role, target: not world.exists(
        CalendarFeed, user_id=world.users[role].id))))
# The feed itself needs no login: its secret address is the credential. An unknown one is
# 404 for everyone, logged in or not (tests/test_seats_moments_funding.py tests real ones).
route("agenda.feed", Route("/agenda/onbekend-adres.ics", get=always(NOT_FOUND)))

# The weekly digest.
route("digest.preferences", Route(
    "/instellingen", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: {"wants_digest": "y"},
              done=lambda world, role, target: row(world.db, User, id=world.users[role].id).wants_digest is True)))


def _digest_shows(world, role, case):
    # What both the digest's user and the one previewing may see.
    target = "self" if case.mine else COLLEAGUE
    return world.markers(role, "subject") & world.markers(target, "subject")


route("digest.preview", Route("/weekoverzicht?gebruiker={id}", "digest_user", get=answer(previews),
                              shows=_digest_shows))
route("digest.preview_html", Route("/weekoverzicht/html?gebruiker={id}", "digest_user", get=answer(previews),
                                   shows=_digest_shows))

# Beheer: beheerders only, refused before any record is looked up.
admin_page = answer(only(ADM), found_first=False)
admin_post = answer(only(ADM), DONE, found_first=False)
route("admin.users", Route("/beheer/gebruikers", get=admin_page))
route("admin.new_user", Route(
    "/beheer/gebruikers/nieuw", get=admin_page,
    post=Post(admin_post, data=lambda world, role, target: {
        "name": "Nieuwe Collega",
        "email": world.remember("email", f"{marker(world, role, 'user').lower()}@zaanstad.nl"),
        "role": "beheerder", "password": "een-lang-wachtwoord-2026"},
        done=lambda world, role, target: world.exists(User, email=world.remembered("email")))))
route("admin.edit_user", Route(
    "/beheer/gebruikers/{id}/bewerken", "user", get=admin_page,
    post=Post(admin_post, fresh=True, data=lambda world, role, target: {
        "name": "Gewijzigd", "title": "", "role": "beheerder", "active": "y"},
        done=lambda world, role, target: row(world.db, User, id=target).role == Role.ADMINISTRATOR)))
route("admin.new_official", Route(
    "/beheer/bestuurders/nieuw", get=admin_page,
    post=Post(admin_post, data=lambda world, role, target: {
        "name": world.remember("bestuurder", marker(world, role, "wethouder")), "title": "wethouder"},
        done=lambda world, role, target: world.exists(User, name=world.remembered("bestuurder")))))
route("admin.cadences", Route(
    "/beheer/ritme", get=admin_page,
    post=Post(admin_post, data=lambda world, role, target: {
        "leading": world.remember("ritme", str(10 + world.count() % 900)), "member": "61", "watching": "121"},
        done=lambda world, role, target: world.cadences().leading == int(world.remembered("ritme")))))
route("admin.jobs", Route("/beheer/taken", get=admin_page))
route("admin.requeue", Route(
    "/beheer/taken/uitgaand/{id}/opnieuw", "message",
    post=Post(admin_post, fresh=True,
              done=lambda world, role, target: row(world.db, OutboxMessage, id=target).status == OutboxStatus.PENDING)))
route("admin.mails", Route("/beheer/mail", get=admin_page))
route("admin.mail", Route("/beheer/mail/{id}", "mail", get=admin_page))
route("admin.access_review", Route("/beheer/gebruikers/toegang", get=admin_page))
route("admin.export_users", Route("/beheer/gebruikers/export.csv", get=admin_page))
route("audit.index", Route("/beheer/audit", get=admin_page))

# Woo and AVG (issue 7): Woo exports, the request register and AVG inzage for managers and
# beheerders (each export holds only what its maker may see); anonymising and the retention
# review for beheerders. A record is looked up before the role is checked.
handles_requests = only(MAN, ADM)
route("woo.export", Route(
    "/woo", get=answer(handles_requests),
    post=Post(answer(handles_requests), data=lambda world, role, target: {
        "start": (neglect.today() - timedelta(days=30)).isoformat(), "end": neglect.today().isoformat(),
        "terms": "", "organisation_ids": [str(world.organisation_id)]},
        done=lambda world, role, target: world.exists(WooExport, user_id=world.users[role].id))))
route("woo.log", Route("/woo/logboek", get=answer(handles_requests)))
route("avg.requests", Route("/verzoeken", get=answer(handles_requests)))


def request_form(world, role) -> dict:
    return {"kind": "woo", "subject": world.remember("verzoek", marker(world, role, "verzoek")), "reference": "",
            "opened_on": neglect.today().isoformat(), "closed_on": "", "contact_ids": []}


route("avg.new_request", Route(
    "/verzoeken/nieuw", get=answer(handles_requests),
    post=Post(answer(handles_requests, DONE), data=lambda world, role, target: request_form(world, role),
              done=lambda world, role, target: world.exists(InformationRequest, subject=world.remembered("verzoek")))))
route("avg.edit_request", Route(
    "/verzoeken/{id}/bewerken", "information_request", get=answer(handles_requests),
    post=Post(answer(handles_requests, DONE), data=lambda world, role, target: request_form(world, role),
              done=lambda world, role, target: row(world.db, InformationRequest, id=target).subject
              == world.remembered("verzoek"))))
route("avg.contact", Route("/contactpersonen/{id}/avg", "contact", get=answer(handles_requests)))
route("avg.export_contact", Route(
    "/contactpersonen/{id}/avg/export", "contact",
    post=Post(answer(handles_requests), done=lambda world, role, target: world.exists(
        AvgAction, contact_id=target, user_id=world.users[role].id))))
route("avg.anonymise", Route(
    "/contactpersonen/{id}/anonimiseren", "anonymisable_contact", get=answer(only(ADM)),
    post=Post(answer(only(ADM), DONE), fresh=True, data=lambda world, role, target: {"reason": "Bewaartermijn"},
              done=lambda world, role, target: row(world.db, Contact, id=target).anonymised_at is not None)))
route("avg.log", Route("/avg/logboek", get=answer(handles_requests)))
route("avg.retention", Route("/avg/bewaartermijn", get=answer(only(ADM))))
route("avg.keep", Route(
    "/avg/bewaartermijn/{id}/bewaren", "retention_review",
    post=Post(answer(only(ADM), DONE), fresh=True, data=lambda world, role, target: {
        "reason": "Nog actief in het netwerk"},
        done=lambda world, role, target: row(world.db, RetentionReview, id=target).decision
        == RetentionDecision.KEEP)))
# Imports: beheerders only; an upload is found by its token, and only by the beheerder who uploaded it.
route("imports.upload", Route(
    "/beheer/import", get=admin_page,
    post=Post(admin_post, data=lambda world, role, target: {"kind": "contactpersonen", "file": (
        io.BytesIO(f"naam\n{world.remember('import', marker(world, role, 'import'))}\n".encode()),
        world.remembered("import") + ".csv")},
        done=lambda world, role, target: world.exists(PendingImport, file_name=world.remembered("import") + ".csv"))))
route("imports.template", Route("/beheer/import/sjabloon-contactpersonen.csv", get=admin_page))
route("imports.preview", Route("/beheer/import/{id}", "import", get=admin_page))
route("imports.confirm", Route(
    "/beheer/import/{id}/bevestigen", "import",
    post=Post(admin_post, fresh=True, data=lambda world, role, target: {"plan": world.import_plan(target)},
              done=lambda world, role, target: world.exists(
        Contact, name=f"Import {target}") and row(world.db, PendingImport, token=target).imported_at is not None)))
route("imports.result", Route("/beheer/import/{id}/resultaat", "import_done", get=admin_page))

# The stakeholder map per priority (issue 8): everyone reads it; managers and beheerders
# edit it, as they edit the organisations. A record is looked up before the role is checked.
def stakeholder_add_form(world, role) -> dict:
    organisation_id = world.remember("stakeholder_organisation", world.free_organisation())
    return {"zoek": "", "relation": f"organisatie:{organisation_id}", "influence": "hoog", "attitude": "tegen",
            "note": ""}


route("stakeholders.map", Route("/prioriteiten/{id}/krachtenveld", "priority", get=answer(everyone)))
route("stakeholders.add", Route(
    "/prioriteiten/{id}/krachtenveld/toevoegen", "priority", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: stakeholder_add_form(world, role),
              done=lambda world, role, target: world.exists(
        Stakeholder, priority_id=target, organisation_id=world.remembered("stakeholder_organisation")))))
route("stakeholders.edit", Route(
    "/krachtenveld/{id}/bewerken", "stakeholder", get=answer(only(MAN, ADM)),
    post=Post(answer(only(MAN, ADM), DONE), data=lambda world, role, target: {
        "influence": "midden", "attitude": "voor", "note": world.remember("krachtenveld", marker(world, role, "kv"))},
        done=lambda world, role, target: row(world.db, Stakeholder, id=target).note == world.remembered(
            "krachtenveld"))))
route("stakeholders.remove", Route(
    "/krachtenveld/{id}/verwijderen", "stakeholder",
    post=Post(answer(only(MAN, ADM), DONE), fresh=True,
              done=lambda world, role, target: row(world.db, Stakeholder, id=target) is None)))

# One's own password: everyone who is logged in. The session that changes it goes on.
NEW_PASSWORD = "negen lange woorden over de zaan 2026"
route("account.change_password", Route(
    "/instellingen/wachtwoord", get=answer(everyone),
    post=Post(answer(everyone, DONE), data=lambda world, role, target: {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        done=lambda world, role, target: row(world.db, User, id=world.users[role].id).check_password(NEW_PASSWORD))))

# Single sign-on: public, and 404 for everyone while OIDC_ISSUER is unset, as in the test app.
route("sso.start", Route("/inloggen/sso", get=always(NOT_FOUND)))
route("sso.callback", Route("/inloggen/sso/callback", get=always(NOT_FOUND)))

# Personal access tokens for the API: one's own, made and revoked by everyone who logs in.
# Made, the page shows the token at once (200): it is stored nowhere to show after a redirect.
route("tokens.index", Route(
    "/instellingen/tokens", get=answer(everyone),
    post=Post(answer(everyone), data=lambda world, role, target: {
        "name": world.remember("token", marker(world, role, "token")), "expires_on": ""},
        done=lambda world, role, target: world.exists(ApiToken, name=world.remembered("token"),
                                                      user_id=world.users[role].id))))
route("tokens.revoke", Route(
    "/instellingen/tokens/{id}/intrekken", "api_token",
    post=Post(answer(everyone, DONE), fresh=True,
              done=lambda world, role, target: row(world.db, ApiToken, id=target).revoked_at is not None)))

# The reporting API: a token, not a session (see the docstring). Confidential contactmomenten
# and the flags of their follow-ups are not in it for anyone: 404, like an unknown id.
UNAUTHORIZED = Expect(401)


def api_answer(role, case):
    if role == ANON:
        return UNAUTHORIZED
    return NOT_FOUND if case.missing or (case.confidential and not case.relation) else OK


def _public_subjects(world, role, case):
    return {record.subject for record in world.records if not record.confidential}


API_KINDS = {"opgaven": "theme", "prioriteiten": "priority", "inzet": "engagement", "organisaties": "organisation",
             "contactmomenten": "interaction", "signaleringen": "flag", "belangrijke_momenten": "key_moment"}
for _name, _kind in API_KINDS.items():
    _path = "/api/v1/" + _name.replace("_", "-")
    route(f"api.{_name}", Route(_path, get=api_answer, bearer=True,
                                shows=_public_subjects if _name == "contactmomenten" else None))
    route(f"api.{_name}_item", Route(_path + "/{id}", _kind, get=api_answer, bearer=True,
                                     only_cases=FLAG_PAGE_CASES if _kind == "flag" else None))
route("api.openapi", Route("/api/v1/openapi.json", get=public()))


# -------------------------------------------------------------- the world

@dataclass
class Record:
    """A contactmoment of the world with its follow-up and that one's flag."""
    author: str                    # a role, COLLEAGUE or SHARED (the colleague's, all four taking part)
    confidential: bool
    interaction_id: int
    follow_up_id: int
    flag_id: int | None
    subject: str
    action: str

    def seen_by(self, role: str) -> bool:
        """`role` is one of ROLES, or COLLEAGUE: the colleague who wrote the others' records."""
        mine = self.author == role or (role == COLLEAGUE and self.author == SHARED)
        case = Case("", mine=mine, confidential=self.confidential,
                    taking_part=self.author == SHARED and role in USERS)
        return role != ANON and may_see(role, case)


@dataclass
class World:
    db: object
    app: object
    make_interaction: Callable
    users: dict
    colleague: User
    organisation_id: int
    contact_id: int
    priority_id: int
    theme_id: int
    arena_id: int
    records: list = field(default_factory=list)
    gone: list = field(default_factory=list)       # records deleted again: their traces stay secret
    relation_flag_id: int | None = None
    notes: dict = field(default_factory=dict)
    counter: itertools.count = field(default_factory=itertools.count)
    clients: dict = field(default_factory=dict)
    api_tokens: dict = field(default_factory=dict)

    def count(self) -> int:
        return next(self.counter)

    def remember(self, key, value):
        self.notes[key] = value
        return value

    def remembered(self, key):
        return self.notes[key]

    @property
    def yesterday(self) -> str:
        return (neglect.today() - timedelta(days=1)).isoformat()

    @property
    def in_a_week(self) -> str:
        return (neglect.today() + timedelta(days=7)).isoformat()

    @property
    def last_week(self) -> Week:
        return Week.last_finished(neglect.today())

    def exists(self, model, **where) -> bool:
        return row(self.db, model, **where) is not None

    def confidential(self, interaction_id: int) -> bool:
        found = row(self.db, Interaction, id=interaction_id)
        return found is not None and found.confidential

    def cadences(self):
        self.db.session.rollback()
        return neglect.cadence_defaults()

    def user_of(self, author: str) -> User:
        return self.colleague if author in (COLLEAGUE, SHARED) else self.users[author]

    def add_record(self, author: str, confidential: bool, label: str | None = None, flag: bool = True) -> Record:
        """A contactmoment last week with an overdue follow-up and its flag."""
        label = label or f"{author}{'geheim' if confidential else 'open'}"
        user = self.user_of(author)
        week = self.last_week
        occurred = datetime.combine(week.monday, time(10), tzinfo=AMSTERDAM) + timedelta(minutes=len(self.records))
        taking_part = [self.users[role] for role in USERS] if author == SHARED else []
        subject, action = f"XS{label}SX", f"XA{label}AX"
        interaction = self.make_interaction(
            user, subject=subject, confidential=confidential, participants=taking_part, occurred_at=occurred,
            organisations=[self.db.session.get(Organisation, self.organisation_id)],
            contacts=[self.db.session.get(Contact, self.contact_id)], follow_ups=[(action, user, week.monday)])
        follow_up = interaction.follow_ups[0]
        record = Record(author, confidential, interaction.id, follow_up.id, None, subject, action)
        self.records.append(record)
        if not flag:
            return record
        flag = NeglectFlag(subject=FlagSubject.FOLLOW_UP, subject_key=neglect.subject_key(FlagSubject.FOLLOW_UP,
                                                                                          follow_up.id),
                           follow_up_id=follow_up.id, status=FlagStatus.OPEN, neglected_since=week.monday,
                           days_overdue=2, owner_id=user.id, theme_ids=[self.theme_id],
                           priority_ids=[self.priority_id], engagement_ids=[],
                           raised_on=week.monday + timedelta(days=2))
        self.db.session.add(flag)
        self.db.session.commit()
        record.flag_id = flag.id
        return record

    def add_relation_flag(self) -> None:
        """An open flag about the organisation: the next contactmoment with it resolves it."""
        flag = NeglectFlag(subject=FlagSubject.ORGANISATION, subject_key=neglect.subject_key(
            FlagSubject.ORGANISATION, self.organisation_id), organisation_id=self.organisation_id,
            status=FlagStatus.OPEN, neglected_since=self.last_week.monday, days_overdue=40, cadence_days=30,
            owner_id=self.users[MAN].id, theme_ids=[], priority_ids=[], engagement_ids=[],
            raised_on=self.last_week.monday)
        self.db.session.add(flag)
        self.db.session.commit()
        self.relation_flag_id = flag.id

    def delete_record(self, record: Record) -> None:
        from tracker.interactions.service import delete_interaction
        interaction = self.db.session.get(Interaction, record.interaction_id)
        delete_interaction(interaction, interaction.author)
        self.db.session.commit()
        self.records.remove(record)
        self.gone.append(record)

    def markers(self, role: str, what: str, *, authors=None) -> set[str]:
        """The subjects (or follow-up actions) of the records `role` may see;
        `authors` narrows them to some authors ("self": the role itself)."""
        return {record.subject if what == "subject" else record.action for record in self.records
                if record.seen_by(role)
                and (authors is None or ("self" if record.author == role else record.author) in authors)}

    def forbidden(self, role: str) -> list[str]:
        """Every trace of a confidential contactmoment the role may not see;
        for anonymous visitors, of every contactmoment."""
        return [text for record in self.records + self.gone
                if not record.seen_by(role) and (record.confidential or role == ANON)
                for text in (record.subject, record.action)]

    def record_for(self, role: str, case: Case) -> Record:
        author = {"self": role, COLLEAGUE: COLLEAGUE, SHARED: SHARED}[case.author]
        return next(record for record in self.records
                    if record.author == author and record.confidential == case.confidential)

    def target(self, kind: str | None, role: str, case: Case, fresh: bool) -> int | str | None:
        """The id {id} stands for in this case."""
        if kind is None:
            return None
        if case.missing:
            return "bestaat-niet.eml" if kind == "mail" else UNKNOWN_ID
        if kind in ("api_token", "engagement"):
            return self.api_record(kind, role)
        if kind == "flag" and case.relation:
            return self.relation_flag_id
        if kind in RECORD_KINDS:
            author = {"self": role, COLLEAGUE: COLLEAGUE, SHARED: SHARED}[case.author]
            record = (self.add_record(author, case.confidential, f"{author}vers{self.count()}") if fresh
                      else self.record_for(role, case))
            return {"interaction": record.interaction_id, "follow_up": record.follow_up_id,
                    "flag": record.flag_id}[kind]
        if kind == "digest_user":
            return self.users[role].id if case.mine else self.colleague.id
        if kind == "user":
            if not fresh:
                return self.colleague.id
            user = User(name="Tijdelijk", email=f"tijdelijk{self.count()}@zaanstad.nl", role=Role.EMPLOYEE)
            self.db.session.add(user)
            self.db.session.commit()
            return user.id
        if kind == "message":
            message = OutboxMessage(
                recipient_id=self.colleague.id, kind="weekoverzicht", period=f"test-{self.count()}",
                to_address=self.colleague.email, subject="Weekoverzicht", text_body="-", html_body="-",
                message_id=f"<matrix.{self.count()}@zaanstad.nl>", status=OutboxStatus.SENDING,
                sending_since=utcnow(), attempts=1)
            self.db.session.add(message)
            self.db.session.commit()
            return message.id
        if kind in ("import", "import_done"):
            return self.pending_import(fresh, done=kind == "import_done")
        if kind == "draft":
            return self.mailbox_draft(self.users[role] if case.mine and role != ANON else self.colleague)
        if kind == "mail":
            return "matrix.eml"
        if kind in ("information_request", "anonymisable_contact", "retention_review"):
            return self.privacy_record(kind, fresh)
        if kind in ("position", "key_moment", "funding_stream"):
            return self.overview_record(kind)
        if kind == "stakeholder":
            return self.stakeholder_record(fresh)
        return {"organisation": self.organisation_id, "contact": self.contact_id, "priority": self.priority_id,
                "theme": self.theme_id, "arena": self.arena_id}[kind]

    def free_organisation(self) -> int:
        """An organisation not yet on the priority's stakeholder map (read only)."""
        self.db.session.rollback()
        placed = select(Stakeholder.organisation_id).where(Stakeholder.priority_id == self.priority_id,
                                                           Stakeholder.organisation_id.is_not(None))
        return self.db.session.scalars(select(Organisation.id).where(Organisation.id.not_in(placed))
                                       .order_by(Organisation.id).limit(1)).one()

    def stakeholder_record(self, fresh: bool) -> int:
        """An organisation on the priority's map (a new one for each request when `fresh`)."""
        if "stakeholder" in self.notes and not fresh:
            return self.notes["stakeholder"]
        made = Stakeholder(priority_id=self.priority_id, organisation_id=self.free_organisation(),
                           influence=Influence.HIGH, attitude=Attitude.AGAINST)
        self.db.session.add(made)
        self.db.session.commit()
        if not fresh:
            self.notes["stakeholder"] = made.id
        return made.id

    def overview_record(self, kind: str) -> int:
        """A seeded position or funding stream; a key moment made on first use."""
        model = {"position": Position, "key_moment": KeyMoment, "funding_stream": FundingStream}[kind]
        found = self.db.session.scalars(select(model.id).order_by(model.id).limit(1)).first()
        if found is None:
            made = KeyMoment(title="Commissiedebat", starts_at=utcnow() + timedelta(days=3))
            self.db.session.add(made)
            self.db.session.commit()
            found = made.id
        return found

    def mailbox_draft(self, owner: User) -> int:
        """An open draft of `owner`'s from the inbound mailbox."""
        capture = Capture(subject="Concept uit de mailbox", starts_at=None, kind="e-mail", summary="",
                          organiser=Address("piet@minbzk.nl", "Piet"))
        message_id = f"<matrix{self.count()}@zaanstad.nl>"
        draft = add_draft(owner, message_key(message_id, b""), message_id, utcnow(), capture)
        self.db.session.commit()
        return draft.id

    def pending_import(self, fresh: bool, done: bool) -> str:
        """The token of an upload of the beheerder's, awaiting confirmation (or confirmed when `done`)."""
        key = "import_done" if done else "import"
        if key in self.notes and not fresh:
            return self.notes[key]
        token = f"matrix{self.count()}"
        rows = [{"line": 2, "values": {"naam": f"Import {token}"}}]
        pending = PendingImport(token=token, user_id=self.users[ADM].id, kind=ImportKind.CONTACTS,
                                file_name="matrix.csv", rows=rows)
        if done:
            pending.imported_at = utcnow()
            pending.result = {"created": 0, "updated": 0, "unchanged": 0, "records": []}
        self.db.session.add(pending)
        self.db.session.commit()
        if not fresh:
            self.notes[key] = token
        return token

    def privacy_record(self, kind: str, fresh: bool) -> int:
        """An open Woo request, a contact of its own (anonymising it would disturb
        the others), or an open retention review of such a contact."""
        if kind == "information_request":
            if "request" not in self.notes:
                made = InformationRequest(kind=RequestKind.WOO, subject="Woo-verzoek matrix", opened_on=neglect.today())
                self.db.session.add(made)
                self.db.session.commit()
                self.notes["request"] = made.id
            return self.notes["request"]
        if not fresh and kind == "anonymisable_contact":
            return self.contact_id
        contact = Contact(name=f"Bewaar Matrix {self.count()}", email=f"bewaar{self.count()}@voorbeeld.nl")
        self.db.session.add(contact)
        self.db.session.flush()
        if kind == "anonymisable_contact":
            self.db.session.commit()
            return contact.id
        review = RetentionReview(contact_id=contact.id, listed_on=neglect.today())
        self.db.session.add(review)
        self.db.session.commit()
        return review.id

    def api_token(self, role: str) -> str:
        """The role's personal access token for the API, made on first use."""
        if role not in self.api_tokens:
            from tracker.api.service import create_token
            user = self.users[role]
            _token, self.api_tokens[role] = create_token(user, f"matrix {role}", None, acting=user)
            self.db.session.commit()
        return self.api_tokens[role]

    def api_record(self, kind: str, role: str) -> int:
        """A seeded engagement; or a token for each request (revoking it must not
        disturb the others): the acting role's, the colleague's for anonymous visitors."""
        if kind == "engagement":
            from tracker.strategy.models import Engagement
            return self.db.session.scalars(select(Engagement.id).order_by(Engagement.id).limit(1)).one()
        from tracker.api.service import create_token
        user = self.users.get(role, self.colleague)
        token, _secret = create_token(user, f"intrekken {self.count()}", None, acting=user)
        self.db.session.commit()
        return token.id

    def import_plan(self, token) -> str:
        """The fingerprint its preview page carries into the confirmation."""
        from tracker.imports.service import plan_import
        pending = row(self.db, PendingImport, token=str(token))
        return plan_import(pending.kind, pending.rows).fingerprint if pending else ""

    def logged_out(self, role: str) -> bool:
        response = self.clients[role].get("/")
        return response.status_code == 302 and response.location.startswith("/inloggen")


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    from tracker.auth import models
    monkeypatch.setattr(models, "generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


@pytest.fixture
def world(app, db, make_user, make_interaction, priority, employee, manager, director, administrator):
    colleague = make_user(Role.EMPLOYEE, name="Cor Collega", email="cor@zaanstad.nl")
    bzk = db.session.scalars(select(Organisation).where(Organisation.abbreviation == "BZK")).one()
    contact = Contact(name="Ingrid Matrix", organisation=bzk)
    db.session.add(contact)
    db.session.commit()
    users = {EMP: employee, MAN: manager, DIR: director, ADM: administrator}
    built = World(db=db, app=app, make_interaction=make_interaction, users=users, colleague=colleague,
                  organisation_id=bzk.id, contact_id=contact.id, priority_id=priority.id,
                  theme_id=priority.theme_id, arena_id=bzk.arena_id)
    for author in (*USERS, COLLEAGUE):
        built.add_record(author, False)
        if author == COLLEAGUE:
            built.add_relation_flag()  # resolved by the colleague's confidential contactmoment
        built.add_record(author, True)
    built.add_record(SHARED, True)
    # Written and deleted again: what the audit log keeps of it is secret too.
    built.delete_record(built.add_record(COLLEAGUE, True, "collegaweg", flag=False))
    mail = EmailMessage()
    mail["Subject"], mail["To"], mail["From"] = "Testbericht", colleague.email, "lobbytracker@zaanstad.nl"
    mail.set_content("Alleen een test.")
    folder = Path(app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "matrix.eml").write_bytes(bytes(mail))
    return built


def database_state(db) -> dict:
    """Every row of every table but the audit log (which may record a refused attempt).
    Read with plain SQL on a connection of its own: hundreds of times, so it must be quick."""
    db.session.rollback()
    with db.engine.connect() as connection:
        return {table.name: connection.exec_driver_sql(
            f'SELECT * FROM "{table.name}" ORDER BY '
            + ", ".join(f'"{column.name}"' for column in table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables if table.name != "audit_events"}


# ------------------------------------------------------------------ tests

def declared_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row(app):
    declared = declared_routes(app)
    missing = sorted(declared - ROUTES.keys())
    assert not missing, "routes without a row in ROUTES of tests/test_authorization_matrix.py: " + ", ".join(
        f"{method} {rule.rule} ({endpoint})" for endpoint, method in missing
        for rule in app.url_map.iter_rules(endpoint))
    gone = sorted(ROUTES.keys() - declared)
    assert not gone, f"rows for routes the app no longer has: {gone}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def readable(response) -> str:
    """The text of an answer; of an Excel workbook, the XML of its sheets and strings."""
    if response.mimetype == XLSX:
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    if response.mimetype == "application/zip":  # Woo and AVG exports: text files
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    return response.get_data(as_text=True)


def check(world, failures, cells, role, method, case, expected, response, shows=()):
    """One cell: the answer, no trace of what the role may not see, and what it must show."""
    cells[method] += 1
    query = response.request.query_string.decode()
    where = f"{method} {response.request.path}{'?' + query if query else ''} as {role} ({case.name})"
    got = Expect(response.status_code, response.location if 300 <= response.status_code < 400 else None)
    wrong_place = expected.location and not (got.location or "").startswith(expected.location)
    lost_session = (role != ANON and expected != LOGIN and (got.location or "").startswith("/inloggen"))
    if got.status != expected.status or wrong_place or lost_session:
        failures.append(f"{where}: expected {expected}, got {got}")
    body = readable(response)
    response.close()
    leaked = [text for text in world.forbidden(role) if text in body]
    if leaked:
        failures.append(f"{where}: shows what {role} may not see: {leaked}")
    if response.status_code == 200 and shows:
        absent = sorted(text for text in shows if text not in body)
        if absent:
            failures.append(f"{where}: does not show {absent}")


def cases_for(spec: Route, role: str):
    # Anonymous visitors have nothing of their own.
    return [case for case in spec.cases if not (case.mine and role == ANON)]


def run_gets(world, clients, failures, cells):
    for (endpoint, method), spec in ROUTES.items():
        if method != "GET":
            continue
        for role in ROLES:
            for case in cases_for(spec, role):
                target = world.target(spec.kind, role, case, fresh=False)
                shows = spec.shows(world, role, case) if spec.shows and role != ANON else ()
                if spec.bearer:
                    run_bearer_get(world, clients, failures, cells, spec.path.format(id=target), role, case,
                                   spec.get(role, case), shows)
                    continue
                response = clients[role].get(spec.path.format(id=target))
                check(world, failures, cells, role, method, case, spec.get(role, case), response, shows)


def run_bearer_get(world, clients, failures, cells, url, role, case, expected, shows):
    """An API route: the role's session alone is refused; its token gets `expected`."""
    if role != ANON:
        check(world, failures, cells, role, "GET", case, UNAUTHORIZED, clients[role].get(url))
        response = clients[ANON].get(url, headers={"Authorization": f"Bearer {world.api_token(role)}"})
    else:
        response = clients[ANON].get(url)
    confidential = [record.subject for record in world.records + world.gone
                    if record.confidential and record.subject in response.get_data(as_text=True)]
    if confidential:
        failures.append(f"GET {url} as {role} ({case.name}): the API shows confidential {confidential}")
    check(world, failures, cells, role, "GET", case, expected, response, shows)


def run_posts(world, clients, failures, cells, last: bool):
    for (endpoint, method), spec in ROUTES.items():
        if method != "POST" or spec.last != last:
            continue
        post = spec.post
        for role in ROLES:
            for case in cases_for(spec, role):
                target = world.target(spec.kind, role, case, fresh=post.fresh)
                expected = post.expect(role, case)
                # Anonymous requests are all refused; a 302 to anyone else (or a 200 with a
                # download, where `done` is given) is the change made.
                acts = post.done is not None and expected.status in (200, 302) and role != ANON
                before = None if acts else database_state(world.db)
                url = spec.path.format(id=target)
                response = clients[role].post(url, data=post.data(world, role, target))
                check(world, failures, cells, role, method, case, expected, response)
                if acts and not post.done(world, role, target):
                    failures.append(f"POST {url} as {role} ({case.name}): answered {response.status_code} "
                                    "but did not do it")
                elif not acts and database_state(world.db) != before:
                    failures.append(f"POST {url} as {role} ({case.name}): refused ({response.status_code}) "
                                    "but changed the database")


def run_other_methods(world, clients, failures, cells, app):
    """A method a route does not have answers 405 to everyone: no view runs, nothing is served."""
    methods = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    for endpoint, has in sorted(methods.items()):
        spec = next((ROUTES[endpoint, method] for method in sorted(has) if (endpoint, method) in ROUTES), None)
        if spec is None:
            continue  # test_every_route_has_a_row names it
        for method in sorted({"GET", "POST"} - has):
            for role in ROLES:
                case = cases_for(spec, role)[0]
                target = world.target(spec.kind, role, case, fresh=False)
                response = clients[role].open(spec.path.format(id=target), method=method)
                check(world, failures, cells, role, method, case, NOT_ALLOWED, response)


def test_the_authorization_matrix(app, world, login, capsys):
    """Every row × every role × every case: the answer, what it shows, what it changes."""
    failures, cells = [], Counter()
    clients = {ANON: app.test_client(), **{role: login(world.users[role]) for role in USERS}}
    world.clients = clients
    run_gets(world, clients, failures, cells)
    run_other_methods(world, clients, failures, cells, app)
    run_posts(world, clients, failures, cells, last=False)
    run_posts(world, clients, failures, cells, last=True)  # logging out
    with capsys.disabled():
        print(f"\nauthorization matrix: {len(declared_routes(app))} routes (endpoint × method) × {len(ROLES)} "
              f"roles, {sum(cells.values())} requests checked "
              f"({', '.join(f'{k} {v}' for k, v in sorted(cells.items()))})")
    assert not failures, f"{len(failures)} cells of the matrix fail:\n" + "\n".join(failures)


def test_stored_digest_mails_show_a_beheerder_no_confidential_contactmoment(app, world, login, runner):
    result = runner.invoke(args=["send-digests", "--week", str(world.last_week)])
    assert result.exit_code == 0, result.output
    mails = sorted((Path(app.instance_path) / "mail").glob("weekoverzicht.*.eml"))
    assert mails, "no digest was stored"
    client = login(world.users[ADM])
    for mail in mails:
        body = client.get(f"/beheer/mail/{mail.name}").get_data(as_text=True)
        assert not [text for text in world.forbidden(ADM) if text in body], mail.name
