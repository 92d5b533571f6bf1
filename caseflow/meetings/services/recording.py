"""The chair records a session: attendance, what each institution reported on each item, the
discussion, the outcome, the next evaluation and the agreed measures (each becomes an action).
Every rule is checked before anything is written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.actions.models import Action, ActionStatus
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    AttendeeKind,
    GroupSession,
    ItemKind,
    ItemOutcome,
    ItemReport,
    Presence,
    SessionStatus,
)
from caseflow.meetings.selectors import recording as selectors
from caseflow.meetings.services import escalation
from caseflow.meetings.services.common import MeetingError, clean_text
from caseflow.people.settings import get_setting

#: presences the chair records (an attendee still "invited" has not been recorded)
RECORDED_PRESENCES = (Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED)
#: kinds of attendee the chair can add on the spot (seats come from the group)
ADDABLE_KINDS = (AttendeeKind.ADVISORY, AttendeeKind.PUPIL, AttendeeKind.PARENT, AttendeeKind.SCHOOL_STAFF,
                 AttendeeKind.OTHER)


def check_recordable(session: GroupSession, field: str = "session") -> None:
    """Refuse changes to the record of a cancelled, approved, proposed or not yet begun session."""
    if session.status == SessionStatus.CANCELLED:
        raise MeetingError(field, _l("This session was cancelled: nothing can be recorded on it."))
    if session.status == SessionStatus.APPROVED:
        raise MeetingError(field, _l("The minutes of this session are approved and locked. Add an addendum "
                                    "to correct them."))
    if session.status not in (SessionStatus.PLANNED, SessionStatus.HELD):
        raise MeetingError(field, _l("This session is only proposed: schedule it before recording it."))
    if not selectors.has_begun(session):
        raise MeetingError(field, _l("The session takes place on %(day)s: record it on or after that day.",
                                    day=selectors.session_day(session).strftime("%d.%m.%Y.")))


# --- attendance ----------------------------------------------------------------------------------

def record_attendance(*, actor: Actor, session: GroupSession, marks: dict[str, tuple[str, bool]]) -> None:
    """Record who was present, absent or excused, and which invited persons were heard.
    `marks` maps an attendance line's key to (presence, heard); an empty presence leaves it unrecorded."""
    check_recordable(session)
    lines = {line.key: line for line in selectors.attendance_lines(session)}
    for key, (presence, _heard) in marks.items():
        if key not in lines:
            raise MeetingError("session", _l("The attendance sheet changed meanwhile. Reload the page."))
        if presence and presence not in RECORDED_PRESENCES:
            raise MeetingError(f"presence_{key}", _l("Choose present, absent or excused."))
    changed = []
    for key, (presence, heard) in marks.items():
        line = lines[key]
        row = line.row
        if row is None:
            if not presence:
                continue
            seat = line.member
            row = Attendance(session_id=session.id, member_id=seat.id, kind=seat.kind, name=line.label,
                             institution_id=seat.institution_id)
            db.session.add(row)
        row.presence = presence or Presence.INVITED
        row.heard = bool(heard) and line.is_invited_person and row.presence == Presence.PRESENT
        changed.append(key)
    db.session.flush()
    audit.record("session.attendance", object_type="GroupSession", object_id=session.id,
                 detail={"lines": changed})


def add_attendee(*, actor: Actor, session: GroupSession, name: str, kind: str, heard: bool) -> Attendance:
    """Add a person who came without an invitation (present; heard when ticked)."""
    check_recordable(session)
    name = clean_text("name", name, required_message=_l("Write the person's name."), limit=200)
    if kind not in ADDABLE_KINDS:
        raise MeetingError("kind", _l("Choose who the person is."))
    row = Attendance(session_id=session.id, kind=kind, name=name, presence=Presence.PRESENT,
                     heard=bool(heard) and kind in selectors.HEARD_KINDS)
    db.session.add(row)
    db.session.flush()
    audit.record("session.attendee_add", object_type="Attendance", object_id=row.id,
                 detail={"session_id": session.id, "kind": kind})
    return row


def mark_held(*, actor: Actor, session: GroupSession) -> None:
    """Mark a planned session as held, once attendance is recorded for every seat."""
    check_recordable(session)
    if session.status == SessionStatus.HELD:
        raise MeetingError("session", _l("The session is already marked as held."))
    missing = [line for line in selectors.attendance_lines(session)
               if line.kind in (AttendeeKind.MEMBER, AttendeeKind.ADVISORY) and line.presence == Presence.INVITED]
    if missing:
        raise MeetingError("session", _l("Record attendance for every seat first: %(names)s.",
                                        names=", ".join(line.label for line in missing)))
    session.status = SessionStatus.HELD
    db.session.flush()
    audit.record("session.held", object_type="GroupSession", object_id=session.id)


# --- agenda items ----------------------------------------------------------------------------------

@dataclass
class MeasureInput:
    """One agreed measure as the chair entered it; `prefix` names its form fields (e.g. measures-2-)."""

    prefix: str
    text: str | None
    institution_id: int | None
    assignee_id: int | None
    due_on: date | None
    evaluate_on: date | None
    supervisor_institution_id: int | None


def _check_measure(m: MeasureInput, *, day: date, allowed: set[int]) -> str:
    text = clean_text(f"{m.prefix}text", m.text, required_message=_l("Write what is to be done."))
    if m.institution_id is None:
        raise MeetingError(f"{m.prefix}institution_id", _l("Choose the institution that carries out the measure."))
    if m.institution_id not in allowed:
        raise MeetingError(f"{m.prefix}institution_id", _l("Choose an institution of the group or of its "
                                                          "municipality."))
    if m.assignee_id is not None and not selectors.works_at(m.assignee_id, m.institution_id):
        raise MeetingError(f"{m.prefix}assignee_id", _l("The person must work at the chosen institution."))
    if m.due_on is None:
        raise MeetingError(f"{m.prefix}due_on", _l("Enter the deadline."))
    if m.due_on < day:
        raise MeetingError(f"{m.prefix}due_on", _l("The deadline cannot be before the session (%(day)s).",
                                                  day=day.strftime("%d.%m.%Y.")))
    if m.evaluate_on is not None and m.evaluate_on < m.due_on:
        raise MeetingError(f"{m.prefix}evaluate_on", _l("The evaluation cannot be before the deadline."))
    if m.supervisor_institution_id is not None and m.supervisor_institution_id not in allowed:
        raise MeetingError(f"{m.prefix}supervisor_institution_id", _l("Choose a supervising institution of the "
                                                                     "group or of its municipality."))
    return text


def _check_outcome(item: AgendaItem, outcome: str | None, next_evaluation_on: date | None, day: date) -> None:
    if outcome not in set(ItemOutcome):
        raise MeetingError("outcome", _l("Choose the outcome of the item."))
    if outcome == ItemOutcome.ESCALATE:
        escalation.check(item)
    if next_evaluation_on is not None and next_evaluation_on <= day:
        raise MeetingError("next_evaluation_on", _l("The next evaluation must be after the session (%(day)s).",
                                                   day=day.strftime("%d.%m.%Y.")))
    if (next_evaluation_on is None and item.kind == ItemKind.CASE
            and outcome not in selectors.NO_EVALUATION_OUTCOMES):
        raise MeetingError("next_evaluation_on", _l("Enter when the group evaluates the result next (not needed "
                                                   "when the item is escalated, carried over or closing is "
                                                   "recommended)."))


def record_item(*, actor: Actor, session: GroupSession, item: AgendaItem, reports: dict[int, str | None],
                discussion: str | None, outcome: str | None, next_evaluation_on: date | None,
                measures: list[MeasureInput]) -> list[Action]:
    """Record an item: reports, discussion, outcome, next evaluation; each measure becomes an action.
    Recording again updates the texts and adds the new measures; agreed actions stay as they are."""
    check_recordable(session)
    day = selectors.session_day(session)
    _check_outcome(item, outcome, next_evaluation_on, day)
    discussion_text = clean_text("discussion", discussion)
    known = {i.id for i in selectors.report_institutions(session, item)}
    report_texts = {}
    for institution_id, text in reports.items():
        if institution_id not in known:
            raise MeetingError("session", _l("The list of institutions changed meanwhile. Reload the page."))
        report_texts[institution_id] = clean_text(f"report_{institution_id}", text)
    allowed = {i.id for i in selectors.measure_institutions(session.group)}
    texts = [_check_measure(m, day=day, allowed=allowed) for m in measures]

    scope = selectors.text_scope(item, session.group_id)
    escalating = outcome == ItemOutcome.ESCALATE and item.outcome != ItemOutcome.ESCALATE
    first_time = item.recorded_at is None
    seal(item, "discussion", discussion_text, scope=scope)
    item.outcome, item.next_evaluation_on = outcome, next_evaluation_on
    item.recorded_at, item.recorded_by_id = utcnow(), actor.user_id
    _write_reports(item, report_texts, scope)
    actions = [_write_action(actor, session, item, m, text, scope) for m, text in zip(measures, texts, strict=True)]
    request = None
    if escalating:
        request = escalation.escalate(actor=actor, session=session, item=item)
    if item.case is not None and first_time:
        record_event(item.case, "heard_by_group", actor=actor,
                     detail={"session_id": session.id, "item_id": item.id, "group_id": session.group_id,
                             "outcome": outcome})
    db.session.flush()
    audit.record("agenda_item.record", object_type="AgendaItem", object_id=item.id,
                 pupil_id=item.case.pupil_id if item.case else None,
                 detail={"session_id": session.id, "outcome": outcome, "action_ids": [a.id for a in actions],
                         "reports": sorted(k for k, v in report_texts.items() if v),
                         "fields": ["discussion"] if discussion_text else [],
                         "request_id": request.id if request else None})
    return actions


def _write_reports(item: AgendaItem, texts: dict[int, str | None], scope: str) -> None:
    existing = {r.institution_id: r for r in item.reports}
    for institution_id, text in texts.items():
        report = existing.get(institution_id)
        if text is None:
            if report is not None:
                item.reports.remove(report)
            continue
        if report is None:
            report = ItemReport(item_id=item.id, institution_id=institution_id)
            item.reports.append(report)
            db.session.flush()
        seal(report, "text", text, scope=scope)


def default_supervisor(session: GroupSession, actor: Actor, institution_id: int) -> int | None:
    """Who supervises a measure unless the chair says otherwise: the chair's institution, or (the
    municipal setting `follow_up_supervisor`, Daugavpils) the competent institution itself."""
    if get_setting(session.municipality_id, "follow_up_supervisor") == "competent_institution":
        return institution_id
    return actor.institution_id


def _write_action(actor: Actor, session: GroupSession, item: AgendaItem, m: MeasureInput, text: str,
                  scope: str) -> Action:
    action = Action(municipality_id=session.municipality_id, group_id=session.group_id, item_id=item.id,
                    case_id=item.case_id, institution_id=m.institution_id, assignee_id=m.assignee_id,
                    supervisor_institution_id=m.supervisor_institution_id
                    or default_supervisor(session, actor, m.institution_id),
                    due_on=m.due_on, evaluate_on=m.evaluate_on, status=ActionStatus.NEW,
                    created_by_id=actor.user_id)
    db.session.add(action)
    db.session.flush()
    seal(action, "description", text, scope=scope)
    audit.record("action.create", object_type="Action", object_id=action.id,
                 pupil_id=item.case.pupil_id if item.case else None,
                 detail={"item_id": item.id, "institution_id": m.institution_id, "fields": ["description"]})
    return action
