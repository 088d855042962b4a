"""Sessions: started at login, ended at logout, a password change or after
SESSION_IDLE_MINUTES without a request.

Every session holds the account's `session_version`. Logging out and
changing the password raise that number, so a session cookie copied before
(on another computer, or by someone else) is refused from then on: the
cookie is signed but stored nowhere, so this number is how the server takes
it back.
"""

import time
from datetime import timedelta

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..api import is_api_path

VERSION_KEY = "session_version"
SEEN_KEY = "last_seen"


def now() -> float:
    return time.time()


def start_session(user) -> None:
    """A fresh session for the user: nothing from before it carries over."""
    session.clear()
    login_user(user)
    session[VERSION_KEY] = user.session_version
    session[SEEN_KEY] = int(now())


def drop_session() -> None:
    logout_user()
    session.clear()


def idle_limit(app) -> timedelta:
    return timedelta(minutes=int(app.config["SESSION_IDLE_MINUTES"]))


def check_session():
    """Before every request: ends a session that was taken back or idle too
    long; refreshes the time of the last request otherwise."""
    if request.endpoint == "static" or is_api_path(request.path):
        return None  # the API never reads or refreshes the session
    # Loads the user from the session (or a remember cookie, were one set).
    if not current_user.is_authenticated:
        return None
    if session.get(VERSION_KEY) != current_user.session_version:
        drop_session()
        return None  # the login check that follows sends the visitor to log in
    last_seen = session.get(SEEN_KEY)
    limit = idle_limit(current_app)
    if not isinstance(last_seen, (int, float)) or now() - last_seen > limit.total_seconds():
        drop_session()
        flash(_("U was %(minutes)s minuten of langer niet actief en bent daarom uitgelogd. Log opnieuw in.",
                minutes=int(limit.total_seconds() // 60)), "info")
        if request.method == "GET" and request.endpoint != "auth.login":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.login"))
    session[SEEN_KEY] = int(now())
    return None


def init_app(app):
    # Remember-me is not used; should a cookie ever be set, it is as safe as
    # the session cookie and short-lived (and, holding no session version,
    # refused by check_session all the same).
    app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config.get("REMEMBER_COOKIE_SECURE")
                                                or app.config.get("SESSION_COOKIE_SECURE"))
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_DURATION"] = idle_limit(app)
    app.before_request(check_session)
