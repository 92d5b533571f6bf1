"""Every table that holds data about a pupil is in the export map, exported or left out for a reason."""
from __future__ import annotations

import caseflow.models  # noqa: F401
from caseflow.extensions import db
from caseflow.records.export_map import EXPORT_MAP, Exported, LeftOut


def _about_a_pupil() -> set[str]:
    """pupils, cases and every table with a foreign key chain to either (the closure over foreign keys)."""
    tables = db.Model.metadata.tables
    closure = {"pupils", "cases"}
    grew = True
    while grew:
        grew = False
        for name, table in tables.items():
            if name not in closure and any(fk.column.table.name in closure for fk in table.foreign_keys):
                closure.add(name)
                grew = True
    return closure


def test_every_table_about_a_pupil_is_in_the_export_map():
    missing = sorted(_about_a_pupil() - set(EXPORT_MAP))
    assert missing == [], f"add these tables to caseflow/records/export_map.py: {missing}"


def test_the_closure_reaches_tables_through_chains():
    closure = _about_a_pupil()
    # notes hang on cases; delivered hours on measures on plans; follow-ups on actions; reports on items
    assert {"notes", "plan_measures", "delivered_hours", "action_follow_ups", "agenda_item_reports"} <= closure


def test_the_map_names_only_real_tables_and_says_how_or_why():
    tables = set(db.Model.metadata.tables)
    assert set(EXPORT_MAP) <= tables
    for name, entry in EXPORT_MAP.items():
        assert isinstance(entry, Exported | LeftOut), name
        assert (entry.section if isinstance(entry, Exported) else entry.reason).strip(), name
