"""Helpers every view uses to run a service inside the request's transaction."""

from flask import abort, flash
from werkzeug.routing import IntegerConverter

from .errors import DomainError, NotAllowed
from .extensions import db
from .forms import MAX_ID, apply_domain_error

FAILED = object()


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL: a number no row can have matches no page (404)
    instead of reaching the database, which cannot compare it."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


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
