"""The plan as a workbook on the pages: download, upload as a draft version (or every problem listed and
nothing written), approve the draft with the council's decision."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.monitoring.models import PlanVersion
from tests.monitoring.helpers import seeded_town


@pytest.fixture
def town(app, factory):
    return seeded_town(app, factory, "Krāslavas novads", "kraslava")


def _upload(client, data: bytes):
    return client.post("/monitoring/plan/import", data={"file": (io.BytesIO(data), "plans.xlsx")},
                       content_type="multipart/form-data")


def test_download_change_upload_and_approve(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    workbook = client.get("/monitoring/plan/xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert "Plāns" in book.sheetnames
    response = _upload(client, workbook)
    assert response.status_code == 302
    with app.app_context():
        assert [(v.number, v.status) for v in db.session.scalars(
            select(PlanVersion).order_by(PlanVersion.number))] == [(1, "approved"), (2, "draft")]
    page = client.post("/monitoring/plan/versions", data={"approved_on": "2026-11-26", "decision": ""})
    assert 'aria-invalid="true"' in page.get_data(as_text=True)
    response = client.post("/monitoring/plan/versions", data={
        "approved_on": "2026-11-26", "decision": "Domes lēmums Nr. 12, protokols Nr. 5"})
    assert response.status_code == 302
    with app.app_context():
        assert [(v.number, v.status) for v in db.session.scalars(
            select(PlanVersion).order_by(PlanVersion.number))] == [(1, "superseded"), (2, "approved")]


def test_a_broken_workbook_lists_its_problems_and_writes_nothing(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/monitoring/plan/xlsx").data))
    sheet = book["Plāns"]
    headers = [c.value for c in sheet[1]]
    activity_row = next(r for r in range(2, sheet.max_row + 1)
                        if sheet.cell(row=r, column=headers.index("Aktivitātes kods") + 1).value)
    sheet.cell(row=activity_row, column=headers.index("Mērķa kods") + 1).value = None
    sheet.cell(row=3, column=headers.index("Atbildīgie") + 1, value="Neesoša iestāde")
    out = io.BytesIO()
    book.save(out)
    page = _upload(client, out.getvalue()).get_data(as_text=True)
    assert "Nekas netika importēts" in page and "Neesoša iestāde" in page
    assert "<td>Atbildīgie</td>" in page and "Aktivitātei jānorāda tās mērķa kods." in page
    assert "<td>Plāns</td>" in page
    page = _upload(client, b"not a workbook").get_data(as_text=True)
    assert "Nekas netika importēts" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanVersion)) == 1


def test_the_analyst_downloads_but_does_not_import(client, factory, town):
    _m, users = town
    factory.login(client, users["analyst"])
    assert client.get("/monitoring/plan/xlsx").status_code == 200
    assert client.get("/monitoring/plan/import").status_code == 403
    page = client.get("/monitoring/plan/versions").get_data(as_text=True)
    assert "Apstiprināt versiju" not in page
