"""Record audit events in the request's transaction and seal them into the hash chain at commit."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from caseflow.access.policy import current_actor
from caseflow.audit.models import GENESIS, AuditEntry, AuditHead
from caseflow.crypto import mac
from caseflow.db import utcnow

_PENDING = "caseflow.audit_pending"


@dataclass
class Pending:
    """An audit event waiting for the transaction's commit."""

    action: str
    at: datetime
    user_id: int | None = None
    username: str | None = None
    role: str | None = None
    institution_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None
    pupil_id: int | None = None
    ip: str | None = None
    request_id: str | None = None
    detail: dict = field(default_factory=dict)
    #: kept even when the request's own changes are rolled back (denials, failed sign-ins)
    persist_on_failure: bool = False


def _session() -> Session:
    from caseflow.extensions import db

    return db.session


def record(action: str, *, object_type: str | None = None, object_id: int | None = None,
           pupil_id: int | None = None, detail: dict | None = None, user=None,
           persist_on_failure: bool = False) -> None:
    """Queue an audit event in the current transaction; it is sealed when the transaction commits."""
    detail = dict(detail or {})
    json.dumps(detail, sort_keys=True)  # fail here, at the caller, not later inside the commit
    actor = current_actor()
    entry = Pending(action=action, at=utcnow(), object_type=object_type, object_id=object_id,
                    pupil_id=pupil_id, detail=detail, persist_on_failure=persist_on_failure)
    if actor is not None:
        entry.user_id, entry.username = actor.user_id, actor.username
        entry.role, entry.institution_id = actor.role, actor.institution_id
    elif user is not None:
        entry.user_id, entry.username = user.id, user.username
    if has_request_context():
        entry.ip = request.remote_addr
        entry.request_id = g.get("request_id")
    _session().info.setdefault(_PENDING, []).append(entry)


def _pupil_of(obj) -> int | None:
    """The pupil an object is about, if any (pupils, cases, plans … expose pupil_id)."""
    if type(obj).__name__ == "Pupil":
        return obj.id
    if getattr(obj, "pupil_id", None) is not None:
        return obj.pupil_id
    parent = getattr(obj, "case", None) or getattr(obj, "plan", None)  # notes, referrals, measures
    return getattr(parent, "pupil_id", None)


def record_read(obj, *, permission: str) -> None:
    """Audit a read of a child's record."""
    record(f"{type(obj).__name__.lower()}.read", object_type=type(obj).__name__,
           object_id=obj.id, pupil_id=_pupil_of(obj), detail={"permission": str(permission)})


def record_denial(*, permission: str, obj=None) -> None:
    """Audit a refused request; kept although the request's changes roll back."""
    detail = {"permission": str(permission)}
    if has_request_context():
        detail["endpoint"] = request.endpoint
    record("access.denied", object_type=type(obj).__name__ if obj is not None else None,
           object_id=getattr(obj, "id", None), pupil_id=_pupil_of(obj) if obj is not None else None,
           detail=detail, persist_on_failure=True)


def take_persistent(session: Session) -> list[Pending]:
    """Remove and return the queued events that must survive a rollback."""
    pending = session.info.pop(_PENDING, [])
    return [p for p in pending if p.persist_on_failure]


def requeue(session: Session, entries: list[Pending]) -> None:
    """Put events back in the queue (after a rollback)."""
    if entries:
        session.info.setdefault(_PENDING, []).extend(entries)


def canonical(fields: dict) -> bytes:
    """The exact bytes an entry's hash covers."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_fields(e: AuditEntry | Pending, *, seq: int, prev_hash: str) -> dict:
    """The hashed fields of an entry, in a form that survives a database round trip."""
    detail = e.detail if isinstance(e.detail, str) else json.dumps(e.detail, sort_keys=True)
    return {
        "seq": seq, "at": e.at.strftime("%Y-%m-%dT%H:%M:%S.%f"), "user_id": e.user_id,
        "username": e.username, "role": e.role, "institution_id": e.institution_id,
        "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
        "pupil_id": e.pupil_id, "ip": e.ip, "request_id": e.request_id, "detail": detail,
        "prev_hash": prev_hash,
    }


def entry_hash(e: AuditEntry | Pending, *, seq: int, prev_hash: str) -> str:
    """HMAC of an entry's fields chained to its predecessor."""
    return mac(canonical(entry_fields(e, seq=seq, prev_hash=prev_hash)))


def _create_head(session: Session) -> None:
    """Insert the head row if it is missing; concurrent first writers do not collide."""
    dialect = session.get_bind().dialect.name
    values = {"id": 1, "seq": 0, "hash": GENESIS}
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover — caseflow runs on PostgreSQL and SQLite only
        session.add(AuditHead(**values))
        session.flush()
        return
    session.execute(insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["id"]))


def _lock_head(session: Session) -> AuditHead:
    """Lock the head row until commit and return its current state."""
    # An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite before we read.
    touch = (update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq)
             .execution_options(synchronize_session=False))
    if session.execute(touch).rowcount == 0:
        # The very first entry: several writers may get here at once. The insert waits for the
        # others' head row and does nothing if one exists; the UPDATE then takes the lock.
        _create_head(session)
        session.execute(touch)
    return session.get(AuditHead, 1, populate_existing=True)


def seal_pending(session: Session) -> None:
    """Append queued events to the chain; the head row's lock orders concurrent writers."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT is released, not committed: seal with the outer transaction
    pending: list[Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    head = _lock_head(session)
    seq, prev = head.seq, head.hash
    rows = []
    for p in pending:
        seq += 1
        p.at = p.at.astimezone(UTC)
        digest = entry_hash(p, seq=seq, prev_hash=prev)
        values = {k: v for k, v in asdict(p).items() if k != "persist_on_failure"}
        values["detail"] = json.dumps(p.detail, sort_keys=True)
        rows.append({**values, "seq": seq, "prev_hash": prev, "hash": digest})
        prev = digest
    # One executemany however many entries (an export files one per pupil), not an INSERT per row;
    # render_nulls keeps rows with and without e.g. a pupil in the same batch, as the ORM would.
    session.execute(insert(AuditEntry), rows, execution_options={"render_nulls": True})
    head.seq, head.hash = seq, prev
    session.flush()


def install(session_class=Session) -> None:
    """Seal queued audit events at every commit, in the committing transaction (once per class)."""
    if not event.contains(session_class, "before_commit", seal_pending):
        event.listen(session_class, "before_commit", seal_pending)
    if not event.contains(session_class, "after_soft_rollback", _drop_pending_on_rollback):
        event.listen(session_class, "after_soft_rollback", _drop_pending_on_rollback)


def _drop_pending_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
