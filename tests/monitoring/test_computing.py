"""The worker's daily job: computed figures for every municipality, one failing municipality skipped."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseflow.demo.monitoring import DEMO_PLAN
from caseflow.extensions import db
from caseflow.monitoring import computing
from caseflow.monitoring.fixtures import load_into, load_profile
from caseflow.monitoring.metrics import MetricError
from caseflow.monitoring.models import IndicatorValue
from caseflow.people.calendar import Semester


def test_every_municipality_is_computed_and_a_failing_one_is_skipped(app, factory, monkeypatch):
    towns = [factory.municipality(), factory.municipality()]
    with app.app_context():
        for town in towns:
            load_into(town.id, load_profile("ezerkrasti", DEMO_PLAN))
            db.session.add(Semester(municipality_id=town.id, school_year="2025/2026", number=1,
                                    starts_on=date(2025, 9, 1), ends_on=date(2025, 12, 22)))
        db.session.commit()
        real = computing.compute

        def compute(metric, municipality_id, school_year, semester=None):
            if municipality_id == towns[0].id:
                raise MetricError("broken calendar")
            return real(metric, municipality_id, school_year, semester)

        monkeypatch.setattr(computing, "compute", compute)
        written = computing.recompute_all(today=date(2026, 1, 10))
        figures = db.session.execute(select(IndicatorValue.municipality_id, IndicatorValue.year)).all()
    assert written > 0 and {m for m, _ in figures} == {towns[1].id}
    assert {y for _, y in figures} == {2026}  # 2025/2026 counts for the year it ends in
