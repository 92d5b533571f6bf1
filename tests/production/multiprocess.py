"""Fixtures of the several-processes tests: a migrated scratch PostgreSQL database with a web role
under row security, two gunicorn processes and two workers on it, an SMTP server, shared Redis.
Module-scoped: the processes start once per test module and always stop, also when a test fails."""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import uuid
from types import SimpleNamespace

import psycopg
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import make_url

from caseflow import create_app
from caseflow.crypto.keyring import new_key_document
from caseflow.extensions import db
from tests.conftest import PG_ADMIN_URL, _pg_available
from tests.notify.smtp import Sink, free_port
from tests.production.stack import (
    REDIS_URL,
    Processes,
    answers_health,
    flask_command,
    gunicorn_command,
    redis_problem,
    require,
    run,
    wait_until,
)

#: outbox messages queued before the workers start (each takes the SMTP server SEND_DELAY to accept)
BATCH = 40
SEND_DELAY = 0.1
#: sign-in forms a client address may send per minute (the tests send X-Forwarded-For, as nginx would)
SIGN_IN_LIMIT = 8


class SlowSink(Sink):
    """An SMTP sink that takes a moment per message, so two workers are busy at the same time."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        await asyncio.sleep(SEND_DELAY)
        return await super().handle_DATA(server, session, envelope)


def _require_services() -> None:
    require(_pg_available() or redis_problem(), "the production tests")


def _production_env(owner_url: str, keys: dict, folder, smtp_port: int, run_id: str) -> dict[str, str]:
    """The environment of every production process: settings and secrets from CASEFLOW_* variables."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASEFLOW_")}
    env.update({
        "CASEFLOW_CONFIG": str(folder / "no-instance-file.toml"),
        "CASEFLOW_ENV_MODE": "production",
        "CASEFLOW_SECRET_KEY": "s-" + secrets.token_urlsafe(40),
        "CASEFLOW_MASTER_KEYS": f"1:{keys['master_keys']['1']}",
        "CASEFLOW_BLIND_INDEX_KEY": keys["blind_index_key"],
        "CASEFLOW_AUDIT_KEY": keys["audit_key"],
        "CASEFLOW_DATABASE_URL": owner_url,
        "CASEFLOW_MAIL_TRANSPORT": "smtp",
        "CASEFLOW_SMTP_PORT": str(smtp_port),
        "CASEFLOW_MAIL_DIR": str(folder / "mail"),
        "CASEFLOW_WORKER_POLL_SECONDS": "0.2",
        "CASEFLOW_RATELIMIT_STORAGE_URI": REDIS_URL,
        "CASEFLOW_RATELIMIT_KEY_PREFIX": f"caseflow-test-{run_id}",
        "CASEFLOW_RATELIMIT_SIGN_IN": f"{SIGN_IN_LIMIT} per minute",
        "CASEFLOW_TRUSTED_PROXY_COUNT": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture(scope="module", params=["postgresql"])
def production(request, tmp_path_factory):
    """A migrated database, its web role, the production environment and a seeded world (PostgreSQL
    only; the parameter keeps `-k postgresql` / `-k sqlite` selections meaningful)."""
    _require_services()
    run_id = uuid.uuid4().hex[:8]
    name, role = f"caseflow_prod_{run_id}", f"caseflow_web_{run_id}"
    folder = tmp_path_factory.mktemp("production")
    owner = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    owner_url = owner.render_as_string(hide_password=False)
    web_url = owner.set(username=role, password=None).render_as_string(hide_password=False)
    keys = new_key_document()
    key_file = folder / "keys.json"
    key_file.write_text(json.dumps(keys))
    smtp_port = free_port()
    env = _production_env(owner_url, keys, folder, smtp_port, run_id)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    seed = None
    try:
        run(flask_command("db", "upgrade"), env)
        run(flask_command("db", "grant-web-role", role), env)
        seed = create_app({"DATABASE_URL": owner_url, "INSTANCE_PATH": str(folder / "instance"),
                           "KEY_FILE": str(key_file), "SMTP_PORT": 1}, testing=True)
        yield SimpleNamespace(env=env, web_url=web_url, owner_url=owner_url, folder=folder, app=seed,
                              smtp_port=smtp_port, run_id=run_id, world=_seed(seed))
    finally:
        if seed is not None:
            with seed.app_context():
                db.session.remove()
                db.engine.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def _seed(app) -> SimpleNamespace:
    """A municipality, a school and people with a second factor (each test signs in as its own)."""
    from tests.factories import Factory

    make = Factory(app)
    municipality = make.municipality("Kalnu novads")
    school = make.institution(municipality.id, name="Kalnu pamatskola")
    people = {purpose: make.user("social_pedagogue", school.id, locale="lv") for purpose in ("walker", "target")}
    return SimpleNamespace(municipality=municipality, school=school, **people)


@pytest.fixture(scope="module")
def smtp_sink(production):
    """The SMTP server the workers deliver to."""
    sink = SlowSink(production.smtp_port)
    controller = Controller(sink, hostname="127.0.0.1", port=production.smtp_port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def processes(production):
    """The started processes of this module; all stopped at its end."""
    started = Processes(production.folder)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def web(production, processes):
    """Two gunicorn processes connected as the web role; `web.a`, `web.b` are their ports."""
    env = dict(production.env, CASEFLOW_DATABASE_URL=production.web_url)
    ports = [free_port(), free_port()]
    for label, port in zip("ab", ports, strict=True):
        processes.start(f"gunicorn-{label}", gunicorn_command(port), env)
    for port in ports:
        wait_until(lambda port=port: answers_health(port), seconds=45, what=f"gunicorn on {port}",
                   logs=processes.logs)
    return SimpleNamespace(a=ports[0], b=ports[1], logs=processes.logs)


@pytest.fixture(scope="module")
def workers(production, processes, smtp_sink):
    """BATCH outbox messages queued, then two workers started at the same moment (as the owner),
    each with its own sender name so the test can tell who delivered what."""
    from caseflow.notify.services import queue_email

    run_tag = production.run_id
    with production.app.app_context():
        for n in range(BATCH):
            queue_email(to=f"vecaks{n}@example.lv", subject=f"Sēde {run_tag} #{n}", body=f"Sveiki, {n}!")
        db.session.commit()
    started = [processes.start(f"worker-{label}", flask_command("worker"),
                               dict(production.env, CASEFLOW_MAIL_FROM=f"worker-{label} <caseflow@example.lv>"))
               for label in "ab"]
    return SimpleNamespace(processes=started, subjects={f"Sēde {run_tag} #{n}" for n in range(BATCH)},
                           sink=smtp_sink, logs=processes.logs)
