"""Minutes (protokols): the chair edits the general text, approves the minutes (which locks the
record) and afterwards corrects them only by addenda."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import GroupSession, Minutes, MinutesAddendum, SessionStatus
from caseflow.meetings.services.common import MeetingError, clean_text
from caseflow.meetings.services.recording import check_recordable


def minutes_of(session: GroupSession) -> Minutes | None:
    """The session's minutes row, if the chair has written or approved anything yet."""
    return db.session.scalar(select(Minutes).where(Minutes.session_id == session.id))


def _minutes_for_writing(session: GroupSession) -> Minutes:
    minutes = minutes_of(session)
    if minutes is None:
        minutes = Minutes(session_id=session.id)
        db.session.add(minutes)
        db.session.flush()
    return minutes


def _group_scope(session: GroupSession) -> str:
    return f"group:{session.group_id}"


def save_text(*, actor: Actor, session: GroupSession, text: str | None) -> Minutes:
    """Save the minutes' general part (opening, policy matters, closing) while they are a draft."""
    check_recordable(session, "text")
    value = clean_text("text", text)
    minutes = _minutes_for_writing(session)
    seal(minutes, "text", value, scope=_group_scope(session))
    minutes.updated_at = utcnow()
    db.session.flush()
    audit.record("minutes.edit", object_type="Minutes", object_id=minutes.id,
                 detail={"session_id": session.id, "fields": ["text"] if value else []})
    return minutes


def approve(*, actor: Actor, session: GroupSession) -> Minutes:
    """Approve the minutes of a held session: the session and its record are locked from now on."""
    existing = minutes_of(session)
    if session.status == SessionStatus.APPROVED or (existing is not None and existing.approved_at is not None):
        raise MeetingError("approve", _l("These minutes are already approved. Correct them with an addendum."))
    if session.status == SessionStatus.CANCELLED:
        raise MeetingError("approve", _l("This session was cancelled: it has no minutes to approve."))
    if session.status != SessionStatus.HELD:
        raise MeetingError("approve", _l("Mark the session as held (attendance recorded for every seat) before "
                                        "approving its minutes."))
    minutes = _minutes_for_writing(session)
    minutes.approved_at, minutes.approved_by_id = utcnow(), actor.user_id
    minutes.updated_at = minutes.approved_at
    session.status = SessionStatus.APPROVED
    db.session.flush()
    audit.record("minutes.approve", object_type="Minutes", object_id=minutes.id,
                 detail={"session_id": session.id})
    return minutes


def add_addendum(*, actor: Actor, session: GroupSession, text: str | None) -> MinutesAddendum:
    """Correct approved minutes: an addendum shown below them (the approved text never changes)."""
    minutes = minutes_of(session)
    if minutes is None or minutes.approved_at is None:
        raise MeetingError("text", _l("The minutes are still a draft: edit them instead of adding an addendum."))
    value = clean_text("text", text, required_message=_l("Write the correction."))
    addendum = MinutesAddendum(minutes_id=minutes.id, added_at=utcnow(), added_by_id=actor.user_id)
    db.session.add(addendum)
    db.session.flush()
    seal(addendum, "text", value, scope=_group_scope(session))
    audit.record("minutes.addendum", object_type="MinutesAddendum", object_id=addendum.id,
                 detail={"session_id": session.id, "minutes_id": minutes.id})
    return addendum
