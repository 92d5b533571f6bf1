"""Fixtures for the several-processes tests: a real Redis for the rate limits, a port where none is."""
from __future__ import annotations

import os
import socket
import uuid

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    """A loopback port nothing listens on (just released by the operating system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def shared_limits():
    """Settings that put the rate limits in the real Redis under a key prefix of this test only;
    the test's keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis not reachable at {REDIS_URL} — Redis tests are required under CI=true")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    prefix = f"caseflow-test-{uuid.uuid4().hex[:12]}"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def dead_limits():
    """Settings that point the rate limits at a Redis that is not there."""
    return {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}
