"""The HTTP benchmark's world: a PostgreSQL database with generated data, the row-security web role, the
monitoring plan, gunicorn in production mode, and the accounts and ids the pages are measured with."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "instance" / "bench"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
PG = "postgresql://{user}@127.0.0.1:5432/{name}"
WEB_ROLE = "caseflow_bench_web"


def owner_url(name: str) -> str:
    """The owner's (migrations, generator, CLI) connection string."""
    return PG.format(user="postgres", name=name)


def web_url(name: str) -> str:
    """The row-security web role's connection string (what gunicorn uses)."""
    return PG.format(user=WEB_ROLE, name=name)


def key_file(name: str) -> Path:
    """The database's key file: generated once, kept beside it for later runs (never in git)."""
    path = WORK / f"{name}.keys.json"
    if not path.exists():
        from caseflow.crypto.keyring import new_key_document

        WORK.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(new_key_document(), handle)
    return path


def owner_env(name: str) -> dict[str, str]:
    """Environment of the owner's CLI commands."""
    return {**os.environ, "CASEFLOW_DATABASE_URL": "postgresql+psycopg" + owner_url(name)[10:],
            "CASEFLOW_KEY_FILE": str(key_file(name))}


def flask(name: str, *args: str, capture: bool = False, check: bool = True) -> str:
    """Run a `flask` command as the owner; fail loudly unless told not to."""
    done = subprocess.run([*FLASK, *args], cwd=ROOT, env=owner_env(name), text=True,
                          stdout=subprocess.PIPE if capture else None, check=check)
    return done.stdout or ""


def _holds_data(name: str) -> bool:
    with psycopg.connect(owner_url("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            return False
    with psycopg.connect(owner_url(name)) as conn:
        exists = conn.execute("SELECT to_regclass('public.pupils') IS NOT NULL").fetchone()[0]
        return bool(exists and conn.execute("SELECT EXISTS (SELECT 1 FROM pupils)").fetchone()[0])


def prepare_database(name: str, *, scale: float, reuse: bool, today: str) -> float:
    """Create, migrate and fill the database (or reuse a filled one); return the generation seconds."""
    held = _holds_data(name)
    if held and not reuse:
        raise SystemExit(f"{name} already holds data: pass --reuse to measure it, or name another --database")
    flask(name, "db", "upgrade")
    took = 0.0
    if not held:
        started = time.perf_counter()
        flask(name, "demo", "generate", "--scale", str(scale), "--seed", "2026", "--today", today)
        took = time.perf_counter() - started
    flask(name, "db", "grant-web-role", WEB_ROLE)
    _load_monitoring_plan(name, today)
    _analyse(name)
    return took


def _analyse(name: str) -> None:
    """VACUUM ANALYZE tables that never had statistics: production's autovacuum would have made them, but the
    generator writes everything in one transaction and a test cluster may run without autovacuum."""
    with psycopg.connect(owner_url(name), autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE n_live_tup > 0 AND last_analyze IS NULL "
            "AND last_autoanalyze IS NULL")]
        for table in tables:
            conn.execute(f'VACUUM (ANALYZE) "{table}"')


def _load_monitoring_plan(name: str, today: str) -> None:
    """The generated municipality gets the demo's monitoring plan (its figures computed from the data)."""
    with psycopg.connect(owner_url(name)) as conn:
        row = conn.execute("SELECT m.id FROM municipalities m WHERE m.code = 'gen1' AND NOT EXISTS "
                           "(SELECT 1 FROM monitoring_indicators i WHERE i.municipality_id = m.id)").fetchone()
    if row is None:
        return
    os.environ.update({k: v for k, v in owner_env(name).items() if k.startswith("CASEFLOW_")})
    from datetime import date

    from caseflow import create_app
    from caseflow.demo.monitoring import DEMO_PLAN, _report_month
    from caseflow.extensions import db
    from caseflow.monitoring.computing import recompute_indicators
    from caseflow.monitoring.fixtures import load_into, load_profile

    app = create_app()
    with app.app_context():
        profile = load_profile("ezerkrasti", DEMO_PLAN)
        load_into(row[0], profile)
        _report_month(row[0], profile)
        recompute_indicators(row[0], today=date.fromisoformat(today))
        db.session.commit()
        db.engine.dispose()


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn -w 2 in production mode, connected as the web role, rate limits in Redis."""

    def __init__(self, name: str, capture_dir: Path, *, per_user_limit: str | None, log: Path):
        self.port = free_port()
        env = {**os.environ, "CASEFLOW_ENV_MODE": "production", "CASEFLOW_SECRET_KEY": secrets.token_urlsafe(48),
               "CASEFLOW_KEY_FILE": str(key_file(name)),
               "CASEFLOW_DATABASE_URL": "postgresql+psycopg" + web_url(name)[10:],
               "CASEFLOW_BASE_URL": f"http://127.0.0.1:{self.port}",
               "CASEFLOW_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
               "CASEFLOW_RATELIMIT_KEY_PREFIX": f"caseflow-bench-{self.port}",
               # one reverse proxy in front, as in production: each simulated person has an address
               "CASEFLOW_TRUSTED_PROXY_COUNT": "1",
               "BENCH_CAPTURE_DIR": str(capture_dir)}
        if per_user_limit:
            env["CASEFLOW_RATELIMIT_DEFAULT"] = per_user_limit
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
             "-c", str(ROOT / "bench" / "gunicorn_conf.py"), "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                break
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {log}")

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def one(conn, sql: str, *args):
    """The first row of a query, or fail naming it."""
    row = conn.execute(sql, args).fetchone()
    if row is None:
        raise SystemExit(f"the generated data has no row for: {sql}")
    return row


def pick_world(name: str) -> dict:
    """The accounts and ids the pages are measured with: the busiest school, a long agenda, a busy queue."""
    with psycopg.connect(owner_url(name)) as conn:
        school, open_cases = one(conn, "SELECT school_id, count(*) FROM cases WHERE closed_on IS NULL "
                                       "GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        pedagogue = one(conn, "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id WHERE "
                              "m.role = 'social_pedagogue' AND m.institution_id = %s ORDER BY u.id LIMIT 1", school)[0]
        case = one(conn, "SELECT c.id FROM cases c LEFT JOIN notes n ON n.case_id = c.id WHERE c.school_id = %s "
                         "AND c.closed_on IS NULL GROUP BY c.id ORDER BY count(n.id) DESC, c.id LIMIT 1", school)[0]
        bare = one(conn, "SELECT c.id FROM cases c LEFT JOIN notes n ON n.case_id = c.id WHERE c.school_id = %s "
                         "AND c.closed_on IS NULL AND NOT EXISTS (SELECT 1 FROM support_plans p WHERE p.case_id = c.id)"
                         " GROUP BY c.id ORDER BY count(n.id) DESC, c.id LIMIT 1", school)[0]
        prefix = one(conn, "SELECT left(p.last_name, 3) FROM enrolments e JOIN pupils p ON p.id = e.pupil_id "
                           "WHERE e.school_id = %s AND e.end_date IS NULL GROUP BY 1 ORDER BY count(*) DESC "
                           "LIMIT 1", school)[0]
        session, items = one(conn, "SELECT session_id, count(*) FROM agenda_items GROUP BY 1 "
                                   "ORDER BY abs(count(*) - 30), session_id DESC LIMIT 1")
        coordinator = one(conn, "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id "
                                "WHERE m.role = 'coordinator' ORDER BY u.id LIMIT 1")[0]
        analyst = one(conn, "SELECT u.username FROM memberships m JOIN users u ON u.id = m.user_id "
                            "JOIN institutions i ON i.id = m.institution_id JOIN municipalities t ON "
                            "t.id = i.municipality_id WHERE m.role = 'analyst' AND t.code = 'gen1' "
                            "ORDER BY u.id LIMIT 1")[0]
        officer, queue = one(conn, "SELECT u.username, count(*) FROM actions a JOIN memberships m ON "
                                   "m.institution_id = a.institution_id JOIN users u ON u.id = m.user_id WHERE "
                                   "a.status IN ('new', 'accepted', 'in_progress') AND m.role IN ('municipal_police',"
                                   " 'state_police', 'social_worker') GROUP BY u.username ORDER BY 2 DESC, 1 LIMIT 1")
        registration = one(conn, "SELECT registration_number FROM institutions WHERE id = %s", school)[0]
        generated = conn.execute("SELECT detail FROM audit_log WHERE action = 'demo.generated' "
                                 "ORDER BY seq DESC LIMIT 1").fetchone()
        scale = json.loads(generated[0]).get("scale") if generated else None
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("pupils", "cases", "actions", "agenda_items", "notes", "audit_log")}
    return {"school_id": school, "school_open_cases": open_cases, "pedagogue": pedagogue, "case_id": case, "case_without_plan": bare,
            "name_prefix": prefix, "session_id": session, "agenda_items": items, "coordinator": coordinator,
            "analyst": analyst, "officer": officer, "officer_open_actions": queue,
            "school_registration": registration, "rows": counts, "generated_scale": scale}


def school_pupils(name: str, school_id: int, count: int) -> list[tuple[str, str]]:
    """Personal codes and classes of a few of the school's current pupils (decrypted as the owner)."""
    from caseflow import create_app
    from caseflow.crypto import unseal
    from caseflow.extensions import db
    from caseflow.pupils.models import Enrolment, Pupil

    os.environ.update({k: v for k, v in owner_env(name).items() if k.startswith("CASEFLOW_")})
    app = create_app()
    with app.app_context():
        rows = db.session.execute(db.select(Pupil, Enrolment.class_name).join(
            Enrolment, Enrolment.pupil_id == Pupil.id).where(
            Enrolment.school_id == school_id, Enrolment.end_date.is_(None)).order_by(Pupil.id).limit(count)).all()
        found = [(unseal(pupil, "personal_code"), class_name) for pupil, class_name in rows]
        db.session.remove()
        db.engine.dispose()
    return found
