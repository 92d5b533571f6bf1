"""An indicator computed from caseflow's data, per school for the latest school year and the one before:
each year's school counts are suppressed as a list whose total is the municipality's figure."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from caseflow.core.charts import PALETTE, nice_ceiling
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.monitoring.computing import school_years
from caseflow.monitoring.metrics import BY_SCHOOL, compute_by_school
from caseflow.monitoring.models import Indicator
from caseflow.monitoring.suppression import PublishedCell, SuppressedList, suppress_list
from caseflow.people.models import SCHOOL_KINDS, Institution
from caseflow.people.settings import get_setting

#: how many school years the page compares (the latest last)
YEARS_SHOWN = 2


@dataclass(frozen=True)
class Bar:
    """One year's bar of a school; no width when its count is hidden."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    text: str


@dataclass(frozen=True)
class SchoolRow:
    """A school's label, where it stands on the chart, its bars and its published counts (one per year)."""

    label: str
    y: float
    bars: tuple[Bar, ...]
    cells: tuple[PublishedCell, ...]


@dataclass(frozen=True)
class SchoolFigures:
    """The per-school page of an indicator: years, schools, totals and the chart's geometry."""

    indicator: Indicator
    years: tuple[str, ...]
    rows: tuple[SchoolRow, ...]
    totals: tuple[PublishedCell, ...]
    threshold: int
    width: int
    height: int
    left: int
    top: int
    ticks: tuple[tuple[float, float], ...]
    legend: tuple[tuple[str, str], ...]

    @property
    def bottom(self) -> float:
        """The y of the value axis."""
        return self.height - 24


def has_school_figures(indicator: Indicator) -> bool:
    """Does the indicator come from a metric caseflow can count per school?"""
    return indicator.computed_metric in BY_SCHOOL


def _school_names(municipality_id: int, counted: set[int]) -> dict[int, str]:
    """The municipality's schools and any other school that has a count, by id (one statement)."""
    query = select(Institution.id, Institution.name).where(or_(
        (Institution.municipality_id == municipality_id) & Institution.kind.in_([str(k) for k in SCHOOL_KINDS]),
        Institution.id.in_(counted or {0})))
    return dict(db.session.execute(query).all())


def school_figures(indicator: Indicator, *, unknown_label: str, width: int = 640,
                   bar_height: int = 12, left: int = 220, top: int = 28) -> SchoolFigures | None:
    """The indicator per school for the latest school years, suppressed (None: no school year begun yet).
    A constant number of statements whatever the number of schools or rows."""
    years = tuple(school_years(indicator.municipality_id, local_today())[-YEARS_SHOWN:])
    if not years:
        return None
    threshold = int(get_setting(indicator.municipality_id, "small_cell_threshold"))
    counts = [compute_by_school(indicator.computed_metric, indicator.municipality_id, year) for year in years]
    counted = {school for by_year in counts for school in by_year if school is not None}
    names = _school_names(indicator.municipality_id, counted)
    keys: list[int | None] = sorted(names, key=lambda school: (names[school].casefold(), school))
    if any(None in by_year for by_year in counts):
        keys.append(None)
    lists: list[SuppressedList] = [suppress_list([by_year.get(key, 0) for key in keys], threshold)
                                   for by_year in counts]
    shown = [cell.value for published in lists for cell in published.cells if not cell.is_hidden]
    maximum = nice_ceiling(max(shown, default=0))
    plot_width = width - left - 48
    group = bar_height * len(years) + 8
    rows = []
    for i, key in enumerate(keys):
        y = top + i * group
        bars = []
        for n, published in enumerate(lists):
            cell = published.cells[i]
            length = 0.0 if cell.is_hidden else round(plot_width * cell.value / maximum, 1)
            colour = PALETTE[n % len(PALETTE)]
            bars.append(Bar(left, y + n * bar_height, length, bar_height - 2, colour, cell.text))
        rows.append(SchoolRow(names[key] if key is not None else unknown_label, y, tuple(bars),
                              tuple(published.cells[i] for published in lists)))
    height = top + len(keys) * group + 24
    ticks = tuple((round(left + plot_width * k / 4, 1), maximum * k / 4) for k in range(5))
    legend = tuple((year, PALETTE[n % len(PALETTE)]) for n, year in enumerate(years))
    return SchoolFigures(indicator, years, tuple(rows), tuple(published.total for published in lists), threshold,
                         width, height, left, top, ticks, legend)
