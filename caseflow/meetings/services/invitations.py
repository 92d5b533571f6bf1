"""Invite a session: every current seat of the group and the persons the chair adds, each by e-mail
with a calendar file; changes and cancellations reach everyone invited. No child data leaves."""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.core.i18n import format_datetime_lv
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings import ics
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    AttendeeKind,
    GroupMember,
    GroupSession,
    SessionStatus,
)
from caseflow.meetings.services.common import MeetingError, clean_text, local_day
from caseflow.notify.services import queue_email

#: kinds of persons the chair invites besides the seats
INVITED_KINDS = (AttendeeKind.PUPIL, AttendeeKind.PARENT, AttendeeKind.SCHOOL_STAFF, AttendeeKind.OTHER)


def _current_seats(session: GroupSession) -> list[GroupMember]:
    day = local_day(session.starts_at)
    return list(db.session.scalars(select(GroupMember).where(
        GroupMember.group_id == session.group_id,
        or_(GroupMember.term_from.is_(None), GroupMember.term_from <= day),
        or_(GroupMember.term_to.is_(None), GroupMember.term_to >= day))
        .options(joinedload(GroupMember.user), joinedload(GroupMember.institution)).order_by(GroupMember.id)))


def _invitable(session: GroupSession) -> None:
    if session.status == SessionStatus.PROPOSED:
        raise MeetingError("send", _l("Confirm the proposed session before sending invitations."))
    if session.status != SessionStatus.PLANNED:
        raise MeetingError("send", _l("Invitations go out only for a planned session."))


def _mail(session: GroupSession, attendee: Attendance, method: str, locale: str) -> None:
    """Queue one invitee's e-mail with its calendar file (in the invitee's language)."""
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("meetings.session", session_id=session.id)
    with force_locale(locale):
        names = {"label": session.label, "group": session.group.name}
        if method == ics.CANCEL:
            subject = _("Cancelled: session %(label)s of %(group)s", **names)
            opening = _("Session %(label)s of %(group)s is cancelled.", **names)
        elif session.sequence:
            subject = _("Changed: session %(label)s of %(group)s", **names)
            opening = _("The time or place of session %(label)s of %(group)s has changed.", **names)
        else:
            subject = _("Invitation: session %(label)s of %(group)s", **names)
            opening = _("You are invited to session %(label)s of %(group)s.", **names)
        lines = [opening, "", _("When: %(start)s–%(end)s (Riga time)", start=format_datetime_lv(session.starts_at),
                                end=format_datetime_lv(session.ends_at)[-5:])]
        if session.place:
            lines.append(_("Where: %(place)s", place=session.place))
        if session.video_link:
            lines.append(_("Video link: %(link)s", link=session.video_link))
        lines += ["", _("The session's page: %(url)s", url=link)]
        calendar = ics.session_ics(session, method=method, summary=subject, description="\n".join(lines),
                                   url=link, attendee_email=attendee.email,
                                   attendee_name=attendee.name if attendee.member is not None else None)
    user_id = attendee.member.user_id if attendee.member is not None else None
    queue_email(to=attendee.email, subject=subject, body="\n".join(lines) + "\n", user_id=user_id, ics=calendar)


def _locale_of(attendee: Attendance) -> str:
    if attendee.member is not None and attendee.member.user is not None:
        return attendee.member.user.locale
    return current_app.config["DEFAULT_LOCALE"]


def _invite(session: GroupSession, attendee: Attendance) -> None:
    _mail(session, attendee, ics.REQUEST, _locale_of(attendee))
    attendee.invited_at = utcnow()


def send_invitations(*, actor: Actor, session: GroupSession) -> int:
    """Add every current seat as an invitee and e-mail each invitee not yet invited; returns how many."""
    _invitable(session)
    seats = _current_seats(session)
    for seat in seats:
        if seat.user is None or not seat.user.email:
            raise MeetingError("send", _l("The seat \"%(office)s\" (%(institution)s) has no person with an "
                                          "e-mail address; name one before sending invitations.",
                                          office=seat.office, institution=seat.institution.name))
    seated = {a.member_id for a in session.attendance if a.member_id is not None}
    for seat in seats:
        if seat.id not in seated:
            session.attendance.append(Attendance(
                member=seat, kind=seat.kind, name=seat.user.full_name, email=seat.user.email,
                institution_id=seat.institution_id))
    waiting = [a for a in session.attendance if a.invited_at is None and a.email]
    for attendee in waiting:
        _invite(session, attendee)
    session.invitations_sent_at = utcnow()
    db.session.flush()
    audit.record("session.invite", object_type="GroupSession", object_id=session.id,
                 detail={"group_id": session.group_id, "attendance_ids": [a.id for a in waiting]})
    return len(waiting)


def add_invitee(*, actor: Actor, session: GroupSession, name: str | None, email: str | None, kind: str,
                item_id: int | None) -> Attendance:
    """Invite a person to be heard (pupil, parent, school staff, other); mailed at once if invitations went out."""
    if session.status not in (SessionStatus.PROPOSED, SessionStatus.PLANNED):
        raise MeetingError("name", _l("Persons are invited only to a session that is still to be held."))
    name_text = clean_text("name", name, limit=200, required_message=_l("Write the invited person's name."))
    address = clean_text("email", email, limit=254, required_message=_l(
        "An invited person needs an e-mail address: the invitation goes by e-mail."))
    if kind not in INVITED_KINDS:
        raise MeetingError("kind", _l("Choose who the person is."))
    item = None
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.session_id != session.id:
            raise MeetingError("item_id", _l("Choose an item of this session's agenda."))
    attendee = Attendance(kind=kind, name=name_text, email=address, item_id=item.id if item else None)
    session.attendance.append(attendee)
    if session.invitations_sent_at is not None and session.status == SessionStatus.PLANNED:
        _invite(session, attendee)
    db.session.flush()
    audit.record("session.invitee_add", object_type="GroupSession", object_id=session.id,
                 detail={"attendance_id": attendee.id, "kind": kind, "item_id": attendee.item_id,
                         "mailed": attendee.invited_at is not None})
    return attendee


def send_updates(session: GroupSession, *, method: str = ics.REQUEST) -> int:
    """E-mail everyone already invited the session's changed (or cancelled) calendar entry."""
    invited = [a for a in session.attendance if a.invited_at is not None and a.email]
    for attendee in invited:
        _mail(session, attendee, method, _locale_of(attendee))
    return len(invited)
