"""Place and release legal holds; every rule is checked before anything is written."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.records.models import LegalHold

MAX_REASON = 500
_CASE_NUMBER = re.compile(r"^(?:L-?)?0*([1-9][0-9]{0,11})$", re.IGNORECASE)


class HoldError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def case_id_from_number(number: str | None) -> int | None:
    """The case id in a number as people quote it ("L-000123", "l123", "123"), or None."""
    match = _CASE_NUMBER.fullmatch((number or "").strip())
    return int(match.group(1)) if match else None


def place_hold(*, actor: Actor, case_number: str, reason: str) -> LegalHold:
    """Put a case under a legal hold so that retention leaves it alone until the hold is released."""
    from caseflow.records.selectors import holdable_case

    case = holdable_case(actor, case_id_from_number(case_number))
    if case is None:  # another municipality's case is answered like a missing one
        raise HoldError("case_number", _l("No case has this number. Write it as on the case page, "
                                          "e.g. L-000123."))
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("reason", _l("Write why the case must be kept."))
    if len(reason) > MAX_REASON:
        raise HoldError("reason", _l("Write at most %(max)d characters.", max=MAX_REASON))
    if db.session.scalar(select(LegalHold.id).where(LegalHold.case_id == case.id,
                                                    LegalHold.released_at.is_(None))):
        raise HoldError("case_number", _l("This case is already under a legal hold."))
    hold = LegalHold(case_id=case.id, reason=reason, placed_by_id=actor.user_id, placed_at=utcnow())
    db.session.add(hold)
    db.session.flush()
    audit.record("legal_hold.place", object_type="Case", object_id=case.id, pupil_id=case.pupil_id,
                 detail={"hold_id": hold.id})
    return hold


def release_hold(*, actor: Actor, hold: LegalHold) -> None:
    """End a hold in force; a conditional UPDATE so that two clicks cannot both release it."""
    released = db.session.execute(
        update(LegalHold).where(LegalHold.id == hold.id, LegalHold.released_at.is_(None))
        .values(released_at=utcnow(), released_by_id=actor.user_id)
        .execution_options(synchronize_session=False)).rowcount
    if not released:
        raise HoldError("", _l("This hold has already been released."))
    db.session.refresh(hold)
    audit.record("legal_hold.release", object_type="Case", object_id=hold.case_id,
                 pupil_id=hold.case.pupil_id, detail={"hold_id": hold.id})
