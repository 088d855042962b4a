import base64
import hashlib
from html.parser import HTMLParser

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import User
from ..auth.service import login_colleague_choices
from ..extensions import db
from ..forms import MAX_ID, as_choices
from ..neglect.service import today
from ..strategy.service import themes
from ..views import FAILED, run_service
from . import service
from .forms import PreferencesForm
from .weeks import Week

bp = Blueprint("digest", __name__)


class StyleAttributes(HTMLParser):
    """The distinct values of the style attributes in a document."""

    def __init__(self):
        super().__init__()
        self.values: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.values.update(value for name, value in attrs if name == "style" and value)


def email_policy(html: str) -> str:
    """The e-mail's own HTML uses inline styles, as mail clients need. Shown
    on its own it may use exactly those (each allowed by its hash, so no
    'unsafe-inline') and nothing else: no script, no other resource."""
    parser = StyleAttributes()
    parser.feed(html)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"
                      for value in sorted(parser.values))
    return f"default-src 'none'; style-src 'unsafe-hashes' {hashes}; img-src 'self'; frame-ancestors 'self'"


@bp.route("/instellingen", methods=["GET", "POST"])
def preferences():
    form = PreferencesForm()
    form.theme_ids.choices = as_choices((theme.id, f"{theme.number}. {theme.name}") for theme in themes())
    if request.method == "GET":
        form.wants_digest.data = current_user.receives_digest
        form.theme_ids.data = [theme.id for theme in current_user.followed_themes]
    if form.validate_on_submit() and run_service(form, lambda: service.set_preferences(
            current_user, wants_digest=form.wants_digest.data, theme_ids=form.theme_ids.data or [])) is not FAILED:
        flash(_("Uw instellingen zijn opgeslagen."), "success")
        return redirect(url_for("digest.preferences"))
    return render_template("digest/preferences.html", form=form)


def requested_digest():
    """The user and week a preview asks for; others' only for managers,
    directors and beheerders."""
    user = current_user
    user_id = request.args.get("gebruiker", "")
    if user_id:
        # isdecimal, not isdigit ("²" is a digit int() refuses); MAX_ID: beyond it no row exists.
        if not user_id.isdecimal() or int(user_id) > MAX_ID:
            abort(404)
        user = db.session.get(User, int(user_id)) or abort(404)
        if user.id != current_user.id and not service.can_preview_for_others(current_user):
            abort(403)
    try:
        week = Week.parse(request.args["week"]) if request.args.get("week") else Week.last_finished(today())
    except ValueError:
        abort(404)
    return user, week


@bp.route("/weekoverzicht")
def preview():
    user, week = requested_digest()
    digest = service.build_digest(user, week, viewer=current_user)
    subject, text, _html = service.render_digest(digest)
    return render_template("digest/preview.html", digest=digest, subject=subject, text=text, week=week,
                           previous=week.shifted(-1), following=week.shifted(1), user=user,
                           users=login_colleague_choices() if service.can_preview_for_others(current_user) else [])


@bp.route("/weekoverzicht/html")
def preview_html():
    user, week = requested_digest()
    _subject, _text, html = service.render_digest(service.build_digest(user, week, viewer=current_user))
    return html, 200, {"Content-Security-Policy": email_policy(html), "X-Frame-Options": "SAMEORIGIN"}
