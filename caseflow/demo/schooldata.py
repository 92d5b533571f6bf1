"""Demo school data: a semester of daily absences, the previous semester's totals and grades for every
enrolled pupil, so that early warning has signals on a fresh `make run`. Deterministic for a seed."""
from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.imports.models import (
    AbsenceRecord,
    AbsenceTotal,
    BatchStatus,
    ClassRecord,
    GradeRecord,
    ImportBatch,
)
from caseflow.imports.validation.enrolments import grade_of
from caseflow.people.calendar import Semester, school_year_of
from caseflow.people.models import Institution, Municipality
from caseflow.pupils.models import Enrolment, name_key
from caseflow.warning.services.compute import compute_signals, semester_for

SUBJECTS = ("Matemātika", "Latviešu valoda", "Angļu valoda", "Vēsture", "Dabaszinības", "Sports")
#: share of pupils who miss a lot (the warning list's pupils), and of those who miss a little
HEAVY, LIGHT = 0.07, 0.45
#: share of pupils in the same grade as last school year
REPEATING = 0.02
BATCH = 5000


def _school_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _batch(municipality_id: int, kind: str, seed: int) -> ImportBatch:
    digest = hashlib.sha256(f"demo:{municipality_id}:{kind}:{seed}".encode()).hexdigest()
    batch = ImportBatch(kind=kind, municipality_id=municipality_id, channel="cli", file_name=f"demo-{kind}.csv",
                        file_sha256=digest, file_size=0, encoding="utf-8", status=BatchStatus.IMPORTED,
                        imported_at=utcnow(), validated_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    return batch


def _pupils(municipality_id: int, today: date) -> list[tuple[int, int, str]]:
    """(pupil, school, class) of the pupils enrolled at the municipality's schools today."""
    schools = select(Institution.id).where(Institution.municipality_id == municipality_id)
    return list(db.session.execute(
        select(Enrolment.pupil_id, Enrolment.school_id, Enrolment.class_name)
        .where(Enrolment.school_id.in_(schools), Enrolment.start_date <= today,
               (Enrolment.end_date.is_(None)) | (Enrolment.end_date >= today))
        .order_by(Enrolment.pupil_id)).all())


def _absences(rng: random.Random, municipality_id: int, semester: Semester, today: date, pupils, batch) -> int:
    days = _school_days(semester.starts_on, min(today, semester.ends_on))
    rows = []
    for pupil_id, school_id, class_name in pupils:
        draw = rng.random()
        if not days or draw > HEAVY + LIGHT:
            continue
        absent: list[tuple[date, int, str]] = []
        if draw < HEAVY:
            start = rng.randrange(len(days))
            absent += [(d, 6, "unexcused") for d in days[start:start + rng.randint(3, 7)]]
            absent += [(d, rng.randint(1, 3), "unexcused") for d in rng.sample(days, min(len(days), 8))]
        absent += [(d, rng.randint(1, 2), rng.choice(("illness", "illness", "excused_other", "late")))
                   for d in rng.sample(days, min(len(days), rng.randint(1, 4)))]
        seen = set()
        for day, lessons, kind in absent:
            for lesson in range(1, lessons + 1):
                if (day, lesson) in seen:
                    continue
                seen.add((day, lesson))
                rows.append({"municipality_id": municipality_id, "pupil_id": pupil_id, "school_id": school_id,
                             "semester_id": semester.id, "class_name": class_name, "day": day, "lesson": lesson,
                             "kind": kind, "source": "demo", "source_record_id": f"{pupil_id}-{day}-{lesson}",
                             "batch_id": batch.id})
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(AbsenceRecord), rows[start:start + BATCH])
    return len(rows)


def _previous(rng: random.Random, municipality_id: int, semester: Semester, pupils, batch) -> tuple[int, int]:
    """The previous semester's totals and grades."""
    totals, grades = [], []
    period = str(semester.number)
    for pupil_id, school_id, _class in pupils:
        heavy = rng.random() < HEAVY
        unexcused = rng.randint(20, 60) if heavy else rng.choice((0, 0, 0, 1, 2, 4, 6))
        excused = rng.randint(0, 40)
        totals.append({"municipality_id": municipality_id, "pupil_id": pupil_id, "school_id": school_id,
                       "semester_id": semester.id, "lessons_total": 320, "unexcused": unexcused,
                       "excused": excused, "batch_id": batch.id})
        for subject in SUBJECTS:
            value = max(1, min(10, round(rng.gauss(4.5 if heavy else 6.8, 1.6))))
            grades.append({"municipality_id": municipality_id, "pupil_id": pupil_id, "school_id": school_id,
                           "school_year": semester.school_year, "period": period, "semester_id": semester.id,
                           "subject": subject, "subject_key": name_key(subject), "mark": str(value),
                           "value": value, "failing": value <= 3, "batch_id": batch.id})
    for table, rows in ((AbsenceTotal, totals), (GradeRecord, grades)):
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(table), rows[start:start + BATCH])
    return len(totals), len(grades)


def _class_years(rng: random.Random, municipality_id: int, today: date, pupils, batch) -> int:
    """This and last school year's classes from enrolment lists; a few pupils repeat their grade."""
    first = school_year_of(today)
    rows = []
    for pupil_id, school_id, class_name in pupils:
        grade = grade_of(class_name)
        if not grade or grade < 2:
            continue
        last = grade if rng.random() < REPEATING else grade - 1
        for year, name, number in ((f"{first}/{first + 1}", class_name, grade),
                                   (f"{first - 1}/{first}", f"{last}.{class_name.split('.', 1)[-1]}", last)):
            rows.append({"municipality_id": municipality_id, "pupil_id": pupil_id, "school_id": school_id,
                         "school_year": year, "class_name": name, "grade": number, "batch_id": batch.id})
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(ClassRecord), rows[start:start + BATCH])
    return len(rows)


def load_school_data(*, seed: int, today: date) -> dict[str, int]:
    """School data for every demo municipality with a semester under way, then its signals."""
    made = {"absence_records": 0, "absence_totals": 0, "grades": 0, "class_records": 0,
            "warning_signals": 0}
    for municipality_id in db.session.scalars(select(Municipality.id).order_by(Municipality.id)):
        rng = random.Random(f"{seed}:{municipality_id}")
        semester = semester_for(municipality_id, today)
        if semester is None:
            continue
        pupils = _pupils(municipality_id, today)
        made["absence_records"] += _absences(rng, municipality_id, semester, today, pupils,
                                             _batch(municipality_id, "absences", seed))
        previous = db.session.scalar(select(Semester).where(
            Semester.municipality_id == municipality_id, Semester.ends_on < semester.starts_on)
            .order_by(Semester.ends_on.desc()).limit(1))
        if previous is not None:
            totals, grades = _previous(rng, municipality_id, previous, pupils,
                                       _batch(municipality_id, "absence_totals", seed))
            made["absence_totals"] += totals
            made["grades"] += grades
        made["class_records"] += _class_years(rng, municipality_id, today, pupils,
                                              _batch(municipality_id, "enrolments", seed))
        made["warning_signals"] += compute_signals(municipality_id, today=today, started_by="demo").signals
    return made
