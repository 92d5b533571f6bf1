"""Everything caseflow holds about one pupil, decrypted, for the data-protection officer's export."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select

from caseflow.access import Actor
from caseflow.crypto import KeyDestroyed, unseal
from caseflow.db import utcnow
from caseflow.extensions import db

#: the value of a text whose pupil's data key was destroyed (crypto-shredded)
ERASED = "[erased]"
FORMAT = "caseflow.subject-access/1"


def _text(obj, field: str) -> str | None:
    """A sealed field's plain text, None when empty, ERASED when its key is gone."""
    try:
        return unseal(obj, field)
    except KeyDestroyed:
        return ERASED


def _iso(value) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _label(entry) -> str | None:
    return entry.label_lv if entry is not None else None


def _name(user) -> str | None:
    return user.full_name if user is not None else None


def _inst(institution) -> str | None:
    return institution.name if institution is not None else None


def _users(ids) -> dict:
    from caseflow.people.models import User

    ids = {i for i in ids if i}
    return {u.id: u.full_name for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _institutions(ids) -> dict:
    from caseflow.people.models import Institution

    ids = {i for i in ids if i}
    return ({i.id: i.name for i in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))}
            if ids else {})


def _pupil(pupil) -> dict:
    return {"id": pupil.id, "first_name": pupil.first_name, "last_name": pupil.last_name,
            "birth_date": _iso(pupil.birth_date), "personal_code": _text(pupil, "personal_code"),
            "declared_municipality": pupil.declared_municipality.name if pupil.declared_municipality else None,
            "registered_at": _iso(pupil.created_at),
            "enrolments": [{"school": e.school.name, "class": e.class_name, "grade": e.grade,
                            "from": _iso(e.start_date), "to": _iso(e.end_date)} for e in pupil.enrolments]}


def _case(case) -> dict:
    from caseflow.cases.models import CaseEvent, Note
    from caseflow.records.models import LegalHold, RetentionRecord

    events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)).all()
    notes = db.session.scalars(select(Note).where(Note.case_id == case.id)
                               .order_by(Note.root_id, Note.version)).all()
    team_names = _users(m.user_id for m in case.team)
    retention = db.session.scalar(select(RetentionRecord).where(RetentionRecord.category == "case",
                                                                RetentionRecord.object_id == case.id))
    holds = db.session.scalars(select(LegalHold).where(LegalHold.case_id == case.id)
                               .order_by(LegalHold.id)).all()
    return {
        "id": case.id, "number": case.number, "municipality_id": case.municipality_id,
        "school": case.school.name, "status": case.status, "class": case.class_name,
        "concerns_family": case.concerns_family, "urgent": case.urgent, "summary": _text(case, "summary"),
        "opened_on": _iso(case.opened_on), "opened_by": _name(case.opened_by), "lead": _name(case.lead),
        "closed_on": _iso(case.closed_on), "outcome": _label(case.outcome),
        "dropout_reason": _label(case.dropout_reason),
        "categories": [_label(e) for e in case.entries_of("category")],
        "noticed_by": [_label(e) for e in case.entries_of("noticed_via")],
        "risk_factors": [{"group": _label(r.item.group), "item": _label(r.item), "added_on": _iso(r.added_on),
                          "description": _text(r, "description")} for r in case.risk_factors],
        "parties": [{"kind": p.kind, "full_name": p.full_name, "legal_representative": p.is_legal_representative,
                     "contact": _contact(p), "added_at": _iso(p.added_at), "removed_at": _iso(p.removed_at)}
                    for p in case.parties],
        "team": [{"name": team_names.get(m.user_id), "task": m.task, "added_at": _iso(m.added_at),
                  "removed_at": _iso(m.removed_at)} for m in case.team],
        "timeline": [{"at": _iso(e.at), "kind": e.kind, "by": _name(e.user), "institution": _inst(e.institution),
                      "detail": e.detail, "text": _text(e, "text")} for e in events],
        "notes": [{"note": n.root_id or n.id, "version": n.version, "kind": n.kind, "visibility": n.visibility,
                   "author": _name(n.author), "institution": _inst(n.author_institution),
                   "written_at": _iso(n.created_at), "superseded_at": _iso(n.superseded_at),
                   "text": _text(n, "body")} for n in notes],
        "participants": _participants(case.id),
        "emergency_access": _emergency(case.id),
        "information_requests": _information_requests(case.id),
        "legal_holds": [{"placed_at": _iso(h.placed_at), "reason": h.reason, "released_at": _iso(h.released_at)}
                        for h in holds],
        "anonymised_at": _iso(retention.anonymised_at) if retention else None,
    }


def _participants(case_id: int) -> list[dict]:
    """Institutions given a part in the case (added by the coordinator, or shared with)."""
    from caseflow.sharing.models import CaseParticipant

    rows = db.session.scalars(select(CaseParticipant).where(CaseParticipant.case_id == case_id)
                              .order_by(CaseParticipant.id)).all()
    return [{"institution": r.institution.name, "why": r.why, "since": _iso(r.since), "ended_at": _iso(r.ended_at),
             "reason": _text(r, "reason")} for r in rows]


def _information_requests(case_id: int) -> list[dict]:
    """Requests for information about the pupil: who asked whom, what, why, by when, the answer."""
    from caseflow.inforequests.models import InfoRequest
    from caseflow.people.models import Institution

    rows = db.session.scalars(select(InfoRequest).where(InfoRequest.case_id == case_id)
                              .order_by(InfoRequest.id)).all()
    names = {i.id: i.name for i in db.session.scalars(select(Institution).where(Institution.id.in_(
        {r.institution_id for r in rows} | {r.asker_institution_id for r in rows})))} if rows else {}
    return [{"asked_by": names.get(r.asker_institution_id), "asked_of": names.get(r.institution_id),
             "asked_at": _iso(r.asked_at), "question": _text(r, "question"), "purpose": _text(r, "purpose"),
             "due_on": r.due_on.isoformat(), "answer": _text(r, "answer"), "answered_at": _iso(r.answered_at)}
            for r in rows]


def _emergency(case_id: int) -> list[dict]:
    """Break-the-glass sight of the case: the institution, why, when, and the review's outcome."""
    from caseflow.emergency.models import EmergencyGrant

    rows = db.session.scalars(select(EmergencyGrant).where(EmergencyGrant.case_id == case_id)
                              .order_by(EmergencyGrant.id)).all()
    return [{"institution": r.institution.name, "reason": r.reason, "justification": _text(r, "justification"),
             "granted_at": _iso(r.granted_at), "expires_at": _iso(r.expires_at), "reviewed_at": _iso(r.reviewed_at),
             "outcome": r.outcome} for r in rows]


def _contact(party) -> dict | str | None:
    value = _text(party, "contact")
    if value in (None, ERASED):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _referrals(case_ids, numbers) -> list[dict]:
    from caseflow.cases.models import Referral

    rows = db.session.scalars(select(Referral).where(Referral.case_id.in_(case_ids)).order_by(Referral.id)).all()
    return [{"case": numbers[r.case_id], "group": r.group.name, "status": r.status, "urgent": r.urgent,
             "submitted_at": _iso(r.submitted_at), "submitted_by": _name(r.submitted_by),
             "decided_at": _iso(r.decided_at), "tried": _text(r, "tried"), "request": _text(r, "request"),
             "return_reason": _text(r, "return_reason")} for r in rows]


def _requests(case_ids, numbers) -> list[dict]:
    from caseflow.meetings.models import SessionRequest

    rows = db.session.scalars(select(SessionRequest).where(SessionRequest.case_id.in_(case_ids))
                              .order_by(SessionRequest.id)).all()
    institutions = _institutions(r.submitted_by_institution_id for r in rows)
    return [{"case": numbers[r.case_id], "group": r.group.name, "requester": r.requester_kind,
             "requested_for": r.requested_for, "urgent": r.urgent, "status": r.status,
             "submitted_at": _iso(r.submitted_at), "submitted_by": _name(r.submitted_by),
             "institution": institutions.get(r.submitted_by_institution_id), "decided_at": _iso(r.decided_at),
             "reasons": _text(r, "reasons"), "decline_reason": _text(r, "decline_reason")} for r in rows]


def _agenda_items(case_ids, numbers) -> list[dict]:
    """This pupil's items only: never another item of the same session, nor the minutes' general text."""
    from caseflow.meetings.models import AgendaItem, Attendance

    rows = db.session.scalars(select(AgendaItem).where(AgendaItem.case_id.in_(case_ids))
                              .order_by(AgendaItem.id)).all()
    heard = db.session.scalars(select(Attendance).where(Attendance.item_id.in_([i.id for i in rows]))
                               .order_by(Attendance.id)).all() if rows else []
    out = []
    for i in rows:
        out.append({
            "id": i.id, "case": numbers[i.case_id], "group": i.session.group.name, "session": i.session.label,
            "session_starts_at": _iso(i.session.starts_at), "reason": i.reason, "outcome": i.outcome,
            "next_evaluation_on": _iso(i.next_evaluation_on), "recorded_at": _iso(i.recorded_at),
            "discussion": _text(i, "discussion"),
            "reports": [{"institution": r.institution.name, "text": _text(r, "text")} for r in i.reports],
            "invited": [{"kind": a.kind, "name": a.name, "presence": a.presence, "heard": a.heard}
                        for a in heard if a.item_id == i.id]})
    return out


def _actions(case_ids, numbers) -> list[dict]:
    from caseflow.actions.models import Action

    rows = db.session.scalars(select(Action).where(Action.case_id.in_(case_ids)).order_by(Action.id)).all()
    institutions = _institutions(f.institution_id for a in rows for f in a.follow_ups)
    return [{"case": numbers[a.case_id], "group": a.group.name, "institution": a.institution.name,
             "supervisor": _inst(a.supervisor), "assignee": _name(a.assignee), "status": a.status,
             "due_on": _iso(a.due_on), "evaluate_on": _iso(a.evaluate_on), "description": _text(a, "description"),
             "result": _text(a, "result"), "cannot_reason": _text(a, "cannot_reason"),
             "follow_ups": [{"on": _iso(f.on), "by": _name(f.logged_by),
                             "institution": institutions.get(f.institution_id), "text": _follow_up(f)}
                            for f in a.follow_ups]} for a in rows]


def _follow_up(follow_up) -> dict | str | None:
    value = _text(follow_up, "text")
    if value in (None, ERASED):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _concerns(pupil_id, case_ids) -> list[dict]:
    from caseflow.concerns.models import Concern

    rows = db.session.scalars(select(Concern).where(or_(Concern.pupil_id == pupil_id,
                                                        Concern.case_id.in_(case_ids)))
                              .order_by(Concern.id)).all()
    return [{"reported_at": _iso(c.reported_at), "reported_by": _name(c.reported_by),
             "institution": c.reported_by_institution.name, "school": _inst(c.school), "status": c.status,
             "noticed_since": _iso(c.noticed_since), "pupil_described": _text(c, "pupil_described"),
             "noticed": _text(c, "noticed"), "response": _text(c, "response"),
             "forward_remark": _text(c, "forward_remark"), "handled_at": _iso(c.handled_at)} for c in rows]


def _plans(pupil_id, numbers) -> list[dict]:
    from caseflow.plans.models import SupportPlan

    rows = db.session.scalars(select(SupportPlan).where(SupportPlan.pupil_id == pupil_id)
                              .order_by(SupportPlan.starts_on, SupportPlan.id)).all()
    return [{"id": p.id, "school": p.school.name, "case": numbers.get(p.case_id),
             "semester": f"{p.semester.school_year}/{p.semester.number}" if p.semester else None,
             "starts_on": _iso(p.starts_on), "ends_on": _iso(p.ends_on), "status": p.status,
             "goals": _text(p, "goals"),
             "measures": [{"type": _label(m.type), "subject": _label(m.subject), "deliverer": _name(m.deliverer),
                           "planned_hours": _iso(m.planned_hours), "delivered_hours": _iso(m.delivered_hours),
                           "basis": _text(m, "basis"),
                           "deliveries": [{"on": _iso(d.on), "hours": _iso(d.hours), "mode": d.mode}
                                          for d in m.deliveries]} for m in p.measures],
             "evaluation": {"evaluated_on": _iso(p.evaluated_on), "learning_dynamics": p.learning_dynamics,
                            "progress": _text(p, "progress"), "parents_informed_on": _iso(p.parents_informed_on),
                            "next_steps": _text(p, "next_steps")}} for p in rows]


def _warnings(pupil_id: int) -> dict:
    """Early-warning signals computed about the pupil, the dismissals with their reasons, and the notices
    sent to the municipality about unexcused absences."""
    from caseflow.warning.models import WarningDismissal, WarningNotice, WarningSignal
    from caseflow.warning.rules import describe
    from caseflow.warning.rules import label as rule_label

    signals = db.session.scalars(select(WarningSignal).where(WarningSignal.pupil_id == pupil_id)
                                 .order_by(WarningSignal.id)).all()
    dismissals = db.session.scalars(select(WarningDismissal).where(WarningDismissal.pupil_id == pupil_id)
                                    .order_by(WarningDismissal.id)).all()
    notices = db.session.scalars(select(WarningNotice).where(WarningNotice.pupil_id == pupil_id)
                                 .order_by(WarningNotice.id)).all()
    schools = _institutions([s.school_id for s in signals] + [d.school_id for d in dismissals]
                            + [n.school_id for n in notices])
    return {
        "signals": [{"rule": rule_label(s.rule), "measure": describe(s.rule, s.value, s.threshold),
                     "school": schools.get(s.school_id), "value": s.value, "threshold": s.threshold,
                     "evidence": s.evidence, "computed_at": _iso(s.computed_at)}
                    for s in signals],
        "dismissals": [{"rule": rule_label(d.rule), "school": schools.get(d.school_id),
                        "reason": _text(d, "reason"), "dismissed_at": _iso(d.dismissed_at)} for d in dismissals],
        "notices": [{"school": schools.get(n.school_id), "unexcused": n.unexcused,
                     "notified_at": _iso(n.notified_at)} for n in notices],
    }


def _school_data(pupil_id: int) -> dict:
    """Imported school data: each school year's class, semester totals, grades and every absence record."""
    from caseflow.imports.models import AbsenceRecord, AbsenceTotal, ClassRecord, GradeRecord
    from caseflow.people.calendar import Semester

    def rows(model, order):
        return db.session.scalars(select(model).where(model.pupil_id == pupil_id).order_by(*order)).all()

    classes = rows(ClassRecord, (ClassRecord.school_year,))
    totals = rows(AbsenceTotal, (AbsenceTotal.semester_id,))
    grades = rows(GradeRecord, (GradeRecord.school_year, GradeRecord.period, GradeRecord.subject_key))
    absences = rows(AbsenceRecord, (AbsenceRecord.day, AbsenceRecord.lesson))
    schools = _institutions([r.school_id for r in (*classes, *totals, *grades, *absences)])
    semesters = {s.id: str(s) for s in db.session.scalars(select(Semester).where(
        Semester.id.in_({t.semester_id for t in totals})))} if totals else {}
    return {
        "classes": [{"school_year": c.school_year, "school": schools.get(c.school_id), "class": c.class_name}
                    for c in classes],
        "semester_totals": [{"semester": semesters.get(t.semester_id), "school": schools.get(t.school_id),
                             "lessons": t.lessons_total, "unexcused": t.unexcused, "excused": t.excused}
                            for t in totals],
        "grades": [{"school_year": g.school_year, "period": g.period, "school": schools.get(g.school_id),
                    "subject": g.subject, "mark": g.mark} for g in grades],
        "absences": [{"day": a.day.isoformat(), "lesson": a.lesson, "kind": a.kind, "school": schools.get(a.school_id),
                      "source": a.source} for a in absences],
    }


def _consultations(actor: Actor, pupil_id: int) -> list[dict]:
    """When and by which institution (and role) the pupil's data was consulted, and what for."""
    from caseflow.audit.selectors import pupil_trail

    rows, before = [], None
    while True:
        page = pupil_trail(actor, pupil_id, before=before, limit=500)
        rows.extend(page.rows)
        if page.next_before is None:
            break
        before = page.next_before
    return [{"at": _iso(r.at), "institution": r.institution_name, "role": r.role, "action": r.action}
            for r in reversed(rows)]


def subject_export(actor: Actor, pupil) -> dict:
    """The export of one pupil: identity, cases and all that hangs on them, and who consulted them."""
    from caseflow.cases.models import Case

    cases = db.session.scalars(select(Case).where(Case.pupil_id == pupil.id).order_by(Case.id)).all()
    case_ids = [c.id for c in cases]
    numbers = {c.id: c.number for c in cases}
    return {
        "format": FORMAT, "generated_at": _iso(utcnow()), "pupil": _pupil(pupil),
        "cases": [_case(c) for c in cases],
        "referrals": _referrals(case_ids, numbers), "session_requests": _requests(case_ids, numbers),
        "agenda_items": _agenda_items(case_ids, numbers), "actions": _actions(case_ids, numbers),
        "concerns": _concerns(pupil.id, case_ids), "support_plans": _plans(pupil.id, numbers),
        "early_warning": _warnings(pupil.id), "school_data": _school_data(pupil.id), "consultations": _consultations(actor, pupil.id),
    }


def when(value: str | None) -> str:
    """An ISO date or timestamp of the export as people read it (Riga time, dd.mm.yyyy.)."""
    from caseflow.core.i18n import format_date_lv, format_datetime_lv

    if not value:
        return "—"
    if "T" in value:
        return format_datetime_lv(datetime.fromisoformat(value))
    return format_date_lv(date.fromisoformat(value))


def code_label(kind: str, code: str | None) -> str:
    """A stored code in words, through the labels the case and group pages use (the code if unknown)."""
    from caseflow.actions.forms.actions import STATUS_LABELS as ACTION_STATUS
    from caseflow.cases import events
    from caseflow.cases.forms.notes import NOTE_KIND_LABELS
    from caseflow.cases.forms.people import PARTY_KIND_LABELS
    from caseflow.cases.forms.referral import STATUS_LABELS as REFERRAL_STATUS
    from caseflow.concerns.forms import STATUS_LABELS as CONCERN_STATUS
    from caseflow.meetings.forms.requests import STATUS_LABELS as REQUEST_STATUS
    from caseflow.meetings.forms.sessions import ATTENDEE_LABELS, PRESENCE_LABELS
    from caseflow.meetings.selectors.recording import OUTCOME_LABELS

    if not code:
        return "—"
    if kind == "event":
        return events.label(code)
    labels = {"party": PARTY_KIND_LABELS, "note": NOTE_KIND_LABELS, "referral": REFERRAL_STATUS,
              "action": ACTION_STATUS, "request": REQUEST_STATUS, "concern": CONCERN_STATUS,
              "outcome": OUTCOME_LABELS, "attendee": ATTENDEE_LABELS, "presence": PRESENCE_LABELS}[kind]
    return str(labels.get(code, code))
