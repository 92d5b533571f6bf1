"""The rules fire on the data they name, say why, and stay quiet below their thresholds."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseflow.actions.models import Notice
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.warning import rules
from caseflow.warning.models import WarningNotice, WarningRun, WarningSignal
from caseflow.warning.services.compute import compute_signals, longest_run
from tests.plans.helpers import set_setting
from tests.warning.conftest import add_absences, add_class, add_grades, add_total, enrol, weekdays


def _signals(app, municipality_id: int) -> dict[tuple[int, str], WarningSignal]:
    with app.app_context():
        found = db.session.scalars(select(WarningSignal).where(WarningSignal.municipality_id == municipality_id))
        return {(s.pupil_id, s.rule): (s.value, s.threshold, s.evidence, s.school_id) for s in found}


def _compute(app, w):
    with app.app_context():
        run = compute_signals(w.m.id)
        db.session.commit()
        return run.signals


def test_unexcused_lessons_from_totals_and_records(app, factory, world):
    w = world
    over = factory.pupil(w.school.id)
    under = factory.pupil(w.school.id)
    by_records = factory.pupil(w.school.id)
    add_total(app, w, over, unexcused=24)
    add_total(app, w, under, unexcused=19)
    add_absences(app, w, by_records, [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 12)], lessons=7)
    _compute(app, w)
    found = _signals(app, w.m.id)
    assert found[(over.id, rules.UNEXCUSED)][:2] == (24, 20)
    assert found[(over.id, rules.UNEXCUSED)][2]["source"] == "totals"
    assert (under.id, rules.UNEXCUSED) not in found
    assert found[(by_records.id, rules.UNEXCUSED)][:2] == (21, 20)
    assert found[(by_records.id, rules.UNEXCUSED)][2]["source"] == "records"


def test_threshold_is_the_municipality_setting(app, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    add_total(app, w, pupil, unexcused=12)
    set_setting(app, w.m.id, "unexcused_lessons_per_semester", 10)
    _compute(app, w)
    assert _signals(app, w.m.id)[(pupil.id, rules.UNEXCUSED)][:2] == (12, 10)


def test_share_of_lessons_missed(app, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    add_total(app, w, pupil, unexcused=5, excused=70, held=300)
    _compute(app, w)
    assert _signals(app, w.m.id)[(pupil.id, rules.MISSED_SHARE)][:2] == (25, 25)


def test_consecutive_days_run_over_a_weekend(app, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    # Thursday, Friday, Monday, Tuesday, Wednesday: five school days in a row
    add_absences(app, w, pupil, weekdays(date(2026, 11, 5), 5), lessons=4)
    # a day with fewer unexcused lessons than a day of absence needs does not count
    add_absences(app, w, pupil, [date(2026, 11, 12)], lessons=2)
    _compute(app, w)
    value, threshold, evidence, _school = _signals(app, w.m.id)[(pupil.id, rules.CONSECUTIVE)]
    assert (value, threshold) == (5, 5)
    assert evidence["from"] == "2026-11-05" and evidence["to"] == "2026-11-11"


def test_longest_run_breaks_on_a_missing_school_day():
    days = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 6), date(2026, 11, 9)]
    assert longest_run(days) == (3, date(2026, 11, 5), date(2026, 11, 9))


def test_failing_grades(app, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    fine = factory.pupil(w.school.id)
    add_grades(app, w, pupil, {"Matemātika": "3", "Latviešu valoda": "ni", "Vēsture": "7"})
    add_grades(app, w, fine, {"Matemātika": "3", "Vēsture": "6"})
    _compute(app, w)
    found = _signals(app, w.m.id)
    assert found[(pupil.id, rules.FAILING)][:2] == (2, 2)
    assert (fine.id, rules.FAILING) not in found


def test_grade_repetition_from_class_records(app, factory, world):
    w = world
    repeating = factory.pupil(w.school.id, first_name="Jānis", class_name="6.b")
    moving_on = factory.pupil(w.school.id, class_name="6.a")
    add_class(app, w, repeating, "2025/2026", "6.a", school=w.other)
    add_class(app, w, repeating, "2026/2027", "6.b")
    add_class(app, w, moving_on, "2025/2026", "5.a")
    add_class(app, w, moving_on, "2026/2027", "6.a")
    _compute(app, w)
    found = _signals(app, w.m.id)
    value, _threshold, evidence, school_id = found[(repeating.id, rules.REPETITION)]
    assert (value, school_id) == (6, w.school.id)
    assert (evidence["class"], evidence["previous_class"]) == ("6.b", "6.a")
    assert (moving_on.id, rules.REPETITION) not in found


def test_declared_children_enrolled_nowhere(app, factory, world):
    w = world
    nowhere = factory.pupil(None, declared_municipality_id=w.m.id, born=date(2013, 4, 1))
    left = factory.pupil(None, declared_municipality_id=w.m.id, born=date(2011, 4, 1))
    enrol(app, left.id, w.school.id, grade=8, start=date(2024, 9, 1), end=date(2026, 5, 29))
    adult = factory.pupil(None, declared_municipality_id=w.m.id, born=date(2007, 1, 1))
    enrolled = factory.pupil(w.school.id, declared_municipality_id=w.m.id)
    _compute(app, w)
    found = _signals(app, w.m.id)
    assert (nowhere.id, rules.UNENROLLED) in found and (left.id, rules.UNENROLLED) in found
    assert (adult.id, rules.UNENROLLED) not in found and (enrolled.id, rules.UNENROLLED) not in found


def test_rules_can_be_turned_off(app, factory, world):
    w = world
    factory.pupil(None, declared_municipality_id=w.m.id, born=date(2013, 4, 1))
    pupil = factory.pupil(w.school.id)
    add_grades(app, w, pupil, {"Matemātika": "2", "Fizika": "1"})
    set_setting(app, w.m.id, "warn_unenrolled", False)
    set_setting(app, w.m.id, "failing_grades", 0)
    assert _compute(app, w) == 0


def test_recompute_replaces_and_notifies_once_per_semester(app, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    add_total(app, w, pupil, unexcused=22)
    _compute(app, w)
    _compute(app, w)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WarningSignal)) == 1
        assert db.session.scalar(select(func.count()).select_from(WarningRun)) == 2
        assert db.session.scalar(select(func.count()).select_from(WarningNotice)) == 1
        notices = db.session.scalars(select(Notice).where(Notice.user_id == w.coordinator.id)).all()
        assert [n.kind for n in notices] == ["warning_notification"]
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == w.coordinator.id)).all()
        assert len(mail) == 1
        # the e-mail tells how many, never who
        assert pupil.last_name not in (mail[0].subject + (mail[0].body or ""))


def test_signals_never_cross_municipalities(app, factory, world):
    w = world
    elsewhere = factory.municipality()
    school = factory.institution(elsewhere.id)
    pupil = factory.pupil(school.id)
    add_total(app, w, pupil, unexcused=40, school=school, semester=w.semester)
    _compute(app, w)
    # the other municipality has no semester running, and its data is never read for this one
    assert (pupil.id, rules.UNEXCUSED) not in _signals(app, w.m.id)
    with app.app_context():
        assert compute_signals(elsewhere.id).signals == 0
        db.session.commit()


def test_failing_grades_read_the_latest_graded_period(app, factory, world):
    w = world
    improved = factory.pupil(w.school.id)
    last_spring = factory.pupil(w.school.id)
    add_grades(app, w, improved, {"Matemātika": "2", "Fizika": "3"}, period="2", year="2025/2026")
    add_grades(app, w, improved, {"Matemātika": "6", "Fizika": "5"}, period="1")
    add_grades(app, w, last_spring, {"Matemātika": "2", "Fizika": "nv"}, period="2", year="2025/2026")
    _compute(app, w)
    found = _signals(app, w.m.id)
    assert (improved.id, rules.FAILING) not in found
    assert found[(last_spring.id, rules.FAILING)][2] == {"period": "2", "school_year": "2025/2026"}
