"""A statistics table as caseflow publishes it: counts of people pass through small-cell suppression, group
by group (a group's printed total is that group's column total), shares and hours are shown as printed."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from caseflow.monitoring.models import StatisticRow, StatisticTable
from caseflow.monitoring.suppression import SuppressedTable, suppress

#: units of tables whose cells are not counts of people
NOT_PEOPLE = ("%", "stund", "hour", "eur", "projekt")


@dataclass
class PublishedRow:
    label: str
    group_label: str | None
    is_total: bool
    texts: list[str]


def counts_people(table: StatisticTable, j: int) -> bool:
    """Does column j hold counts of people? Not a share, hours or money, not a difference (negative
    numbers); a table without a unit counts."""
    units = (table.details or {}).get("column_units_lv") or []
    unit = str(units[j] if j < len(units) else table.unit or "").lower()
    values = [r.values[j] for r in table.rows if j < len(r.values)]
    return ("%" not in table.columns[j] and not any(word in unit for word in NOT_PEOPLE)
            and not any(isinstance(v, int | float) and v < 0 for v in values))


def _number(value) -> int | None:
    if isinstance(value, bool) or value in ("", None):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    return None


def _text(value) -> str:
    if value in ("", None):
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def published(table: StatisticTable, threshold: int) -> tuple[list[PublishedRow], list[SuppressedTable]]:
    """The table's rows as they may be shown, and the suppressed grids behind them (for audits)."""
    counted = [j for j in range(len(table.columns)) if counts_people(table, j)]
    rows: list[StatisticRow] = list(table.rows)
    texts = {row.id: [_text(v) for v in row.values] for row in rows}
    groups: dict[str | None, list[StatisticRow]] = defaultdict(list)
    for row in rows:
        if not row.is_total:
            groups[row.group_label].append(row)
    grids = []
    for group, items in groups.items():
        numbers = [[_number(row.values[j]) if j < len(row.values) else None for j in counted] for row in items]
        if not counted or all(n is None or n >= threshold or n == 0 for line in numbers for n in line):
            continue
        grid = suppress([[n or 0 for n in line] for line in numbers], threshold)
        grids.append(grid)
        for row, cells in zip(items, grid.cells, strict=True):
            for j, cell in zip(counted, cells, strict=True):
                if cell.is_hidden:
                    texts[row.id][j] = cell.text
        # the group's printed totals (or the table's, for rows without a group) stand for its column totals
        for total in (r for r in rows if r.is_total and (r.label == group or (group is None and not r.group_label))):
            for j, cell in zip(counted, grid.column_totals, strict=True):
                if cell.is_hidden and j < len(total.values):
                    texts[total.id][j] = cell.text
    return [PublishedRow(r.label, r.group_label, r.is_total, texts[r.id]) for r in rows], grids
