"""Where an indicator stands against its targets: the next milestone's required value, whether the
latest measurement meets it (a target year passed) or is on the way to it (linearly from the baseline)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class Status(StrEnum):
    """An indicator's standing, as the dashboard shows it."""

    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"


class TargetLike(Protocol):
    year: int
    kind: str
    value: Decimal | float | None
    direction: str | None


@dataclass(frozen=True)
class Point:
    """A measured value in a year."""

    year: int
    value: float


@dataclass(frozen=True)
class Standing:
    """The status and what it was judged on."""

    status: Status
    target: TargetLike | None = None
    #: the value the target asks for (None when it asks only for a direction)
    required: float | None = None
    latest: Point | None = None
    #: the value expected by the latest measurement's year on a straight path from the baseline
    expected_now: float | None = None


def _num(value) -> float | None:
    return None if value is None else float(value)


def wanted_direction(target: TargetLike, baseline: float | None) -> str | None:
    """"up" or "down": stated, implied by the kind, or by where the target lies from the baseline."""
    if target.direction in ("up", "down"):
        return target.direction
    if target.kind in ("below", "at_most"):
        return "down"
    if target.kind in ("above", "at_least"):
        return "up"
    value = _num(target.value)
    if target.kind == "relative" and value is not None:
        return "up" if value > 0 else "down" if value < 0 else None
    if target.kind == "absolute" and value is not None and baseline is not None and value != baseline:
        return "up" if value > baseline else "down"
    return None


def required_value(target: TargetLike, baseline: float | None) -> float | None:
    """The number the target asks for; relative targets change the baseline by a percentage."""
    value = _num(target.value)
    if target.kind == "relative":
        return None if baseline is None or value is None else baseline * (1 + value / 100)
    if target.kind == "keep_baseline":
        return baseline
    if target.kind == "direction":
        return None
    return value


def meets(target: TargetLike, value: float, baseline: float | None) -> bool | None:
    """Does a value satisfy the target? None when it cannot be judged (no baseline for a relative one)."""
    need = required_value(target, baseline)
    direction = wanted_direction(target, baseline)
    if target.kind == "below":
        return value < need
    if target.kind == "above":
        return value > need
    if target.kind == "at_most":
        return value <= need
    if target.kind == "at_least":
        return value >= need
    if target.kind == "direction":
        if baseline is None or direction is None:
            return None
        return value < baseline if direction == "down" else value > baseline
    if need is None:
        return None
    if direction == "down":
        return value <= need
    if direction == "up":
        return value >= need
    return abs(value - need) <= max(abs(need) * 0.01, 1e-9)  # keep the baseline: within 1 %


def standing(targets: list[TargetLike], points: list[Point], *, baseline: float | None,
             baseline_year: int | None, year: int) -> Standing:
    """The status in `year`: judged on the latest measurement against the first target not yet past
    (or, when every target year has passed, the last one: met or not met)."""
    if not targets:
        return Standing(Status.NO_TARGET, latest=_latest(points))
    ordered = sorted(targets, key=lambda t: t.year)
    latest = _latest(points)
    if latest is None:
        return Standing(Status.NO_DATA, target=next((t for t in ordered if t.year >= year), ordered[-1]))
    due = [t for t in ordered if t.year <= latest.year]
    ahead = [t for t in ordered if t.year > latest.year]
    if due and (not ahead or due[-1].year == latest.year):
        target = due[-1]
        verdict = meets(target, latest.value, baseline)
        status = Status.NO_DATA if verdict is None else Status.MET if verdict else Status.NOT_MET
        return Standing(status, target, required_value(target, baseline), latest)
    target = ahead[0]
    need = required_value(target, baseline)
    if meets(target, latest.value, baseline):
        return Standing(Status.ON_TRACK, target, need, latest)
    expected = _on_the_path(need, baseline, baseline_year, target.year, latest.year)
    if expected is None:
        return Standing(Status.BEHIND if need is not None else Status.NO_DATA, target, need, latest)
    direction = wanted_direction(target, baseline)
    good = latest.value <= expected if direction == "down" else latest.value >= expected
    return Standing(Status.ON_TRACK if good else Status.BEHIND, target, need, latest, expected)


def _on_the_path(need: float | None, baseline: float | None, baseline_year: int | None, target_year: int,
                 year: int) -> float | None:
    """The value a straight line from the baseline to the target passes in `year`."""
    if need is None or baseline is None or baseline_year is None or target_year <= baseline_year:
        return None
    share = min(max((year - baseline_year) / (target_year - baseline_year), 0.0), 1.0)
    return baseline + (need - baseline) * share


def _latest(points: list[Point]) -> Point | None:
    return max(points, key=lambda p: p.year) if points else None
