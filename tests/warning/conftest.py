"""A municipality with a running semester, two schools, their staff and pupils, and helpers that put
imported school data straight into the tables the rules read."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine

from caseflow.extensions import db
from caseflow.imports.models import (
    AbsenceRecord,
    AbsenceTotal,
    ClassRecord,
    GradeRecord,
    ImportBatch,
)
from caseflow.people.calendar import Semester
from caseflow.pupils.models import Enrolment

#: a Monday inside the semester; the tests judge the rules on this day
TODAY = date(2026, 11, 23)


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), tick=False):
        yield TODAY


@pytest.fixture
def world(app, factory, clock):
    m = factory.municipality("Ventspils valstspilsēta")
    factory.taxonomy(m.id)
    school = factory.institution(m.id, name="Ventspils 1. pamatskola")
    other = factory.institution(m.id, name="Ventspils 2. vidusskola")
    board = factory.institution(m.id, kind="education_board", name="Izglītības pārvalde")
    w = SimpleNamespace(m=m, school=school, other=other)
    w.pedagogue = factory.user("social_pedagogue", school.id)
    w.other_pedagogue = factory.user("social_pedagogue", other.id)
    w.coordinator = factory.user("coordinator", board.id)
    w.teacher = factory.user("teacher", school.id)
    with app.app_context():
        semester = Semester(municipality_id=m.id, school_year="2026/2027", number=1,
                            starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 23))
        previous = Semester(municipality_id=m.id, school_year="2025/2026", number=2,
                            starts_on=date(2026, 1, 5), ends_on=date(2026, 5, 29))
        batch = ImportBatch(kind="absences", municipality_id=m.id, file_name="x.csv", file_sha256="0" * 64,
                            file_size=1, status="imported")
        db.session.add_all([semester, previous, batch])
        db.session.commit()
        w.semester, w.previous, w.batch = semester.id, previous.id, batch.id
    return w


def add_total(app, w, pupil, *, unexcused: int, excused: int = 0, held: int = 300, school=None, semester=None):
    with app.app_context():
        db.session.add(AbsenceTotal(municipality_id=(school or w.school).municipality_id, pupil_id=pupil.id, school_id=(school or w.school).id,
                                    semester_id=semester or w.semester, lessons_total=held, unexcused=unexcused,
                                    excused=excused, batch_id=w.batch))
        db.session.commit()


_record_ids = iter(range(1, 10**9))


def add_absences(app, w, pupil, days: list[date], *, lessons: int = 6, kind: str = "unexcused", school=None):
    with app.app_context():
        for day in days:
            for lesson in range(1, lessons + 1):
                db.session.add(AbsenceRecord(
                    municipality_id=w.m.id, pupil_id=pupil.id, school_id=(school or w.school).id,
                    semester_id=w.semester, class_name="7.b", day=day, lesson=lesson, kind=kind, source="eklase",
                    source_record_id=str(next(_record_ids)), batch_id=w.batch))
        db.session.commit()


def add_grades(app, w, pupil, marks: dict[str, str], *, period: str = "1", year: str = "2026/2027"):
    with app.app_context():
        for subject, mark in marks.items():
            value = int(mark) if mark.isdigit() else None
            db.session.add(GradeRecord(
                municipality_id=w.m.id, pupil_id=pupil.id, school_id=w.school.id, school_year=year,
                period=period, semester_id=w.semester if year == "2026/2027" and period == "1" else None, subject=subject,
                subject_key=subject.lower(), mark=mark, value=value,
                failing=(value is not None and value <= 3) or mark in ("ni", "nv"), batch_id=w.batch))
        db.session.commit()


def add_class(app, w, pupil, school_year: str, class_name: str, *, school=None):
    with app.app_context():
        db.session.add(ClassRecord(municipality_id=w.m.id, pupil_id=pupil.id, school_id=(school or w.school).id,
                                   school_year=school_year, class_name=class_name,
                                   grade=int(class_name.split(".")[0]), batch_id=w.batch))
        db.session.commit()


def enrol(app, pupil_id: int, school_id: int, *, grade: int, start: date, end: date | None = None):
    with app.app_context():
        db.session.add(Enrolment(pupil_id=pupil_id, school_id=school_id, class_name=f"{grade}.a", grade=grade,
                                 start_date=start, end_date=end))
        db.session.commit()


def weekdays(start: date, count: int) -> list[date]:
    """`count` school days from `start` on (weekends skipped)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
