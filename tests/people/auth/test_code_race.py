"""A one-time code is accepted once, even when several requests carry it at the same moment."""
from __future__ import annotations

import threading

import pytest

from tests.factories import totp_code
from tests.people.auth.helpers import sign_in


def test_parallel_sign_ins_with_one_code_open_one_session(app, factory, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: parallel sign-ins are a PostgreSQL matter")
    user = factory.user("teacher")
    code = totp_code(user.totp_secret)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def attempt(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(sign_in(client, user.username, user.password, code,
                                address=f"10.1.0.{n}").status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * 5 + [302]
