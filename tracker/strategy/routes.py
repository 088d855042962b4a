from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..interactions import service as interactions
from . import service

bp = Blueprint("strategy", __name__)

LATEST_LIMIT = 10


@bp.route("/opgaven")
def themes():
    found = service.themes()
    activity = service.activity_per_priority(
        current_user, [priority.id for theme in found for priority in theme.priorities])
    return render_template("strategy/themes.html", themes=found, activity=activity)


@bp.route("/opgaven/<int:theme_id>")
def theme(theme_id):
    found = service.theme_for_page(theme_id)
    if found is None:
        abort(404)
    return render_template(
        "strategy/theme.html", theme=found,
        arenas=service.engagements_by_arena(found.engagements),
        activity=service.activity_per_priority(current_user, [priority.id for priority in found.priorities]),
        latest=interactions.latest_visible(current_user, service.theme_condition(found), limit=LATEST_LIMIT))


@bp.route("/prioriteiten/<int:priority_id>")
def priority(priority_id):
    found = service.priority_for_page(priority_id)
    if found is None:
        abort(404)
    condition = service.priority_condition(found)
    return render_template(
        "strategy/priority.html", priority=found, engagements=service.engagements_for_priority(found),
        history=interactions.latest_visible(current_user, condition, limit=interactions.PAGE_SIZE),
        total=interactions.count_visible(current_user, condition))


@bp.route("/netwerken")
def arenas():
    return render_template("strategy/arenas.html", arenas=service.arenas_with_counts())


@bp.route("/netwerken/<int:arena_id>")
def arena(arena_id):
    found = service.arena_for_page(arena_id)
    if found is None:
        abort(404)
    return render_template("strategy/arena.html", arena=found, engagements=service.engagements_in_arena(found))


@bp.route("/posities")
def positions():
    return render_template("strategy/positions.html", positions=service.positions())
