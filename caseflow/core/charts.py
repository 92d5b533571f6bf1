"""Server-side chart geometry: templates draw the SVG from it, and a table beside it gives the numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

#: colours with at least 3:1 contrast against white and against each other's neighbours
PALETTE = ("#1d5d90", "#b3261e", "#6b4c9a", "#2e6b30", "#8a5300")


@dataclass(frozen=True)
class Segment:
    """One stacked part of a column."""

    key: str
    value: float
    y: float
    height: float
    colour: str


@dataclass(frozen=True)
class Column:
    """One column: its label, where it stands, its stacked segments and its total."""

    label: str
    x: float
    width: float
    total: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class StackedColumns:
    """A stacked column chart: columns, value ticks of the axis and the legend."""

    width: int
    height: int
    left: int
    top: int
    plot_height: int
    columns: tuple[Column, ...]
    ticks: tuple[tuple[float, float], ...]
    legend: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def baseline(self) -> float:
        """The y of the value 0."""
        return self.top + self.plot_height


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least the value (an axis maximum people can read)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def stacked_columns(labels: list[str], series: list[tuple[str, str, list[float]]], *, width: int = 640,
                    height: int = 260, left: int = 48, top: int = 36, bottom: int = 40,
                    ticks: int = 4) -> StackedColumns:
    """Geometry of columns, one per label, stacking each series (key, legend text, values per label)."""
    plot_height = height - top - bottom
    totals = [sum(values[i] for _key, _text, values in series) for i in range(len(labels))]
    maximum = nice_ceiling(max(totals, default=0))
    slot = (width - left - 8) / max(len(labels), 1)
    bar = max(min(slot * 0.6, 48), 4)
    columns = []
    for i, label in enumerate(labels):
        y = top + plot_height
        segments = []
        for n, (key, _text, values) in enumerate(series):
            h = plot_height * values[i] / maximum
            y -= h
            segments.append(Segment(key, values[i], round(y, 1), round(h, 1), PALETTE[n % len(PALETTE)]))
        columns.append(Column(label, round(left + i * slot + (slot - bar) / 2, 1), round(bar, 1), totals[i],
                              tuple(segments)))
    axis = tuple((round(top + plot_height - plot_height * k / ticks, 1), maximum * k / ticks)
                 for k in range(ticks + 1))
    legend = tuple((key, text, PALETTE[n % len(PALETTE)]) for n, (key, text, _values) in enumerate(series))
    return StackedColumns(width, height, left, top, plot_height, tuple(columns), axis, legend)


@dataclass(frozen=True)
class Mark:
    """A value placed on a chart: where it stands and what it says."""

    x: float
    y: float
    year: int
    value: float
    text: str = ""


@dataclass(frozen=True)
class Trend:
    """A line of measured values over years, with the baseline and the targets as marks."""

    width: int
    height: int
    left: int
    top: int
    plot_height: int
    years: tuple[tuple[float, int], ...]
    ticks: tuple[tuple[float, float], ...]
    measured: tuple[Mark, ...]
    targets: tuple[Mark, ...]
    baseline: Mark | None

    @property
    def path(self) -> str:
        """The SVG path of the measured line."""
        return " ".join(f"{'M' if n == 0 else 'L'}{m.x},{m.y}" for n, m in enumerate(self.measured))

    @property
    def bottom(self) -> float:
        """The y of the axis."""
        return self.top + self.plot_height


def trend(measured: list[tuple[int, float]], targets: list[tuple[int, float, str]],
          baseline: tuple[int, float] | None, *, width: int = 560, height: int = 220, left: int = 52,
          top: int = 16, bottom: int = 30, ticks: int = 4) -> Trend:
    """Geometry of a trend: measured (year, value), targets (year, value, text), baseline (year, value)."""
    years = sorted({y for y, _ in measured} | {y for y, _, _ in targets} | ({baseline[0]} if baseline else set()))
    if not years:
        years = [0]
    first, last = years[0], years[-1]
    span = max(last - first, 1)
    plot_width = width - left - 24
    plot_height = height - top - bottom
    values = [v for _, v in measured] + [v for _, v, _ in targets] + ([baseline[1]] if baseline else [])
    maximum = nice_ceiling(max(values, default=0))

    def x(year: int) -> float:
        return round(left + 12 + plot_width * (year - first) / span, 1) if last > first else left + plot_width / 2

    def y(value: float) -> float:
        return round(top + plot_height - plot_height * max(value, 0) / maximum, 1)

    return Trend(
        width, height, left, top, plot_height,
        years=tuple((x(year), year) for year in range(first, last + 1)),
        ticks=tuple((y(maximum * k / ticks), maximum * k / ticks) for k in range(ticks + 1)),
        measured=tuple(Mark(x(year), y(value), year, value) for year, value in sorted(measured)),
        targets=tuple(Mark(x(year), y(value), year, value, text) for year, value, text in sorted(targets)),
        baseline=Mark(x(baseline[0]), y(baseline[1]), baseline[0], baseline[1]) if baseline else None)
