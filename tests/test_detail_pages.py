"""The pages people read before a meeting, at five years of data (issue 6):
an organisation's or a person's page shows a page of its history with older
pages behind it, Aandacht nodig lists the most overdue first, counts stop at
a limit, and each page costs a fixed number of queries however much data."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tracker.auth.models import Role
from tracker.demo.service import generate
from tracker.digest.service import build_digest
from tracker.digest.weeks import Week
from tracker.formatting import local_today, nl_date
from tracker.neglect import service as neglect
from tracker.neglect.models import FlagStatus, FlagSubject, NeglectFlag
from tracker.relations import routes as relation_routes
from tracker.neglect import routes as neglect_routes
from tracker.relations.models import Contact, Organisation
from tracker.strategy.models import Arena, Priority

from .queries import count_queries

TITLE = re.compile(r'lt-timeline__title"><a class="utrecht-link" href="[^"]*">([^<]*)</a>')
NOW = datetime.now(timezone.utc)


def titles(html: str) -> list[str]:
    return TITLE.findall(html)


def older_link(html: str) -> str | None:
    found = re.search(r'<a class="utrecht-link" rel="next" href="([^"]*)">Oudere</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def organisation(db):
    organisation = Organisation(name="Ministerie van Proefzaken")
    db.session.add(organisation)
    db.session.commit()
    return organisation


def log_history(make_interaction, author, count: int, **links):
    """`count` contactmomenten, one a day back from yesterday: "Overleg 01" the newest."""
    for number in range(1, count + 1):
        make_interaction(author, subject=f"Overleg {number:02d}", occurred_at=NOW - timedelta(days=number), **links)


def test_an_organisation_shows_its_newest_contactmomenten_and_pages_back_to_the_oldest(
        db, employee, employee_client, manager, manager_client, organisation, make_interaction):
    log_history(make_interaction, employee, 30, organisations=[organisation])
    # Newer than all of them, but confidential and by someone else.
    make_interaction(manager, subject="Vertrouwelijk overleg", confidential=True, occurred_at=NOW - timedelta(hours=2),
                     organisations=[organisation])

    page = employee_client.get(f"/organisaties/{organisation.id}").text
    assert titles(page) == [f"Overleg {number:02d}" for number in range(1, 26)]
    assert "(30 contactmomenten)" in page
    # The last contact this employee may see, not the confidential one.
    assert nl_date((NOW - timedelta(days=1)).astimezone()) in page.split("Laatste contact", 1)[1][:300]
    assert f'href="/contactmomenten/?organisation_id={organisation.id}"' in page

    second = employee_client.get(older_link(page)).text
    assert titles(second) == [f"Overleg {number:02d}" for number in range(26, 31)]
    assert older_link(second) is None
    assert 'rel="prev"' in second

    managers = manager_client.get(f"/organisaties/{organisation.id}").text
    assert titles(managers)[:2] == ["Vertrouwelijk overleg", "Overleg 01"]
    assert "(31 contactmomenten)" in managers


def test_a_person_pages_back_through_their_history(db, employee, employee_client, make_interaction):
    contact = Contact(name="Anna de Proef")
    db.session.add(contact)
    db.session.commit()
    log_history(make_interaction, employee, 27, contacts=[contact])

    page = employee_client.get(f"/contactpersonen/{contact.id}").text
    assert len(titles(page)) == 25 and titles(page)[0] == "Overleg 01"
    assert "(27 contactmomenten)" in page
    assert titles(employee_client.get(older_link(page)).text) == ["Overleg 26", "Overleg 27"]
    # A page past the end is empty, not an error; a nonsense page is the first.
    assert titles(employee_client.get(f"/contactpersonen/{contact.id}?pagina=9").text) == []
    assert titles(employee_client.get(f"/contactpersonen/{contact.id}?pagina=-3").text)[0] == "Overleg 01"


def test_a_long_history_is_counted_up_to_a_limit(monkeypatch, employee, employee_client, organisation,
                                                 make_interaction):
    monkeypatch.setattr(relation_routes, "COUNT_LIMIT", 4)
    log_history(make_interaction, employee, 6, organisations=[organisation])
    page = employee_client.get(f"/organisaties/{organisation.id}").text
    assert "(meer dan 4 contactmomenten)" in page
    assert len(titles(page)) == 6


def flag(db, owner, days_overdue: int, **subject) -> NeglectFlag:
    kind = FlagSubject.ORGANISATION if "organisation_id" in subject else FlagSubject.CONTACT
    record = NeglectFlag(
        subject=kind, subject_key=neglect.subject_key(kind, next(iter(subject.values()))), status=FlagStatus.OPEN,
        neglected_since=local_today() - timedelta(days=days_overdue), days_overdue=days_overdue, cadence_days=30,
        owner_id=owner.id, theme_ids=[], priority_ids=[], engagement_ids=[], raised_on=local_today(), **subject)
    db.session.add(record)
    db.session.commit()
    return record


def test_aandacht_nodig_lists_the_most_overdue_first_and_counts_up_to_a_limit(
        db, monkeypatch, manager, manager_client, organisation):
    people = [Contact(name=f"Persoon {number}", organisation=organisation) for number in range(3)]
    db.session.add_all(people)
    db.session.commit()
    flag(db, manager, 12, organisation_id=organisation.id)
    for person, days in zip(people, (40, 5, 40)):
        flag(db, manager, days, contact_id=person.id)

    page = manager_client.get("/aandacht/").text
    shown = re.findall(r'lt-flag__title">\s*<span[^>]*>[^<]*</span>\s*<a[^>]*>(Persoon \d|Ministerie van Proefzaken)',
                       page)
    assert shown == ["Persoon 0", "Persoon 2", "Ministerie van Proefzaken", "Persoon 1"]
    assert "4 signaleringen" in page

    monkeypatch.setattr(neglect_routes, "COUNT_LIMIT", 3)
    assert "Meer dan 3 signaleringen" in manager_client.get("/aandacht/").text


def test_an_organisation_shows_the_flags_about_it_and_its_people_only(db, manager, manager_client, organisation):
    other = Organisation(name="Provincie Proefland")
    own, stranger = Contact(name="Eigen Persoon", organisation=organisation), Contact(name="Vreemde Persoon",
                                                                                     organisation=other)
    db.session.add_all([other, own, stranger])
    db.session.commit()
    flag(db, manager, 9, organisation_id=organisation.id)
    flag(db, manager, 8, contact_id=own.id)
    flag(db, manager, 7, contact_id=stranger.id)
    flag(db, manager, 6, organisation_id=other.id)

    section = manager_client.get(f"/organisaties/{organisation.id}").text.split('id="signaleringen"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert "Eigen Persoon" in section and "Ministerie van Proefzaken" in section
    assert "Vreemde Persoon" not in section and "Provincie Proefland" not in section


# --- A fixed number of queries --------------------------------------------------------------------------------------

def fill(db, seed: int, interactions: int, make_interaction, author, contact) -> None:
    """Demo data, and a contactmoment of last week with an overdue follow-up:
    the small database already needs every query the large one does."""
    make_interaction(author, subject=f"Vorige week {seed}", occurred_at=NOW - timedelta(days=7),
                     organisations=[db.session.get(Organisation, 1)], contacts=[contact],
                     follow_ups=[("Te laat", author, local_today() - timedelta(days=3))])
    generate(interactions=interactions, contacts=interactions // 5, organisations=60 + interactions // 10,
             users=8 + interactions // 50, seed=seed, now=NOW)
    db.session.commit()
    neglect.scan(local_today())
    db.session.commit()


def urls(db, theme_id: int, contact) -> list[str]:
    """The pages; an organisation of the strategy (with engagements and
    positions) and a person, each with a contactmoment in both databases."""
    arena = db.session.scalar(select(Arena.id).order_by(Arena.id))
    return ["/organisaties/1", f"/contactpersonen/{contact.id}",
            "/contactmomenten/", f"/contactmomenten/?arena_id={arena}", f"/contactmomenten/?theme_id={theme_id}",
            "/contactmomenten/?date_from=2020-01-01&pagina=2", "/aandacht/", f"/aandacht/?opgave={theme_id}",
            "/weekoverzicht"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE])
def test_the_pages_cost_the_same_queries_on_ten_times_the_data(app, db, login, make_user, priority, role,
                                                                make_interaction):
    viewer = make_user(role)
    client = login(viewer)
    contact = Contact(name="Anna de Proef", organisation=db.session.get(Organisation, 1))
    db.session.add(contact)
    db.session.commit()
    fill(db, 1, 60, make_interaction, viewer, contact)
    small = {url: count_queries(app, client, url) for url in urls(db, priority.theme_id, contact)}
    fill(db, 2, 540, make_interaction, viewer, contact)
    large = {url: count_queries(app, client, url) for url in urls(db, priority.theme_id, contact)}
    assert large == small


def test_the_weekly_digest_counts_a_contactmoment_once_per_opgave_it_is_about(db, employee, manager, priority,
                                                                              make_interaction):
    same = db.session.scalar(select(Priority).where(Priority.theme_id == priority.theme_id, Priority.id != priority.id)
                             .order_by(Priority.id).limit(1))
    other = db.session.scalar(select(Priority).where(Priority.theme_id != priority.theme_id).order_by(Priority.id)
                              .limit(1))
    week = Week.last_finished(local_today())

    def activity(user):
        return {item.theme.id: item.count for item in build_digest(user, week).activity}

    before = activity(employee)
    make_interaction(employee, occurred_at=NOW - timedelta(days=7), priorities=[priority, same, other])
    make_interaction(manager, occurred_at=NOW - timedelta(days=7), priorities=[priority], confidential=True)
    expected = {**before, priority.theme_id: before[priority.theme_id] + 1, other.theme_id: before[other.theme_id] + 1}
    assert activity(employee) == expected
    # The manager sees the confidential one too.
    assert activity(manager)[priority.theme_id] == before[priority.theme_id] + 2
