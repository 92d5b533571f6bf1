"""Reads of session requests: the loader, the requester's own list, a group's open requests, and
the session whose agenda holds a request."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, scope
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, unseal
from caseflow.extensions import db
from caseflow.meetings.models import (
    OPEN_SESSION_STATUSES,
    AgendaItem,
    CooperationGroup,
    GroupSession,
    RequestStatus,
    SessionRequest,
)

#: how many of one's own requests the list shows (newest first)
MINE_LIMIT = 100


def text_of(obj, field: str) -> str | None:
    """A decrypted text (None when empty or unreadable)."""
    try:
        return unseal(obj, field)
    except DecryptionError:
        return None


def _with_case():
    return (joinedload(SessionRequest.group), joinedload(SessionRequest.submitted_by),
            joinedload(SessionRequest.case).joinedload(Case.pupil),
            joinedload(SessionRequest.case).joinedload(Case.school))


def load_request(request_id: int, **_url_args) -> SessionRequest | None:
    """Load a request with its group and case for @requires."""
    return db.session.scalar(select(SessionRequest).where(SessionRequest.id == request_id).options(*_with_case()))


def mine(actor: Actor) -> list[SessionRequest]:
    """The requests the actor submitted, newest first (bounded)."""
    query = scope(select(SessionRequest), actor, Permission.SESSION_REQUEST, SessionRequest)
    return list(db.session.scalars(query.where(SessionRequest.submitted_by_id == actor.user_id)
                                   .options(*_with_case()).order_by(SessionRequest.id.desc()).limit(MINE_LIMIT)))


def open_for_group(group: CooperationGroup) -> list[SessionRequest]:
    """The group's open requests, urgent first, then oldest first."""
    return list(db.session.scalars(select(SessionRequest).where(
        SessionRequest.group_id == group.id, SessionRequest.status == RequestStatus.OPEN)
        .options(*_with_case()).order_by(SessionRequest.urgent.desc(), SessionRequest.id)))


def holding_sessions(request_ids) -> dict[int, GroupSession]:
    """For each request, the session whose agenda holds it (one statement)."""
    ids = set(request_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(AgendaItem.request_id, GroupSession).join(
        GroupSession, GroupSession.id == AgendaItem.session_id).where(AgendaItem.request_id.in_(ids))).all()
    return {request_id: session for request_id, session in rows}


def open_sessions(group_id: int) -> list[GroupSession]:
    """The group's sessions whose agenda is still open, soonest first."""
    return list(db.session.scalars(select(GroupSession).where(
        GroupSession.group_id == group_id, GroupSession.status.in_(OPEN_SESSION_STATUSES))
        .order_by(GroupSession.starts_at, GroupSession.id)))
