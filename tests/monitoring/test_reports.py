"""The annual report: started once a year, written, reviewed, presented, published; refused when its
text names a count of 1–4 children; a PDF whose text extracts with diacritics, a workbook openpyxl opens;
the working group's meetings."""
from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.monitoring.models import AnnualReport, WorkingGroupMeeting
from tests.monitoring.helpers import seeded_town

TEXT = {"introduction": "Pārskatā apkopoti Daugavpils PMP prevencijas plāna rezultāti.",
        "situation": "Sadarbības grupa izskatīja vairāk gadījumu nekā iepriekš.",
        "conclusions": "Darba grupa secina: ģimeņu atbalsts jāstiprina.", "next_steps": "Turpināt."}


@pytest.fixture
def town(app, factory):
    return seeded_town(app, factory, "Daugavpils", "daugavpils")


def _start(client, year=2026) -> int:
    response = client.post("/monitoring/reports", data={"year": year})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_a_second_report_started_at_the_same_moment_is_refused_next_to_the_year(client, factory, town, app,
                                                                               monkeypatch):
    from caseflow.monitoring import reports

    _m, users = town
    factory.login(client, users["coordinator"])
    _start(client)
    # the other coordinator's report was not yet committed when this one was checked
    monkeypatch.setattr(reports, "_report_exists", lambda municipality_id, year: False)
    answer = client.post("/monitoring/reports", data={"year": 2026})
    assert answer.status_code == 200 and "Pārskats par šo gadu jau ir sākts." in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AnnualReport)) == 1


def test_a_report_goes_from_draft_to_published(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    report_id = _start(client)
    page = client.post("/monitoring/reports", data={"year": 2026}).get_data(as_text=True)
    assert "Pārskats par šo gadu jau ir sākts." in page
    assert client.post(f"/monitoring/reports/{report_id}", data=TEXT).status_code == 302
    for status in ("reviewed", "presented"):
        client.post(f"/monitoring/reports/{report_id}/advance")
        with app.app_context():
            assert db.session.get(AnnualReport, report_id).status == status
    # changing the text of a presented report sends it back to draft
    client.post(f"/monitoring/reports/{report_id}", data={**TEXT, "next_steps": "Turpināt un paplašināt."})
    with app.app_context():
        assert db.session.get(AnnualReport, report_id).status == "draft"
    for _ in range(3):
        client.post(f"/monitoring/reports/{report_id}/advance")
    with app.app_context():
        report = db.session.get(AnnualReport, report_id)
        assert report.status == "published" and report.published_at is not None
    assert client.post(f"/monitoring/reports/{report_id}", data=TEXT).status_code == 200  # no form any more
    with app.app_context():
        assert db.session.get(AnnualReport, report_id).sections["next_steps"] == "Turpināt un paplašināt."


def test_publishing_refuses_a_text_that_names_a_small_count_of_children(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    report_id = _start(client)
    client.post(f"/monitoring/reports/{report_id}", data={**TEXT, "situation": "Mācības pārtrauca 3 skolēni."})
    for _ in range(3):
        client.post(f"/monitoring/reports/{report_id}/advance")
    page = client.get(f"/monitoring/reports/{report_id}").get_data(as_text=True)
    assert "Tekstā minēts 1–4 bērnu skaits" in page
    with app.app_context():
        assert db.session.get(AnnualReport, report_id).status == "presented"


def test_the_pdf_extracts_with_diacritics_and_the_workbook_opens(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    report_id = _start(client)
    client.post(f"/monitoring/reports/{report_id}", data=TEXT)
    client.post("/monitoring/meetings", data={"held_on": "2026-06-10", "summary": "Jūnija sanāksme: ģimeņu atbalsts"})
    factory.login(client, users["analyst"])  # the analyst reads and downloads the suppressed figures
    response = client.get(f"/monitoring/reports/{report_id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "parskats.pdf")
        path.write_bytes(response.data)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
    assert "Gada pārskats 2026" in text and "ģimeņu atbalsts jāstiprina" in text
    assert "Jūnija sanāksme" in text and "2.4-6" in text
    response = client.get(f"/monitoring/reports/{report_id}/xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    assert {"Pārskats", "Rādītāji", "Ieviešanas plāns", "Darba grupa"} <= set(book.sheetnames)
    rows = list(book["Rādītāji"].iter_rows(values_only=True))
    assert any(row[0] == "2.4-6" for row in rows)
    assert client.post(f"/monitoring/reports/{report_id}/advance").status_code == 404
    assert client.post("/monitoring/reports", data={"year": 2027}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AnnualReport.id).where(AnnualReport.year == 2027)) is None


def test_meetings_are_recorded_after_they_happen(client, factory, town, app):
    _m, users = town
    factory.login(client, users["coordinator"])
    page = client.post("/monitoring/meetings", data={"held_on": "2999-01-01", "summary": "x"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert client.post("/monitoring/meetings", data={"held_on": "2026-06-10", "summary": ""}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(WorkingGroupMeeting.id)) is None
