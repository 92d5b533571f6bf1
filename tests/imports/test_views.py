"""The browser path: upload → preview with problems → fix → confirm; who may; the size limit."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select

from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from caseflow.imports.models import AbsenceRecord, ImportBatch
from tests.imports import generator as gen


def _csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False


def _upload(client, data: bytes, name="kavejumi.csv", kind=""):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_upload_preview_with_problems_fix_and_confirm(app, client, factory, world):
    _csrf_off(app)
    factory.login(client, world.pedagogue)
    rows = gen.absence_rows(world.pupils, world.number, start=date(2025, 11, 3), days=2)
    broken = rows[:3] + [(rows[3][0], world.number2) + rows[3][2:]] + rows[4:]
    response = _upload(client, gen.csv_bytes(gen.ABSENCE_HEADERS, broken))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Skolas reģistrācijas numurs" in html and "<th scope=\"row\">5</th>" in html
    assert "imports/1/confirm" not in html  # a file with problems cannot be confirmed
    assert client.post("/imports/1/confirm").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == 0

    fixed = _upload(client, gen.csv_bytes(gen.ABSENCE_HEADERS, rows))
    preview = client.get(fixed.headers["Location"]).get_data(as_text=True)
    assert "imports/2/confirm" in preview
    assert client.post("/imports/2/confirm").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == len(rows)
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("import.%"))
                                          .order_by(AuditEntry.seq)))
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.confirm"))
    assert actions == ["import.validate", "import.validate", "import.confirm"]
    assert '"written": 20' in audit.detail and '"sha256": "' in audit.detail
    assert audit.username == world.pedagogue.username
    listing = client.get("/imports/").get_data(as_text=True)
    assert "kavejumi.csv" in listing


def test_an_upload_form_error_is_shown_next_to_the_field(app, client, factory, world):
    _csrf_off(app)
    factory.login(client, world.coordinator)
    response = client.post("/imports/", data={"kind": ""}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_a_request_over_the_limit_is_refused_with_a_message(app_factory, factory):
    app = app_factory({"IMPORT_MAX_BYTES": 2048, "WTF_CSRF_ENABLED": False})
    school = factory.institution(kind="basic_school")
    user = factory.user("social_pedagogue", school.id)
    client = app.test_client()
    factory.login(client, user)
    response = _upload(client, b"x" * 200_000)
    assert response.status_code == 413
    assert 'id="file-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_who_may_import_and_whose_batches_they_see(app, client, factory, world):
    _csrf_off(app)
    factory.login(client, world.teacher)
    assert client.get("/imports/").status_code == 403
    factory.login(client, world.pedagogue)
    batch = _upload(client, gen.csv_bytes(gen.ABSENCE_HEADERS, gen.absence_rows(
        world.pupils[:1], world.number, start=date(2025, 11, 3), days=1)))
    url = batch.headers["Location"]
    assert client.get(url).status_code == 200
    factory.login(client, world.coordinator)  # the board did not bring this file
    assert client.get(url).status_code == 404
    assert client.post(url + "/confirm").status_code == 404
    other_pedagogue = factory.user("social_pedagogue", world.school2.id)
    factory.login(client, other_pedagogue)
    assert client.get(url).status_code == 404


def test_the_preview_and_the_list_cost_the_same_statements_however_many_problems(app, client, factory, world):
    from tests.querycount import StatementCounter

    _csrf_off(app)
    factory.login(client, world.pedagogue)

    def bad_file(count: int) -> str:
        rows = [(world.pupils[0].personal_code, world.number, "7.b", date(2025, 10, 7), 1, "zzz", "eklase", f"B{n}")
                for n in range(count)]
        return _upload(client, gen.csv_bytes(gen.ABSENCE_HEADERS, rows)).headers["Location"]

    few, many = bad_file(3), bad_file(150)

    def cost(url: str) -> int:
        client.get(url)  # warm the session
        with StatementCounter(app) as counter:
            assert client.get(url).status_code == 200
        return len(counter)

    assert cost(few) == cost(many)
    assert "offset=100" in client.get(many).get_data(as_text=True)  # 150 problems: a second page
    assert "offset=100" not in client.get(few).get_data(as_text=True)
    listing = cost("/imports/")
    bad_file(1)
    assert cost("/imports/") == listing


def test_with_csrf_on_a_file_above_the_global_form_limit_but_within_the_import_limit_is_accepted(
        app_factory, factory):
    import re

    app = app_factory({"WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 4096, "IMPORT_MAX_BYTES": 64 * 1024,
                       "IMPORT_SYNC_MAX_BYTES": 1024})
    school = factory.institution(kind="basic_school")
    user = factory.user("social_pedagogue", school.id)
    client = app.test_client()
    factory.login(client, user)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/imports/").get_data(as_text=True)).group(1)
    big = b"Personas kods;Klase\r\n" + b"010203-12345;7.b\r\n" * 1500  # 28 kB: over the form limit
    response = client.post("/imports/", data={"csrf_token": token, "kind": "", "file": (io.BytesIO(big), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302  # queued for the worker
    with app.app_context():
        assert db.session.scalar(select(ImportBatch.status)) == "queued"
    huge = b"x" * 200_000
    refused = client.post("/imports/", data={"csrf_token": token, "kind": "", "file": (io.BytesIO(huge), "b.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 413
    assert "0.2 MB" in refused.get_data(as_text=True) and "0.1 MB" in refused.get_data(as_text=True)
