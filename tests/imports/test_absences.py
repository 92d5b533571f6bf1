"""Daily absence imports: realistic files in every encoding, idempotency, all-or-nothing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.imports.models import AbsenceRecord, StagedAbsence
from tests.imports import generator as gen
from tests.imports.conftest import municipal, run_import


def _count(app, model=AbsenceRecord) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_windows_1257_semicolons_import_and_the_same_file_twice_changes_nothing(app, world):
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 10, 6), days=3)
    data = gen.csv_bytes(gen.ABSENCE_HEADERS, rows, encoding="cp1257", delimiter=";")
    assert "reģistrācijas".encode("cp1257") in data  # diacritics in the Windows-1257 header

    first = run_import(app, municipal(world), data, confirm=True)
    assert first.problems == []
    assert (first.encoding, first.kind, first.status) == ("cp1257", "absences", "imported")
    assert first.rows_total == first.rows_new == first.rows_written == len(rows) == 30
    assert _count(app) == 30
    with app.app_context():
        kinds = dict(db.session.execute(select(AbsenceRecord.kind, func.count()).group_by(AbsenceRecord.kind)).all())
    assert set(kinds) == {"unexcused", "illness", "excused_other", "late"}
    assert _count(app, StagedAbsence) == 0

    again = run_import(app, municipal(world), data, confirm=True)
    assert (again.rows_new, again.rows_unchanged, again.rows_written) == (0, 30, 0)
    assert again.file_sha256 == first.file_sha256
    assert _count(app) == 30


def test_utf8_bom_commas_and_iso_dates_and_xlsx_read_the_same(app, world):
    rows = gen.absence_rows(world.pupils[:2], world.number, start=date(2026, 2, 2), days=2)
    bom = gen.csv_bytes(gen.ABSENCE_HEADERS, rows, encoding="utf-8", delimiter=",", bom=True,
                        latvian_dates=False)
    result = run_import(app, municipal(world), bom)
    assert (result.encoding, result.rows_new, result.problems) == ("utf-8-sig", 8, [])

    xlsx = gen.xlsx_bytes(gen.ABSENCE_HEADERS, rows)
    as_xlsx = run_import(app, municipal(world), xlsx, name="dati.xlsx", confirm=True)
    assert (as_xlsx.encoding, as_xlsx.rows_new, as_xlsx.rows_written, as_xlsx.problems) == ("xlsx", 8, 8, [])
    assert run_import(app, municipal(world), bom).rows_unchanged == 8
