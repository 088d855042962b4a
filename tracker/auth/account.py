"""The logged-in user's own account: changing the password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..views import FAILED, run_service
from . import service, throttle
from .forms import ChangePasswordForm
from .sessions import start_session

bp = Blueprint("account", __name__)


def page(form=None):
    return render_template("auth/change_password.html", form=form or ChangePasswordForm(),
                           has_password=current_user.password_hash is not None)


@bp.route("/instellingen/wachtwoord", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if current_user.password_hash is not None and form.validate_on_submit():
        user = current_user._get_current_object()
        if run_service(form, lambda: service.change_password(
                user, current_password=form.current_password.data, new_password=form.new_password.data,
                acting=user)) is FAILED:
            if form.current_password.errors:
                throttle.record_failure()
        else:
            # Every other session of the user has ended; this one goes on, with a fresh id.
            start_session(user)
            flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "success")
            return redirect(url_for("digest.preferences"))
    return page(form)
