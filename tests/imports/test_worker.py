"""Big files: queued sealed, checked by the worker with progress, then previewed and confirmed."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.imports import jobs
from caseflow.imports.models import AbsenceRecord, ImportBatch, ImportUploadChunk
from tests.imports import generator as gen
from tests.imports.conftest import build_world


def test_a_big_upload_is_sealed_queued_checked_by_the_worker_and_confirmed(app_factory, factory, monkeypatch):
    app = app_factory({"IMPORT_SYNC_MAX_BYTES": 512, "WTF_CSRF_ENABLED": False})
    world = build_world(app, factory)
    monkeypatch.setattr(jobs, "PIECE", 700)  # several pieces, read back across their borders
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 11, 3), days=3)
    data = gen.csv_bytes(gen.ABSENCE_HEADERS, rows)
    client = app.test_client()
    factory.login(client, world.pedagogue)
    response = client.post("/imports/", data={"kind": "", "file": (io.BytesIO(data), "liels.csv")},
                           content_type="multipart/form-data")
    url = response.headers["Location"]
    waiting = client.get(url).get_data(as_text=True)
    assert "import-progress.js" in waiting and 'role="status"' in waiting
    state = client.get(url + "/status").get_json()
    assert (state["status"], state["percent"], state["done"]) == ("queued", 0, False)
    with app.app_context():
        pieces = list(db.session.scalars(select(ImportUploadChunk)))
        assert len(pieces) == -(-len(data) // 700)
        assert all(world.pupils[0].personal_code.encode() not in bytes(p.data_enc) for p in pieces)

    worked = app.test_cli_runner().invoke(args=["imports", "work"])
    assert "Checked 1 queued file(s)." in worked.output
    with app.app_context():
        assert jobs.run_queued() == 0
        batch = db.session.scalar(select(ImportBatch))
        assert (batch.status, batch.rows_new, batch.percent, batch.encoding) == ("validated", 30, 100, "cp1257")
        assert db.session.scalar(select(func.count()).select_from(ImportUploadChunk)) == 0
    state = client.get(url + "/status").get_json()
    assert (state["status"], state["done"], state["percent"]) == ("validated", True, 100)
    assert client.post(url + "/confirm").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == 30


def test_a_failing_check_never_stays_in_progress(app, factory, world, monkeypatch):
    from caseflow.imports import services
    from tests.imports.conftest import for_school

    with app.test_request_context():
        batch = jobs.enqueue(for_school(world), io.BytesIO(b"Personas kods;x\n1;2\n"), file_name="a.csv", kind=None)
        db.session.commit()
        batch_id = batch.id

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "check", broken)
    with app.app_context():
        assert jobs.run_next() is True
        batch = db.session.get(ImportBatch, batch_id)
        assert (batch.status, batch.problems_total) == ("rejected", 1)
        assert db.session.scalar(select(func.count()).select_from(ImportUploadChunk)) == 0
