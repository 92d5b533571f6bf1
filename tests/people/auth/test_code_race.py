"""Races: a one-time code is accepted once, and parallel guesses stay within the failure limit."""
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


def test_parallel_guesses_do_not_get_past_the_failure_limit(app, factory, backend):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: parallel sign-ins are a PostgreSQL matter")
    from sqlalchemy import func, select

    from caseflow.audit.models import AuditEntry
    from caseflow.extensions import db

    user = factory.user("teacher")
    barrier = threading.Barrier(12)

    def guess(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        sign_in(client, user.username, f"wrong password {n}", "000000", address="10.2.0.1")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        checked = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "auth.sign_in_failed"))
        refused = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "auth.sign_in_throttled"))
    assert checked <= app.config["THROTTLE_ACCOUNT_ADDRESS"], "each checked guess is one within the limit"
    assert checked + refused == 12
