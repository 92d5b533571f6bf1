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
    #: the head the chain was checked up to (seq, hash), for anchoring outside the database
    head: tuple[int, str] | None = None


def _broken(checked: int, seq: int, kind: str, problem: str) -> Verdict:
    return Verdict(False, checked, problem, seq, kind)


def verify_chain(*, batch: int = 5000) -> Verdict:
    """Walk the chain in order up to the head and stop at the first broken link."""
    # Read the head first: entries sealed while we walk lie beyond it and are left alone, so a
    # check on a busy system does not mistake a fresh commit for a deletion.
    head_row = db.session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    columns = AuditEntry.__table__.c
    stmt = select(columns).order_by(columns.seq)
    if head_row is not None:
        stmt = stmt.where(columns.seq <= head_row.seq)
    expected, prev_hash, checked = 1, GENESIS, 0
    rows = db.session.execute(stmt.execution_options(yield_per=batch))
    try:
        for entry in rows:
            if entry.seq > expected:
                return _broken(checked, expected, "deleted", f"entry {expected} is missing (deleted)")
            intact = entry_hash(entry, seq=entry.seq, prev_hash=entry.prev_hash) == entry.hash
            if entry.prev_hash != prev_hash:
                moved = db.session.scalar(select(columns.seq).where(columns.hash == entry.prev_hash))
                if moved is not None:
                    return _broken(checked, entry.seq, "reordered",
                                   f"entry {entry.seq} is out of order (reordered; it belongs after "
                                   f"the entry now at {moved})")
                if intact:
                    return _broken(checked, entry.seq, "deleted",
                                   f"entry {entry.seq} does not follow entry {entry.seq - 1} "
                                   "(an entry before it was deleted)")
                return _broken(checked, entry.seq, "altered",
                               f"entry {entry.seq} was altered (its position or link changed)")
            if not intact:
                return _broken(checked, entry.seq, "altered", f"entry {entry.seq} was altered")
            prev_hash, expected, checked = entry.hash, entry.seq + 1, checked + 1
    finally:
        rows.close()
    last = expected - 1
    if head_row is None:
        if checked:
            return _broken(checked, 1, "deleted", "the chain head is missing (deleted)")
        return Verdict(True, 0, head=(0, GENESIS))
    if head_row.seq != last:
        return _broken(checked, expected, "deleted",
                       f"entry {expected} is missing (deleted): the chain ends at entry {last} "
                       f"but its head says {head_row.seq}")
    if head_row.hash != prev_hash:
        return _broken(checked, last, "altered",
                       f"entry {last} does not match the chain head (the head or the entry was altered)")
    return Verdict(True, checked, head=(head_row.seq, head_row.hash))
