"""Fixtures for the several-processes tests: a real Redis for the rate limits, a port where none is."""
from __future__ import annotations

import uuid

import pytest
import redis

from tests.notify.smtp import free_port
from tests.production.multiprocess import (  # noqa: F401 — the fixtures of test_processes.py
    processes,
    production,
    smtp_sink,
    web,
    workers,
)
from tests.production.stack import REDIS_URL, redis_problem, require


@pytest.fixture
def shared_limits():
    """Settings that put the rate limits in the real Redis under a key prefix of this test only;
    the test's keys are deleted afterwards."""
    require(redis_problem(), "Redis tests")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    prefix = f"caseflow-test-{uuid.uuid4().hex[:12]}"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def dead_limits():
    """Settings that point the rate limits at a Redis that is not there."""
    return {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}
