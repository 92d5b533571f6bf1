"""The monitoring tables' own rules: levels an indicator's kind allows, targets after their baseline,
one annual report a year, one record per activity and year."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from caseflow.extensions import db
from caseflow.monitoring.models import (
    ActivityYear,
    AnnualReport,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueError,
    PlanActivity,
    PlanGoal,
    PlanVersion,
    target_year_problem,
    value_problem,
)


@pytest.mark.parametrize(("kind", "value", "problem"), [
    ("share", Decimal("100"), None),
    ("share", Decimal("100.5"), "a share cannot be over 100 % (100.5)"),
    ("share", Decimal("-1"), "a share cannot be negative (-1)"),
    ("count", Decimal("-3"), "a count cannot be negative (-3)"),
    ("count", Decimal("1200"), None),
    ("ratio", Decimal("140.2"), None),
    (None, Decimal("-5"), None),
    ("share", None, None),
])
def test_value_problem(kind, value, problem):
    assert value_problem(kind, value) == problem


def test_target_year_problem():
    assert target_year_problem(2026, [2022]) is None
    assert target_year_problem(2022, [2022]) is None
    assert target_year_problem(2021, [2020, 2022]) == "target year 2021 is before the baseline year 2022"


def indicator(value_kind="share", *, baseline=Decimal("3.2"), target=Decimal("1"), target_year=2026, kind="at_most"):
    row = Indicator(code="3.2-1", title_lv="Īpatsvars", value_kind=value_kind)
    row.baselines = [IndicatorBaseline(value=baseline, year=2022)]
    row.targets = [IndicatorTarget(year=target_year, kind=kind, value=target)]
    return row


def test_indicator_validate_accepts_a_sound_indicator():
    indicator().validate()
    indicator(kind="relative", target=Decimal("-150")).validate()  # a change in per cent, not a level


@pytest.mark.parametrize(("row", "message"), [
    (indicator(target_year=2021), "indicator 3.2-1: target 2021: target year 2021 is before the baseline year 2022"),
    (indicator(target=Decimal("120")), "indicator 3.2-1: target 2026: a share cannot be over 100 % (120)"),
    (indicator(baseline=Decimal("120")), "indicator 3.2-1: baseline 2022: a share cannot be over 100 % (120)"),
    (indicator("count", target=Decimal("-2")), "indicator 3.2-1: target 2026: a count cannot be negative (-2)"),
])
def test_indicator_validate_refuses(row, message):
    with pytest.raises(IndicatorValueError) as error:
        row.validate()
    assert str(error.value) == message


def test_a_measured_value_is_checked_against_its_indicator():
    value = IndicatorValue(indicator=indicator("count"), year=2025, value=Decimal("-1"))
    with pytest.raises(IndicatorValueError, match="value 2025: a count cannot be negative"):
        value.validate()
    IndicatorValue(indicator=indicator("count"), year=2025, value=Decimal("14")).validate()


def test_tables_store_decimals_and_keep_one_report_and_record_per_year(app, factory):
    m = factory.municipality()
    with app.app_context():
        row = indicator()
        row.municipality_id = m.id
        for child in (*row.baselines, *row.targets):
            child.municipality_id = m.id
        version = PlanVersion(municipality_id=m.id, number=1, title="Plāns", years=[2024])
        goal = PlanGoal(municipality_id=m.id, code="1", title="Mērķis")
        activity = PlanActivity(municipality_id=m.id, code="1.1", years=[2024])
        goal.activities = [activity]
        version.goals = [goal]
        db.session.add_all([row, version, AnnualReport(municipality_id=m.id, year=2025)])
        db.session.flush()
        db.session.add(ActivityYear(municipality_id=m.id, activity_id=activity.id, year=2024,
                                    invested_eur=Decimal("1250.50")))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Indicator, row.id).baselines[0].value == Decimal("3.2")
        assert activity.year_records[0].invested_eur == Decimal("1250.50")
        assert activity.title is None and version.status == "draft"
        db.session.add(AnnualReport(municipality_id=m.id, year=2025))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(ActivityYear(municipality_id=m.id, activity_id=activity.id, year=2024))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
