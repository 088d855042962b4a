"""The load test behind `make loadtest`: gunicorn with 4 workers on loopback,
SCHEDULER_ENABLED=false, and 50 simulated colleagues (bench/locustfile.py)
browsing and logging contacts for 60 seconds; first on SQLite, then on
PostgreSQL (a fresh database on the local server, LOADTEST_DATABASE_URL).

Each database is made from scratch: migrations, the strategy seed and
moderate demo data. Prints requests per second, p95 and failures per
engine, and fails when any request failed or the server log says
"database is locked". Logs and locust's CSV files go to instance/loadtest/.

    .venv/bin/python bench/loadtest.py [--users 50] [--seconds 60] [--engine sqlite --engine postgresql]
"""

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FOLDER = ROOT / "instance" / "loadtest"
POSTGRESQL = os.environ.get("LOADTEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/lobbytracker_load")
DEMO = ["--interactions", "20000", "--contacts", "2000", "--organisations", "300", "--users", "120", "--seed", "7"]


def flask(url: str, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "tracker", *args], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "DATABASE_URL": url, "SCHEDULER_ENABLED": "false"})
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def fresh_sqlite() -> str:
    path = FOLDER / "lobbytracker.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgresql() -> str | None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRESQL)
    server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.database)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(url.database)))
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: cannot reach {url.render_as_string()} ({error})")
        return None
    return POSTGRESQL


def prepare(url: str) -> Path:
    """Migrates, seeds and fills the database; writes the accounts and ids the
    simulated users need, and returns that file."""
    flask(url, "db", "upgrade")
    flask(url, "seed")
    print("  " + flask(url, "demo-data", *DEMO).splitlines()[-1])
    code = (
        "import json\n"
        "from sqlalchemy import select\n"
        "from tracker import create_app\n"
        "from tracker.auth.models import Role, User\n"
        "from tracker.demo.service import DEMO_PASSWORD\n"
        "from tracker.extensions import db\n"
        "from tracker.interactions.models import Interaction\n"
        "from tracker.relations.models import Contact, Organisation\n"
        "from tracker.strategy.models import Priority\n"
        "with create_app().app_context():\n"
        "    ids = lambda model: list(db.session.scalars(select(model.id).order_by(model.id)))\n"
        "    accounts = list(db.session.scalars(select(User.email).where(\n"
        "        User.email.like('demo%'), User.role.in_([Role.EMPLOYEE, Role.MANAGER])).order_by(User.id)))\n"
        "    print(json.dumps({'password': DEMO_PASSWORD, 'accounts': accounts,\n"
        "                      'organisations': ids(Organisation)[-200:], 'contacts': ids(Contact)[-500:],\n"
        "                      'interactions': list(db.session.scalars(select(Interaction.id).where(\n"
        "                          Interaction.confidential.is_(False)).order_by(Interaction.id.desc()).limit(2000))),\n"
        "                      'priorities': ids(Priority)}))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={**os.environ, "DATABASE_URL": url, "SCHEDULER_ENABLED": "false"})
    data = FOLDER / "data.json"
    data.write_text(result.stdout)
    return data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting; see its log")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def aggregated(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {"requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
            "requests_per_second": round(float(total["Requests/s"]), 1), "p95_ms": float(total["95%"]),
            "p50_ms": float(total["50%"]),
            "per_request": {row["Name"]: {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                          "p95_ms": float(row["95%"])} for row in rows if row["Name"] != "Aggregated"}}


def run(engine: str, url: str, users: int, seconds: int) -> dict:
    print(f"{engine}: preparing {url}")
    data = prepare(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = FOLDER / f"gunicorn-{engine}.log"
    log.unlink(missing_ok=True)
    environment = {**os.environ, "DATABASE_URL": url, "SCHEDULER_ENABLED": "false",
                   "SECRET_KEY": "loadtest-secret-key-not-for-production"}
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
                               "--error-logfile", str(log), "--capture-output", "--graceful-timeout", "10", "tracker:create_app()"],
                              cwd=ROOT, env=environment)
    try:
        wait_healthy(base, server)
        prefix = FOLDER / engine
        print(f"{engine}: {users} users for {seconds} s against gunicorn (4 workers) on {base}")
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "--users", str(users), "--spawn-rate", str(max(users // 10, 1)), "--run-time", f"{seconds}s",
                        "--host", base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
                        "--exit-code-on-error", "0"],
                       cwd=ROOT, env={**os.environ, "LOADTEST_DATA": str(data)}, check=True,
                       stdout=subprocess.DEVNULL)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    text = log.read_text(errors="replace")
    result = aggregated(prefix)
    result.update(engine=engine, locked=text.count("database is locked"), tracebacks=text.count("Traceback"),
                  log=str(log))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--engine", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    FOLDER.mkdir(parents=True, exist_ok=True)

    results = []
    for engine in args.engine or ["sqlite", "postgresql"]:
        url = fresh_sqlite() if engine == "sqlite" else fresh_postgresql()
        if url:
            results.append(run(engine, url, args.users, args.seconds))
    (FOLDER / "results.json").write_text(json.dumps(results, indent=2))

    print()
    print(f"{'engine':<11} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'failures':>8} {'locked':>6}")
    for result in results:
        print(f"{result['engine']:<11} {result['requests']:>8} {result['requests_per_second']:>7} "
              f"{result['p50_ms']:>7.0f} {result['p95_ms']:>7.0f} {result['failures']:>8} {result['locked']:>6}")
    bad = [result for result in results if result["failures"] or result["locked"] or result["tracebacks"]]
    for result in bad:
        print(f"{result['engine']}: {result['failures']} failed request(s), {result['locked']} 'database is locked', "
              f"{result['tracebacks']} traceback(s) in {result['log']}")
    print(f"Details in {FOLDER / 'results.json'}.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
