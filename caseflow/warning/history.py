"""A pupil's imported school data over time: absences by month and semester, grades, signals."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from caseflow.core.charts import StackedColumns, stacked_columns
from caseflow.extensions import db
from caseflow.imports.models import AbsenceKind, AbsenceRecord, AbsenceTotal, GradeRecord
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution
from caseflow.warning import rules
from caseflow.warning.models import WarningDismissal, WarningSignal

#: how a chart groups the kinds of absence
KIND_GROUPS = (("unexcused", _l("Unexcused"), (AbsenceKind.UNEXCUSED,)),
               ("excused", _l("Excused"), (AbsenceKind.ILLNESS, AbsenceKind.EXCUSED_OTHER)),
               ("late", _l("Late"), (AbsenceKind.LATE,)))
#: months a chart shows at most (a school year and a bit)
MONTHS = 12


@dataclass(frozen=True)
class MonthLine:
    """Lessons missed in one month, by kind."""

    month: str
    label: str
    unexcused: int
    excused: int
    late: int


@dataclass(frozen=True)
class SemesterLine:
    """A semester's totals as the schools reported them."""

    label: str
    school: str
    held: int
    unexcused: int
    excused: int


@dataclass
class SchoolData:
    """Everything the pupil's data page shows."""

    months: list[MonthLine] = field(default_factory=list)
    semesters: list[SemesterLine] = field(default_factory=list)
    #: (school year, period) → subject → mark, and which of them fail
    grades: dict[tuple[str, str], dict[str, tuple[str, bool]]] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    #: subject key → the subject as the school wrote it
    subject_names: dict[str, str] = field(default_factory=dict)
    signals: list[tuple[str, str, bool]] = field(default_factory=list)
    chart: StackedColumns | None = None


def _months(pupil_id: int) -> list[MonthLine]:
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, kind, count in db.session.execute(
            select(AbsenceRecord.day, AbsenceRecord.kind, func.count()).where(AbsenceRecord.pupil_id == pupil_id)
            .group_by(AbsenceRecord.day, AbsenceRecord.kind)):
        group = next(key for key, _label, kinds in KIND_GROUPS if kind in kinds)
        by_month[day.strftime("%Y-%m")][group] += count
    keys = sorted(by_month)[-MONTHS:]
    return [MonthLine(k, format_date(_first(k), "LLLL yyyy"), by_month[k]["unexcused"], by_month[k]["excused"],
                      by_month[k]["late"]) for k in keys]


def _first(month: str):
    from datetime import date

    year, number = month.split("-")
    return date(int(year), int(number), 1)


def _semesters(pupil_id: int) -> list[SemesterLine]:
    rows = db.session.execute(
        select(Semester, Institution.name, AbsenceTotal.lessons_total, AbsenceTotal.unexcused, AbsenceTotal.excused)
        .join(Semester, Semester.id == AbsenceTotal.semester_id)
        .join(Institution, Institution.id == AbsenceTotal.school_id)
        .where(AbsenceTotal.pupil_id == pupil_id).order_by(Semester.starts_on, Institution.name))
    return [SemesterLine(s.label, name, held, unexcused, excused) for s, name, held, unexcused, excused in rows]


def _grades(data: SchoolData, pupil_id: int) -> None:
    subjects = {}
    for year, period, subject_key, subject, mark, failing in db.session.execute(
            select(GradeRecord.school_year, GradeRecord.period, GradeRecord.subject_key, GradeRecord.subject,
                   GradeRecord.mark, GradeRecord.failing).where(GradeRecord.pupil_id == pupil_id)
            .order_by(GradeRecord.school_year, GradeRecord.period)):
        subjects.setdefault(subject_key, subject)
        data.grades.setdefault((year, period), {})[subject_key] = (mark, failing)
    data.subjects = sorted(subjects, key=lambda k: subjects[k])
    data.subject_names = subjects


def _signals(pupil_id: int) -> list[tuple[str, str, bool]]:
    dismissed = {(d.school_id, d.rule, d.semester_key) for d in db.session.scalars(
        select(WarningDismissal).where(WarningDismissal.pupil_id == pupil_id))}
    return [(rules.label(s.rule), rules.describe(s.rule, s.value, s.threshold),
             (s.school_id, s.rule, s.semester_id or 0) in dismissed)
            for s in db.session.scalars(select(WarningSignal).where(WarningSignal.pupil_id == pupil_id)
                                        .order_by(WarningSignal.rule))]


def school_data(pupil_id: int) -> SchoolData:
    """The pupil's attendance by month (with a chart), semester totals, grades and signals."""
    data = SchoolData(months=_months(pupil_id), semesters=_semesters(pupil_id), signals=_signals(pupil_id))
    _grades(data, pupil_id)
    if data.months:
        data.chart = stacked_columns(
            [format_date(_first(m.month), "LLL") for m in data.months],
            [(key, str(label), [getattr(m, key) for m in data.months]) for key, label, _kinds in KIND_GROUPS])
    return data
