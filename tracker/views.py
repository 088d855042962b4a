"""Helpers every view uses to run a service inside the request's transaction."""

from flask import abort, flash

from .errors import DomainError, NotAllowed
from .extensions import db
from .forms import apply_domain_error

FAILED = object()


def run_service(form, action):
    """Calls `action`; commits and returns its result, or returns FAILED.

    A broken rule is rolled back and its Dutch message put next to its
    field (or shown at the top of the page); a forbidden action is a 403.
    """
    try:
        result = action()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        if not apply_domain_error(form, error):
            flash(str(error.message), "error")
        return FAILED
    db.session.commit()
    return result
