"""What the session, agenda, invitation and request services share: the refusal, Riga wall-clock
times, the sessions of a group that occupy a time slot or hold a case on an open agenda."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from caseflow.cases.services.opening import MAX_TEXT as CASE_MAX_TEXT
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import (
    OPEN_SESSION_STATUSES,
    AgendaItem,
    GroupSession,
    SessionStatus,
)

#: the longest free text a form takes (the same as a case's texts); titles and places: their column's length
MAX_TEXT = CASE_MAX_TEXT


class MeetingError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def clean_text(field: str, value: str | None, *, limit: int = MAX_TEXT, required_message=None) -> str | None:
    """The stripped text, None when empty; refuse a missing required text or one that is too long."""
    value = (value or "").strip()
    if not value:
        if required_message is not None:
            raise MeetingError(field, required_message)
        return None
    if len(value) > limit:
        raise MeetingError(field, _l("Write at most %(max)d characters.", max=limit))
    return value


def has_record(item_ids) -> bool:
    """True if any of the agenda items was recorded or has agreed actions (the session took place)."""
    from caseflow.actions.models import Action
    from caseflow.meetings.models import AgendaItem

    ids = list(item_ids)
    if not ids:
        return False
    recorded = select(AgendaItem.id).where(AgendaItem.id.in_(ids), AgendaItem.recorded_at.is_not(None))
    with_actions = select(Action.id).where(Action.item_id.in_(ids))
    return bool(db.session.scalar(select(or_(exists(recorded), exists(with_actions)))))


def zone() -> ZoneInfo:
    """The zone sessions are entered and shown in (Europe/Riga)."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_moment(day: date, at: time) -> datetime:
    """A Riga wall-clock moment as an aware datetime."""
    return datetime.combine(day, at, tzinfo=zone())


def local_day(moment: datetime) -> date:
    """The Riga calendar day of a stored moment."""
    return moment.astimezone(zone()).date()


def next_working_day(after: date | None = None) -> date:
    """The first Monday–Friday after the given day (today by default)."""
    day = (after or local_today()) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def overlapping(group_id: int, starts_at: datetime, ends_at: datetime,
                exclude_id: int | None = None) -> GroupSession | None:
    """A session of the group (not cancelled) whose time overlaps the given slot."""
    query = select(GroupSession).where(
        GroupSession.group_id == group_id, GroupSession.status != SessionStatus.CANCELLED,
        GroupSession.starts_at < ends_at, GroupSession.ends_at > starts_at)
    if exclude_id is not None:
        query = query.where(GroupSession.id != exclude_id)
    return db.session.scalar(query.order_by(GroupSession.starts_at).limit(1))


def next_number(group_id: int, starts_at: datetime) -> int:
    """The group's next session number in the calendar year (Riga) of the given moment."""
    year = local_day(starts_at).year
    first = datetime(year, 1, 1, tzinfo=zone())
    last = datetime(year + 1, 1, 1, tzinfo=zone())
    highest = db.session.scalar(select(func.max(GroupSession.number)).where(
        GroupSession.group_id == group_id, GroupSession.starts_at >= first, GroupSession.starts_at < last))
    return (highest or 0) + 1


def open_agenda_holding(group_id: int, case_id: int, exclude_session_id: int | None = None) -> GroupSession | None:
    """An open (proposed or planned) session of the group whose agenda holds the case."""
    query = select(GroupSession).join(AgendaItem, AgendaItem.session_id == GroupSession.id).where(
        GroupSession.group_id == group_id, GroupSession.status.in_(OPEN_SESSION_STATUSES),
        AgendaItem.case_id == case_id)
    if exclude_session_id is not None:
        query = query.where(GroupSession.id != exclude_session_id)
    return db.session.scalar(query.order_by(GroupSession.starts_at).limit(1))


def already_on_agenda_message(session: GroupSession):
    """The refusal naming the open session whose agenda already holds a case."""
    from caseflow.core.i18n import format_date_lv

    return _l("The case already stands on the agenda of session %(label)s on %(day)s; a case can be on "
              "one open agenda of a group at a time.", label=session.label, day=format_date_lv(session.starts_at))
