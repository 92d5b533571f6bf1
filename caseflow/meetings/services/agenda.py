"""Build a session's agenda: add proposed cases and policy items, remove, reorder. A case stands on
one open agenda of a group at a time; every rule is checked before a write."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import (
    OPEN_SESSION_STATUSES,
    AgendaItem,
    GroupSession,
    ItemKind,
    ItemReason,
    RequestStatus,
    SessionRequest,
)
from caseflow.meetings.selectors.agenda import Proposal, proposed_items
from caseflow.meetings.services.common import (
    MeetingError,
    already_on_agenda_message,
    clean_text,
    has_record,
    open_agenda_holding,
)


def _editable(session: GroupSession, field: str) -> None:
    if session.status not in OPEN_SESSION_STATUSES:
        raise MeetingError(field, _l("The agenda can be changed only before the session is held."))


def _next_position(session: GroupSession) -> int:
    highest = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.session_id == session.id))
    return (highest if highest is not None else -1) + 1


def place_case(*, actor: Actor, session: GroupSession, proposal: Proposal, position: int) -> AgendaItem:
    """Write a case item (its open-agenda check done): a request on it becomes scheduled."""
    item = AgendaItem(session_id=session.id, position=position, kind=ItemKind.CASE, reason=proposal.reason,
                      case_id=proposal.case.id, referral_id=proposal.referral_id,
                      request_id=proposal.request.id if proposal.request else None)
    db.session.add(item)
    if proposal.request is not None:
        proposal.request.status = RequestStatus.SCHEDULED
        proposal.request.decided_at, proposal.request.decided_by_id = utcnow(), actor.user_id
    db.session.flush()
    record_event(proposal.case, "put_on_agenda", actor=actor,
                 detail={"session_id": session.id, "item_id": item.id, "reason": str(proposal.reason)})
    audit.record("agenda.add", object_type="AgendaItem", object_id=item.id, pupil_id=proposal.case.pupil_id,
                 detail={"session_id": session.id, "case_id": proposal.case.id, "reason": str(proposal.reason),
                         "request_id": item.request_id, "referral_id": item.referral_id})
    return item


def _refuse_if_held_elsewhere(session: GroupSession, case_id: int, field: str) -> None:
    holder = open_agenda_holding(session.group_id, case_id)
    if holder is not None:
        if holder.id == session.id:
            raise MeetingError(field, _l("The case is already on this session's agenda."))
        raise MeetingError(field, already_on_agenda_message(holder))


def add_proposals(*, actor: Actor, session: GroupSession, keys: list[str]) -> list[AgendaItem]:
    """Add the chosen proposed items (all or none) to the end of the agenda."""
    _editable(session, "proposals")
    if not keys:
        raise MeetingError("proposals", _l("Choose at least one proposed item."))
    proposals = {p.key: p for p in proposed_items(session, include_taken=True)}
    chosen: list[Proposal] = []
    for key in dict.fromkeys(keys):
        proposal = proposals.get(key)
        if proposal is None:
            raise MeetingError("proposals", _l("A chosen item is no longer proposed; look at the list again."))
        if any(p.case.id == proposal.case.id for p in chosen):
            continue
        _refuse_if_held_elsewhere(session, proposal.case.id, "proposals")
        chosen.append(proposal)
    position = _next_position(session)
    return [place_case(actor=actor, session=session, proposal=p, position=position + n)
            for n, p in enumerate(chosen)]


def add_request(*, actor: Actor, session: GroupSession, request: SessionRequest) -> AgendaItem:
    """Put an open request's case on the session's agenda (the request becomes scheduled)."""
    _editable(session, "session_id")
    if request.status != RequestStatus.OPEN:
        raise MeetingError("session_id", _l("This request has already been decided."))
    if session.group_id != request.group_id:
        raise MeetingError("session_id", _l("Choose a session of the group the request was made to."))
    _refuse_if_held_elsewhere(session, request.case_id, "session_id")
    proposal = Proposal(key=f"request-{request.id}", reason=ItemReason.REQUEST, case=request.case,
                        request=request, urgent=request.urgent)
    return place_case(actor=actor, session=session, proposal=proposal, position=_next_position(session))


def add_policy_item(*, actor: Actor, session: GroupSession, title: str | None) -> AgendaItem:
    """Add a policy item (about no child) with its title at the end of the agenda."""
    _editable(session, "title")
    text = clean_text("title", title, limit=300, required_message=_l("Write the policy item's title."))
    item = AgendaItem(session_id=session.id, position=_next_position(session), kind=ItemKind.POLICY,
                      reason=ItemReason.ADDED, title=text)
    db.session.add(item)
    db.session.flush()
    audit.record("agenda.add_policy", object_type="AgendaItem", object_id=item.id,
                 detail={"session_id": session.id})
    return item


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _ordered(session: GroupSession) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == session.id)
                                   .order_by(AgendaItem.position, AgendaItem.id)))


def remove_item(*, actor: Actor, session: GroupSession, item: AgendaItem) -> None:
    """Take an item off the agenda; a request on it is open again, an invitee's link to it goes."""
    _editable(session, "item")
    if item.session_id != session.id:
        raise MeetingError("item", _l("The item is not on this session's agenda."))
    if has_record([item.id]):
        raise MeetingError("item", _l("The item has been recorded with the group's decision; it stays on the "
                                      "agenda and in the minutes."))
    if item.request_id is not None:
        request = db.session.get(SessionRequest, item.request_id)
        request.status, request.decided_at, request.decided_by_id = RequestStatus.OPEN, None, None
    for attendee in session.attendance:
        if attendee.item_id == item.id:
            attendee.item_id = None
    detail = {"session_id": session.id, "case_id": item.case_id, "request_id": item.request_id}
    pupil_id = item.case.pupil_id if item.case is not None else None
    if item.case is not None:
        record_event(item.case, "taken_off_agenda", actor=actor, detail={"session_id": session.id})
    item_id = item.id
    db.session.flush()
    db.session.delete(item)
    db.session.flush()
    _renumber(_ordered(session))
    db.session.flush()
    audit.record("agenda.remove", object_type="AgendaItem", object_id=item_id, pupil_id=pupil_id, detail=detail)


def move_item(*, actor: Actor, session: GroupSession, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down the agenda."""
    _editable(session, "item")
    items = _ordered(session)
    if item not in items or direction not in ("up", "down"):
        raise MeetingError("item", _l("The item is not on this session's agenda."))
    at = items.index(item)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(items):
        items[at], items[to] = items[to], items[at]
    _renumber(items)
    db.session.flush()
    audit.record("agenda.move", object_type="AgendaItem", object_id=item.id,
                 detail={"session_id": session.id, "direction": direction})
