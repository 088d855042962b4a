from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..interactions import service as interactions
from ..neglect import service as neglect
from ..views import FAILED, run_service
from . import service
from .forms import PriorityStatusForm
from .models import PriorityStatus

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
    organisations = list({organisation.id: organisation for engagement in found.engagements
                          for organisation in engagement.organisations}.values())
    return render_template(
        "strategy/theme.html", theme=found, states=neglect.organisation_states(organisations),
        flags=neglect.flags_for_theme(found.id, current_user),
        arenas=service.engagements_by_arena(found.engagements),
        activity=service.activity_per_priority(current_user, [priority.id for priority in found.priorities]),
        latest=interactions.latest_visible(current_user, service.theme_condition(found), limit=LATEST_LIMIT))


@bp.route("/prioriteiten/<int:priority_id>", methods=["GET", "POST"])
def priority(priority_id):
    found = service.priority_for_page(priority_id)
    if found is None:
        abort(404)
    form = PriorityStatusForm()
    if request.method == "POST":
        if not service.can_set_status(current_user):
            abort(403)
        if form.validate_on_submit() and run_service(form, lambda: service.set_priority_status(
                found, PriorityStatus(form.status.data), form.note.data, current_user)) is not FAILED:
            flash(_("De status is bijgewerkt."), "success")
            return redirect(url_for("strategy.priority", priority_id=found.id))
    elif found.status:
        form.status.data = found.status.value
    condition = service.priority_condition(found)
    return render_template(
        "strategy/priority.html", priority=found, engagements=service.engagements_for_priority(found),
        history=interactions.latest_visible(current_user, condition, limit=interactions.PAGE_SIZE),
        total=service.interaction_count(current_user, found), form=form,
        can_set_status=service.can_set_status(current_user), status_history=service.status_history(found))


@bp.route("/netwerken")
def arenas():
    return render_template("strategy/arenas.html", arenas=service.arenas_with_counts())


@bp.route("/netwerken/<int:arena_id>")
def arena(arena_id):
    found = service.arena_for_page(arena_id)
    if found is None:
        abort(404)
    return render_template("strategy/arena.html", arena=found, engagements=service.engagements_in_arena(found),
                           states=neglect.organisation_states(found.organisations))
