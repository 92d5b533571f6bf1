"""The case timeline: every step on a case leaves an event (codes and ids only, reasons encrypted)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.access import Actor
from caseflow.cases.models import Case, CaseEvent
from caseflow.crypto import seal, unseal
from caseflow.db import utcnow
from caseflow.extensions import db

#: what each kind of step reads as on the timeline
LABELS = {
    "opened": _l("Case opened"),
    "details_changed": _l("Case details changed"),
    "risk_factors_changed": _l("Risk factors changed"),
    "concern_added": _l("A concern was added to the case"),
    "note_added": _l("Note added"),
    "note_corrected": _l("Note corrected"),
    "party_added": _l("Party added"),
    "party_changed": _l("Party changed"),
    "party_removed": _l("Party removed"),
    "family_changed": _l("Whole-family mark changed"),
    "team_added": _l("Team member added"),
    "team_removed": _l("Team member removed"),
    "plan_created": _l("Support plan drawn up"),
    "plan_evaluated": _l("Support plan evaluated"),
    "plan_continued": _l("Support plan continued for the next semester"),
    "referred": _l("Referred to the cooperation group"),
    "referral_accepted": _l("Referral accepted"),
    "referral_returned": _l("Referral returned to the school"),
    "session_requested": _l("A cooperation group was asked to hear the case"),
    "session_request_declined": _l("The request for a hearing was declined"),
    "put_on_agenda": _l("Put on a session's agenda"),
    "taken_off_agenda": _l("Taken off a session's agenda"),
    "heard_by_group": _l("Heard by the cooperation group"),
    "escalated": _l("Escalated to the management group"),
    "action_assigned": _l("Action assigned to a person"),
    "action_accepted": _l("Action accepted"),
    "action_started": _l("Action started"),
    "action_done": _l("Action done"),
    "action_cannot": _l("Action cannot be done"),
    "follow_up_logged": _l("Follow-up logged"),
    "participant_added": _l("An institution was added to the case"),
    "case_shared": _l("Shared with the municipality where the pupil is declared"),
    "participation_ended": _l("An institution no longer takes part in the case"),
    "emergency_access": _l("Emergency access by another institution"),
    "info_requested": _l("Information requested from an institution"),
    "info_answered": _l("Request for information answered"),
    "closed": _l("Case closed"),
    "reopened": _l("Case reopened"),
}


def label(kind: str) -> str:
    """The timeline wording of an event kind (the kind itself for an unknown one)."""
    return str(LABELS.get(kind, kind))


def record_event(case: Case, kind: str, *, actor: Actor | None, detail: dict | None = None,
                 text: str | None = None) -> CaseEvent:
    """Add a line to the case's timeline and mark the case as changed now."""
    event = CaseEvent(case_id=case.id, kind=kind, detail=dict(detail or {}),
                      user_id=actor.user_id if actor else None,
                      institution_id=actor.institution_id if actor else None, at=utcnow())
    db.session.add(event)
    if text:
        seal(event, "text", text, scope=f"pupil:{case.pupil_id}")
    case.updated_at = event.at
    return event


def timeline(case: Case, actor: Actor, *, limit: int = 200) -> list[CaseEvent]:
    """The case's events the actor may know of, newest first (a note the actor cannot read leaves
    no line either), with who did them loaded in the same query."""
    from sqlalchemy.orm import joinedload

    from caseflow.access import Permission, scope
    from caseflow.cases.models import Note

    events = list(db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id)
        .options(joinedload(CaseEvent.user), joinedload(CaseEvent.institution))
        .order_by(CaseEvent.id.desc()).limit(limit)))
    note_ids = {e.detail.get("note_id") for e in events if isinstance(e.detail, dict)} - {None}
    if not note_ids:
        return events
    readable = set(db.session.scalars(scope(select(Note.id).where(Note.id.in_(note_ids)), actor,
                                            Permission.CASE_VIEW, Note)))
    return [e for e in events if e.detail.get("note_id") in readable | {None}]


def event_text(event: CaseEvent) -> str | None:
    """The reason or remark given with a step, decrypted."""
    return unseal(event, "text")
