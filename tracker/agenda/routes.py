from datetime import date, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user

from ..audit import service as audit
from ..formatting import local_today, to_local
from ..forms import as_choices
from ..relations.service import arenas, organisation_choices
from ..strategy.models import KeyMoment
from ..strategy.service import offer_priorities
from ..views import FAILED, run_service
from .. import workbook
from . import feed as ical
from . import service
from .forms import FeedForm, KeyMomentForm

bp = Blueprint("agenda", __name__)


@bp.app_template_filter("nl_month")
def nl_month(value: date) -> str:
    """"december 2026"."""
    return format_date(value, "LLLL y")


@bp.app_template_filter("nl_month_key")
def nl_month_key(value: datetime) -> str:
    """The ?maand= of a moment's local month: "2026-12"."""
    return to_local(value).strftime("%Y-%m")


@bp.app_template_filter("nl_weekday")
def nl_weekday(value: date) -> str:
    return format_date(value, "EEEE")


@bp.app_template_filter("nl_weekday_short")
def nl_weekday_short(value: date) -> str:
    return format_date(value, "EEE")


# The new feed address, between the POST that makes it and the page that shows it once.
NEW_FEED_KEY = "new_calendar_token"


@bp.route("/belangrijke-momenten")
def index():
    return render_template("agenda/index.html", moments=service.upcoming(local_today()),
                           limit=service.UPCOMING_LIMIT, can_edit=service.can_edit(current_user))


def requested_month():
    """The month of ?maand=, or this month; (month, error message)."""
    text = request.args.get("maand", "")
    this_month = local_today().replace(day=1)
    if not text:
        return this_month, None
    try:
        return service.parse_month(text), None
    except ValueError:
        return this_month, _("Die maand bestaat niet of valt buiten de kalender. Kies een maand tussen 2000 en "
                             "2099, zoals %(example)s.", example=this_month.strftime("%Y-%m"))


@bp.route("/belangrijke-momenten/kalender")
def calendar():
    month, error = requested_month()
    weeks = service.month_weeks(month)
    return render_template(
        "agenda/calendar.html", month=month, weeks=weeks, error=error,
        days=service.moments_by_day(weeks[0][0], weeks[-1][-1]),
        previous=service.shift_month(month, -1), following=service.shift_month(month, 1),
        can_edit=service.can_edit(current_user)), 400 if error else 200


@bp.route("/belangrijke-momenten/export.xlsx")
def export():
    """The upcoming key moments, or with ?maand= those of that month."""
    if request.args.get("maand"):
        month, error = requested_month()
        if error:
            abort(404)
        days = service.moments_by_day(month, service.last_day(month))
        moments = [moment for day in sorted(days) for moment in days[day]]
        name = f"belangrijke-momenten-{month.strftime('%Y-%m')}.xlsx"
    else:
        moments = service.upcoming(local_today())
        name = f"belangrijke-momenten-{local_today().isoformat()}.xlsx"
    sheet = workbook.Sheet(_("Belangrijke momenten"), [
        _("Datum"), _("Tijd"), _("Titel"), _("Organisatie"), _("Netwerk"), _("Prioriteiten"), _("Notities")])
    for moment in moments:
        local = to_local(moment.starts_at)
        sheet.rows.append([
            local.date(), _("hele dag") if moment.all_day else local.strftime("%H:%M"), moment.title,
            moment.organisation.display_name if moment.organisation else None,
            moment.arena.name if moment.arena else None,
            "; ".join(f"{priority.code} {priority.title}" for priority in moment.priorities), moment.notes])
    audit.record(audit.EXPORT, "key_moments", note="belangrijke momenten (Excel)")
    return workbook.response([sheet], name)


@bp.route("/belangrijke-momenten/<int:moment_id>")
def show(moment_id):
    moment = service.key_moment_for_page(moment_id) or abort(404)
    return render_template("agenda/show.html", moment=moment, can_edit=service.can_edit(current_user))


def form_choices(form: KeyMomentForm):
    form.organisation_id.choices = as_choices(organisation_choices(), blank=_("— geen —"))
    form.arena_id.choices = as_choices(((arena.id, arena.name) for arena in arenas()), blank=_("— geen —"))
    grouped = offer_priorities(form.priority_ids)
    return grouped


def save(form: KeyMomentForm, moment: KeyMoment | None):
    return run_service(form, lambda: service.save_key_moment(service.KeyMomentData(
        day=form.day.data, clock=form.clock.data, title=form.title.data, organisation_id=form.organisation_id.data,
        arena_id=form.arena_id.data, priority_ids=form.priority_ids.data or [], notes=form.notes.data),
        current_user, moment))


@bp.route("/belangrijke-momenten/nieuw", methods=["GET", "POST"])
def create():
    if not service.can_edit(current_user):
        abort(403)
    form = KeyMomentForm()
    grouped = form_choices(form)
    if request.method == "GET" and request.args.get("datum"):
        try:
            form.day.data = date.fromisoformat(request.args["datum"])
        except ValueError:
            pass  # a hand-made link: the field stays empty
    if form.validate_on_submit():
        saved = save(form, None)
        if saved is not FAILED:
            flash(_("Het belangrijke moment is toegevoegd."), "success")
            return redirect(url_for("agenda.show", moment_id=saved.id))
    return render_template("agenda/form.html", form=form, moment=None, grouped=grouped)


@bp.route("/belangrijke-momenten/<int:moment_id>/bewerken", methods=["GET", "POST"])
def edit(moment_id):
    moment = service.key_moment_for_page(moment_id) or abort(404)
    if not service.can_edit(current_user):
        abort(403)
    form = KeyMomentForm(obj=moment)
    grouped = form_choices(form)
    if request.method == "GET":
        local = to_local(moment.starts_at)
        form.day.data = local.date()
        form.clock.data = None if moment.all_day else local.time()
        form.priority_ids.data = [priority.id for priority in moment.priorities]
    if form.validate_on_submit() and save(form, moment) is not FAILED:
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return redirect(url_for("agenda.show", moment_id=moment.id))
    return render_template("agenda/form.html", form=form, moment=moment, grouped=grouped)


# --- The calendar feed ---------------------------------------------------------------------------------------------

@bp.route("/instellingen/agenda")
def feed_settings():
    token = session.pop(NEW_FEED_KEY, None)
    return render_template("agenda/feed_settings.html", form=FeedForm(), feed=service.feed_of(current_user),
                           address=url_for("agenda.feed", token=token, _external=True) if token else None)


@bp.route("/instellingen/agenda/nieuw", methods=["POST"])
def create_feed():
    form = FeedForm()
    if not form.validate_on_submit():
        abort(400)
    token = run_service(form, lambda: service.create_feed(current_user))
    # Shown once on the next page, from the session (signed, in the user's own browser only).
    session[NEW_FEED_KEY] = token
    flash(_("Uw nieuwe agenda-adres staat hieronder. Een eerder adres werkt niet meer."), "success")
    return redirect(url_for("agenda.feed_settings"))


@bp.route("/instellingen/agenda/intrekken", methods=["POST"])
def revoke_feed():
    form = FeedForm()
    if not form.validate_on_submit():
        abort(400)
    if run_service(form, lambda: service.revoke_feed(current_user)):
        flash(_("Het agenda-adres is ingetrokken: het werkt niet meer."), "success")
    return redirect(url_for("agenda.feed_settings"))


@bp.route("/agenda/<token>.ics")
def feed(token):
    """No login: the secret address is the credential."""
    user = service.user_for_token(token) or abort(404)
    body = ical.render(user, service.feed_key_moments(user, local_today()), service.feed_follow_ups(user))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="lobbytracker.ics"', "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer"})
