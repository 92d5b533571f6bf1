"""A diagnostic plugin, not a test module: run other test folders with every request's transactions
switched to a web role under row security, to find pages whose reads the policies would hide.

    .venv/bin/python -m pytest -p tests.rls.harness tests/sharing -k postgresql

The shared test database gets the policies and a web role; each transaction of a dispatched request
(a test client's), or of a request context whose actor is already set, runs `SET LOCAL ROLE` to it
(the superuser may); elsewhere (factories, services called in a bare `test_request_context()` as the
CLI and the worker call them) the tests stay the owner, as those jobs run in production.
Expected difference: tests with an absolute statement budget see two more statements per transaction
(`SET LOCAL ROLE` and the key; in production only the key).
"""
from __future__ import annotations

import uuid

import psycopg
from flask import g, has_request_context, request_started
from sqlalchemy import event, text

import tests.conftest as shared
from caseflow.access import rls
from caseflow.extensions import db

ROLE = f"caseflow_web_h_{uuid.uuid4().hex[:6]}"
_create_schema = shared._create_schema


def _create_schema_with_policies(app) -> None:
    _create_schema(app)
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            rls.install_policies(conn)
            rls.grant_web_role(conn, ROLE)


def _dispatched(sender, **extra) -> None:
    g.rls_harness_request = True


def _as_web_role(session, transaction, connection) -> None:
    if connection.dialect.name == "postgresql" and has_request_context() and (
            g.get("rls_harness_request") or g.get("actor") is not None):
        connection.execute(text(f"SET LOCAL ROLE {ROLE}"))


shared._create_schema = _create_schema_with_policies
event.listen(db.session, "after_begin", _as_web_role)
request_started.connect(_dispatched)


def pytest_unconfigure(config):
    try:
        with psycopg.connect(shared.PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {ROLE}")
    except Exception:  # noqa: BLE001 — a diagnostic run leaves at most a login-less role behind
        pass
