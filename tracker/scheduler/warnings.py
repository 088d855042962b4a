"""The warning beheerders see on every page when scheduled jobs lag behind."""

from flask import current_app
from flask_login import current_user

from ..auth.models import Role


def scheduler_warning() -> dict:
    if not (current_user.is_authenticated and current_user.role == Role.ADMINISTRATOR):
        return {}
    from .jobs import job_statuses

    return {"scheduler_stopped": any(job.overdue for job in job_statuses(current_app))}


def init_app(app) -> None:
    app.context_processor(scheduler_warning)
