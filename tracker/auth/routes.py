from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..audit.service import record_failed_login
from ..errors import DomainError
from ..extensions import db
from ..forms import apply_domain_error
from .forms import LoginForm, SetupForm
from . import sessions, throttle
from .service import any_user_exists, authenticate, create_first_administrator, end_sessions

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never send a user elsewhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def start_session(user) -> None:
    # A fresh session at login: nothing from before it carries over.
    sessions.start_session(user)


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if not any_user_exists():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()  # the login time, and a renewed password hash
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        throttle.record_failure()
        record_failed_login(form.email.data)
        form.password.errors.append(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."))
    return render_template("auth/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())  # a copied session cookie stops working
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/eerste-gebruik", methods=["GET", "POST"])
def setup():
    if any_user_exists():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = create_first_administrator(name=form.name.data, email=form.email.data,
                                              password=form.password.data)
        except DomainError as error:
            db.session.rollback()
            if not apply_domain_error(form, error):
                abort(404)
        else:
            db.session.commit()
            start_session(user)
            flash(_("Welkom! U bent de eerste beheerder. Voeg nu uw collega's toe."), "success")
            return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form)
