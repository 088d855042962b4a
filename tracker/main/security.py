"""Who may see what, and the headers every response carries."""

from flask import redirect, request, url_for
from flask_login import current_user

from ..api import is_api_path
from ..auth.service import any_user_exists

# Endpoints reachable without logging in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.setup", "main.healthz", "static", "sso.start", "sso.callback"}
# The calendar feed: its secret address is the credential (tracker/agenda).
PUBLIC_ENDPOINTS |= {"agenda.feed"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if is_api_path(request.path):
        return None  # the API takes a token, not a login (tracker/api/routes.py)
    if not any_user_exists():
        return redirect(url_for("auth.setup"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app):
    app.before_request(require_login)
    app.after_request(add_security_headers)
