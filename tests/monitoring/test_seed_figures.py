"""The seed plans' statistics as caseflow keeps and publishes them: totals reproduced where the seed is
consistent, every inconsistency flagged (stated value kept), small counts of people never shown."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from caseflow.monitoring.fixtures import available_profiles, load_profile
from caseflow.monitoring.published import counts_people, published
from caseflow.monitoring.suppression import Hidden, audit

PROFILES = available_profiles()


def _table(entry: dict) -> SimpleNamespace:
    rows = [SimpleNamespace(id=n, label=r["label"], group_label=r.get("group_label"), is_total=r["is_total"],
                            values=r["values"]) for n, r in enumerate(entry["rows"])]
    return SimpleNamespace(unit=entry.get("unit"), columns=entry["columns"], rows=rows,
                           details=entry.get("details") or {})


def _sum_mismatches(profile: dict) -> set[tuple[str, int]]:
    """(table code, column) where the rows without a group do not add up to the table's only total row."""
    found = set()
    for entry in profile["statistics"]:
        totals = [r for r in entry["rows"] if r["is_total"] and not r.get("group_label")]
        items = [r for r in entry["rows"] if not r["is_total"] and not r.get("group_label")]
        if len(totals) != 1 or len(items) < 2:
            continue
        for j in range(len(entry["columns"])):
            values = [r["values"][j] for r in items]
            stated = totals[0]["values"][j]
            if not counts_people(_table(entry), j) or stated == "" or any(v == "" for v in values):
                continue
            if abs(sum(float(v) for v in values) - float(stated)) > 0.05:
                found.add((entry["code"], j))
    return found


@pytest.mark.parametrize("name", PROFILES)
def test_row_sums_reproduce_the_stated_totals_or_are_flagged(name):
    profile = load_profile(name)
    flagged = {c["statistic_code"] for c in profile["checks"] if c.get("statistic_code")}
    for code, column in _sum_mismatches(profile):
        assert code in flagged, f"{name}: {code} column {column} does not add up and is not flagged"


def test_the_known_inconsistencies_are_kept_as_stated():
    tukums = load_profile("tukums")
    stated = {float(c["stated"]) for c in tukums["checks"] if c.get("statistic_code") == "001-risk-groups"}
    assert {16.6, 80.7, 1.1} <= stated  # 001's group shares, not "corrected"
    riga = load_profile("riga")
    assert any("70 134" in c["description_lv"] or "70134" in c["description_lv"].replace(" ", "")
               for c in riga["checks"])


@pytest.mark.parametrize("name", PROFILES)
def test_no_small_count_of_people_is_published_or_recoverable(name):
    for entry in load_profile(name)["statistics"]:
        table = _table(entry)
        rows, grids = published(table, 5)
        for row, shown in zip(table.rows, rows, strict=True):
            for j, (value, text) in enumerate(zip(row.values, shown.texts, strict=True)):
                small = isinstance(value, int | float) and 0 < value < 5 and float(value).is_integer()
                if small and counts_people(table, j):
                    assert text in ("<5", "×"), f"{name} {entry['code']} {row.label}: {text}"
        for grid in grids:
            ranges = audit(grid)
            for (i, j), (low, high) in ranges.items():
                cells = grid.grid()
                if cells[i][j].hidden is Hidden.SMALL:
                    assert high is None or high > low, f"{name} {entry['code']}: a small count is pinned"


def test_shares_and_hours_are_shown_as_printed():
    hours = next(e for e in load_profile("ventspils")["statistics"] if e["code"] == "002-support-hours")
    rows, grids = published(_table(hours), 5)
    assert grids == [] and all("<" not in t for r in rows for t in r.texts)
