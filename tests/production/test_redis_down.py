"""Redis going away makes sign-in fail closed: "try again" (503), no session, a reason in the audit
trail and the log; /health keeps answering; once Redis is back, sign-in works again."""
from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from tests.factories import totp_code
from tests.notify.smtp import free_port
from tests.people.auth.helpers import session_rows, sid

TRY_AGAIN_LV = "Pakalpojums īslaicīgi nav pieejams. Nekas netika saglabāts; mēģiniet vēlreiz."


def _sign_in(client, user):
    return client.post("/sign-in", data={"username": user.username, "password": user.password,
                                         "code": totp_code(user.totp_secret)})


def _audit_actions(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(e.action, json.loads(e.detail)) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_sign_in_fails_closed_when_the_limit_storage_is_unreachable(app_factory, factory, dead_limits, caplog):
    app = app_factory(dead_limits)
    user = factory.user("social_pedagogue")
    client = app.test_client()

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="caseflow.errors"):
        answer = _sign_in(client, user)
    assert time.monotonic() - started < 1.0
    assert answer.status_code == 503
    assert TRY_AGAIN_LV in answer.text
    assert session_rows(app, user.id) == [] and sid(client) is None
    assert ("auth.refused_limiter_down", {"endpoint": "auth.sign_in", "error": "ConnectionError"}) in \
        _audit_actions(app)
    assert any("rate-limit storage unreachable" in r.getMessage() and "auth.sign_in" in r.getMessage()
               for r in caplog.records)

    # a password-reset request is refused the same way and sends nothing
    forgot = client.post("/password/forgot", data={"email": user.email})
    assert forgot.status_code == 503 and TRY_AGAIN_LV in forgot.text
    # the health check still answers; the sign-in form shows, only sending it is refused
    assert client.get("/health").status_code == 200 and client.get("/health").json == {"status": "ok"}
    assert client.get("/sign-in").status_code == 200


def test_a_signed_in_user_keeps_working_while_redis_is_away(app_factory, factory, dead_limits, caplog):
    app = app_factory(dead_limits)
    user = factory.user("social_pedagogue")
    client = app.test_client()
    factory.login(client, user)
    answer = client.get("/")
    assert answer.status_code == 200
    assert any("rate limit" in r.getMessage().lower() for r in caplog.records)


@pytest.fixture
def own_redis():
    """A redis-server of this test on a free port, which the test may stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    servers: list[subprocess.Popen] = []

    def start() -> None:
        servers.append(subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        probe = redis.Redis(port=port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                probe.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        server = servers[-1]
        server.terminate()
        server.wait(timeout=10)

    start()
    yield type("OwnRedis", (), {"url": f"redis://127.0.0.1:{port}/0", "start": staticmethod(start),
                                "stop": staticmethod(stop)})
    for server in servers:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


def test_redis_stopping_mid_run_closes_sign_in_and_its_return_opens_it(app_factory, factory, own_redis):
    app = app_factory({"RATELIMIT_STORAGE_URI": own_redis.url})
    user, other = factory.user("teacher"), factory.user("teacher")
    assert _sign_in(app.test_client(), user).status_code == 302

    own_redis.stop()
    refused_browser = app.test_client()
    started = time.monotonic()
    refused = _sign_in(refused_browser, other)
    assert time.monotonic() - started < 1.0
    assert refused.status_code == 503 and TRY_AGAIN_LV in refused.text
    assert session_rows(app, other.id) == [] and sid(refused_browser) is None

    own_redis.start()
    assert _sign_in(app.test_client(), other).status_code == 302
    assert len(session_rows(app, other.id)) == 1


def test_a_redis_that_hangs_is_given_up_on_within_a_second(app_factory, factory):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app = app_factory({"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"})
        user = factory.user("teacher")
        client = app.test_client()
        started = time.monotonic()
        answer = _sign_in(client, user)
        assert time.monotonic() - started < 1.0
    assert answer.status_code == 503 and TRY_AGAIN_LV in answer.text
    assert session_rows(app, user.id) == [] and sid(client) is None
    assert ("auth.refused_limiter_down", {"endpoint": "auth.sign_in", "error": "TimeoutError"}) in \
        _audit_actions(app)
