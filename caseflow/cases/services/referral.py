"""Refer a case to the cooperation group, and the coordinator's decision: accept or return it.
Every rule is checked before anything is written."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, CaseStatus, Referral, ReferralStatus
from caseflow.cases.selectors import referrals as selectors
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db


class ReferralError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _text(field: str, value: str | None, *, required_message=None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required_message is not None:
            raise ReferralError(field, required_message)
        return None
    if len(value) > MAX_TEXT:
        raise ReferralError(field, _l("The text is too long."))
    return value


def refer_case(*, actor: Actor, case: Case, tried: str, request: str | None, urgent: bool,
               group_id: int | None) -> Referral:
    """Submit the case to a cooperation group serving its municipality; the case becomes referred."""
    blocker = selectors.refer_blocker(case)
    if blocker is not None:
        raise ReferralError("group_id", blocker)
    tried_text = _text("tried", tried, required_message=_l("Write what the school tried and with what "
                                                            "result."))
    request_text = _text("request", request)
    group = next((g for g in selectors.serving_groups(case.municipality_id) if g.id == group_id), None)
    if group is None:
        raise ReferralError("group_id", _l("Choose a cooperation group that serves the case's municipality."))

    referral = Referral(case_id=case.id, group_id=group.id, status=ReferralStatus.SUBMITTED,
                        urgent=bool(urgent), submitted_at=utcnow(), submitted_by_id=actor.user_id)
    db.session.add(referral)
    scope = f"pupil:{case.pupil_id}"
    seal(referral, "tried", tried_text, scope=scope)
    seal(referral, "request", request_text, scope=scope)
    case.status, case.urgent = CaseStatus.REFERRED, bool(urgent)
    record_event(case, "referred", actor=actor,
                 detail={"referral_id": referral.id, "group_id": group.id, "urgent": bool(urgent)})
    db.session.flush()
    audit.record("referral.submit", object_type="Referral", object_id=referral.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "group_id": group.id, "urgent": bool(urgent),
                         "fields": ["tried"] + (["request"] if request_text else [])})
    return referral


def _decidable(referral: Referral) -> None:
    if referral.status != ReferralStatus.SUBMITTED:
        raise ReferralError("decision", _l("This referral has already been decided."))


def accept_referral(*, actor: Actor, referral: Referral, reason: str | None = None) -> None:
    """The coordinator accepts a submitted referral (it goes onto an agenda later)."""
    _decidable(referral)
    if (reason or "").strip():
        raise ReferralError("reason", _l("A reason is written only when returning a referral; leave it "
                                         "empty to accept."))
    referral.status = ReferralStatus.ACCEPTED
    referral.decided_at, referral.decided_by_id = utcnow(), actor.user_id
    record_event(referral.case, "referral_accepted", actor=actor, detail={"referral_id": referral.id})
    db.session.flush()
    audit.record("referral.accept", object_type="Referral", object_id=referral.id,
                 pupil_id=referral.case.pupil_id, detail={"case_id": referral.case_id})
    if referral.urgent:
        # "urgent cases get a session at once": the chair finds a proposal to confirm or move
        from caseflow.meetings.services.requests import propose_for_urgent_referral

        propose_for_urgent_referral(actor=actor, referral=referral)


def return_referral(*, actor: Actor, referral: Referral, reason: str | None) -> None:
    """The coordinator returns a submitted referral with a reason; the case is open again."""
    _decidable(referral)
    text = _text("reason", reason, required_message=_l("Write why the referral is returned; the school "
                                                        "will read it."))
    case = referral.case
    referral.status = ReferralStatus.RETURNED
    referral.decided_at, referral.decided_by_id = utcnow(), actor.user_id
    seal(referral, "return_reason", text, scope=f"pupil:{case.pupil_id}")
    case.status, case.urgent = CaseStatus.OPEN, False
    record_event(case, "referral_returned", actor=actor, detail={"referral_id": referral.id}, text=text)
    db.session.flush()
    audit.record("referral.return", object_type="Referral", object_id=referral.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "fields": ["return_reason"]})
