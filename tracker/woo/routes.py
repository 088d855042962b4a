from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from ..avg.service import handles_requests
from ..forms import as_choices
from ..formatting import local_today
from ..relations.service import organisation_choices
from ..strategy.service import offer_priorities
from ..views import FAILED, run_service
from . import service
from .forms import WooExportForm

bp = Blueprint("woo", __name__, url_prefix="/woo")


@bp.before_request
def only_request_handlers():
    if current_user.is_authenticated and not handles_requests(current_user):
        abort(403)


def populate_choices(form: WooExportForm) -> list:
    grouped = offer_priorities(form.priority_ids)
    form.organisation_ids.choices = as_choices(organisation_choices())
    return grouped


@bp.route("", methods=["GET", "POST"])
def export():
    form = WooExportForm()
    grouped = populate_choices(form)
    if not form.is_submitted():
        form.start.data, form.end.data = service.period_default(local_today())
    if form.validate_on_submit():
        result = run_service(form, lambda: service.export(service.WooQuery(
            start=form.start.data, end=form.end.data, terms=form.terms.data or "",
            priority_ids=form.priority_ids.data or [], organisation_ids=form.organisation_ids.data or [],
            replace_names=form.replace_names.data), current_user))
        if result is not FAILED:
            return Response(result.content, mimetype="application/zip", headers={
                "Content-Disposition": f'attachment; filename="{result.filename}"', "Cache-Control": "no-store"})
    return render_template("woo/export.html", form=form, grouped=grouped)


@bp.route("/logboek")
def log():
    return render_template("woo/log.html", exports=service.export_log())
