"""Throttling of password guessing, with Flask-Limiter.

Only failures count: a wrong password (or an address without an account)
at /inloggen, and a wrong current password on the change-password page.
Failed logins are limited per e-mail address from one client address
(LOGIN_LIMITS_ACCOUNT_ADDRESS: a few a minute, then refused for a quarter
of an hour), per e-mail address from anywhere (LOGIN_LIMITS_ACCOUNT) and per
client address for any e-mail address (LOGIN_LIMITS_ADDRESS). Unknown
addresses count exactly like known ones, and the refusal says nothing about
whether the account exists.

The counters live in RATELIMIT_STORAGE_URI: Redis in production, so that
every worker shares them (`redis://host:6379/0`); in memory by default. When
the storage is unreachable the limiter falls back to memory rather than
stopping logins. Behind a reverse proxy set TRUSTED_PROXIES to the number
of proxies that add X-Forwarded-For, or every visitor has the proxy's address.
"""

import hashlib
import math
import time

from flask import current_app, flash, g, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import db
from .service import normalise_email

FAILED = "tracker_attempt_failed"
EXTENSION = "tracker_limiter"

# endpoint -> a function that renders the page again, for a refused attempt.
_pages = {}


def record_failure() -> None:
    """Counts this request against the limits of its endpoint."""
    setattr(g, FAILED, True)


def failed(response) -> bool:
    return bool(getattr(g, FAILED, False))


def client_address() -> str:
    return request.remote_addr or "onbekend"


def account() -> str:
    # Hashed: the limiter's storage holds no e-mail addresses.
    email = normalise_email(request.form.get("email", ""))[:254]
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def account_from_address() -> str:
    return f"{account()}|address:{client_address()}"


def address() -> str:
    return f"address:{client_address()}"


def signed_in_user() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else address()


def setting(name: str):
    return lambda: current_app.config[name]


def limiter(app=None) -> Limiter:
    return (app or current_app).extensions[EXTENSION]


def throttle(app, endpoint: str, limits: list[tuple[str, callable]], page) -> None:
    """Puts the limits (config setting, key function) on a view's POSTs,
    counting failures only; `page` renders the view again when refused."""
    view = app.view_functions[endpoint]
    for name, key in limits:
        view = limiter(app).limit(setting(name), key_func=key, methods=["POST"], deduct_when=failed)(view)
    app.view_functions[endpoint] = view
    _pages[endpoint] = page


def wait_seconds() -> int:
    """Until the longest of the breached limits lets a new attempt through."""
    resets = [item.reset_at for item in limiter().current_limits if item.breached]
    return max(1, int(max(resets) - time.time())) if resets else 60


def too_many_attempts(error):
    db.session.rollback()
    seconds = wait_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Er is te vaak een verkeerd wachtwoord ingevuld. Probeer het over %(num)s minuut opnieuw.",
        "Er is te vaak een verkeerd wachtwoord ingevuld. Probeer het over %(num)s minuten opnieuw.", minutes)
    page = _pages.get(request.endpoint)
    if page is not None:
        flash(message, "error")
        response = current_app.make_response((page(), 429))
    else:
        response = current_app.make_response((render_template(
            "errors/error.html", status=429, title=_("Te veel pogingen"), message=message), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app):
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # The client's address, and the scheme and host the visitor used, so
        # that absolute links (API pages, calendar feeds) point at the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # One limiter per app: its storage and settings belong to that app.
    app.extensions[EXTENSION] = Limiter(key_func=address, in_memory_fallback_enabled=True, swallow_errors=True,
                                           fail_on_first_breach=False)
    app.extensions[EXTENSION].init_app(app)
    app.register_error_handler(RateLimitExceeded, too_many_attempts)

    from .forms import LoginForm

    throttle(app, "auth.login", [("LOGIN_LIMITS_ACCOUNT_ADDRESS", account_from_address),
                                 ("LOGIN_LIMITS_ACCOUNT", account),
                                 ("LOGIN_LIMITS_ADDRESS", address)],
             page=lambda: render_template("auth/login.html", form=LoginForm()))
    if "account.change_password" in app.view_functions:
        from .account import page

        throttle(app, "account.change_password", [("PASSWORD_CHANGE_LIMITS", signed_in_user)], page=page)
