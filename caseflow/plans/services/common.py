"""What the plan services share: the refusal, checks of texts, hours and the plan's state, audit."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from caseflow.audit import services as audit
from caseflow.plans.models import SupportPlan

#: longest free text of goals, a basis, progress or next steps
MAX_TEXT = 10_000
#: hours are kept to the hundredth (Numeric(…, 2))
HUNDREDTH = Decimal("0.01")


class PlanError(ValueError):
    """A change was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message, *, existing_id: int | None = None):
        super().__init__(str(message))
        self.field = field
        self.message = message
        #: the plan that is already there (duplicate semester, continuation), to link to
        self.existing_id = existing_id


def check_active(plan: SupportPlan, field: str) -> None:
    """Refuse a change to an evaluated (read-only) plan."""
    if plan.is_evaluated:
        raise PlanError(field, _l("The plan has been evaluated and can no longer be changed."))


def clean_text(field: str, value: str | None, *, required_message=None) -> str | None:
    """The text stripped (None when empty); refused when required and empty, or too long."""
    value = (value or "").strip()
    if not value:
        if required_message is not None:
            raise PlanError(field, required_message)
        return None
    if len(value) > MAX_TEXT:
        raise PlanError(field, _l("Write at most %(max)d characters.", max=MAX_TEXT))
    return value


def check_hours(field: str, hours: Decimal | None, *, maximum: Decimal, too_many) -> Decimal:
    """A positive number of hours to the hundredth, at most `maximum` (else the `too_many` message)."""
    if hours is None:
        raise PlanError(field, _l("Enter the number of hours."))
    if not hours.is_finite():
        raise PlanError(field, _l("Enter the hours as a number, e.g. 1.5"))
    if hours <= 0:
        raise PlanError(field, _l("Enter more than 0 hours."))
    if hours > maximum:
        raise PlanError(field, too_many)
    if hours != hours.quantize(HUNDREDTH):
        raise PlanError(field, _l("Enter hours to at most two decimal places, e.g. 1.25"))
    return hours.quantize(HUNDREDTH)


def record(action: str, plan: SupportPlan, *, object_type: str = "SupportPlan",
           object_id: int | None = None, **detail) -> None:
    """Audit a change of a plan (ids and field names only)."""
    audit.record(action, object_type=object_type, object_id=object_id or plan.id, pupil_id=plan.pupil_id,
                 detail={"plan_id": plan.id, **detail})
