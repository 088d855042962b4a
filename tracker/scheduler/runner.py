"""Starting the scheduler: inside the development server, or as its own process."""

import atexit
import threading

from flask import current_app

_started = threading.Lock()


def start_in_app(app) -> None:
    """Starts one background scheduler in this process, at its first request:
    command-line runs (migrations, seeding) never start one, and neither does
    the reloader's watching parent process, which serves no requests."""
    from .jobs import create_scheduler

    if not _started.acquire(blocking=False):
        return
    scheduler = create_scheduler(app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False))


def init_app(app) -> None:
    from .warnings import init_app as init_warnings

    init_warnings(app)
    if not app.config["SCHEDULER_ENABLED"] or app.config.get("TESTING"):
        return

    @app.before_request
    def ensure_scheduler():
        if "scheduler" not in app.extensions:
            start_in_app(current_app._get_current_object())
