"""Metrics of individual support plans (IAP): plans, pupils, planned and delivered hours."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from caseflow.cases.taxonomy import ListEntry
from caseflow.extensions import db
from caseflow.monitoring.metrics.period import Period
from caseflow.monitoring.metrics.results import MetricResult, hours
from caseflow.monitoring.metrics.schools import SchoolCounts, pupils_by_school, rows_by_school
from caseflow.plans.models import DeliveredHours, PlanMeasure, SupportPlan

#: the breakdown key of plans written "when needed" (no semester)
WHEN_NEEDED = "when_needed"


def _plans_in(municipality_id: int, period: Period):
    """Plans of the period's semesters, and "when needed" plans that start within the period."""
    return and_(SupportPlan.municipality_id == municipality_id, or_(
        SupportPlan.semester_id.in_(period.semester_ids),
        and_(SupportPlan.semester_id.is_(None), SupportPlan.starts_on >= period.starts_on,
             SupportPlan.starts_on <= period.ends_on)))


def _by_semester(municipality_id: int, period: Period) -> dict[str, tuple[int, int]]:
    """Semester key ("1", "2", "when_needed") → (plans, unique pupils)."""
    rows = db.session.execute(
        select(SupportPlan.semester_id, func.count(SupportPlan.id), func.count(func.distinct(SupportPlan.pupil_id)))
        .where(_plans_in(municipality_id, period)).group_by(SupportPlan.semester_id)).all()
    numbers = dict(period.semesters)
    found = {str(numbers[semester_id]) if semester_id else WHEN_NEEDED: (plans, pupils)
             for semester_id, plans, pupils in rows}
    keys = [str(number) for _id, number in period.semesters] + [WHEN_NEEDED]
    return {key: found.get(key, (0, 0)) for key in keys}


def support_plans(municipality_id: int, period: Period) -> MetricResult:
    """Support plans of the period (one per pupil, school and semester), by semester."""
    by_semester = _by_semester(municipality_id, period)
    return MetricResult("support_plans", municipality_id, period, sum(p for p, _u in by_semester.values()),
                        breakdowns={"semester": tuple((key, p) for key, (p, _u) in by_semester.items())})


def support_plan_pupils(municipality_id: int, period: Period) -> MetricResult:
    """Unique pupils with a support plan in the period (once over both semesters), and by semester."""
    by_semester = _by_semester(municipality_id, period)
    total = db.session.scalar(select(func.count(func.distinct(SupportPlan.pupil_id)))
                              .where(_plans_in(municipality_id, period)))
    return MetricResult("support_plan_pupils", municipality_id, period, total,
                        figures={"plans": sum(p for p, _u in by_semester.values())},
                        breakdowns={"semester": tuple((key, u) for key, (_p, u) in by_semester.items())})


def support_plans_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """The plans of support_plans per school."""
    rows = select().select_from(SupportPlan).where(_plans_in(municipality_id, period))
    return rows_by_school(SupportPlan.id, SupportPlan.school_id, rows)


def support_plan_pupils_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """The pupils of support_plan_pupils per school (each once, at the school of their latest plan)."""
    rows = select().select_from(SupportPlan).where(_plans_in(municipality_id, period))
    return pupils_by_school(SupportPlan.id, SupportPlan.school_id, SupportPlan.pupil_id, rows)


def _hours(name: str, municipality_id: int, period: Period, amount, *joins) -> MetricResult:
    """Hours of the period's plans by measure type, and by subject for the types that name one."""
    kind, subject = aliased(ListEntry), aliased(ListEntry)
    query = select(kind.code, subject.code, func.sum(amount)).select_from(PlanMeasure)
    for target, on in joins:
        query = query.join(target, on)
    rows = db.session.execute(
        query.join(SupportPlan, SupportPlan.id == PlanMeasure.plan_id).join(kind, kind.id == PlanMeasure.type_id)
        .outerjoin(subject, subject.id == PlanMeasure.subject_id)
        .where(_plans_in(municipality_id, period))
        .group_by(kind.code, kind.position, subject.code, subject.position)
        .order_by(kind.position, kind.code, subject.position, subject.code)).all()
    by_type: dict[str, Decimal] = defaultdict(Decimal)
    by_subject: dict[str, Decimal] = defaultdict(Decimal)
    for type_code, subject_code, total in rows:
        by_type[type_code] += hours(total)
        if subject_code is not None:
            by_subject[subject_code] += hours(total)
    return MetricResult(name, municipality_id, period, sum(by_type.values(), Decimal("0.00")),
                        breakdowns={"measure_type": tuple(by_type.items()), "subject": tuple(by_subject.items())})


def support_hours_planned(municipality_id: int, period: Period) -> MetricResult:
    """Hours planned in the measures of the period's plans, by measure type and by subject."""
    return _hours("support_hours_planned", municipality_id, period, PlanMeasure.planned_hours)


def support_hours_delivered(municipality_id: int, period: Period) -> MetricResult:
    """Hours delivered on the measures of the period's plans, by measure type and by subject."""
    return _hours("support_hours_delivered", municipality_id, period, DeliveredHours.hours,
                  (DeliveredHours, DeliveredHours.measure_id == PlanMeasure.id))
