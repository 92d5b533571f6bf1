"""Bad input: each reported clearly (row, column, reason in the user's language); nothing written."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from caseflow.extensions import db
from caseflow.imports import services
from caseflow.imports.models import AbsenceRecord, ImportBatch, StagedAbsence
from caseflow.pupils.personal_code import make_old_format
from tests.imports import generator as gen
from tests.imports.conftest import for_school, municipal, run_import


def _absences(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AbsenceRecord))


def _one(world, **change):
    p = world.pupils[0]
    row = {"code": p.personal_code, "school": world.number, "class": "8.a", "day": date(2025, 10, 7),
           "lesson": 2, "kind": "n", "source": "eklase", "id": "E1"}
    row.update(change)
    return tuple(row.values())


def _file(*rows, encoding="utf-8"):
    return gen.csv_bytes(gen.ABSENCE_HEADERS, rows, encoding=encoding)


def test_wrong_encoding_is_a_clear_message(app, world):
    data = "\n".join([";".join(gen.ABSENCE_HEADERS)]).encode("utf-16")
    result = run_import(app, municipal(world), data)
    assert result.status == "rejected"
    assert [p[2] for p in result.problems] == ["encoding"]
    assert "Windows-1257" in result.problems[0][3]


def test_missing_or_renamed_column_names_the_expected_ones(app, world):
    headers = list(gen.ABSENCE_HEADERS)
    headers[5] = "Kavējuma kods"  # renamed "Veids"
    data = gen.csv_bytes(headers, [_one(world)])
    result = run_import(app, municipal(world), data, kind="absences")
    assert result.status == "rejected" and result.rows_total == 0
    (row, column, code, text), = result.problems
    assert (row, code) == (None, "missing_columns")
    assert "Veids (Kind)" in text and "Kavējuma kods" in text and "Ieraksta ID (Record ID)" in text


def test_unknown_school_and_other_schools_rows(app, world):
    data = _file(_one(world, school="90009999999", id="E1"), _one(world, school=world.number2, id="E2"),
                 _one(world, school=world.far_number, id="E3"), _one(world, id="E4"))
    by_school = run_import(app, for_school(world), data)
    assert [(p[0], p[1], p[2]) for p in by_school.problems] == [
        (2, "Skolas reģistrācijas numurs", "unknown_school"),
        (3, "Skolas reģistrācijas numurs", "foreign_school"),
        (4, "Skolas reģistrācijas numurs", "foreign_school")]
    assert (by_school.rows_bad, by_school.rows_new, by_school.status) == (3, 1, "rejected")
    by_board = run_import(app, municipal(world), data)
    assert [p[2] for p in by_board.problems] == ["unknown_school", "unknown_pupil", "foreign_municipality_school"]
    assert "90009999999" in by_board.problems[0][3]
    assert _absences(app) == 0


def test_personal_code_failing_its_rules_or_belonging_to_nobody(app, world):
    valid = make_old_format(date(2011, 5, 4), 7)
    wrong_check_digit = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    nobodys = make_old_format(date(2010, 1, 2), 500)
    data = _file(_one(world, code=wrong_check_digit, id="E1"), _one(world, code="12345", id="E2"),
                 _one(world, code=nobodys, id="E3"), _one(world, code=world.elsewhere.personal_code, id="E4"))
    result = run_import(app, municipal(world), data)
    codes = [(p[0], p[1], p[2]) for p in result.problems]
    assert codes[1] == (3, "Personas kods", "personal_code_length")
    assert codes[0] == (2, "Personas kods", "personal_code_checksum")
    assert "kontrolcipars" in result.problems[0][3]  # the registry's own Latvian message
    assert (4, "Personas kods", "unknown_pupil") in codes  # a valid code nobody in caseflow has
    assert (5, "Personas kods", "unknown_pupil") in codes  # a pupil of another school
    assert result.rows_bad == 4


def test_dates_outside_the_school_year_or_in_the_future(app, world):
    data = _file(_one(world, day=date(2025, 7, 15), id="E1"), _one(world, day="2099-01-01", id="E2"),
                 _one(world, day="31.02.2025.", id="E3"), _one(world, id="E4", lesson="2,5"))
    result = run_import(app, municipal(world), data)
    assert [(p[0], p[1], p[2]) for p in result.problems] == [
        (2, "Datums", "outside_school_year"), (3, "Datums", "future_date"), (4, "Datums", "date"),
        (5, "Stunda", "whole_number")]
    assert "15.07.2025." in result.problems[0][3]


def test_duplicate_record_id_with_different_content_in_the_file_and_against_caseflow(app, world):
    data = _file(_one(world, id="E1"), _one(world, id="E1"), _one(world, id="E1", kind="s"))
    result = run_import(app, municipal(world), data)
    assert [(p[0], p[2]) for p in result.problems] == [(4, "duplicate_in_file")]
    assert "2" in result.problems[0][3]
    assert run_import(app, municipal(world), _file(_one(world, id="E1")), confirm=True).rows_written == 1
    changed = run_import(app, municipal(world), _file(_one(world, id="E1", lesson=3)), confirm=True)
    assert [(p[0], p[1], p[2]) for p in changed.problems] == [(2, "Ieraksta ID", "changed_record")]
    with app.app_context():
        assert db.session.scalar(select(AbsenceRecord.lesson)) == 2  # never overwritten


def test_empty_file_and_header_only(app, world):
    assert [p[2] for p in run_import(app, municipal(world), b"").problems] == ["empty"]
    assert [p[2] for p in run_import(app, municipal(world), b"\xef\xbb\xbf\r\n").problems] == ["empty"]
    header_only = gen.csv_bytes(gen.ABSENCE_HEADERS, [])
    assert [p[2] for p in run_import(app, municipal(world), header_only).problems] == ["no_rows"]


class _Unreadable(io.BytesIO):
    """A stream that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("a file over the limit must not be read")


def test_a_file_over_the_size_limit_is_refused_without_reading_it(app_factory, factory):
    app = app_factory({"IMPORT_MAX_BYTES": 1024})
    municipality = factory.municipality()
    importer = services.Importer(municipality_id=municipality.id, school_id=None, channel="cli")
    with app.test_request_context():
        batch = services.validate_file(importer, _Unreadable(b"x" * 5000), file_name="big.csv")
        db.session.commit()
        assert batch.status == "rejected" and batch.file_sha256 == ""
        from caseflow.imports.messages import message
        from caseflow.imports.models import ImportProblem

        problem = db.session.scalar(select(ImportProblem).where(ImportProblem.batch_id == batch.id))
        assert problem.code == "too_large"
        assert "0 MB" in message(problem.code, problem.params)  # 5,000 bytes over a 1 kB limit


def test_one_bad_row_means_nothing_is_written_and_nothing_staged(app, world):
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 10, 6), days=2)
    rows.append(_one(world, kind="zzz", id="BAD"))
    result = run_import(app, municipal(world), _file(*rows), confirm=True)
    assert (result.status, result.rows_bad, result.rows_written) == ("rejected", 1, 0)
    assert [(p[1], p[2]) for p in result.problems] == [("Veids", "absence_kind")]
    assert "n, s, a, k" in result.problems[0][3] or "a, k, n, s" in result.problems[0][3]
    assert _absences(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StagedAbsence)) == 0
        batch = db.session.get(ImportBatch, result.id)
        try:
            services.confirm(batch)
        except services.ImportRefused:
            db.session.rollback()
        else:
            raise AssertionError("a rejected batch must not be confirmed")
    assert _absences(app) == 0


def test_a_preview_whose_staged_rows_are_gone_is_refused_not_half_written(app, world):
    # the staging tables are UNLOGGED on PostgreSQL: a database restart empties them
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 10, 6), days=2)
    result = run_import(app, municipal(world), _file(*rows))
    assert result.status == "validated" and result.rows_new == len(rows)
    with app.test_request_context():
        db.session.execute(delete(StagedAbsence).where(StagedAbsence.batch_id == result.id,
                                                       StagedAbsence.row_number > 3))
        db.session.commit()
        batch = db.session.get(ImportBatch, result.id)
        with pytest.raises(services.ImportRefused) as refused:
            services.confirm(batch)
        db.session.commit()
        assert "Augšupielādējiet datni vēlreiz" in str(refused.value.message)
        assert db.session.get(ImportBatch, result.id).status == "rejected"
    assert _absences(app) == 0

