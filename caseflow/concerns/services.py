"""Report a concern and act on it: add it to an open case, take no action, or (the coordinator)
forward an outside report to a school. Every rule is checked before anything is written."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor, Permission
from caseflow.access.permissions import MUNICIPAL_ROLES, SCHOOL_ROLES
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case
from caseflow.concerns import selectors
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.crypto import seal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.pupils.models import Pupil

#: longest free text of a concern, a description or a response
MAX_TEXT = 10_000


class ConcernError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _text(field: str, value: str | None, *, required: bool, message=None) -> str | None:
    """The text stripped; refused when required and empty, or too long."""
    value = (value or "").strip()
    if not value:
        if required:
            raise ConcernError(field, message or _l("This field is required."))
        return None
    if len(value) > MAX_TEXT:
        raise ConcernError(field, _l("The text is too long."))
    return value


def _since(noticed_since: date | None) -> date | None:
    if noticed_since is not None and noticed_since > local_today():
        raise ConcernError("noticed_since", _l("The date cannot be in the future."))
    return noticed_since


def _waiting(concern: Concern, field: str) -> None:
    if concern.status != ConcernStatus.NEW:
        raise ConcernError(field, _l("This concern has already been handled."))


def _handled(concern: Concern, actor: Actor, status: ConcernStatus) -> None:
    concern.status = status
    concern.handled_by_id, concern.handled_at = actor.user_id, utcnow()


# --- reporting -----------------------------------------------------------------------------------

def report_about_pupil(*, actor: Actor, pupil_id: int | None, noticed: str,
                       noticed_since: date | None) -> Concern:
    """School staff report a concern about a pupil of their school; it lands in the school's inbox."""
    if actor.role not in SCHOOL_ROLES:
        raise ConcernError("pupil_id", _l("Only school staff choose a pupil; describe the child instead."))
    pupil = selectors.choosable_pupil(actor, Permission.CONCERN_REPORT, pupil_id)
    if pupil is None:
        raise ConcernError("pupil_id", _l("Choose a pupil of your school from the list."))
    text = _text("noticed", noticed, required=True, message=_l("Write what you noticed."))
    since = _since(noticed_since)

    concern = Concern(municipality_id=actor.municipality_id, school_id=actor.institution_id,
                      pupil_id=pupil.id, noticed_since=since, reported_by_id=actor.user_id,
                      reported_by_institution_id=actor.institution_id, status=ConcernStatus.NEW)
    db.session.add(concern)
    seal(concern, "noticed", text, scope=concern.scope)
    db.session.flush()
    audit.record("concern.report", object_type="Concern", object_id=concern.id, pupil_id=pupil.id,
                 detail={"inbox": "school", "fields": ["noticed"] + (["noticed_since"] if since else [])})
    return concern


def report_from_outside(*, actor: Actor, pupil_described: str, noticed: str,
                        noticed_since: date | None) -> Concern:
    """Another institution submits information about a child; it lands in the coordinator's inbox."""
    if actor.role in SCHOOL_ROLES or actor.municipality_id is None:
        raise ConcernError("pupil_described", _l("School staff choose the pupil from their school's list."))
    described = _text("pupil_described", pupil_described, required=True,
                      message=_l("Write who the child is: name, birth date or class and school."))
    text = _text("noticed", noticed, required=True, message=_l("Write what you noticed."))
    since = _since(noticed_since)

    concern = Concern(municipality_id=actor.municipality_id, school_id=None, pupil_id=None,
                      noticed_since=since, reported_by_id=actor.user_id,
                      reported_by_institution_id=actor.institution_id, status=ConcernStatus.NEW)
    db.session.add(concern)
    seal(concern, "pupil_described", described, scope=concern.scope)
    seal(concern, "noticed", text, scope=concern.scope)
    db.session.flush()
    audit.record("concern.report", object_type="Concern", object_id=concern.id,
                 detail={"inbox": "coordinator",
                         "fields": ["pupil_described", "noticed"] + (["noticed_since"] if since else [])})
    return concern


# --- handling ------------------------------------------------------------------------------------

def add_to_case(*, actor: Actor, concern: Concern, pupil_id: int | None) -> Case:
    """Add a concern of the school's inbox to the pupil's open case at the school."""
    _waiting(concern, "pupil_id")
    if concern.school_id is None or concern.school_id != actor.institution_id:
        raise ConcernError("pupil_id", _l("Only the school whose inbox holds the concern can add it "
                                          "to a case."))
    pupil: Pupil | None = concern.pupil
    if pupil is None:
        pupil = selectors.choosable_pupil(actor, Permission.CONCERN_HANDLE, pupil_id)
        if pupil is None:
            raise ConcernError("pupil_id", _l("Choose a pupil of your school from the list."))
    elif pupil_id is not None and pupil_id != pupil.id:
        raise ConcernError("pupil_id", _l("The concern is about another pupil."))
    case = selectors.open_case_to_add(actor, pupil.id, concern.school_id)
    if case is None:
        raise ConcernError("pupil_id", _l("The pupil has no open case at your school; open a case instead."))

    concern.pupil_id = pupil.id
    concern.case_id = case.id
    _handled(concern, actor, ConcernStatus.ADDED_TO_CASE)
    record_event(case, "concern_added", actor=actor, detail={"concern_id": concern.id})
    db.session.flush()
    audit.record("concern.add_to_case", object_type="Concern", object_id=concern.id, pupil_id=pupil.id,
                 detail={"case_id": case.id})
    return case


def take_no_action(*, actor: Actor, concern: Concern, reason: str) -> None:
    """Close a concern without a case, with the reason why (stored encrypted)."""
    _waiting(concern, "reason")
    text = _text("reason", reason, required=True, message=_l("Write why no action is taken."))
    _handled(concern, actor, ConcernStatus.NO_ACTION)
    seal(concern, "response", text, scope=concern.scope)
    db.session.flush()
    audit.record("concern.no_action", object_type="Concern", object_id=concern.id,
                 pupil_id=concern.pupil_id, detail={"fields": ["response"]})


def forward_to_school(*, actor: Actor, concern: Concern, school_id: int | None, remark: str) -> None:
    """The coordinator forwards an outside report to a school of the municipality (as new there)."""
    _waiting(concern, "school_id")
    if concern.school_id is not None or actor.role not in MUNICIPAL_ROLES:
        raise ConcernError("school_id", _l("Only the coordinator forwards reports that wait in the "
                                           "coordinator's inbox."))
    school = next((s for s in selectors.forward_schools(concern) if s.id == school_id), None)
    if school is None:
        raise ConcernError("school_id", _l("Choose a school of the municipality from the list."))
    text = _text("remark", remark, required=False)

    concern.school_id = school.id
    concern.forwarded_by_id, concern.forwarded_at = actor.user_id, utcnow()
    seal(concern, "forward_remark", text, scope=concern.scope)
    db.session.flush()
    audit.record("concern.forward", object_type="Concern", object_id=concern.id,
                 detail={"school_id": school.id, "fields": ["forward_remark"] if text else []})
