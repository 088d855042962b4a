from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from ..capture import drafts
from ..extensions import db
from ..interactions import service as interactions
from ..interactions.forms import DeleteForm
from ..neglect import service as neglect

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html", recent=interactions.recent_for_user(current_user),
                           follow_ups=interactions.open_follow_ups(current_user),
                           flags=neglect.flags_for_user(current_user),
                           drafts=drafts.open_drafts(current_user),
                           mailbox_on=bool(current_app.config.get("IMAP_HOST")),
                           mailbox_address=current_app.config.get("IMAP_ADDRESS"))


@bp.route("/concepten/<int:draft_id>/weggooien", methods=["POST"])
def discard_draft(draft_id):
    """Throws away one of the user's own drafts from the inbound mailbox."""
    if not DeleteForm().validate_on_submit():
        abort(400)
    if not drafts.discard(draft_id, current_user):
        abort(404)
    db.session.commit()
    flash(_("Het concept is weggegooid."), "success")
    return redirect(url_for("main.home"))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to answer means unhealthy
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
