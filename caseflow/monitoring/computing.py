"""Indicator figures from caseflow's own data: the worker computes every indicator that names a
caseflow metric, for each school year the municipality keeps semesters of, once a day (and on demand)."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import delete, select

from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.monitoring.metrics import METRICS, MetricError, compute
from caseflow.monitoring.models import Indicator, IndicatorValue, ValueOrigin
from caseflow.people.calendar import Semester
from caseflow.people.models import Municipality

log = logging.getLogger(__name__)


def school_years(municipality_id: int, today: date) -> list[str]:
    """The school years with a semester that has begun by today, oldest first."""
    return list(db.session.scalars(select(Semester.school_year).where(
        Semester.municipality_id == municipality_id, Semester.starts_on <= today).distinct()
        .order_by(Semester.school_year)))


def recompute_indicators(municipality_id: int, *, today: date) -> int:
    """Replace the municipality's computed figures; a school year's figure counts for the year it ends in
    (2025/2026 → 2026). Returns how many figures were written. Flushes only."""
    indicators = [i for i in db.session.scalars(select(Indicator).where(
        Indicator.municipality_id == municipality_id, Indicator.computed_metric.is_not(None)))
        if i.computed_metric in METRICS]
    if not indicators:
        return 0
    years = school_years(municipality_id, today)
    db.session.execute(delete(IndicatorValue).where(
        IndicatorValue.municipality_id == municipality_id, IndicatorValue.origin == ValueOrigin.COMPUTED))
    now, written = utcnow(), 0
    for indicator in indicators:
        for school_year in years:
            result = compute(indicator.computed_metric, municipality_id, school_year)
            if result.value is None:
                continue
            db.session.add(IndicatorValue(
                municipality_id=municipality_id, indicator_id=indicator.id, year=int(school_year[-4:]),
                school_year=school_year, value=result.value, numerator=result.numerator,
                denominator=result.denominator, origin=ValueOrigin.COMPUTED, source="caseflow",
                evidence=f"{indicator.computed_metric} {school_year}", recorded_at=now))
            written += 1
    db.session.flush()
    return written


def recompute_all(*, today: date) -> int:
    """Every municipality's computed figures (the worker's daily job; commits per municipality, so one
    municipality's broken calendar does not hold up the others — it is logged and skipped)."""
    written = 0
    for municipality_id in db.session.scalars(select(Municipality.id).order_by(Municipality.id)).all():
        try:
            written += recompute_indicators(municipality_id, today=today)
        except MetricError:
            db.session.rollback()
            log.exception("monitoring figures of municipality %s not computed", municipality_id)
            continue
        db.session.commit()
    return written
