"""The dashboards' daily counts (tracker/dashboards/aggregates.py): in step
with the contactmomenten whatever changes them, and the figures read from
them equal to the lists behind them for every role."""

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.auth.models import Role
from tracker.dashboards import aggregates, service
from tracker.dashboards.models import DAILY_COUNTS, NETWORK_DAILY_COUNTS
from tracker.dashboards.periods import Period
from tracker.extensions import db as database
from tracker.formatting import local_today
from tracker.interactions import filters as lists
from tracker.interactions.models import Interaction, InteractionKind, Level
from tracker.interactions.service import (
    InteractionData, count_visible, delete_interaction, save_interaction, visible_to,
)
from tracker.relations.models import Organisation
from tracker.strategy.models import Arena, Priority, Theme
from tracker.strategy.service import activity_per_priority, priority_condition

from .test_dashboards import PAGES, add_data, count_queries

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def moment(rng: random.Random) -> datetime:
    """A time in the last 400 local days; near midnight and around the DST changes often."""
    day = local_today() - timedelta(days=rng.randint(1, 400))
    if rng.random() < 0.3:
        day = rng.choice([date(2026, 3, 29), date(2026, 10, 25), date(2025, 10, 26), date(2026, 3, 28)])
    clock = rng.choice([time(0, 0), time(0, 30), time(1, 30), time(2, 30), time(23, 30), time(23, 59), time(11)])
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(timezone.utc)


@pytest.fixture
def world(db, make_user):
    """Colleagues, priorities of two opgaven, organisations in networks and one in none."""
    priorities = list(db.session.scalars(select(Priority).order_by(Priority.id)))
    arenas = list(db.session.scalars(select(Arena).order_by(Arena.id)))
    organisations = list(db.session.scalars(select(Organisation).where(Organisation.arena_id.is_not(None))
                                            .order_by(Organisation.id).limit(6)))
    loose = Organisation(name="Stichting zonder netwerk")
    db.session.add(loose)
    db.session.commit()
    users = {"author": make_user(Role.EMPLOYEE), "colleague": make_user(Role.EMPLOYEE),
             "manager": make_user(Role.MANAGER), "director": make_user(Role.DIRECTOR)}
    return {"priorities": priorities[:3] + priorities[-3:], "arenas": arenas,
            "organisations": organisations + [loose], "users": users}


def random_data(rng: random.Random, world: dict) -> InteractionData:
    users = world["users"]
    return InteractionData(
        occurred_at=moment(rng), kind=InteractionKind.MEETING, level=rng.choice(list(Level)),
        subject=f"Overleg {rng.randint(1, 999)}", confidential=rng.random() < 0.4,
        participant_ids=[users["colleague"].id] if rng.random() < 0.3 else [],
        organisation_ids=[item.id for item in rng.sample(world["organisations"], rng.randint(0, 3))],
        priority_ids=[item.id for item in rng.sample(world["priorities"], rng.randint(1, 3))])


def log_some(db, rng, world, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        author = rng.choice([world["users"]["author"], world["users"]["colleague"], world["users"]["manager"]])
        ids.append(save_interaction(random_data(rng, world), author).id)
    db.session.commit()
    return ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_equal_a_recount_after_any_change(db, world, seed):
    rng = random.Random(seed)
    manager = world["users"]["manager"]
    ids = log_some(db, rng, world, 8)
    assert db.session.scalar(select(func.count()).select_from(DAILY_COUNTS)) > 0
    assert aggregates.differences() == []
    for step in range(30):
        action = rng.choice(["create", "edit", "edit", "delete", "move", "direct"])
        if action == "create" or not ids:
            ids += log_some(db, rng, world, 1)
        elif action == "edit":
            interaction = db.session.get(Interaction, rng.choice(ids))
            data = random_data(rng, world)
            # Change one thing or several, keep the rest.
            for name in ("occurred_at", "level", "confidential", "organisation_ids", "priority_ids"):
                if rng.random() < 0.5:
                    current = {"organisation_ids": [item.id for item in interaction.organisations],
                               "priority_ids": [item.id for item in interaction.priorities]}
                    setattr(data, name, current[name] if name in current else getattr(interaction, name))
            save_interaction(data, manager, interaction)
        elif action == "delete":
            delete_interaction(db.session.get(Interaction, ids.pop(rng.randrange(len(ids)))), manager)
        elif action == "move":
            organisation = rng.choice(world["organisations"])
            organisation.arena = rng.choice(world["arenas"] + [None])
        else:
            # Straight on the model, past the service: the counts follow all the same.
            interaction = db.session.get(Interaction, rng.choice(ids))
            interaction.level = rng.choice(list(Level))
            interaction.occurred_at = moment(rng)
        db.session.commit()
        assert aggregates.differences() == [], (step, action)
    assert db.session.scalar(select(func.sum(DAILY_COUNTS.c.interactions))
                             .where(DAILY_COUNTS.c.theme_id.is_(None), DAILY_COUNTS.c.priority_id.is_(None))) \
        == len(ids)


def test_a_rollback_leaves_the_counts_as_they_were(db, world):
    rng = random.Random(7)
    ids = log_some(db, rng, world, 5)
    before = db.session.scalar(select(func.count()).select_from(NETWORK_DAILY_COUNTS))
    save_interaction(random_data(rng, world), world["users"]["author"])
    delete_interaction(db.session.get(Interaction, ids[0]), world["users"]["manager"])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(NETWORK_DAILY_COUNTS)) == before
    assert aggregates.differences() == []


def last_contact_at(viewer, *conditions):
    return database.session.scalar(select(func.max(Interaction.occurred_at)).where(visible_to(viewer), *conditions))


def listed(viewer, period: Period, **filters) -> int:
    """The number the contactmomenten list shows for these filters."""
    chosen = lists.Filters(date_from=period.first, date_to=period.last, **filters)
    return count_visible(viewer, *lists.conditions(chosen))


@pytest.mark.parametrize("who", ["author", "colleague", "manager", "director"])
def test_every_figure_matches_the_list_behind_it_for_each_role(db, world, who):
    rng = random.Random(11)
    log_some(db, rng, world, 40)
    viewer = world["users"][who]
    period = Period.last_year(local_today())
    arenas = service.arenas()
    themes = list(db.session.scalars(select(Theme).order_by(Theme.number)))
    for level in (None, Level.POLITICAL):
        filters = service.Filters(period, level=level)
        overview = service.strategy_overview(viewer, filters, arenas)
        matrix = overview.matrix
        assert matrix.total == listed(viewer, period, level=level)
        for arena in arenas:
            assert matrix.arena_totals.get(arena.id, 0) == listed(viewer, period, level=level, arena_id=arena.id)
        period_conditions = lists.conditions(lists.Filters(date_from=period.first, date_to=period.last, level=level))
        assert matrix.arena_totals.get(None, 0) == count_visible(viewer, service.without_arena(), *period_conditions)
        for theme in themes:
            assert matrix.theme_totals.get(theme.id, 0) == listed(viewer, period, level=level, theme_id=theme.id)
            assert matrix.cell(theme.id, None) == count_visible(
                viewer, service.without_arena(), service.about_theme(theme.id), *period_conditions)
            for arena in arenas:
                assert matrix.cell(theme.id, arena.id) == listed(viewer, period, level=level, theme_id=theme.id,
                                                                 arena_id=arena.id)

    theme = db.session.get(Theme, world["priorities"][0].theme_id)
    arena = db.session.get(Arena, world["organisations"][0].arena_id)
    for arena_id, level in ((None, None), (arena.id, None), (arena.id, Level.OFFICIAL)):
        filters = service.Filters(period, arena_id=arena_id, level=level)
        data = service.theme_dashboard(viewer, theme, filters, arenas)
        for priority in theme.priorities:
            activity = data.activity[priority.id]
            for weeks in service.ACTIVITY_WEEKS:
                window = Period(period.last - timedelta(days=weeks * 7 - 1), period.last)
                assert activity.counts[weeks] == listed(viewer, window, priority_id=priority.id, arena_id=arena_id,
                                                        level=level)
            assert activity.in_period == listed(viewer, period, priority_id=priority.id, arena_id=arena_id,
                                                level=level)
            chosen = lists.Filters(date_to=period.last, priority_id=priority.id, arena_id=arena_id, level=level)
            assert activity.last_contact == last_contact_at(viewer, *lists.conditions(chosen))
        in_theme = listed(viewer, period, theme_id=theme.id, arena_id=arena_id, level=level)
        assert sum(data.weekly.total(index) for index in range(len(data.weekly.starts))) == in_theme
        for row in data.per_arena:
            if row.arena is not None:
                assert row.total == listed(viewer, period, theme_id=theme.id, arena_id=row.arena.id, level=level)

    ids = [priority.id for priority in world["priorities"]]
    totals = activity_per_priority(viewer, ids)
    for priority_id in ids:
        condition = priority_condition(db.session.get(Priority, priority_id))
        expected = count_visible(viewer, condition)
        assert totals.get(priority_id, (0, None)) == ((expected, last_contact_at(viewer, condition))
                                                     if expected else (0, None))


STRATEGY_PAGES = ["/opgaven", "/opgaven/{theme}", "/prioriteiten/{priority}", "/netwerken/{arena}"]


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.EMPLOYEE])
def test_the_strategy_pages_cost_the_same_queries_on_ten_times_the_data(app, db, login, make_user, manager,
                                                                        priority, role, make_interaction):
    client = login(make_user(role))
    arena = db.session.scalar(select(Arena.id).order_by(Arena.id))
    urls = [url.format(theme=priority.theme_id, arena=arena, priority=priority.id)
            for url in STRATEGY_PAGES + PAGES]
    add_data(db, 1, 60, priority, manager, make_interaction)
    assert aggregates.differences() == []
    small = {url: count_queries(app, client, url) for url in urls}
    add_data(db, 2, 540, priority, manager, make_interaction)
    assert aggregates.differences() == []
    large = {url: count_queries(app, client, url) for url in urls}
    assert large == small


def test_the_command_reports_counts_that_drifted_and_recounts_them(db, world, runner):
    log_some(db, random.Random(5), world, 4)
    assert "agree" in runner.invoke(args=["dashboard-counts"]).output
    db.session.execute(DAILY_COUNTS.update().values(interactions=DAILY_COUNTS.c.interactions + 1))
    db.session.commit()
    drifted = runner.invoke(args=["dashboard-counts"])
    assert drifted.exit_code != 0 and "differ from a live recount" in drifted.output
    assert runner.invoke(args=["dashboard-counts", "--recount"]).exit_code == 0
    assert aggregates.differences() == []
