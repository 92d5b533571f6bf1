"""The proposed agenda of a planned session: what waits for the group, each with why it is proposed."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, joinedload

from caseflow.actions.models import OPEN_ACTION_STATUSES, Action
from caseflow.cases.models import Case, CaseStatus, Referral, ReferralStatus
from caseflow.extensions import db
from caseflow.meetings.models import (
    OPEN_SESSION_STATUSES,
    AgendaItem,
    GroupSession,
    ItemOutcome,
    ItemReason,
    RequestStatus,
    SessionRequest,
    SessionStatus,
)
from caseflow.meetings.services.common import local_day

#: how each reason reads on the agenda pages
REASON_LABELS = {
    ItemReason.REFERRAL: _l("Referral accepted"),
    ItemReason.EVALUATION: _l("Evaluation due"),
    ItemReason.OVERDUE: _l("Overdue actions"),
    ItemReason.CARRIED_OVER: _l("Carried over"),
    ItemReason.REQUEST: _l("Session request"),
    ItemReason.ESCALATED: _l("Escalated"),
    ItemReason.ADDED: _l("Added by the chair"),
}
_HEARD = (SessionStatus.HELD, SessionStatus.APPROVED)


@dataclass(frozen=True)
class Proposal:
    """An item the chair may add: its key (the form's value), reason, case and source row."""

    key: str
    reason: str
    case: Case
    referral_id: int | None = None
    request: SessionRequest | None = None
    urgent: bool = False


def _group_items(group_id: int, statuses):
    return select(AgendaItem.case_id).join(GroupSession, GroupSession.id == AgendaItem.session_id).where(
        GroupSession.group_id == group_id, GroupSession.status.in_(statuses), AgendaItem.case_id.is_not(None))


def _accepted_referrals(session: GroupSession):
    heard = _group_items(session.group_id, _HEARD).where(AgendaItem.referral_id == Referral.id)
    return db.session.execute(select(Referral.id, Referral.case_id, Referral.urgent).where(
        Referral.group_id == session.group_id, Referral.status == ReferralStatus.ACCEPTED,
        ~exists(heard)).order_by(Referral.id)).all()


def _evaluations_due(session: GroupSession) -> list[int]:
    latest = select(func.max(AgendaItem.id)).join(GroupSession, GroupSession.id == AgendaItem.session_id).where(
        GroupSession.group_id == session.group_id, AgendaItem.case_id.is_not(None),
        AgendaItem.recorded_at.is_not(None)).group_by(AgendaItem.case_id)
    return list(db.session.scalars(select(AgendaItem.case_id).where(
        AgendaItem.id.in_(latest), AgendaItem.next_evaluation_on <= local_day(session.starts_at))
        .order_by(AgendaItem.next_evaluation_on, AgendaItem.case_id)))


def _overdue(session: GroupSession) -> list[int]:
    return list(db.session.scalars(select(Action.case_id).where(
        Action.group_id == session.group_id, Action.case_id.is_not(None),
        Action.status.in_(OPEN_ACTION_STATUSES), Action.due_on < local_day(session.starts_at))
        .group_by(Action.case_id).order_by(func.min(Action.due_on), Action.case_id)))


def _carried_over(session: GroupSession) -> list[int]:
    later = aliased(AgendaItem)
    later_session = aliased(GroupSession)
    newer = select(later.id).join(later_session, later_session.id == later.session_id).where(
        later.case_id == AgendaItem.case_id, later.id > AgendaItem.id,
        later_session.group_id == session.group_id, later_session.status != SessionStatus.CANCELLED)
    return list(db.session.scalars(
        select(AgendaItem.case_id).join(GroupSession, GroupSession.id == AgendaItem.session_id).where(
            GroupSession.group_id == session.group_id, GroupSession.status.in_(_HEARD),
            AgendaItem.outcome == ItemOutcome.CARRY_OVER, ~exists(newer)).order_by(AgendaItem.id)))


def _open_requests(session: GroupSession) -> list[SessionRequest]:
    return list(db.session.scalars(select(SessionRequest).where(
        SessionRequest.group_id == session.group_id, SessionRequest.status == RequestStatus.OPEN)
        .order_by(SessionRequest.urgent.desc(), SessionRequest.id)))


def proposed_items(session: GroupSession, *, include_taken: bool = False) -> list[Proposal]:
    """What the group's chair may put on this session's agenda, in a fixed number of statements:
    accepted referrals not yet heard, evaluations due, overdue actions, carried-over items, open
    requests; a case already on an open agenda of the group (this one too) is left out unless
    `include_taken` (so that adding it can say where it stands)."""
    taken = set() if include_taken else set(db.session.scalars(
        _group_items(session.group_id, OPEN_SESSION_STATUSES)))
    rows: list[tuple[str, str, int, dict]] = []
    for referral_id, case_id, urgent in _accepted_referrals(session):
        rows.append((f"referral-{referral_id}", ItemReason.REFERRAL, case_id,
                     {"referral_id": referral_id, "urgent": urgent}))
    rows += [(f"evaluation-{c}", ItemReason.EVALUATION, c, {}) for c in _evaluations_due(session)]
    rows += [(f"overdue-{c}", ItemReason.OVERDUE, c, {}) for c in _overdue(session)]
    rows += [(f"carried_over-{c}", ItemReason.CARRIED_OVER, c, {}) for c in _carried_over(session)]
    for request in _open_requests(session):
        rows.append((f"request-{request.id}", ItemReason.REQUEST, request.case_id,
                     {"request": request, "urgent": request.urgent}))
    rows = [r for r in rows if r[2] not in taken]
    if not rows:
        return []
    cases = {c.id: c for c in db.session.scalars(select(Case).where(
        Case.id.in_({r[2] for r in rows}), Case.status != CaseStatus.CLOSED)
        .options(joinedload(Case.pupil), joinedload(Case.school)))}
    return [Proposal(key=key, reason=reason, case=cases[case_id], **extra)
            for key, reason, case_id, extra in rows if case_id in cases]


def visible_case_ids(actor, case_ids) -> set[int]:
    """Of the given cases, those the actor may see (one statement: the policy as SQL)."""
    from caseflow.access import Permission, scope

    ids = {c for c in case_ids if c is not None}
    if not ids:
        return set()
    return set(db.session.scalars(scope(select(Case.id).where(Case.id.in_(ids)), actor, Permission.CASE_VIEW,
                                        Case)))


def agenda_of(session_id: int) -> list[AgendaItem]:
    """The session's agenda in order, with each case's pupil and school loaded."""
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == session_id)
                                   .options(joinedload(AgendaItem.case).joinedload(Case.pupil),
                                            joinedload(AgendaItem.case).joinedload(Case.school))
                                   .order_by(AgendaItem.position, AgendaItem.id)))

