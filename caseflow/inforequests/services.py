"""Ask an institution for information about a pupil, and answer inside caseflow.
Every rule is checked before anything is written; flush, never commit."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.crypto import seal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.inforequests import selectors
from caseflow.inforequests.models import InfoRequest, InfoRequestStatus


class InfoRequestError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _text(field: str, value: str | None, required_message) -> str:
    value = (value or "").strip()
    if not value:
        raise InfoRequestError(field, required_message)
    if len(value) > MAX_TEXT:
        raise InfoRequestError(field, _l("The text is too long."))
    return value


def _deadline(due_on: date | None) -> date:
    today = local_today()
    if due_on is None:
        raise InfoRequestError("due_on", _l("Enter the date by which the answer is needed."))
    if due_on < today:
        raise InfoRequestError("due_on", _l("The deadline cannot be in the past."))
    if due_on > today + timedelta(days=selectors.MAX_DAYS):
        raise InfoRequestError("due_on", _l("The deadline can be at most %(days)d days ahead.",
                                            days=selectors.MAX_DAYS))
    return due_on


def ask(*, actor: Actor, case: Case, institution_id: int | None, question: str | None, purpose: str | None,
        due_on: date | None) -> InfoRequest:
    """Ask an institution of the actor's municipality (not its own) about the case's pupil."""
    if institution_id == actor.institution_id:
        raise InfoRequestError("institution_id", _l("Ask another institution, not your own."))
    institution = next((i for i in selectors.askable_institutions(actor) if i.id == institution_id), None)
    if institution is None:
        raise InfoRequestError("institution_id", _l("Choose an institution of your municipality."))
    question_text = _text("question", question, _l("Write what information you ask for."))
    purpose_text = _text("purpose", purpose, _l("Write why you need the information."))
    deadline = _deadline(due_on)

    info = InfoRequest(municipality_id=actor.municipality_id, case_id=case.id, institution_id=institution.id,
                       asker_institution_id=actor.institution_id, asked_by_id=actor.user_id, asked_at=utcnow(),
                       due_on=deadline, status=InfoRequestStatus.OPEN)
    db.session.add(info)
    scope = f"pupil:{case.pupil_id}"
    seal(info, "question", question_text, scope=scope)
    seal(info, "purpose", purpose_text, scope=scope)
    record_event(case, "info_requested", actor=actor,
                 detail={"info_request_id": info.id, "institution_id": institution.id})
    db.session.flush()
    audit.record("info_request.create", object_type="InfoRequest", object_id=info.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "institution_id": institution.id, "due_on": deadline.isoformat(),
                         "fields": ["question", "purpose"]})
    return info


def answer(*, actor: Actor, info: InfoRequest, text: str | None) -> None:
    """The addressed institution answers; the request is closed."""
    if info.status != InfoRequestStatus.OPEN:
        raise InfoRequestError("answer", _l("This request has already been answered."))
    answer_text = _text("answer", text, _l("Write the answer."))
    info.status = InfoRequestStatus.ANSWERED
    info.answered_at, info.answered_by_id = utcnow(), actor.user_id
    seal(info, "answer", answer_text, scope=info.text_scope)
    record_event(info.case, "info_answered", actor=actor, detail={"info_request_id": info.id})
    db.session.flush()
    audit.record("info_request.answer", object_type="InfoRequest", object_id=info.id,
                 pupil_id=info.case.pupil_id, detail={"case_id": info.case_id, "fields": ["answer"]})
