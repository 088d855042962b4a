from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..forms import apply_domain_error
from ..main.errors import render_error
from ..views import FAILED, run_service
from . import service
from .forms import ConfirmForm, UploadForm
from .models import ImportKind
from .reading import MAX_BYTES, FileRefused, read_file

bp = Blueprint("imports", __name__, url_prefix="/beheer/import")


@bp.before_request
def only_administrators():
    if current_user.is_authenticated and current_user.role != Role.ADMINISTRATOR:
        abort(403)


@bp.errorhandler(413)
def too_large(error):
    return render_error(413, _l("Het bestand is groter dan 2 MB. Splits het in kleinere bestanden en importeer "
                                "die een voor een. Er is niets geïmporteerd."))


def pending_or_404(token: str):
    pending = service.find_pending(token, current_user)
    if pending is None:
        return None, render_error(404, _l("Dit importvoorbeeld bestaat niet of is verlopen (na een uur). Upload het "
                                          "bestand opnieuw."))
    return pending, None


@bp.route("", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            sheet = read_file(upload_file.filename or "", upload_file.read(MAX_BYTES + 1))
        except FileRefused as error:
            apply_domain_error(form, error)
        else:
            started = run_service(form, lambda: service.start_import(
                ImportKind(form.kind.data), upload_file.filename, sheet, current_user))
            if started is not FAILED:
                return redirect(url_for("imports.preview", token=started[0].token))
    return render_template("imports/upload.html", form=form, columns=service.COLUMNS, kinds=service.KIND_LABELS)


@bp.route("/sjabloon-<kind>.csv")
def template(kind):
    if kind not in {item.value for item in ImportKind}:
        abort(404)
    return Response(service.template_csv(ImportKind(kind)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=sjabloon-{kind}.csv"})


@bp.route("/<token>")
def preview(token):
    pending, refused = pending_or_404(token)
    if refused:
        return refused
    if pending.imported_at is not None:
        return redirect(url_for("imports.result", token=token))
    plan = service.plan_import(pending.kind, pending.rows)
    return render_template("imports/preview.html", pending=pending, plan=plan,
                           form=ConfirmForm(plan=plan.fingerprint), labels=service.ACTION_LABELS, kinds=service.KIND_LABELS)


@bp.route("/<token>/bevestigen", methods=["POST"])
def confirm(token):
    pending, refused = pending_or_404(token)
    if refused:
        return refused
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.confirm_import(pending, current_user, form.plan.data or "")
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("imports.preview", token=token))
    db.session.commit()
    return redirect(url_for("imports.result", token=token))


@bp.route("/<token>/resultaat")
def result(token):
    pending, refused = pending_or_404(token)
    if refused:
        return refused
    if pending.imported_at is None:
        return redirect(url_for("imports.preview", token=token))
    return render_template("imports/result.html", pending=pending, result=pending.result, kinds=service.KIND_LABELS,
                           contacts=pending.kind == ImportKind.CONTACTS)
