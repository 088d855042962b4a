"""The benchmark behind `make bench`: the app at five years of real use.

Builds two SQLite databases with the demo data command (by default 250,000
contactmomenten, 10,000 contacts, 1,000 organisations, 200 users, and the
same with 10,000 contactmomenten, so that growth shows), then measures with
the Flask test client, logged in:

- every page: each GET route without URL parameters found in the app's URL
  map, and each detail page (one `<int:…_id>` parameter) with the id of a
  real record (for organisations and contacts the busiest one); p50 and p95
  over repeated requests, the CPU time, the number of SQL queries, and the
  part of the time spent in SQL (SQLAlchemy's before/after_cursor_execute
  events, plus the fetching of rows, where SQLite does much of its work);
- the contact-logging POST;
- the neglect scan (the first one raises every flag; the pages are measured
  after it, so their lists are full);
- the weekly digests for every user as a manager following one or two
  opgaven (rolled back).

Prints a table marking every figure that misses a target of
`../shared/PRODUCT.md`, and writes everything as JSON. New pages are found
by themselves; EXTRA_PAGES takes pages the discovery cannot reach.

    .venv/bin/python bench/run.py [--interactions 250000] [--small 10000] [--reuse] [--only PATTERN]
"""

import argparse
import json
import re
import sqlite3
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, event, func, insert, select, update  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.auth.models import Role, User, user_themes  # noqa: E402
from tracker.demo.service import DEMO_PASSWORD  # noqa: E402
from tracker.digest import service as digests  # noqa: E402
from tracker.digest.weeks import Week  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.interactions.models import (  # noqa: E402
    interaction_contacts, interaction_organisations,
)
from tracker.neglect import service as neglect  # noqa: E402
from tracker.relations.models import Contact, Organisation  # noqa: E402
from tracker.strategy.models import Priority, Theme  # noqa: E402

# The targets in PRODUCT.md.
PAGE_P95_MS = 150
SCAN_S = 2
DIGESTS_S = 30

# Pages the discovery cannot reach: (label, path).
EXTRA_PAGES: list[tuple[str, str]] = []
# Endpoints that are no page: logging in and out, single sign-on, health.
NOT_PAGES = {"static", "main.healthz", "auth.login", "auth.logout", "auth.setup", "sso.start", "sso.callback"}
# `<int:…>` arguments whose name does not say the model.
ARGUMENT_MODELS = {"moment_id": "KeyMoment", "request_id": "InformationRequest"}
# Roles tried in turn for each page; the first that may see it is used.
ROLES = (Role.MANAGER, Role.ADMINISTRATOR, Role.DIRECTOR, Role.EMPLOYEE)
# The busiest record, where "busiest" means the most contactmomenten.
BUSIEST = {Organisation: interaction_organisations.c.organisation_id, Contact: interaction_contacts.c.contact_id}


class SQLCounter:
    """Counts the statements an engine runs and the time spent in them."""

    def __init__(self, engine):
        self.queries, self.seconds = 0, 0.0
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(self, conn, cursor, statement, parameters, context, executemany):
        self.seconds += time.perf_counter() - conn.info["bench_started"].pop()
        self.queries += 1

    @contextmanager
    def measuring(self):
        """Yields a dict that holds, afterwards, seconds, queries and sql_seconds."""
        self.queries, self.seconds, FetchTimer.seconds = 0, 0.0, 0.0
        result = {}
        started, cpu = time.perf_counter(), time.process_time()
        yield result
        result.update(seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu,
                      queries=self.queries, sql_seconds=self.seconds + FetchTimer.seconds)


class FetchTimer:
    """SQLite does much of a query's work while the rows are fetched, after
    SQLAlchemy's after_cursor_execute: this adds the fetching to the SQL time."""

    seconds = 0.0


class TimedCursor(sqlite3.Cursor):
    def _timed(self, method, *args):
        started = time.perf_counter()
        try:
            return method(*args)
        finally:
            FetchTimer.seconds += time.perf_counter() - started

    def fetchone(self):
        return self._timed(super().fetchone)

    def fetchmany(self, *args):
        return self._timed(super().fetchmany, *args)

    def fetchall(self):
        return self._timed(super().fetchall)


class TimedConnection(sqlite3.Connection):
    def cursor(self, factory=TimedCursor):
        return super().cursor(factory)


def make_app(path: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                                     "connect_args": {"factory": TimedConnection}},
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SCHEDULER_ENABLED": False,
                       "SESSION_IDLE_MINUTES": 24 * 60})


def build(path: Path, sizes: dict, seed: int, reuse: bool) -> None:
    """Migrates, seeds and fills the database with the demo data command."""
    if reuse and path.exists():
        print(f"Reusing {path}, migrated to the newest schema.")
        app = make_app(path)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = make_app(path)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
    for args in (["seed"], ["demo-data", "--interactions", sizes["interactions"], "--contacts", sizes["contacts"],
                            "--organisations", sizes["organisations"], "--users", sizes["users"],
                            "--seed", seed]):
        result = runner.invoke(args=[str(arg) for arg in args])
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(map(str, args))} failed:\n{result.output}{result.exception or ''}")
        print(result.output.strip())
    with app.app_context():
        db.engine.dispose()


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def model_for(argument: str):
    """The model a `<int:…_id>` argument names: `interaction_id` → Interaction,
    `flag_id` → NeglectFlag (the one model whose name ends so)."""
    stem = argument.removesuffix("_id")
    models = {snake(mapper.class_.__name__): mapper.class_ for mapper in db.Model.registry.mappers}
    if argument in ARGUMENT_MODELS:
        return models.get(snake(ARGUMENT_MODELS[argument]))
    if stem in models:
        return models[stem]
    endings = [model for name, model in models.items() if name.endswith("_" + stem)]
    return endings[0] if len(endings) == 1 else None


def real_id(model) -> int | None:
    if model in BUSIEST:
        column = BUSIEST[model]
        return db.session.scalar(select(column).group_by(column).order_by(func.count().desc()).limit(1))
    total = db.session.scalar(select(func.count()).select_from(model))
    if not total:
        return None
    return db.session.scalar(select(model.id).order_by(model.id).offset(total // 2).limit(1))


def discover_pages(app) -> tuple[list[tuple[str, str]], list[dict]]:
    """(label, path) of every page to measure, and the routes left out with why."""
    pages, skipped = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith("sso."):
            continue
        values = {}
        for argument in rule.arguments:
            model = model_for(argument) if argument.endswith("_id") else None
            record = real_id(model) if model is not None else None
            if record is None:
                break
            values[argument] = record
        if len(values) != len(rule.arguments):
            why = ("no such record in the data" if model is not None else
                   f"the bench cannot choose a value for <{argument}>")
            skipped.append({"route": rule.rule, "endpoint": rule.endpoint, "why": why})
            continue
        with app.test_request_context():
            from flask import url_for

            pages.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return pages + EXTRA_PAGES, skipped


class Visitor:
    """A logged-in test client; for the API it sends the user's token."""

    def __init__(self, app, role: Role):
        user = db.session.scalar(select(User).where(User.role == role, User.active.is_(True), User.has_login(),
                                                    User.email.like("demo%")).order_by(User.id).limit(1))
        self.client = app.test_client()
        response = self.client.post("/inloggen", data={"email": user.email, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"could not log in as {role.value} {user.email}: {response.status_code}")
        self.api_headers = {}
        if "api" in app.blueprints:
            from tracker.api.service import create_token

            user = db.session.merge(user)
            _token, secret = create_token(user, "benchmark", None, user)
            db.session.commit()
            self.api_headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str):
        return self.client.get(path, headers=self.api_headers if path.startswith("/api/") else None)

    def post(self, path: str, data: dict):
        return self.client.post(path, data=data)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summarise(runs: list[dict]) -> dict:
    times = [run["seconds"] * 1000 for run in runs]
    return {"requests": len(runs), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "cpu_p95_ms": round(percentile([run["cpu_seconds"] * 1000 for run in runs], 0.95), 1),
            "queries": int(statistics.median(run["queries"] for run in runs)),
            "queries_max": max(run["queries"] for run in runs),
            "sql_share": round(sum(run["sql_seconds"] for run in runs) / max(sum(run["seconds"] for run in runs),
                                                                            1e-9), 2)}


def repeat(counter, request, repeats: int, budget: float) -> list[dict]:
    """Runs `request` twice to warm up, then `repeats` times (at least 5,
    fewer when it takes longer than `budget` seconds)."""
    for _ in range(2):
        request()
    runs, started = [], time.perf_counter()
    while len(runs) < repeats and (len(runs) < 5 or time.perf_counter() - started < budget):
        with counter.measuring() as run:
            response = request()
        if response.status_code not in (200, 302):
            raise RuntimeError(f"answered {response.status_code}")
        runs.append(run)
    return runs


def measure_pages(app, counter, repeats: int, budget: float, only: str | None = None) -> tuple[dict, list[dict]]:
    with app.app_context():
        pages, skipped = discover_pages(app)
        if only:
            pages = [(label, path) for label, path in pages if re.search(only, path) or re.search(only, label)]
        clients = {role: Visitor(app, role) for role in ROLES}
    results = {}
    for label, path in pages:
        statuses = []
        for role, client in clients.items():
            first = client.get(path)
            statuses.append(first.status_code)
            if first.status_code == 200:
                break
        else:
            skipped.append({"route": path, "endpoint": label, "why": f"answers {sorted(set(statuses))} to every role"})
            continue
        kind = {"text/html": "page", "application/json": "api"}.get(first.mimetype, "download")
        try:
            runs = repeat(counter, lambda: client.get(path), 3 if kind == "download" else repeats, budget)
        except Exception as error:  # a broken page is reported, the others still measured
            skipped.append({"route": path, "endpoint": label, "why": f"failed: {error}"})
            continue
        results[label] = {"path": path, "role": role.value, "kind": kind, **summarise(runs)}
        print(f"  {path:<55} {results[label]['p95_ms']:>8.1f} ms p95, {results[label]['queries']} queries",
              flush=True)
    return results, skipped


def measure_post(app, counter, repeats: int, budget: float) -> dict:
    with app.app_context():
        contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()).limit(1))
        priority = db.session.scalar(select(Priority.id).order_by(Priority.id).limit(1))
        contact_id, organisation_id = contact.id, contact.organisation_id
        yesterday = neglect.today() - timedelta(days=1)
        client = Visitor(app, Role.EMPLOYEE)
    form = {"occurred_on": yesterday.isoformat(), "occurred_time": "10:30", "kind": "overleg",
            "level": "ambtelijk", "subject": "Benchmark: overleg over HOV ZaanIJ",
            "summary": "Gesproken over de verkenning.", "outcome": "Notitie volgt.",
            "contact_ids": [str(contact_id)], "organisation_ids": [str(organisation_id)],
            "priority_ids": [str(priority)], "follow_ups-0-description": "", "follow_ups-1-description": ""}

    def post():
        response = client.post("/contactmomenten/nieuw", data=form)
        if response.status_code != 302:
            errors = re.findall(r'error-message"[^>]*>\s*<p[^>]*>([^<]*)', response.get_data(as_text=True))
            raise RuntimeError(f"the contact-logging POST answered {response.status_code}: {errors}")
        return response

    return {"path": "POST /contactmomenten/nieuw", "role": Role.EMPLOYEE.value, "kind": "post",
            **summarise(repeat(counter, post, repeats, budget))}


def measure_scan(app, counter) -> dict:
    with app.app_context():
        figures = {}
        for name in ("first", "again"):
            with counter.measuring() as run:
                result = neglect.scan(neglect.today())
                db.session.commit()
            figures[name] = {**run, "raised": result.raised, "still_open": result.still_open}
    return figures


def measure_digests(app, counter) -> dict:
    """Last week's digests for every user as a manager (PRODUCT.md: the digest
    for 200 managers), each following one or two opgaven as managers do:
    queued, then rolled back."""
    with app.app_context():
        themes = list(db.session.scalars(select(Theme.id).order_by(Theme.number)))
        users = list(db.session.scalars(select(User.id)))
        db.session.execute(update(User).values(role=Role.MANAGER, wants_digest=True))
        db.session.execute(delete(user_themes))
        db.session.execute(insert(user_themes), [
            {"user_id": user_id, "theme_id": themes[(user_id + step) % len(themes)]}
            for user_id in users for step in range(1 + user_id % 2)])
        recipients = len(digests.recipients())
        with counter.measuring() as run:
            queued = digests.enqueue_week(Week.last_finished(neglect.today()))
        db.session.rollback()
    return {**run, "recipients": recipients, "queued": queued}


def bench(path: Path, repeats: int, budget: float, with_jobs: bool, only: str | None = None) -> dict:
    app = make_app(path)
    with app.app_context():
        counter = SQLCounter(db.engine)
        counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in
                  (("users", User), ("organisations", Organisation), ("contacts", Contact))}
        from tracker.interactions.models import Interaction

        counts["interactions"] = db.session.scalar(select(func.count()).select_from(Interaction))
    print(f"Benchmarking {path.name}: {counts}", flush=True)
    result = {"database": str(path), "counts": counts}
    result["scan"] = measure_scan(app, counter)
    print(f"  neglect scan {result['scan']['first']['seconds']:.2f} s", flush=True)
    result["pages"], result["skipped"] = measure_pages(app, counter, repeats, budget, only)
    if only:
        return result
    result["post"] = measure_post(app, counter, repeats, budget)
    if with_jobs:
        result["digests"] = measure_digests(app, counter)
        print(f"  digests {result['digests']['seconds']:.2f} s", flush=True)
    with app.app_context():
        db.engine.dispose()
    return result


def table(large: dict, small: dict) -> tuple[str, list[str]]:
    """The printed table and the list of misses."""
    misses = []
    header = (f"{'page':<46} {'role':<10} {'p50':>7} {'p95':>7} {'cpu95':>6} {'p95@S':>7} "
              f"{'queries':>7} {'@S':>4} {'sql%':>5}  target")
    lines = [header, "-" * len(header)]
    rows = list(large["pages"].items()) + ([("POST", large["post"])] if "post" in large else [])
    smalls = {**small["pages"], **({"POST": small["post"]} if "post" in small else {})}
    for endpoint, figures in rows:
        other = smalls.get(endpoint, {})
        marks = []
        if figures["kind"] in ("page", "post") and figures["p95_ms"] > PAGE_P95_MS:
            marks.append(f"MISS p95>{PAGE_P95_MS}ms")
        if other and figures["queries"] > other["queries"]:
            marks.append("MISS queries grow")
        if figures["kind"] in ("download", "api"):
            marks.append(f"{figures['kind']} (no page target)")
        if any(mark.startswith("MISS") for mark in marks):
            misses.append(f"{figures['path']}: {', '.join(marks)}")
        lines.append(f"{figures['path'][:46]:<46} {figures['role']:<10} {figures['p50_ms']:>7.1f} "
                     f"{figures['p95_ms']:>7.1f} {figures['cpu_p95_ms']:>6.0f} {other.get('p95_ms', float('nan')):>7.1f} "
                     f"{figures['queries']:>7} {other.get('queries', '-'):>4} {figures['sql_share'] * 100:>4.0f}%  "
                     f"{', '.join(marks) or 'ok'}")
    scan = large["scan"]
    for name in ("first", "again"):
        seconds = scan[name]["seconds"]
        mark = "ok" if seconds < SCAN_S else f"MISS >{SCAN_S}s"
        if mark != "ok":
            misses.append(f"neglect scan ({name}): {seconds:.2f} s")
        lines.append(f"{'neglect scan (' + name + ')':<46} {'job':<10} {seconds:>14.2f} s  "
                     f"{scan[name]['queries']:>16} queries, {scan[name]['raised']} raised  {mark}")
    digest = large.get("digests")
    mark = "ok" if digest is None or digest["seconds"] < DIGESTS_S else f"MISS >{DIGESTS_S}s"
    if mark != "ok":
        misses.append(f"digests: {digest['seconds']:.2f} s")
    if digest is not None:
        lines.append(f"{'digests for ' + str(digest['recipients']) + ' managers':<46} {'job':<10} "
                     f"{digest['seconds']:>14.2f} s  {digest['queries']:>16} queries  {mark}")
    if large["skipped"]:
        lines.append("")
        lines.append("Not measured: " + "; ".join(f"{item['route']} ({item['why']})" for item in large["skipped"]))
    return "\n".join(lines), misses


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=250_000)
    parser.add_argument("--small", type=int, default=10_000, help="contactmomenten in the comparison database")
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=1_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="measured requests per page")
    parser.add_argument("--budget", type=float, default=6.0, help="seconds per page before repeats are cut short")
    parser.add_argument("--folder", type=Path, default=ROOT / "instance" / "bench")
    parser.add_argument("--reuse", action="store_true",
                        help="keep databases built by an earlier run (migrated to the newest schema)")
    parser.add_argument("--only", metavar="PATTERN",
                        help="measure only the pages whose path or endpoint matches this regular expression "
                             "(no POST, no digests)")
    args = parser.parse_args(argv)

    sizes = {"contacts": args.contacts, "organisations": args.organisations, "users": args.users}
    results = {"targets": {"page_p95_ms": PAGE_P95_MS, "scan_s": SCAN_S, "digests_s": DIGESTS_S}}
    for name, interactions in (("small", args.small), ("large", args.interactions)):
        path = args.folder / f"bench-{interactions}.sqlite"
        started = time.perf_counter()
        build(path, {**sizes, "interactions": interactions}, args.seed, args.reuse)
        results[name] = {"build_seconds": round(time.perf_counter() - started, 1),
                         **bench(path, args.repeats, args.budget, with_jobs=name == "large", only=args.only)}
    text, misses = table(results["large"], results["small"])
    results["misses"] = misses
    # A partial run (--only) leaves the full run's results in place.
    output = args.folder / ("results-only.json" if args.only else "results.json")
    output.write_text(json.dumps(results, indent=2, default=str))
    print()
    print(text)
    print()
    print(f"{len(misses)} target(s) missed." if misses else "Every target met.")
    print(f"Written to {output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
