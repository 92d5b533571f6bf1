"""Enrolment lists record each school year's class, so a repeated grade shows across years."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.imports.models import ClassRecord
from caseflow.people.calendar import Semester
from caseflow.warning import rules
from caseflow.warning.models import WarningSignal
from caseflow.warning.services.compute import compute_signals
from tests.imports import generator as gen
from tests.imports.conftest import build_world, municipal, run_import


def _list(world, classes: dict) -> bytes:
    rows = [(p.personal_code, p.first_name, p.last_name, date(2012, 3, 14), world.number, classes[p.id], "")
            for p in world.pupils[:2]]
    return gen.csv_bytes(gen.ENROLMENT_HEADERS, rows, encoding="cp1257")


def test_a_new_school_years_list_records_the_class_and_shows_a_repeated_grade(app, factory):
    world = build_world(app, factory)
    first, second = world.pupils[:2]
    with app.app_context():
        db.session.add(Semester(municipality_id=world.town.id, school_year="2026/2027", number=1,
                                starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 23)))
        db.session.commit()
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        last_year = run_import(app, municipal(world), _list(world, {first.id: "6.a", second.id: "6.a"}),
                               confirm=True)
        # the same list again changes nothing
        assert run_import(app, municipal(world), _list(world, {first.id: "6.a", second.id: "6.a"})).rows_unchanged == 2
    assert last_year.rows_written == 2
    with time_machine.travel(datetime(2026, 10, 5, 10, tzinfo=UTC), tick=False):
        this_year = run_import(app, municipal(world), _list(world, {first.id: "6.a", second.id: "7.a"}))
        # the repeating pupil's enrolment is the same, yet the new school year's class is new information
        assert (this_year.rows_changed, this_year.rows_unchanged) == (2, 0)
        run_import(app, municipal(world), _list(world, {first.id: "6.a", second.id: "7.a"}), confirm=True)
        with app.app_context():
            years = db.session.execute(select(ClassRecord.pupil_id, ClassRecord.school_year, ClassRecord.class_name)
                                       .order_by(ClassRecord.pupil_id, ClassRecord.school_year)).all()
            assert [tuple(y) for y in years] == [
                (first.id, "2025/2026", "6.a"), (first.id, "2026/2027", "6.a"),
                (second.id, "2025/2026", "6.a"), (second.id, "2026/2027", "7.a")]
            compute_signals(world.town.id)
            db.session.commit()
            repeating = db.session.scalars(select(WarningSignal.pupil_id).where(
                WarningSignal.rule == rules.REPETITION)).all()
    assert repeating == [first.id]
