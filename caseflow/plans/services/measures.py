"""Add, change and remove a plan's measures: type, subject, deliverer, planned hours and basis."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from caseflow.cases.taxonomy import ListEntry, ListKind
from caseflow.crypto import seal
from caseflow.extensions import db
from caseflow.plans import selectors
from caseflow.plans.models import PlanMeasure, SupportPlan
from caseflow.plans.services.common import PlanError, check_active, check_hours, clean_text, record

#: the most hours one measure may plan for a semester
MAX_PLANNED_HOURS = Decimal("200")


@dataclass(frozen=True)
class MeasureInput:
    """A measure as the form gives it."""

    type_id: int | None
    subject_id: int | None
    deliverer_id: int | None
    planned_hours: Decimal | None
    basis: str


def _entry(plan: SupportPlan, entry_id: int | None, kind: ListKind, *, current: int | None) -> ListEntry | None:
    """The municipality's list entry, when active (or already on the measure)."""
    entry = db.session.get(ListEntry, entry_id) if entry_id is not None else None
    if entry is None or entry.kind != kind or entry.municipality_id != plan.municipality_id:
        return None
    return entry if entry.is_active or entry.id == current else None


def _checked(plan: SupportPlan, data: MeasureInput, measure: PlanMeasure | None) -> tuple[Decimal, str | None]:
    """Check every field; return the planned hours and the basis, cleaned."""
    check_active(plan, "type_id")
    measure_type = _entry(plan, data.type_id, ListKind.MEASURE_TYPE, current=measure.type_id if measure else None)
    if measure_type is None:
        raise PlanError("type_id", _l("Choose a type of support from the list."))
    if measure_type.needs_subject:
        subject = _entry(plan, data.subject_id, ListKind.SUBJECT,
                         current=measure.subject_id if measure else None)
        if data.subject_id is None:
            raise PlanError("subject_id", _l("Choose the subject of the consultations."))
        if subject is None:
            raise PlanError("subject_id", _l("Choose a subject from the list."))
    elif data.subject_id is not None:
        raise PlanError("subject_id", _l("Only subject consultations name a subject: leave the subject "
                                         "empty for this type of support."))
    if data.deliverer_id is not None:
        keep = {measure.deliverer_id} if measure is not None and measure.deliverer_id else set()
        allowed = {user_id for user_id, _name in selectors.deliverers(plan.school_id)} | keep
        if data.deliverer_id not in allowed:
            raise PlanError("deliverer_id", _l("Choose a colleague who works at the plan's school."))
    hours = check_hours("planned_hours", data.planned_hours, maximum=MAX_PLANNED_HOURS,
                        too_many=_l("Plan at most %(max)s hours for one measure in a semester.", max=200))
    return hours, clean_text("basis", data.basis)


def add_measure(*, actor, plan: SupportPlan, data: MeasureInput) -> PlanMeasure:
    """Add a measure to an active plan, after its last one."""
    hours, basis = _checked(plan, data, None)
    last = db.session.scalar(select(func.max(PlanMeasure.position)).where(PlanMeasure.plan_id == plan.id))
    measure = PlanMeasure(plan_id=plan.id, type_id=data.type_id, subject_id=data.subject_id,
                          deliverer_id=data.deliverer_id, planned_hours=hours,
                          position=(last or 0) + 1)
    db.session.add(measure)
    db.session.flush()
    seal(measure, "basis", basis, scope=f"pupil:{plan.pupil_id}")
    db.session.flush()
    record("plan.measure_add", plan, object_type="PlanMeasure", object_id=measure.id, type_id=measure.type_id)
    return measure


def update_measure(*, actor, plan: SupportPlan, measure: PlanMeasure, data: MeasureInput) -> list[str]:
    """Change a measure of an active plan; returns the names of the fields that changed."""
    hours, basis = _checked(plan, data, measure)
    new = {"type_id": data.type_id, "subject_id": data.subject_id, "deliverer_id": data.deliverer_id,
           "planned_hours": hours}
    changed = [name for name, value in new.items() if getattr(measure, name) != value]
    for name in changed:
        setattr(measure, name, new[name])
    if basis != selectors.text_of(measure, "basis"):
        seal(measure, "basis", basis, scope=f"pupil:{plan.pupil_id}")
        changed.append("basis")
    if changed:
        db.session.flush()
        record("plan.measure_update", plan, object_type="PlanMeasure", object_id=measure.id, fields=changed)
    return changed


def remove_measure(*, actor, plan: SupportPlan, measure: PlanMeasure) -> None:
    """Remove a measure from an active plan, unless hours have been delivered on it."""
    check_active(plan, "measure")
    if measure.deliveries:
        raise PlanError("measure", _l("Hours have been delivered for this measure, so it cannot be "
                                      "removed. Change it instead, e.g. its planned hours."))
    record("plan.measure_remove", plan, object_type="PlanMeasure", object_id=measure.id,
           type_id=measure.type_id)
    plan.measures.remove(measure)
    db.session.flush()
