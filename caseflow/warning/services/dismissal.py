"""Dismissing a signal: the school decides a pupil's signal needs no case, and says why."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.crypto import seal
from caseflow.extensions import db
from caseflow.warning.models import WarningDismissal, WarningSignal

MIN_REASON, MAX_REASON = 10, 2000


class DismissError(ValueError):
    """A dismissal was refused; the message goes next to the reason field."""


def dismiss(actor: Actor, signal: WarningSignal, reason: str) -> WarningDismissal:
    """Hide the signal (this rule, this pupil, this semester) from the school's list, with a sealed reason."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DismissError(_l("Say in at least %(min)d characters why no case is needed.", min=MIN_REASON))
    if len(reason) > MAX_REASON:
        raise DismissError(_l("Write at most %(max)d characters.", max=MAX_REASON))
    key = signal.semester_id or 0
    found = db.session.scalar(select(WarningDismissal).where(
        WarningDismissal.pupil_id == signal.pupil_id, WarningDismissal.school_id == signal.school_id,
        WarningDismissal.rule == signal.rule, WarningDismissal.semester_key == key))
    if found is not None:
        return found
    dismissal = WarningDismissal(municipality_id=signal.municipality_id, pupil_id=signal.pupil_id,
                                 school_id=signal.school_id, rule=signal.rule, semester_key=key,
                                 dismissed_by_id=actor.user_id)
    seal(dismissal, "reason", reason, scope=f"pupil:{signal.pupil_id}")
    db.session.add(dismissal)
    db.session.flush()
    audit.record("warning.dismiss", object_type="WarningDismissal", object_id=dismissal.id,
                 pupil_id=signal.pupil_id, detail={"rule": signal.rule, "semester_id": signal.semester_id})
    return dismissal
