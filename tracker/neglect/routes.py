from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..auth.service import login_colleague_choices
from ..extensions import db
from ..formatting import nl_date
from ..forms import as_choices, optional_int
from ..relations.service import arenas
from ..search.service import COUNT_LIMIT
from ..strategy.service import themes
from ..views import FAILED, run_service
from . import service
from .forms import AssignForm, SnoozeForm

bp = Blueprint("neglect", __name__, url_prefix="/aandacht")


def query_int(name: str) -> int | None:
    try:
        return optional_int(request.args.get(name))
    except ValueError:
        return None


@bp.route("/")
def index():
    theme_id, arena_id, owner_id = query_int("opgave"), query_int("netwerk"), query_int("eigenaar")
    include_snoozed = request.args.get("gesnoozed") == "ja"
    page = max(1, min(query_int("pagina") or 1, 100000))
    conditions = [*service.flag_conditions(theme_id=theme_id, arena_id=arena_id, owner_id=owner_id,
                                           include_snoozed=include_snoozed), service.visible_flags(current_user)]
    flags = service.list_flags(*conditions, limit=service.PAGE_SIZE + 1, offset=(page - 1) * service.PAGE_SIZE)
    total, more = service.count_flags_up_to(COUNT_LIMIT, *conditions)
    return render_template(
        "neglect/index.html", flags=flags[:service.PAGE_SIZE], has_next=len(flags) > service.PAGE_SIZE,
        page=page, total=total, more=more, themes=themes(), arenas=arenas(),
        owners=login_colleague_choices(), theme_id=theme_id, arena_id=arena_id, owner_id=owner_id,
        include_snoozed=include_snoozed)


def flag_or_404(flag_id: int):
    """The flag, 404 when unknown, 403 when about a follow-up of a
    confidential contactmoment the user may not see."""
    flag = service.flag_for_page(flag_id)
    if flag is None:
        abort(404)
    if not service.can_view_flag(current_user, flag):
        abort(403)
    return flag


def forms_for(flag):
    snooze_form, assign_form = SnoozeForm(prefix="snooze"), AssignForm(prefix="assign")
    assign_form.assignee_id.choices = as_choices(login_colleague_choices(), blank=_("— kies —"))
    return snooze_form, assign_form


def render_flag(flag, snooze_form, assign_form):
    return render_template("neglect/show.html", flag=flag, snooze_form=snooze_form, assign_form=assign_form,
                           can_manage=service.can_manage_flags(current_user))


@bp.route("/<int:flag_id>")
def show(flag_id):
    flag = flag_or_404(flag_id)
    return render_flag(flag, *forms_for(flag))


@bp.route("/<int:flag_id>/snoozen", methods=["POST"])
def snooze(flag_id):
    flag = flag_or_404(flag_id)
    if not service.can_manage_flags(current_user):
        abort(403)
    snooze_form, assign_form = forms_for(flag)
    if snooze_form.validate_on_submit() and run_service(snooze_form, lambda: service.snooze(
            flag, snooze_form.until.data, snooze_form.reason.data, current_user)) is not FAILED:
        flash(_("De signalering is gesnoozed tot %(date)s.", date=nl_date(snooze_form.until.data)),
              "success")
        return redirect(url_for("neglect.show", flag_id=flag.id))
    return render_flag(flag, snooze_form, assign_form), 200


@bp.route("/<int:flag_id>/toewijzen", methods=["POST"])
def assign(flag_id):
    flag = flag_or_404(flag_id)
    if not service.can_manage_flags(current_user):
        abort(403)
    snooze_form, assign_form = forms_for(flag)
    if assign_form.validate_on_submit():
        assignee = db.session.get(User, assign_form.assignee_id.data)
        if run_service(assign_form, lambda: service.assign(
                flag, assignee, current_user, assign_form.note.data or "")) is not FAILED:
            flash(_("De signalering is toegewezen aan %(name)s.", name=assignee.name), "success")
            return redirect(url_for("neglect.show", flag_id=flag.id))
    return render_flag(flag, snooze_form, assign_form), 200
