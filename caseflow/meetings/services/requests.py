"""Session requests (iesniegumi): ask a group to hear a case; an urgent one proposes an extraordinary
session at once. The chair declines with a reason or puts the case on an agenda."""
from __future__ import annotations

from datetime import time, timedelta

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, CaseStatus
from caseflow.cases.selectors.referrals import serving_groups
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import (
    GroupSession,
    ItemReason,
    RequesterKind,
    RequestStatus,
    SessionKind,
    SessionRequest,
    SessionStatus,
)
from caseflow.meetings.selectors.agenda import Proposal
from caseflow.meetings.services.agenda import place_case
from caseflow.meetings.services.common import (
    MeetingError,
    already_on_agenda_message,
    clean_text,
    local_moment,
    next_working_day,
    open_agenda_holding,
    overlapping,
)
from caseflow.meetings.services.sessions import create_session

#: requesters whose request staff enter for them, naming who asks
ENTERED_FOR = (RequesterKind.PARENTS, RequesterKind.OTHER)
#: an urgent request's proposed session: the next working day, two hours from 14:00 (Riga)
URGENT_START, URGENT_HOURS = time(14, 0), 2
#: how many working days ahead an urgent proposal looks for a free slot
URGENT_SEARCH_DAYS = 30


def _urgent_slot(group_id: int):
    day = next_working_day()
    for _ in range(URGENT_SEARCH_DAYS):
        starts_at = local_moment(day, URGENT_START)
        ends_at = starts_at + timedelta(hours=URGENT_HOURS)
        if overlapping(group_id, starts_at, ends_at) is None:
            return starts_at, ends_at
        day = next_working_day(day)
    raise MeetingError("urgent", _l("The group has no free afternoon in the coming weeks; ask without urgency."))


def request_hearing(*, actor: Actor, case: Case, group_id: int | None, requester_kind: str,
                    requested_for: str | None, reasons: str | None, urgent: bool) -> SessionRequest:
    """Ask a group serving the case's municipality to hear the case; urgent → a proposed session."""
    if case.status == CaseStatus.CLOSED:
        raise MeetingError("group_id", _l("The case is closed."))
    group = next((g for g in serving_groups(case.municipality_id) if g.id == group_id), None)
    if group is None:
        raise MeetingError("group_id", _l("Choose a cooperation group that serves the case's municipality."))
    if requester_kind not in set(RequesterKind):
        raise MeetingError("requester_kind", _l("Choose who asks for the hearing."))
    entered_for = clean_text("requested_for", requested_for, limit=200)
    if requester_kind in ENTERED_FOR and entered_for is None:
        raise MeetingError("requested_for", _l("Write the name of the person who asks (you enter it for them)."))
    if requester_kind not in ENTERED_FOR:
        entered_for = None
    text = clean_text("reasons", reasons, required_message=_l("Write why the group should hear the case."))
    slot = None
    if urgent:
        holder = open_agenda_holding(group.id, case.id)
        if holder is not None:
            raise MeetingError("urgent", already_on_agenda_message(holder))
        slot = _urgent_slot(group.id)

    request = SessionRequest(group_id=group.id, case_id=case.id, requester_kind=requester_kind,
                             requested_for=entered_for, urgent=bool(urgent), status=RequestStatus.OPEN,
                             submitted_at=utcnow(), submitted_by_id=actor.user_id,
                             submitted_by_institution_id=actor.institution_id)
    db.session.add(request)
    db.session.flush()
    seal(request, "reasons", text, scope=f"pupil:{case.pupil_id}")
    record_event(case, "session_requested", actor=actor,
                 detail={"request_id": request.id, "group_id": group.id, "urgent": bool(urgent)})
    session = None
    if slot is not None:
        session = create_session(actor=actor, group=group, starts_at=slot[0], ends_at=slot[1], place=None,
                                 video_link=None, kind=SessionKind.EXTRAORDINARY, status=SessionStatus.PROPOSED)
        place_case(actor=actor, session=session, position=0, proposal=Proposal(
            key=f"request-{request.id}", reason=ItemReason.REQUEST, case=case, request=request, urgent=True))
    db.session.flush()
    audit.record("session_request.submit", object_type="SessionRequest", object_id=request.id,
                 pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "group_id": group.id, "urgent": bool(urgent),
                         "requester_kind": requester_kind, "proposed_session_id": session.id if session else None,
                         "fields": ["reasons"]})
    return request


def decline_request(*, actor: Actor, request: SessionRequest, reason: str | None) -> None:
    """The chair declines an open request with a reason (the requester reads it)."""
    if request.status != RequestStatus.OPEN:
        raise MeetingError("reason", _l("This request has already been decided."))
    text = clean_text("reason", reason, required_message=_l("Write why the request is declined."))
    request.status, request.decided_at, request.decided_by_id = RequestStatus.DECLINED, utcnow(), actor.user_id
    seal(request, "decline_reason", text, scope=f"pupil:{request.case.pupil_id}")
    record_event(request.case, "session_request_declined", actor=actor, detail={"request_id": request.id})
    db.session.flush()
    audit.record("session_request.decline", object_type="SessionRequest", object_id=request.id,
                 pupil_id=request.case.pupil_id, detail={"case_id": request.case_id, "fields": ["decline_reason"]})



def propose_for_urgent_referral(*, actor: Actor, referral) -> GroupSession | None:
    """An accepted urgent referral proposes an extraordinary session of its group at once, with the
    case on its agenda (None when the case already stands on an open agenda or no slot is free)."""
    if not referral.urgent or open_agenda_holding(referral.group_id, referral.case_id) is not None:
        return None
    try:
        starts_at, ends_at = _urgent_slot(referral.group_id)
    except MeetingError:
        return None
    session = create_session(actor=actor, group=referral.group, starts_at=starts_at, ends_at=ends_at, place=None,
                             video_link=None, kind=SessionKind.EXTRAORDINARY, status=SessionStatus.PROPOSED)
    place_case(actor=actor, session=session, position=0, proposal=Proposal(
        key=f"referral-{referral.id}", reason=ItemReason.REFERRAL, case=referral.case, referral_id=referral.id,
        urgent=True))
    return session
