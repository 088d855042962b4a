from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..interactions import service as interactions
from ..neglect import service as neglect

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html", recent=interactions.recent_for_user(current_user),
                           follow_ups=interactions.open_follow_ups(current_user),
                           flags=neglect.flags_for_user(current_user))


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to answer means unhealthy
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
