"""The minutes assembled from the record, in a fixed number of statements however many items a
session has; the per-institution extract; who reads only their part; who may download an extract."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from caseflow.access import Actor, Permission, can
from caseflow.actions.models import Action
from caseflow.cases.models import Case
from caseflow.crypto import preload_keys, unseal
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    GroupMember,
    GroupSession,
    ItemReport,
    Minutes,
    MinutesAddendum,
)
from caseflow.meetings.selectors.recording import OUTCOME_LABELS, measures_heading
from caseflow.people.models import Institution


@dataclass
class ItemRecord:
    """One agenda item as the minutes show it, its texts decrypted."""

    item: AgendaItem
    discussion: str | None
    reports: list[tuple[Institution, str]]
    actions: list[tuple[Action, str]]

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.item.outcome, "")) if self.item.outcome else ""


@dataclass
class MinutesRecord:
    """Everything the minutes show: the session, attendance, items, general text, addenda."""

    session: GroupSession
    minutes: Minutes | None
    text: str | None
    attendance: list[Attendance]
    items: list[ItemRecord]
    measures_heading: str
    addenda: list[tuple[MinutesAddendum, str]] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return self.minutes is not None and self.minutes.approved_at is not None

    @property
    def pupil_ids(self) -> list[int]:
        return [r.item.case.pupil_id for r in self.items if r.item.case is not None]


def minutes_record(session: GroupSession, *, institution_id: int | None = None) -> MinutesRecord:
    """The minutes of a session; with `institution_id` the extract: only the items where that
    institution reported or holds an action, only its report and its actions, no attendance."""
    group = session.group
    minutes = db.session.scalar(select(Minutes).where(Minutes.session_id == session.id)
                                .options(selectinload(Minutes.addenda)))
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.session_id == session.id)
        .options(joinedload(AgendaItem.case).joinedload(Case.pupil),
                 selectinload(AgendaItem.reports).joinedload(ItemReport.institution))
        .order_by(AgendaItem.position, AgendaItem.id)))
    actions_by_item: dict[int, list[Action]] = {}
    if items:
        for action in db.session.scalars(
                select(Action).where(Action.item_id.in_([i.id for i in items]))
                .options(joinedload(Action.institution), joinedload(Action.supervisor),
                         joinedload(Action.assignee)).order_by(Action.id)):
            actions_by_item.setdefault(action.item_id, []).append(action)
    attendance = [] if institution_id else list(db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id)
        .options(joinedload(Attendance.institution)).order_by(Attendance.id)))

    scopes = {f"group:{group.id}"} | {f"pupil:{i.case.pupil_id}" for i in items if i.case is not None}
    keys = preload_keys(scopes)  # noqa: F841 — held so the session keeps the keys while decrypting
    records = []
    for item in items:
        actions = actions_by_item.get(item.id, [])
        reports = item.reports
        if institution_id is not None:
            actions = [a for a in actions if a.institution_id == institution_id]
            reports = [r for r in reports if r.institution_id == institution_id]
            if not actions and not reports:
                continue
        records.append(ItemRecord(
            item=item, discussion=unseal(item, "discussion"),
            reports=[(r.institution, unseal(r, "text") or "") for r in reports],
            actions=[(a, unseal(a, "description") or "") for a in actions]))
    text = addenda = None
    if minutes is not None and institution_id is None:
        text = unseal(minutes, "text")
        addenda = [(a, unseal(a, "text") or "") for a in minutes.addenda]
    return MinutesRecord(session=session, minutes=minutes, text=text, attendance=attendance, items=records,
                         measures_heading=measures_heading(group), addenda=addenda or [])


def reads_only_own_part(actor: Actor, session: GroupSession) -> bool:
    """Once minutes are approved, members read only their institution's part (the chair: all of it),
    as members see an agenda case only until approval unless their institution holds an action."""
    return session.status == "approved" and not can(actor, Permission.SESSION_MANAGE, session)


def may_take_extract(actor: Actor, session: GroupSession) -> bool:
    """True if the actor's institution holds an action on one of the session's items, or a seat."""
    if actor.institution_id is None:
        return False
    holds = exists().where(Action.institution_id == actor.institution_id, AgendaItem.id == Action.item_id,
                           AgendaItem.session_id == session.id)
    seat = exists().where(GroupMember.group_id == session.group_id,
                          GroupMember.institution_id == actor.institution_id)
    return bool(db.session.scalar(select(holds | seat)))
