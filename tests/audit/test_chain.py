"""The audit trail is a keyed hash chain: every entry links to the one before, and
`flask audit verify` names the first altered, deleted or reordered entry."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from caseflow.audit.models import GENESIS, AuditHead
from caseflow.audit.services import canonical, entry_fields, entry_hash
from caseflow.audit.verify import verify_chain
from caseflow.extensions import db


def _verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_every_entry_links_to_the_one_before(app, trail):
    trail.record(5)
    trail.record(3, per_commit=3)  # several entries sealed by one commit
    entries = trail.entries()
    assert [e.seq for e in entries] == list(range(1, 9))
    previous = GENESIS
    for entry in entries:
        assert entry.prev_hash == previous
        with app.app_context():
            assert entry.hash == entry_hash(entry, seq=entry.seq, prev_hash=previous)
            # keyed: a plain SHA-256 of the same fields (what an attacker could recompute) differs
            plain = hashlib.sha256(canonical(entry_fields(entry, seq=entry.seq, prev_hash=previous)))
            assert entry.hash != plain.hexdigest()
        previous = entry.hash
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        assert (head.seq, head.hash) == (8, previous)


def test_verify_passes_on_an_intact_chain(trail, runner):
    trail.record(6)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 6 entries verified" in result.output


def test_verify_passes_on_an_empty_trail(runner):
    result = _verify(runner)
    assert result.exit_code == 0
    assert "0 entries verified" in result.output


TAMPERING = {
    "altered": ["UPDATE audit_log SET detail = '{\"i\": 99}' WHERE seq = 5"],
    "deleted": ["DELETE FROM audit_log WHERE seq = 5"],
    "reordered": ["UPDATE audit_log SET seq = -5 WHERE seq = 5",
                  "UPDATE audit_log SET seq = 5 WHERE seq = 6",
                  "UPDATE audit_log SET seq = 6 WHERE seq = -5"],
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_verify_names_the_first_tampered_entry(kind, app, trail, runner):
    trail.record(10)
    trail.attack(*TAMPERING[kind])
    result = _verify(runner)
    assert result.exit_code == 1
    assert "AUDIT CHAIN BROKEN" in result.output
    assert "entry 5 " in result.output
    assert kind in result.output
    assert "(4 entries verified before it)" in result.output
    with app.app_context():
        verdict = verify_chain()
    assert (verdict.ok, verdict.seq, verdict.kind) == (False, 5, kind)


def test_altering_the_hash_too_is_still_detected(app, trail, runner):
    trail.record(6)
    fake = hashlib.sha256(b"forged").hexdigest()
    trail.attack(f"UPDATE audit_log SET username = 'someone.else', hash = '{fake}' WHERE seq = 3")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "entry 3 was altered" in result.output


def test_deleting_the_newest_entries_is_detected_through_the_head(app, trail, runner):
    trail.record(10)
    trail.attack("DELETE FROM audit_log WHERE seq > 8")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "entry 9 is missing (deleted)" in result.output
    assert "head says 10" in result.output


def test_deleting_the_head_is_detected(app, trail, runner):
    trail.record(3)
    trail.attack("DELETE FROM audit_head")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "chain head is missing" in result.output


def test_verify_ignores_entries_sealed_while_it_runs(app, trail):
    """A check on a busy system must not take a fresh commit for deleted entries."""
    trail.record(4)
    committed = []

    def commit_meanwhile(conn, cursor, statement, *args):
        if not committed and "FROM audit_log" in statement:
            committed.append(True)
            trail.record(2)  # another transaction commits while the walk is under way

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", commit_meanwhile)
        try:
            verdict = verify_chain()
        finally:
            event.remove(db.engine, "after_cursor_execute", commit_meanwhile)
    assert committed
    assert (verdict.ok, verdict.checked, verdict.problem) == (True, 4, None)
    assert trail.count() == 6


def _pg_only(backend):
    if backend != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'nothing.happened' WHERE seq = 2",
    "DELETE FROM audit_log WHERE seq = 2",
    "TRUNCATE audit_log",
])
def test_postgresql_refuses_to_change_the_trail(statement, backend, app, trail, runner):
    _pg_only(backend)
    trail.record(3)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert trail.count() == 3
    assert [e.action for e in trail.entries()] == ["test.event"] * 3
    assert _verify(runner).exit_code == 0


def test_entries_keep_their_detail_as_sorted_json(trail):
    trail.record(1, action="test.detail")
    (entry,) = trail.entries()
    assert json.loads(entry.detail) == {"i": 0}
    assert entry.detail == json.dumps({"i": 0}, sort_keys=True)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_head SET seq = seq - 1",
    "UPDATE audit_head SET hash = repeat('0', 64)",
    "DELETE FROM audit_head",
    "TRUNCATE audit_head",
])
def test_postgresql_refuses_to_rewind_the_head(statement, backend, app, trail, runner):
    _pg_only(backend)
    trail.record(3)
    with app.app_context():
        with pytest.raises(DBAPIError, match="only moves forward"), db.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    trail.record(1)  # sealing still moves the head forward
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "4 entries verified" in result.output
