"""Schedule, change, confirm and cancel a group's sessions. Every rule is checked before a write."""
from __future__ import annotations

import uuid
from datetime import date, time

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.core.i18n import format_datetime_lv
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.meetings import ics
from caseflow.meetings.models import (
    OPEN_SESSION_STATUSES,
    CooperationGroup,
    GroupSession,
    RequestStatus,
    SessionKind,
    SessionRequest,
    SessionStatus,
)
from caseflow.meetings.services import invitations
from caseflow.meetings.services.common import (
    MeetingError,
    clean_text,
    has_record,
    local_moment,
    next_number,
    overlapping,
)


def _slot(group_id: int, day: date | None, start: time | None, end: time | None, *,
          exclude_id: int | None = None):
    """The session's start and end as aware moments, after the date and overlap checks."""
    if day is None:
        raise MeetingError("day", _l("Enter the session's date."))
    if day < local_today():
        raise MeetingError("day", _l("The date has passed; choose today or a later day."))
    if start is None:
        raise MeetingError("start", _l("Enter the time the session starts."))
    if end is None:
        raise MeetingError("end", _l("Enter the time the session ends."))
    if end <= start:
        raise MeetingError("end", _l("The session must end after it starts."))
    starts_at, ends_at = local_moment(day, start), local_moment(day, end)
    clash = overlapping(group_id, starts_at, ends_at, exclude_id=exclude_id)
    if clash is not None:
        raise MeetingError("day", _l("The group already has session %(label)s at that time (%(start)s–%(end)s).",
                                     label=clash.label, start=format_datetime_lv(clash.starts_at),
                                     end=format_datetime_lv(clash.ends_at)[-5:]))
    return starts_at, ends_at


def _where(place: str | None, video_link: str | None) -> tuple[str | None, str | None]:
    place_text = clean_text("place", place, limit=300)
    link = clean_text("video_link", video_link, limit=500)
    if link and not link.lower().startswith(("https://", "http://")):
        raise MeetingError("video_link", _l("A video link starts with https://."))
    if not place_text and not link:
        raise MeetingError("place", _l("Enter a place, a video link, or both."))
    return place_text, link


def new_uid() -> str:
    """A calendar UID for a session: random, set once, never changed."""
    return f"{uuid.uuid4()}@caseflow"


def create_session(*, actor: Actor, group: CooperationGroup, starts_at, ends_at, place: str | None,
                   video_link: str | None, kind: str, status: str = SessionStatus.PLANNED) -> GroupSession:
    """Write a session whose slot and place were checked (numbered within its group and year)."""
    session = GroupSession(
        group_id=group.id, municipality_id=group.municipality_id, kind=kind, status=status,
        number=next_number(group.id, starts_at), starts_at=starts_at, ends_at=ends_at, place=place,
        video_link=video_link, uid=new_uid(), sequence=0, created_by_id=actor.user_id)
    db.session.add(session)
    db.session.flush()
    return session


def schedule_session(*, actor: Actor, group: CooperationGroup, day: date | None, start: time | None,
                     end: time | None, place: str | None, video_link: str | None, kind: str) -> GroupSession:
    """Schedule a session of the group (planned)."""
    if kind not in (SessionKind.REGULAR, SessionKind.EXTRAORDINARY):
        raise MeetingError("kind", _l("Choose a regular or an extraordinary session."))
    starts_at, ends_at = _slot(group.id, day, start, end)
    place_text, link = _where(place, video_link)
    session = create_session(actor=actor, group=group, starts_at=starts_at, ends_at=ends_at,
                             place=place_text, video_link=link, kind=kind)
    audit.record("session.schedule", object_type="GroupSession", object_id=session.id,
                 detail={"group_id": group.id, "number": session.number, "kind": kind})
    return session


def _still_open(session: GroupSession) -> None:
    if session.status not in OPEN_SESSION_STATUSES:
        raise MeetingError("day", _l("Only a session that is still to be held can be changed."))


def change_session(*, actor: Actor, session: GroupSession, day: date | None, start: time | None,
                   end: time | None, place: str | None, video_link: str | None) -> bool:
    """Change the time or place; invitees get an update. Returns False when nothing changed."""
    _still_open(session)
    starts_at, ends_at = _slot(session.group_id, day, start, end, exclude_id=session.id)
    place_text, link = _where(place, video_link)
    changed = [name for name, old, new in (("starts_at", session.starts_at, starts_at),
                                           ("ends_at", session.ends_at, ends_at),
                                           ("place", session.place, place_text),
                                           ("video_link", session.video_link, link)) if old != new]
    if not changed:
        return False
    session.starts_at, session.ends_at, session.place, session.video_link = starts_at, ends_at, place_text, link
    session.sequence += 1
    updated = invitations.send_updates(session) if session.invitations_sent_at else 0
    db.session.flush()
    audit.record("session.change", object_type="GroupSession", object_id=session.id,
                 detail={"fields": changed, "sequence": session.sequence, "updates": updated})
    return True


def confirm_session(*, actor: Actor, session: GroupSession) -> None:
    """Confirm a proposed (extraordinary) session: it becomes planned."""
    if session.status != SessionStatus.PROPOSED:
        raise MeetingError("confirm", _l("Only a proposed session can be confirmed."))
    session.status = SessionStatus.PLANNED
    db.session.flush()
    audit.record("session.confirm", object_type="GroupSession", object_id=session.id,
                 detail={"group_id": session.group_id})


def cancel_session(*, actor: Actor, session: GroupSession, reason: str | None) -> None:
    """Cancel the session with a reason: invitees get a cancellation; its agenda is released."""
    if session.status not in OPEN_SESSION_STATUSES:
        raise MeetingError("reason", _l("Only a session that is still to be held can be cancelled."))
    if has_record(i.id for i in session.items):
        raise MeetingError("reason", _l("Items of this session have been recorded: it took place and cannot be "
                                        "cancelled. Mark it as held instead."))
    text = clean_text("reason", reason, limit=500, required_message=_l("Write why the session is cancelled."))
    session.status, session.cancelled_at, session.cancel_reason = SessionStatus.CANCELLED, utcnow(), text
    session.sequence += 1
    cancelled = invitations.send_updates(session, method=ics.CANCEL) if session.invitations_sent_at else 0
    released = [i.case_id for i in session.items if i.case_id is not None]
    request_ids = [i.request_id for i in session.items if i.request_id is not None]
    if request_ids:
        for request in db.session.query(SessionRequest).filter(SessionRequest.id.in_(request_ids)):
            request.status, request.decided_at, request.decided_by_id = RequestStatus.OPEN, None, None
    for attendee in session.attendance:
        attendee.item_id = None
    db.session.flush()
    session.items.clear()
    db.session.flush()
    audit.record("session.cancel", object_type="GroupSession", object_id=session.id,
                 detail={"group_id": session.group_id, "released_case_ids": released,
                         "reopened_request_ids": request_ids, "cancellations": cancelled})
