from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import service as audit
from ..formatting import local_today
from ..forms import as_choices
from ..labels import label
from ..relations.service import organisation_choices
from ..strategy.models import BidStatus, FundingStream
from ..strategy.service import offer_priorities
from ..views import FAILED, run_service
from .. import workbook
from . import service
from .forms import FundingStreamForm

bp = Blueprint("funding", __name__, url_prefix="/geldstromen")


@bp.route("")
def index():
    found = service.funding_streams()
    return render_template("funding/index.html", streams=found, totals=service.totals(found),
                           can_edit=service.can_edit(current_user))


@bp.route("/export.xlsx")
def export():
    found = service.funding_streams()
    sheet = workbook.Sheet(_("Geldstromen"), [
        _("Naam"), _("Ministerie of fonds"), _("Omvang"), _("Deadline"), _("Status aanvraag"), _("Aangevraagd"),
        _("Toegekend"), _("Prioriteiten")], amount_columns=frozenset({2, 5, 6}))
    for stream in found:
        sheet.rows.append([
            stream.name, provider(stream), stream.amount, stream.deadline, label(stream.bid_status),
            stream.amount_requested, stream.amount_granted,
            "; ".join(f"{priority.code} {priority.title}" for priority in stream.priorities)])
    totals = service.totals(found)
    sheet.rows.append([_("Totaal"), None, totals.amount, None, None, totals.requested, totals.granted, None])
    audit.record(audit.EXPORT, "funding_streams", note="geldstromen (Excel)")
    return workbook.response([sheet], f"geldstromen-{local_today().isoformat()}.xlsx")


def provider(stream: FundingStream) -> str | None:
    names = [stream.provider.display_name if stream.provider else None, stream.provider_name]
    return " · ".join(name for name in names if name) or None


def form_choices(form: FundingStreamForm):
    form.provider_id.choices = as_choices(organisation_choices(), blank=_("— geen —"))
    grouped = offer_priorities(form.priority_ids)
    return grouped


def save(form: FundingStreamForm, stream: FundingStream | None):
    return run_service(form, lambda: service.save_funding_stream(service.FundingStreamData(
        name=form.name.data, provider_id=form.provider_id.data, provider_name=form.provider_name.data,
        description=form.description.data, amount=form.amount.data, deadline=form.deadline.data,
        bid_status=BidStatus(form.bid_status.data) if form.bid_status.data else None,
        amount_requested=form.amount_requested.data, amount_granted=form.amount_granted.data,
        priority_ids=form.priority_ids.data or []), current_user, stream))


@bp.route("/nieuw", methods=["GET", "POST"])
def create():
    if not service.can_edit(current_user):
        abort(403)
    form = FundingStreamForm()
    grouped = form_choices(form)
    if form.validate_on_submit() and save(form, None) is not FAILED:
        flash(_("De geldstroom is toegevoegd."), "success")
        return redirect(url_for("funding.index"))
    return render_template("funding/form.html", form=form, stream=None, grouped=grouped)


@bp.route("/<int:stream_id>/bewerken", methods=["GET", "POST"])
def edit(stream_id):
    stream = service.funding_stream_for_page(stream_id) or abort(404)
    if not service.can_edit(current_user):
        abort(403)
    form = FundingStreamForm(obj=stream)
    grouped = form_choices(form)
    if request.method == "GET":
        form.bid_status.data = stream.bid_status.value if stream.bid_status else ""
        form.priority_ids.data = [priority.id for priority in stream.priorities]
    if form.validate_on_submit() and save(form, stream) is not FAILED:
        flash(_("De geldstroom %(name)s is opgeslagen.", name=stream.name), "success")
        return redirect(url_for("funding.index", _anchor=f"geldstroom-{stream.id}"))
    return render_template("funding/form.html", form=form, stream=stream, grouped=grouped)
