"""`flask imports run` with its progress bar, and a statement count that does not grow per row."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.imports import services
from caseflow.imports.models import AbsenceRecord
from caseflow.imports.validation import pipeline
from tests.imports import generator as gen
from tests.imports.conftest import municipal
from tests.querycount import StatementCounter


def test_cli_dry_run_then_import(app, world, tmp_path):
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 9, 8), days=2)
    path = tmp_path / "kavejumi.csv"
    path.write_bytes(gen.csv_bytes(gen.ABSENCE_HEADERS, rows))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["imports", "run", str(path), "--municipality", "ezerkrasti", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "new 20" in dry.output and "Dry run" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == 0
    done = runner.invoke(args=["imports", "run", str(path), "--municipality", "ezerkrasti"])
    assert done.exit_code == 0, done.output
    assert "20 rows written" in done.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == 20


def test_cli_lists_problems_in_the_chosen_language_and_fails(app, world, tmp_path):
    path = tmp_path / "slikts.csv"
    path.write_bytes(gen.csv_bytes(gen.ABSENCE_HEADERS, [(
        "12345", world.number, "7.b", date(2025, 10, 7), 1, "n", "eklase", "X1")]))
    result = app.test_cli_runner().invoke(args=["imports", "run", str(path), "--municipality", "ezerkrasti",
                                                "--lang", "en"])
    assert result.exit_code == 1
    assert "row 2, Personas kods: A personal code has exactly 11 digits." in result.output


def _validate_and_confirm(app, data: bytes) -> int:
    with app.test_request_context():
        with StatementCounter(app) as counter:
            batch = services.validate_file(municipal_importer, io.BytesIO(data), file_name="x.csv")
            services.confirm(batch)
            db.session.commit()
        return len(counter)


def test_statement_count_does_not_grow_with_the_rows(app, world, monkeypatch):
    global municipal_importer
    municipal_importer = municipal(world)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 10_000)
    small = gen.absence_rows(world.pupils[:1], world.number, start=date(2025, 9, 8), days=2, first_id=1)
    large = gen.absence_rows(world.pupils, world.number, start=date(2025, 10, 6), days=20, per_day=4,
                             first_id=100_000)
    assert len(large) == 400 > 10 * len(small)
    warm_up = gen.absence_rows(world.pupils[:1], world.number, start=date(2025, 12, 1), days=1, first_id=50_000)
    _validate_and_confirm(app, gen.csv_bytes(gen.ABSENCE_HEADERS, warm_up))  # the audit chain's first row
    assert _validate_and_confirm(app, gen.csv_bytes(gen.ABSENCE_HEADERS, small)) == \
        _validate_and_confirm(app, gen.csv_bytes(gen.ABSENCE_HEADERS, large))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == 406
