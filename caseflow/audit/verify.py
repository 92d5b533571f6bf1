"""Check the audit chain: name the first altered, deleted or reordered entry."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseflow.audit.models import GENESIS, AuditEntry, AuditHead
from caseflow.audit.services import entry_hash
from caseflow.extensions import db


@dataclass
class Verdict:
    """The outcome of a chain check."""

    ok: bool
    checked: int
    problem: str | None = None
    seq: int | None = None
    kind: str | None = None  # "altered", "deleted", "reordered"


def verify_chain(*, batch: int = 5000) -> Verdict:
    """Walk the chain in order and stop at the first broken link."""
    expected, prev_hash, checked = 1, GENESIS, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for entry in db.session.scalars(stmt):
        if entry.seq > expected:
            return Verdict(False, checked, f"entry {expected} is missing (deleted)", expected, "deleted")
        if entry.prev_hash != prev_hash:
            moved = db.session.scalar(select(AuditEntry.seq).where(AuditEntry.hash == entry.prev_hash))
            if moved is not None:
                return Verdict(False, checked, f"entry {entry.seq} is out of order (reordered)",
                               entry.seq, "reordered")
            return Verdict(False, checked, f"entry {entry.seq} does not follow entry {expected - 1} "
                           "(an entry before it was altered or deleted)", entry.seq, "deleted")
        if entry_hash(entry, seq=entry.seq, prev_hash=entry.prev_hash) != entry.hash:
            return Verdict(False, checked, f"entry {entry.seq} was altered", entry.seq, "altered")
        prev_hash, expected, checked = entry.hash, entry.seq + 1, checked + 1
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != expected - 1 or head.hash != prev_hash):
        return Verdict(False, checked, f"entries after {expected - 1} are missing (deleted)",
                       expected, "deleted")
    return Verdict(True, checked)
