"""Semester totals, grades and enrolment lists: new, unchanged and changed rows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseflow.crypto import blind_index, unseal
from caseflow.extensions import db
from caseflow.imports.models import AbsenceTotal, GradeRecord, StagedEnrolment
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import make_old_format
from tests.imports import generator as gen
from tests.imports.conftest import for_school, municipal, run_import


def test_semester_totals_are_replaced_by_a_later_import(app, world):
    rows = gen.total_rows(world.pupils, world.number)
    first = run_import(app, municipal(world), gen.csv_bytes(gen.TOTAL_HEADERS, rows), confirm=True)
    assert (first.kind, first.rows_written, first.problems) == ("absence_totals", 5, [])
    later = [r[:5] + (r[5] + 4,) + r[6:] if n == 0 else r for n, r in enumerate(rows)]
    second = run_import(app, municipal(world), gen.csv_bytes(gen.TOTAL_HEADERS, later), confirm=True)
    assert (second.rows_changed, second.rows_unchanged, second.rows_written) == (1, 4, 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceTotal)) == 5
        assert db.session.scalar(select(AbsenceTotal.unexcused).where(
            AbsenceTotal.pupil_id == world.pupils[0].id)) == 4


def test_semester_totals_refuse_impossible_numbers_and_unknown_semesters(app, world):
    p = world.pupils[0]
    data = gen.csv_bytes(gen.TOTAL_HEADERS, [(p.personal_code, world.number, "2025/2026", 1, 10, 8, 5),
                                             (p.personal_code, world.number, "2030/2031", 2, 10, 0, 0),
                                             (p.personal_code, world.number, "2025-2027", 3, 10, 0, 0)])
    result = run_import(app, municipal(world), data)
    assert [(p[0], p[2]) for p in result.problems] == [
        (2, "total_exceeds"), (3, "unknown_semester"), (4, "school_year"), (4, "number_range")]


def test_grades_numbers_levels_and_pass_marks(app, world):
    rows = gen.grade_rows(world.pupils, world.number)
    rows.append((world.pupils[0].personal_code, world.number, "2025/2026", "gads", "Vēsture", "sācis apgūt"))
    result = run_import(app, for_school(world), gen.csv_bytes(gen.GRADE_HEADERS, rows, encoding="utf-8",
                                                              delimiter=","), confirm=True)
    assert (result.problems, result.rows_written) == ([], 26)
    with app.app_context():
        marks = dict(db.session.execute(select(GradeRecord.mark, func.count()).group_by(GradeRecord.mark)).all())
        failing = db.session.scalar(select(func.count()).select_from(GradeRecord).where(GradeRecord.failing))
        year = db.session.scalar(select(GradeRecord).where(GradeRecord.period == "year"))
    assert set(marks) == {"7", "3", "i", "ni", "A", "9", "S"}
    assert failing == marks["3"] + marks["ni"]
    assert (year.mark, year.semester_id, year.subject) == ("S", None, "Vēsture")
    bad = gen.csv_bytes(gen.GRADE_HEADERS, [(world.pupils[0].personal_code, world.number, "2025/2026", "3",
                                            "Matemātika", "11")])
    assert [p[2] for p in run_import(app, for_school(world), bad).problems] == ["period", "grade"]


def test_enrolment_list_creates_pupils_moves_classes_and_keeps_codes_sealed(app, world):
    newcomer = make_old_format(date(2013, 4, 9), 321)
    known = world.pupils[0]
    rows = [(newcomer, "Māris", "Ozoliņš", date(2013, 4, 9), world.number, "6.a", "ezerkrasti"),
            (known.personal_code, known.first_name, known.last_name, date(2012, 3, 14), world.number, "9.a", ""),
            (world.pupils[1].personal_code, "Jānis", "X", date(2012, 3, 14), world.number, world.pupils[1].class_name,
             "")]
    data = gen.csv_bytes(gen.ENROLMENT_HEADERS, rows, encoding="cp1257")
    preview = run_import(app, municipal(world), data)
    # the pupil listed in the class the registry already holds is "changed" too: the list records this
    # school year's class for the first time (early warning reads repeated grades from those records)
    assert (preview.rows_new, preview.rows_changed, preview.rows_unchanged, preview.problems) == (1, 2, 0, [])
    with app.app_context():
        staged = db.session.scalar(select(StagedEnrolment).where(StagedEnrolment.pupil_id.is_(None)))
        assert newcomer.encode() not in bytes(staged.personal_code_enc)
    done = run_import(app, municipal(world), data, confirm=True)
    assert done.rows_written == 3
    with app.app_context():
        pupil = db.session.scalar(select(Pupil).where(
            Pupil.personal_code_index == blind_index(newcomer, purpose="personal_code")))
        assert (pupil.full_name, unseal(pupil, "personal_code")) == ("Māris Ozoliņš", newcomer)
        assert pupil.declared_municipality_id == world.town.id
        assert [(e.class_name, e.grade) for e in pupil.enrolments] == [("6.a", 6)]
        moved = db.session.scalar(select(Enrolment).where(Enrolment.pupil_id == known.id))
        assert (moved.class_name, moved.grade) == ("9.a", 9)
        assert db.session.scalar(select(func.count()).select_from(StagedEnrolment).where(
            StagedEnrolment.batch_id == done.id)) == 0  # the earlier preview still waits
    assert run_import(app, municipal(world), data).rows_unchanged == 3


def test_a_school_cannot_enrol_another_schools_pupil_and_birth_dates_must_match(app, world):
    other = world.elsewhere
    rows = [(other.personal_code, "Anna", "Bērziņa", date(2012, 3, 14), world.number, "7.b", ""),
            (make_old_format(date(2013, 4, 9), 5), "Ilze", "Kalna", date(2013, 4, 10), world.number, "6.a", "")]
    result = run_import(app, for_school(world), gen.csv_bytes(gen.ENROLMENT_HEADERS, rows))
    assert [(p[0], p[1], p[2]) for p in result.problems] == [
        (2, "Personas kods", "pupil_elsewhere"), (3, "Dzimšanas datums", "birth_date_mismatch")]
