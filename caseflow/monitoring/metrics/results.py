"""What a metric returns: a value, its numerator and denominator for shares, and counts by label key."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from caseflow.monitoring.metrics.period import Period

#: a count of pupils, cases or actions, or hours and days (Decimal)
Number = int | Decimal
#: (label key, value) pairs in display order
Breakdown = tuple[tuple[str, Number], ...]

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class CountTable:
    """Counts in rows × columns with the label keys of both, ready for small-cell suppression."""

    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def as_lists(self) -> list[list[int]]:
        """The counts as suppression.suppress takes them."""
        return [list(row) for row in self.counts]


@dataclass(frozen=True)
class MetricResult:
    """One metric for one municipality and period, not yet suppressed."""

    metric: str
    municipality_id: int
    period: Period
    #: the total: a count, hours, a share in per cent, or a median of days (None when nothing to measure)
    value: Number | None
    numerator: Number | None = None
    denominator: Number | None = None
    #: named breakdowns, e.g. {"measure_type": (("psychologist", Decimal("12.5")), …)}
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    table: CountTable | None = None
    #: further figures a metric reports besides its value, e.g. {"mean": …} or {"threshold": 20}
    figures: dict[str, Number | None] = field(default_factory=dict)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator in per cent, to two decimals (None for an empty denominator)."""
    if not denominator:
        return None
    return (Decimal(100) * numerator / denominator).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def hours(value) -> Decimal:
    """A sum of hours as the database returns it (None for no rows), to two decimals."""
    return Decimal(value or 0).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def count_table(cells: dict[tuple[str, str], int], row_keys: list[str], column_keys: tuple[str, ...]) -> CountTable:
    """A table of the counts keyed by (row, column), zero where a pair has none."""
    return CountTable(tuple(row_keys), column_keys,
                      tuple(tuple(cells.get((row, column), 0) for column in column_keys) for row in row_keys))
