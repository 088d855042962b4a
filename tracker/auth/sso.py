"""Single sign-on with the municipality's identity provider (OpenID Connect).

On when `OIDC_ISSUER` is set: the provider does the login and MFA, Authlib
checks state, nonce and the ID token's signature, and `sso_service` turns
the verified claims into an account. Without it these routes answer 404
and only the password login exists.
"""

import logging

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from .routes import safe_next, start_session
from .sso_service import parse_role_groups, sign_in_with_claims

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

CLIENT_NAME = "gemeente"
NEXT_KEY = "sso_next"
TIMEOUT_SECONDS = 10


def enabled(app=None) -> bool:
    return bool((app or current_app).config.get("OIDC_ISSUER"))


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


@bp.record_once
def configure(state):
    """One Authlib client per app, from its configuration; a bad
    `OIDC_ROLE_GROUPS` or a missing client id fails at start-up."""
    app = state.app
    if not enabled(app):
        return
    if not app.config.get("OIDC_CLIENT_ID"):
        raise RuntimeError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not")
    try:
        role_groups = parse_role_groups(app.config.get("OIDC_ROLE_GROUPS"))
    except ValueError as error:
        raise RuntimeError(f"OIDC_ROLE_GROUPS is not valid: {error}") from error
    if not role_groups:
        raise RuntimeError("OIDC_ISSUER is set but OIDC_ROLE_GROUPS maps no group to a role")
    oauth = OAuth(app)
    client = oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=discovery_url(app.config["OIDC_ISSUER"]),
        client_kwargs={"scope": app.config.get("OIDC_SCOPES") or "openid email profile",
                       "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )
    app.extensions["tracker_sso"] = {"client": client, "role_groups": role_groups}


@bp.app_context_processor
def sso_template_values():
    return {"sso_enabled": enabled()}


def settings() -> dict:
    if not enabled() or "tracker_sso" not in current_app.extensions:
        abort(404)
    return current_app.extensions["tracker_sso"]


def callback_url() -> str:
    # The address registered at the provider: BASE_URL, not whatever Host
    # header the request came with.
    return current_app.config["BASE_URL"].rstrip("/") + url_for("sso.callback")


def refuse(message: str):
    db.session.rollback()
    flash(message, "error")
    return redirect(url_for("auth.login"))


@bp.route("/inloggen/sso")
def start():
    client = settings()["client"]
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(callback_url())
    except Exception:  # the provider's discovery document is unreachable or invalid
        log.exception("single sign-on: cannot reach the identity provider")
        return refuse(_("De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het later opnieuw "
                        "of neem contact op met de servicedesk."))


@bp.route("/inloggen/sso/callback")
def callback():
    sso = settings()
    error = request.args.get("error")
    if error:
        log.info("single sign-on: the provider answered %s: %s", error, request.args.get("error_description"))
        if error == "access_denied":
            return refuse(_("Het inloggen met uw gemeenteaccount is afgebroken. U bent niet ingelogd."))
        return refuse(_("Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw of neem contact "
                        "op met de servicedesk."))
    try:
        token = sso["client"].authorize_access_token()
    except MismatchingStateError:
        return refuse(_("Deze inlogpoging is verlopen of ongeldig. Probeer het opnieuw."))
    except OAuthError as failure:
        log.warning("single sign-on: token request refused: %s", failure)
        return refuse(_("Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw of neem contact "
                        "op met de servicedesk."))
    except Exception:  # network trouble, a bad signature, nonce or issuer in the ID token
        log.exception("single sign-on: the provider's answer could not be verified")
        return refuse(_("Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw of neem contact "
                        "op met de servicedesk."))
    claims = token.get("userinfo")
    if not claims:  # no verified ID token: never trust the rest
        return refuse(_("Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw of neem contact "
                        "op met de servicedesk."))
    try:
        user = sign_in_with_claims(dict(claims), groups_claim=current_app.config.get("OIDC_GROUPS_CLAIM") or "groups",
                                   role_groups=sso["role_groups"])
    except DomainError as refusal:
        log.info("single sign-on: refused subject %s: %s", claims.get("sub"), refusal.message)
        return refuse(str(refusal.message))
    target = session.get(NEXT_KEY) or url_for("main.home")
    db.session.commit()
    start_session(user)
    if not current_user.is_authenticated:  # login_user refused the account
        return refuse(_("Inloggen met uw gemeenteaccount is niet gelukt. Neem contact op met een beheerder."))
    return redirect(safe_next(target))
