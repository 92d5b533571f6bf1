"""Monitoring tables: indicators and their figures, the implementation plan, statistics and reports."""
from caseflow.monitoring.models.indicators import (
    LEVEL_KINDS,
    Direction,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueError,
    TargetKind,
    ValueKind,
    ValueOrigin,
    target_year_problem,
    value_problem,
)
from caseflow.monitoring.models.plan import (
    ActivityStatus,
    ActivityYear,
    PlanActivity,
    PlanGoal,
    PlanStatus,
    PlanTask,
    PlanVersion,
)
from caseflow.monitoring.models.reports import (
    AnnualReport,
    ReportStatus,
    SeedCheck,
    StatisticRow,
    StatisticTable,
    WorkingGroupMeeting,
)

__all__ = [
    "LEVEL_KINDS", "ActivityStatus", "ActivityYear", "AnnualReport", "Direction", "Indicator", "IndicatorBaseline",
    "IndicatorTarget", "IndicatorValue", "IndicatorValueError", "PlanActivity", "PlanGoal", "PlanStatus", "PlanTask",
    "PlanVersion", "ReportStatus", "SeedCheck", "StatisticRow", "StatisticTable", "TargetKind", "ValueKind",
    "ValueOrigin", "WorkingGroupMeeting", "target_year_problem", "value_problem",
]
