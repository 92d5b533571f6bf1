"""Metrics of pupils from imported school data and early warning: unexcused absence, warning signals."""
from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select, union_all

from caseflow.extensions import db
from caseflow.imports.models import AbsenceKind, AbsenceRecord, AbsenceTotal
from caseflow.monitoring.metrics.period import Period
from caseflow.monitoring.metrics.results import MetricResult, count_table, percent
from caseflow.monitoring.metrics.schools import SchoolCounts, pupils_by_school
from caseflow.people.models import Institution
from caseflow.people.settings import get_setting
from caseflow.warning.models import WarningSignal

#: the setting whose number of unexcused lessons in a semester marks a pupil (as the warning rule reads it)
THRESHOLD_SETTING = "unexcused_lessons_per_semester"
ABSENCE_COLUMNS = ("at_or_over", "below")


def _unexcused_per_semester(municipality_id: int, period: Period):
    """(pupil, school, semester) → unexcused lessons: the larger of the semester total and the daily records."""
    totals = select(AbsenceTotal.pupil_id, AbsenceTotal.school_id, AbsenceTotal.semester_id,
                    AbsenceTotal.unexcused.label("lessons")).where(
        AbsenceTotal.municipality_id == municipality_id, AbsenceTotal.semester_id.in_(period.semester_ids))
    records = select(AbsenceRecord.pupil_id, AbsenceRecord.school_id, AbsenceRecord.semester_id,
                     func.count(AbsenceRecord.id).label("lessons")).where(
        AbsenceRecord.municipality_id == municipality_id, AbsenceRecord.semester_id.in_(period.semester_ids),
        AbsenceRecord.kind == AbsenceKind.UNEXCUSED).group_by(
        AbsenceRecord.pupil_id, AbsenceRecord.school_id, AbsenceRecord.semester_id)
    both = union_all(totals, records).subquery()
    return (select(both.c.pupil_id, both.c.school_id, func.max(both.c.lessons).label("lessons"))
            .group_by(both.c.pupil_id, both.c.school_id, both.c.semester_id).subquery())


def unexcused_absence_share(municipality_id: int, period: Period) -> MetricResult:
    """Share of pupils with absence data whose unexcused lessons in a semester reach the threshold."""
    threshold = get_setting(municipality_id, THRESHOLD_SETTING)
    lessons = _unexcused_per_semester(municipality_id, period)
    pupils = func.count(func.distinct(lessons.c.pupil_id))
    over = func.count(func.distinct(case((lessons.c.lessons >= threshold, lessons.c.pupil_id))))
    all_pupils, over_pupils = db.session.execute(select(pupils, over)).one()
    rows = db.session.execute(
        select(Institution.kind, pupils, over).join(Institution, Institution.id == lessons.c.school_id)
        .group_by(Institution.kind).order_by(Institution.kind)).all()
    cells = {}
    for kind, in_kind, over_in_kind in rows:
        cells[(kind, "at_or_over")], cells[(kind, "below")] = over_in_kind, in_kind - over_in_kind
    return MetricResult("unexcused_absence_share", municipality_id, period, percent(over_pupils, all_pupils),
                        numerator=over_pupils, denominator=all_pupils, figures={"threshold": threshold},
                        table=count_table(cells, [kind for kind, *_counts in rows], ABSENCE_COLUMNS))


def _signals_in(municipality_id: int, period: Period):
    """Signals on the period's semesters, and signals without a semester computed in the period."""
    starts, ends = period.moments()
    return and_(WarningSignal.municipality_id == municipality_id, or_(
        WarningSignal.semester_id.in_(period.semester_ids),
        and_(WarningSignal.semester_id.is_(None), WarningSignal.computed_at >= starts,
             WarningSignal.computed_at < ends)))


def pupils_with_warning_signals_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """The pupils of pupils_with_warning_signals per school (each once, at the school of their latest signal)."""
    rows = select().select_from(WarningSignal).where(_signals_in(municipality_id, period))
    return pupils_by_school(WarningSignal.id, WarningSignal.school_id, WarningSignal.pupil_id, rows)


def pupils_with_warning_signals(municipality_id: int, period: Period) -> MetricResult:
    """Unique pupils with a signal on the period's semesters (or, without one, computed in the period)."""
    in_period = _signals_in(municipality_id, period)
    pupils = func.count(func.distinct(WarningSignal.pupil_id))
    total = db.session.scalar(select(pupils).where(in_period))
    rows = db.session.execute(select(WarningSignal.rule, pupils).where(in_period)
                              .group_by(WarningSignal.rule).order_by(WarningSignal.rule)).all()
    return MetricResult("pupils_with_warning_signals", municipality_id, period, total,
                        breakdowns={"rule": tuple((rule, n) for rule, n in rows)})
