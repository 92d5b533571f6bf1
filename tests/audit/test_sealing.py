"""Sealing writes a commit's audit entries with one INSERT however many there are, and the chain
and its head are exactly what a row-by-row seal would have written."""
from __future__ import annotations

import json
from datetime import UTC

from caseflow.audit import services as audit
from caseflow.audit.models import GENESIS, AuditHead
from caseflow.audit.services import entry_hash
from caseflow.extensions import db
from tests.querycount import StatementCounter


def _audit_inserts(counter: StatementCounter) -> list[str]:
    return [s for s in counter.statements if s.startswith("INSERT INTO audit_log")]


def _record_mixed(app, count: int) -> None:
    """One commit: a summary entry without a pupil, then one entry per pupil (as an export files them)."""
    with app.app_context():
        audit.record("test.export", detail={"rows": count})
        for i in range(count):
            audit.record("test.export.row", object_type="Case", object_id=100 + i, pupil_id=1000 + i,
                         detail={"format": "xlsx"})
        db.session.commit()


def test_a_commits_entries_are_one_insert_whatever_their_number(app, trail, runner):
    trail.record(1)  # the very first entry creates the head row: not part of what is counted
    counts = []
    for n in (3, 40):
        with StatementCounter(app) as counter:
            _record_mixed(app, n)
        counts.append((len(_audit_inserts(counter)), len(counter)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] == 1, counts
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit chain intact: 46 entries verified" in result.output


def test_batched_entries_keep_every_field_and_link_the_chain(app, trail):
    trail.record(2)
    _record_mixed(app, 5)
    entries = trail.entries()
    assert [e.seq for e in entries] == list(range(1, 9))
    assert [e.action for e in entries[2:]] == ["test.export"] + ["test.export.row"] * 5
    assert [e.pupil_id for e in entries[2:]] == [None, 1000, 1001, 1002, 1003, 1004]
    assert [e.object_id for e in entries[2:]] == [None, 100, 101, 102, 103, 104]
    assert json.loads(entries[2].detail) == {"rows": 5}
    assert all(e.at.tzinfo is not None and e.at.utcoffset() == UTC.utcoffset(None) for e in entries)
    previous = GENESIS
    with app.app_context():
        for entry in entries:
            assert entry.prev_hash == previous
            assert entry.hash == entry_hash(entry, seq=entry.seq, prev_hash=previous)
            previous = entry.hash
        head = db.session.get(AuditHead, 1)
        assert (head.seq, head.hash) == (8, previous)
