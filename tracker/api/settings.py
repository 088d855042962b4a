"""Mijn instellingen → API-tokens: making and revoking one's personal access tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..formatting import local_today
from ..views import FAILED, run_service
from . import service
from .forms import RevokeForm, TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/instellingen/tokens")


def page(form, new_secret=None, new_token=None, status=200):
    response = render_template(
        "api/tokens.html", form=form, revoke_form=RevokeForm(), tokens=service.tokens_of(current_user),
        today=local_today(), new_secret=new_secret, new_token=new_token,
        api_base=url_for("api.openapi", _external=True).removesuffix("/openapi.json"))
    return response, status, {"Cache-Control": "no-store"}


@bp.route("", methods=["GET", "POST"])
def index():
    form = TokenForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        result = run_service(form, lambda: service.create_token(user, form.name.data, form.expires_on.data,
                                                                acting=user))
        if result is not FAILED:
            token, secret = result
            # Shown in this answer only: the secret is stored nowhere, so no
            # redirect could show it again.
            return page(TokenForm(formdata=None), new_secret=secret, new_token=token)
    return page(form)


@bp.route("/<int:token_id>/intrekken", methods=["POST"])
def revoke(token_id):
    token = service.own_token(current_user, token_id)
    if token is None:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    name = token.name
    if run_service(None, lambda: service.revoke_token(token, current_user._get_current_object())) is FAILED:
        return redirect(url_for("tokens.index"))
    flash(_("Het token ‘%(name)s’ is ingetrokken en werkt niet meer.", name=name), "success")
    return redirect(url_for("tokens.index"))
