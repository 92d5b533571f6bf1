"""The audit trail and the request's transaction: denials survive a rollback, concurrent writers
keep one chain, and a failed audit write fails the whole request."""
from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

from flask import url_for
from sqlalchemy import func, select

from caseflow.audit import services as audit
from caseflow.audit.models import AuditEntry, AuditHead
from caseflow.audit.verify import verify_chain
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.people.auth.models import UserSession
from caseflow.people.models import User
from tests.factories import totp_code


def test_a_denied_request_leaves_an_access_denied_entry_although_it_rolls_back(app, client, factory, trail):
    school = factory.institution()
    teacher = factory.user("teacher", school.id, locale="en")
    factory.login(client, teacher)
    stale = utcnow() - timedelta(minutes=5)
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == teacher.id))
        row.last_seen_at = stale  # the next request touches the session: a change of its own
        db.session.commit()
    with app.test_request_context():
        admin_page = url_for("admin.index")

    response = client.get(admin_page)

    assert response.status_code == 403
    (entry,) = trail.entries()
    assert entry.action == "access.denied"
    assert (entry.user_id, entry.username, entry.role, entry.institution_id) == (
        teacher.id, teacher.username, "teacher", school.id)
    assert json.loads(entry.detail) == {"permission": "admin.manage", "endpoint": "admin.index"}
    assert entry.ip == "127.0.0.1"
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == teacher.id))
        assert abs(row.last_seen_at - stale) < timedelta(seconds=1), "the request's own change was kept"
        assert verify_chain().ok


def test_concurrent_writers_keep_one_valid_chain(app, factory, trail, runner):
    writers, commits = 4, 25
    users = [factory.user() for _ in range(writers)]
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def work(user_id: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                for i in range(commits):
                    account = db.session.get(User, user_id)
                    account.full_name = f"Writer {user_id} change {i}"
                    audit.record("test.concurrent", object_type="User", object_id=user_id, detail={"i": i})
                    db.session.commit()
        except BaseException as exc:  # noqa: BLE001 — reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(u.id,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert failures == []

    entries = trail.entries()
    assert [e.seq for e in entries] == list(range(1, writers * commits + 1))
    for user in users:
        mine = [json.loads(e.detail)["i"] for e in entries if e.object_id == user.id]
        assert mine == list(range(commits)), "each writer's entries are in its commit order"
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        assert head.seq == writers * commits
        for user in users:
            assert db.session.get(User, user.id).full_name == f"Writer {user.id} change {commits - 1}"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{writers * commits} entries verified" in result.output


def _sign_in(client, user, code=None):
    return client.post("/sign-in", data={"username": user.username, "password": user.password,
                                         "code": code or totp_code(user.totp_secret)})


def _assert_generic_error_page(response, status=500):
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert re.search(r"<code>[0-9a-f]{16}</code>", body), "the page shows a reference"
    assert "Traceback" not in body
    assert "audit store is down" not in body
    assert "RuntimeError" not in body


def _break_audit_writes(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("audit store is down")

    monkeypatch.setattr("caseflow.audit.services.entry_hash", refuse)


def test_an_audit_write_failure_fails_a_sign_in_and_saves_nothing(app, client, factory, trail, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the exception
    user = factory.user("social_pedagogue", locale="en")
    _break_audit_writes(monkeypatch)

    response = _sign_in(client, user)

    _assert_generic_error_page(response)
    with app.app_context():
        account = db.session.get(User, user.id)
        assert account.last_sign_in_at is None
        assert account.totp_last_counter is None, "the spent one-time code was not saved"
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert trail.count() == 0

    monkeypatch.undo()
    assert _sign_in(client, user).status_code == 302, "the same code works once the trail works"
    assert [e.action for e in trail.entries()] == ["auth.sign_in"]


def test_an_audit_write_failure_fails_a_sign_out_and_saves_nothing(app, client, factory, trail, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = factory.user("social_pedagogue", locale="en")
    factory.login(client, user)
    _break_audit_writes(monkeypatch)

    response = client.post("/sign-out")

    _assert_generic_error_page(response)
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert row.ended_at is None and row.end_reason is None
    assert trail.count() == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
