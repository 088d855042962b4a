from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import service as audit
from ..extensions import db
from ..formatting import local_today
from ..forms import as_choices
from ..labels import label
from ..relations.service import organisation_choices
from ..strategy.models import IntendedRole, Position, PositionStatus
from ..strategy.service import themes
from ..views import FAILED, run_service
from .. import workbook
from . import service
from .forms import PositionForm

bp = Blueprint("positions", __name__, url_prefix="/posities")


@bp.route("")
def index():
    found = service.positions()
    return render_template("positions/index.html", groups=service.by_arena(found), counts=service.counts(found),
                           total=len(found), can_edit=service.can_edit(current_user))


@bp.route("/export.xlsx")
def export():
    found = service.positions()
    sheet = workbook.Sheet(_("Posities"), [
        _("Netwerk"), _("Gremium"), _("Positie"), _("Rol"), _("Portefeuille"), _("Opgaven"), _("Status"),
        _("Bestuurder"), _("Sinds"), _("Tot")])
    for position in found:
        arena = position.organisation.arena
        sheet.rows.append([
            arena.name if arena else _("Geen netwerk"), position.organisation.display_name, position.title,
            label(position.role), position.portfolio,
            ", ".join(f"{theme.number}. {theme.name}" for theme in position.themes), label(position.status),
            position.holder.display_name if position.holder else None, position.held_since, position.held_until])
    audit.record(audit.EXPORT, "positions", note="posities (Excel)")
    return workbook.response([sheet], f"posities-{local_today().isoformat()}.xlsx")


def form_choices(form: PositionForm, position: Position | None = None) -> None:
    form.organisation_id.choices = as_choices(organisation_choices(), blank=_("— kies een gremium —"))
    holders = service.officials()
    if position is not None and position.holder is not None and position.holder not in holders:
        holders.append(position.holder)  # switched off since, but still the one who held the seat
    form.holder_id.choices = as_choices(((user.id, user.display_name) for user in holders),
                                        blank=_("— nog niemand —"))
    form.theme_ids.choices = as_choices((theme.id, f"{theme.number}. {theme.name}") for theme in themes())


def save(form: PositionForm, position: Position | None):
    return run_service(form, lambda: service.save_position(service.PositionData(
        organisation_id=form.organisation_id.data, title=form.title.data, status=PositionStatus(form.status.data),
        role=IntendedRole(form.role.data) if form.role.data else None, portfolio=form.portfolio.data,
        text=form.text.data, holder_id=form.holder_id.data, held_since=form.held_since.data,
        held_until=form.held_until.data, theme_ids=form.theme_ids.data or []), current_user, position))


@bp.route("/nieuw", methods=["GET", "POST"])
def create():
    if not service.can_edit(current_user):
        abort(403)
    form = PositionForm()
    form_choices(form)
    if form.validate_on_submit() and save(form, None) is not FAILED:
        flash(_("De positie is toegevoegd."), "success")
        return redirect(url_for("positions.index"))
    return render_template("positions/form.html", form=form, position=None)


@bp.route("/<int:position_id>/bewerken", methods=["GET", "POST"])
def edit(position_id):
    position = db.session.get(Position, position_id) or abort(404)
    if not service.can_edit(current_user):
        abort(403)
    form = PositionForm(obj=position)
    form_choices(form, position)
    if request.method == "GET":
        form.role.data = position.role.value if position.role else ""
        form.status.data = position.status.value
        form.theme_ids.data = [theme.id for theme in position.themes]
    if form.validate_on_submit() and save(form, position) is not FAILED:
        flash(_("De positie %(title)s is opgeslagen.", title=position.title), "success")
        return redirect(url_for("positions.index", _anchor=f"positie-{position.id}"))
    return render_template("positions/form.html", form=form, position=position)
