from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role, User
from ..auth.service import create_official, create_user, list_users, update_user
from ..extensions import db
from ..views import FAILED, run_service
from .forms import EditUserForm, OfficialForm, UserForm

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
