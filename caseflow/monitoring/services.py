"""Changes to monitoring data: recording an indicator's figure, a plan activity's year. Services only
flush; the request commits (with the audit entry)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.monitoring.models import (
    ActivityStatus,
    ActivityYear,
    Indicator,
    IndicatorValue,
    PlanActivity,
    PlanStatus,
    PlanVersion,
    ValueKind,
    ValueOrigin,
)


class MonitoringError(ValueError):
    """A figure or record refused before anything is written; `field` names the form field at fault."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def check_value(indicator: Indicator, value: Decimal) -> None:
    """Refuse a figure the indicator's kind cannot have."""
    if value < 0:
        raise MonitoringError(_l("A figure cannot be negative."), "value")
    if indicator.value_kind == ValueKind.SHARE and value > 100:
        raise MonitoringError(_l("A share cannot be over 100 %."), "value")
    if indicator.value_kind == ValueKind.COUNT and value != value.to_integral_value():
        raise MonitoringError(_l("A count is a whole number."), "value")


def record_value(actor: Actor, indicator: Indicator, *, year: int, value: Decimal, source: str,
                 stage: str | None = None, numerator: int | None = None, evidence: str | None = None,
                 origin: str = ValueOrigin.ENTERED) -> IndicatorValue:
    """Record a figure of an indicator for a year (the latest figure of a year is the one shown)."""
    check_value(indicator, value)
    if stage and stage not in (indicator.breakdowns or []):
        raise MonitoringError(_l("This indicator is not broken down by that stage."), "stage")
    figure = IndicatorValue(municipality_id=indicator.municipality_id, indicator_id=indicator.id,
                            stage=stage or None, year=year, value=value, numerator=numerator, origin=origin,
                            source=source.strip()[:500], evidence=(evidence or "").strip() or None,
                            recorded_by_id=actor.user_id, recorded_at=utcnow())
    db.session.add(figure)
    db.session.flush()
    audit.record("monitoring.value", object_type="Indicator", object_id=indicator.id,
                 detail={"year": year, "stage": stage, "value": str(value), "origin": str(origin)})
    return figure


def record_activity_year(actor: Actor, activity: PlanActivity, *, year: int, status: str,
                         achieved_value: str | None = None, invested_eur: Decimal | None = None,
                         impact: str | None = None, factor_analysis: str | None = None) -> ActivityYear:
    """Set how an activity went in one of the plan's years (one record per activity and year)."""
    if status not in {str(s) for s in ActivityStatus}:
        raise MonitoringError(_l("Choose a status from the list."), "status")
    if invested_eur is not None and invested_eur < 0:
        raise MonitoringError(_l("An amount cannot be negative."), "invested_eur")
    record = db.session.scalar(select(ActivityYear).where(ActivityYear.activity_id == activity.id,
                                                          ActivityYear.year == year))
    if record is None:
        record = ActivityYear(municipality_id=activity.municipality_id, activity_id=activity.id, year=year)
        db.session.add(record)
    record.status, record.achieved_value, record.invested_eur = status, achieved_value or None, invested_eur
    record.impact, record.factor_analysis = impact or None, factor_analysis or None
    db.session.flush()
    audit.record("monitoring.activity_year", object_type="PlanActivity", object_id=activity.id,
                 detail={"year": year, "status": status})
    return record


def approve_plan(actor: Actor, draft: PlanVersion, *, approved_on, decision: str) -> None:
    """A draft version comes into force by the council's decision; the version in force is superseded."""
    if draft.status != PlanStatus.DRAFT:
        raise MonitoringError(_l("Only a draft version can be approved."))
    if not decision.strip():
        raise MonitoringError(_l("Write the council decision."), "decision")
    for version in db.session.scalars(select(PlanVersion).where(
            PlanVersion.municipality_id == draft.municipality_id, PlanVersion.status == PlanStatus.APPROVED)):
        version.status = PlanStatus.SUPERSEDED
    draft.status, draft.approved_on, draft.decision = PlanStatus.APPROVED, approved_on, decision.strip()
    db.session.flush()
    audit.record("monitoring.plan.approve", object_type="PlanVersion", object_id=draft.id,
                 detail={"decision": draft.decision})
