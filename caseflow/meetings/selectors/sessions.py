"""Reads of groups and sessions: the actor's groups, a group's sessions (upcoming, past by pages),
the loaders for @requires, and the session page's agenda with what the viewer may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from caseflow.access import Actor, Permission, scope
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    CooperationGroup,
    GroupMember,
    GroupSession,
)
from caseflow.meetings.selectors.agenda import agenda_of, visible_case_ids

#: how many upcoming sessions a group page lists (a group meets a few times a month at most)
UPCOMING_LIMIT = 50


@dataclass(frozen=True)
class SessionPage:
    """A page of past sessions and the key of the next page (None on the last)."""

    rows: list[GroupSession]
    next_before: str | None


def groups_of(actor: Actor) -> list[CooperationGroup]:
    """The groups the actor chairs or sits in, by name."""
    return list(db.session.scalars(scope(select(CooperationGroup), actor, Permission.SESSION_VIEW, CooperationGroup)
                                   .order_by(CooperationGroup.name, CooperationGroup.id)))


def managed_group_ids(actor: Actor, group_ids) -> set[int]:
    """Of the given groups, those the actor chairs (one statement)."""
    ids = set(group_ids)
    if not ids:
        return set()
    return set(db.session.scalars(scope(select(CooperationGroup.id), actor, Permission.SESSION_MANAGE,
                                        CooperationGroup).where(CooperationGroup.id.in_(ids))))


def load_group(group_id: int, **_url_args) -> CooperationGroup | None:
    """Load a group for @requires (the policy decides who may use it)."""
    return db.session.get(CooperationGroup, group_id)


def load_session(session_id: int, **_url_args) -> GroupSession | None:
    """Load a session with its group for @requires."""
    return db.session.scalar(select(GroupSession).where(GroupSession.id == session_id)
                             .options(joinedload(GroupSession.group)))


def load_item(session_id: int, item_id: int, **_url_args) -> AgendaItem | None:
    """The agenda item of the URL's session, or None."""
    item = db.session.get(AgendaItem, item_id)
    return item if item is not None and item.session_id == session_id else None


def upcoming(group: CooperationGroup) -> list[GroupSession]:
    """The group's sessions still to come (and today's), soonest first, bounded."""
    return list(db.session.scalars(select(GroupSession).where(
        GroupSession.group_id == group.id, GroupSession.ends_at >= utcnow())
        .order_by(GroupSession.starts_at, GroupSession.id).limit(UPCOMING_LIMIT)))


def past(group: CooperationGroup, *, before: str | None, limit: int) -> SessionPage:
    """The group's past sessions, newest first, by keyset pages (`before` = "<iso start>_<id>")."""
    query = select(GroupSession).where(GroupSession.group_id == group.id, GroupSession.ends_at < utcnow())
    key = _key(before)
    if key is not None:
        query = query.where(tuple_(GroupSession.starts_at, GroupSession.id) < tuple_(*key))
    rows = list(db.session.scalars(query.order_by(GroupSession.starts_at.desc(), GroupSession.id.desc())
                                   .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return SessionPage(rows, f"{rows[-1].starts_at.isoformat()}_{rows[-1].id}" if more else None)


def _key(before: str | None):
    if not before:
        return None
    try:
        moment, _sep, row_id = before.rpartition("_")
        return datetime.fromisoformat(moment), int(row_id)
    except ValueError:
        return None


def seats_of(group: CooperationGroup) -> list[GroupMember]:
    """The group's seats with their institutions and persons."""
    return list(db.session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)
                                   .options(joinedload(GroupMember.institution), joinedload(GroupMember.user))
                                   .order_by(GroupMember.id)))


def attendance_of(session_id: int) -> list[Attendance]:
    """The session's invitees with their seats' institutions."""
    return list(db.session.scalars(select(Attendance).where(Attendance.session_id == session_id)
                                   .options(selectinload(Attendance.institution),
                                            joinedload(Attendance.member).joinedload(GroupMember.institution))
                                   .order_by(Attendance.id)))


def session_page(session: GroupSession, actor: Actor) -> dict:
    """The session page: its agenda, which cases the viewer may see by name, its invitees."""
    items = agenda_of(session.id)
    visible = visible_case_ids(actor, [i.case_id for i in items])
    return {"items": items, "visible": visible, "attendance": attendance_of(session.id),
            "shown_case_ids": sorted(visible)}
