"""An indicator's status against targets of every kind the seed plans use."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from caseflow.monitoring.status import (
    Point,
    Status,
    meets,
    required_value,
    standing,
    wanted_direction,
)


@dataclass
class T:
    year: int
    kind: str
    value: float | None = None
    direction: str | None = None


# Daugavpils (004): pupils whose cases the group reviewed, 40 (2023) → 20 in 2026 → 10 in 2028
REVIEWED = [T(2026, "absolute", 20), T(2028, "absolute", 10)]


def _at(targets, points, year, baseline=40.0, baseline_year=2023):
    return standing(targets, [Point(y, v) for y, v in points], baseline=baseline, baseline_year=baseline_year,
                    year=year)


def test_no_measurement_is_no_data_and_names_the_next_target():
    result = _at(REVIEWED, [], 2025)
    assert result.status == Status.NO_DATA and result.target.year == 2026


def test_on_the_straight_path_to_the_next_target_is_on_track_and_above_it_is_behind():
    # the path from 40 (2023) to 20 (2026) passes 33.3 in 2024 and 26.7 in 2025
    assert _at(REVIEWED, [(2024, 33)], 2024).status == Status.ON_TRACK
    behind = _at(REVIEWED, [(2025, 30)], 2025)
    assert behind.status == Status.BEHIND and round(behind.expected_now, 1) == 26.7
    assert behind.required == 20


def test_a_target_year_reached_is_met_or_not_met():
    assert _at(REVIEWED, [(2026, 19)], 2026).status == Status.MET
    assert _at(REVIEWED, [(2026, 25)], 2026).status == Status.NOT_MET
    # after the last milestone the last target judges
    assert _at(REVIEWED, [(2026, 19), (2029, 12)], 2029).status == Status.NOT_MET
    # the latest measurement between milestones is judged against the next one
    assert _at(REVIEWED, [(2027, 14)], 2027).status == Status.ON_TRACK


@pytest.mark.parametrize(("target", "value", "ok"), [
    (T(2025, "below", 1.0), 0.9, True), (T(2025, "below", 1.0), 1.0, False),      # "<1 %"
    (T(2025, "at_most", 1.0), 1.0, True), (T(2025, "above", 80), 80, False),
    (T(2025, "at_least", 80), 80, True),
    (T(2025, "relative", 5.0), 52.5, True), (T(2025, "relative", 5.0), 52.0, False),  # "+5 %" of 50
    (T(2025, "relative", -10.0), 45.0, True),
    (T(2025, "keep_baseline"), 50.2, True), (T(2025, "keep_baseline"), 47.0, False),
    (T(2025, "keep_baseline", direction="up"), 60.0, True),
    (T(2025, "direction", direction="down"), 49.0, True), (T(2025, "direction", direction="up"), 49.0, False),
    (T(2025, "absolute", 45.0, "up"), 46.0, True),                                   # "Līdz 45 %"
])
def test_every_kind_of_target(target, value, ok):
    assert meets(target, value, 50.0) is ok


def test_a_relative_or_direction_target_without_a_baseline_cannot_be_judged():
    assert meets(T(2025, "relative", 5.0), 10, None) is None
    assert meets(T(2025, "direction", direction="up"), 10, None) is None
    result = standing([T(2025, "relative", 5.0)], [Point(2025, 10)], baseline=None, baseline_year=None, year=2025)
    assert result.status == Status.NO_DATA


def test_direction_and_required_value_follow_the_kind():
    assert wanted_direction(T(2025, "absolute", 20), 40) == "down"
    assert wanted_direction(T(2025, "at_least", 20), None) == "up"
    assert required_value(T(2025, "relative", 5.0), 40) == pytest.approx(42)
    assert required_value(T(2025, "keep_baseline"), 40) == 40
    assert required_value(T(2025, "direction", direction="up"), 40) is None


def test_an_indicator_without_targets_says_so():
    assert standing([], [Point(2024, 3)], baseline=None, baseline_year=None, year=2024).status == Status.NO_TARGET


def test_without_a_stated_baseline_the_first_figure_is_the_reference():
    from types import SimpleNamespace

    from caseflow.monitoring.selectors import card

    indicator = SimpleNamespace(baselines=[], targets=[SimpleNamespace(year=2026, kind="direction", value=None,
                                                                       direction="down", text="↓", stage=None)],
                                value_kind="count")
    figures = [SimpleNamespace(year=y, value=v, numerator=None, stage=None) for y, v in ((2024, 40), (2025, 31))]
    assert card(indicator, figures[:1], None, threshold=5, year=2025).standing.status == Status.NO_DATA
    assert card(indicator, figures, None, threshold=5, year=2025).standing.status == Status.ON_TRACK
