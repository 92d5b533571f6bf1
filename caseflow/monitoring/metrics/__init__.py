"""Indicator figures computed from caseflow's own data, per municipality and school year or semester.
Each metric is a few grouped statements whatever the data size; the counts are not yet suppressed."""
from __future__ import annotations

from collections.abc import Callable

from caseflow.monitoring.metrics.cases import (
    cases_by_finding_institution,
    cases_opened,
    cases_opened_by_school,
    risk_cases_by_school,
    risk_distribution,
)
from caseflow.monitoring.metrics.groupwork import (
    actions_on_time_share,
    days_referral_to_session,
    group_reviewed_pupils,
    group_reviewed_pupils_by_school,
)
from caseflow.monitoring.metrics.period import MetricError, Period, resolve_period
from caseflow.monitoring.metrics.pupils import (
    pupils_with_warning_signals,
    pupils_with_warning_signals_by_school,
    unexcused_absence_share,
)
from caseflow.monitoring.metrics.results import CountTable, MetricResult
from caseflow.monitoring.metrics.schools import SchoolCounts
from caseflow.monitoring.metrics.support import (
    support_hours_delivered,
    support_hours_planned,
    support_plan_pupils,
    support_plan_pupils_by_school,
    support_plans,
    support_plans_by_school,
)

#: metric name (as indicators name it in `computed`) → function(municipality_id, period)
METRICS: dict[str, Callable[[int, Period], MetricResult]] = {
    "group_reviewed_pupils": group_reviewed_pupils,
    "support_plans": support_plans,
    "support_plan_pupils": support_plan_pupils,
    "support_hours_planned": support_hours_planned,
    "support_hours_delivered": support_hours_delivered,
    "cases_opened": cases_opened,
    "cases_by_finding_institution": cases_by_finding_institution,
    "risk_distribution": risk_distribution,
    "actions_on_time_share": actions_on_time_share,
    "days_referral_to_session": days_referral_to_session,
    "unexcused_absence_share": unexcused_absence_share,
    "pupils_with_warning_signals": pupils_with_warning_signals,
}

#: the metrics that count pupils or cases, broken down per school (hours, shares, medians and the
#: breakdowns by risk item or finding institution are not: a school's row would be too thin to read)
BY_SCHOOL: dict[str, Callable[[int, Period], SchoolCounts]] = {
    "group_reviewed_pupils": group_reviewed_pupils_by_school,
    "support_plans": support_plans_by_school,
    "support_plan_pupils": support_plan_pupils_by_school,
    "cases_opened": cases_opened_by_school,
    "cases_by_finding_institution": cases_opened_by_school,
    "risk_distribution": risk_cases_by_school,
    "pupils_with_warning_signals": pupils_with_warning_signals_by_school,
}


def compute(metric: str, municipality_id: int, school_year: str, semester: int | None = None) -> MetricResult:
    """A metric for a municipality and a school year ("2024/2025"), or one of its semesters (1 or 2)."""
    if metric not in METRICS:
        raise MetricError(f"unknown metric {metric!r}; known: {', '.join(METRICS)}")
    return METRICS[metric](municipality_id, resolve_period(municipality_id, school_year, semester))


def compute_by_school(metric: str, municipality_id: int, school_year: str) -> SchoolCounts:
    """A per-school metric for a municipality and a school year: school id → count (the schools add up to
    the metric's value)."""
    if metric not in BY_SCHOOL:
        raise MetricError(f"metric {metric!r} has no figures per school; those that do: {', '.join(BY_SCHOOL)}")
    return BY_SCHOOL[metric](municipality_id, resolve_period(municipality_id, school_year))


__all__ = ["BY_SCHOOL", "METRICS", "CountTable", "MetricError", "MetricResult", "Period", "SchoolCounts", "compute",
           "compute_by_school", "resolve_period"]
