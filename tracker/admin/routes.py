from email import policy
from email.parser import BytesParser

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role, User
from ..auth.service import create_official, create_user, list_users, update_user
from ..extensions import db
from ..interactions.forms import DeleteForm
from ..views import FAILED, run_service
from ..digest import outbox
from ..digest.mail import stored_mails
from ..digest.models import OutboxMessage
from ..digest.service import outbox_summary
from ..neglect.service import CadenceDefaults, cadence_defaults, set_cadence_defaults
from ..scheduler.jobs import job_statuses
from ..scheduler.service import lock_state, scheduler_alive
from .forms import CadenceDefaultsForm, EditUserForm, OfficialForm, UserForm
from . import access
from ..audit import service as audit
from ..formatting import local_today

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
def only_administrators():
    if current_user.is_authenticated and current_user.role != Role.ADMINISTRATOR:
        abort(403)


@bp.route("/gebruikers")
def users():
    return render_template("admin/users.html", users=list_users())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    if form.validate_on_submit() and run_service(form, lambda: create_user(
            name=form.name.data, email=form.email.data, role=Role(form.role.data),
            password=form.password.data, acting=current_user)) is not FAILED:
        flash(_("De gebruiker is aangemaakt."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/gebruikers/<int:user_id>/bewerken", methods=["GET", "POST"])
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user)
    if form.validate_on_submit() and run_service(form, lambda: update_user(
            user, name=form.name.data, role=Role(form.role.data), active=form.active.data,
            title=form.title.data, acting=current_user)) is not FAILED:
        flash(_("De wijzigingen zijn opgeslagen."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/bestuurders/nieuw", methods=["GET", "POST"])
def new_official():
    form = OfficialForm()
    if form.validate_on_submit() and run_service(form, lambda: create_official(
            name=form.name.data, title=form.title.data, acting=current_user)) is not FAILED:
        flash(_("De bestuurder is toegevoegd."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/official_form.html", form=form)


@bp.route("/ritme", methods=["GET", "POST"])
def cadences():
    form = CadenceDefaultsForm(obj=cadence_defaults())
    if form.validate_on_submit() and run_service(form, lambda: set_cadence_defaults(CadenceDefaults(
            leading=form.leading.data, member=form.member.data, watching=form.watching.data),
            current_user)) is not FAILED:
        flash(_("De standaardritmes zijn opgeslagen."), "success")
        return redirect(url_for("admin.cadences"))
    return render_template("admin/cadences.html", form=form)


@bp.route("/taken")
def jobs():
    return render_template("admin/jobs.html", jobs=job_statuses(current_app), lock=lock_state(),
                           alive=scheduler_alive(), outbox=outbox_summary(), stuck=outbox.stuck(),
                           requeue_form=DeleteForm())


@bp.route("/taken/uitgaand/<int:message_id>/opnieuw", methods=["POST"])
def requeue(message_id):
    row = db.session.get(OutboxMessage, message_id) or abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    outbox.requeue(row)
    db.session.commit()
    flash(_("Het bericht staat weer in de wachtrij."), "success")
    return redirect(url_for("admin.jobs"))


@bp.route("/mail")
def mails():
    return render_template("admin/mails.html", mails=[
        (path.name, BytesParser(policy=policy.default).parsebytes(path.read_bytes())) for path in stored_mails()[:100]])


@bp.route("/mail/<name>")
def mail(name):
    found = {path.name: path for path in stored_mails()}.get(name) or abort(404)
    message = BytesParser(policy=policy.default).parsebytes(found.read_bytes())
    # A digest holds what its recipient may see, confidential contactmomenten
    # included, so a beheerder reads the headers of every mail but the text
    # only of their own.
    addressed = [address.addr_spec.lower() for address in message["To"].addresses] if message["To"] else []
    text = message.get_body(preferencelist=("plain",)) if current_user.email.lower() in addressed else None
    return render_template("admin/mail.html", name=name, message=message,
                           text=text.get_content() if text else None)


@bp.route("/gebruikers/toegang")
def access_review():
    return render_template("admin/access_review.html", rows=access.access_review(current_user))


@bp.route("/gebruikers/export.csv")
def export_users():
    rows = access.access_review(current_user)
    audit.record(audit.EXPORT, "users", note="toegangsoverzicht (CSV)")
    filename = f"toegangsoverzicht-{local_today().isoformat()}.csv"
    return Response(access.access_review_csv(rows).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
