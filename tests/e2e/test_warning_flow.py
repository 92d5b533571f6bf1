"""Early warning in a real browser: the social pedagogue uploads a file of semester totals with a
mistake, reads the problem by row and column, uploads the corrected file and confirms it; the pupil
over the threshold appears on the warning list and becomes a case pre-filled from the signal; another
pupil's signal is dismissed only with a reason."""
from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.people.models import Institution
from caseflow.warning.services.compute import compute_signals
from tests.e2e.case_helpers import expect_refused, go_to, school_world, signed_in_page
from tests.imports.generator import TOTAL_HEADERS, csv_bytes
from tests.warning.conftest import add_absences, weekdays

pytestmark = pytest.mark.e2e

BAD_CODE = "010101-1234"


def _world(app, factory):
    w = school_world(app, factory)
    w.second = factory.pupil(w.school.id, first_name="Pēteris", last_name="Kļaviņš", class_name="7.b")
    with app.app_context():
        w.number = db.session.scalar(select(Institution.registration_number).where(Institution.id == w.school.id))
    return w


def _totals(w, first_code: str) -> bytes:
    rows = [(first_code, w.number, "2026/2027", 1, 310, 28, 12),
            (w.second.personal_code, w.number, "2026/2027", 1, 305, 24, 4)]
    return csv_bytes(TOTAL_HEADERS, rows, encoding="cp1257", delimiter=";")


def _upload(page: Page, name: str, content: bytes, axe) -> None:
    page.get_by_label("Kind of data").select_option(label="Semester absence totals")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content})
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import: {name}")
    axe.check(page)


def _import_with_a_mistake_then_fixed(page: Page, w, axe) -> None:
    go_to(page, "Imports", "Import school data", axe)
    _upload(page, "kavejumi-1-semestris.csv", _totals(w, BAD_CODE), axe)
    problems = page.get_by_role("table", name=re.compile("Problems by row"))
    expect(problems.get_by_role("row").nth(1)).to_contain_text("2")
    expect(problems).to_contain_text("Personas kods")
    expect(page.get_by_role("main")).to_contain_text("Nothing was written. Correct the file and upload it again.")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)

    page.get_by_role("link", name="Upload another file").click()
    _upload(page, "kavejumi-1-semestris-labots.csv", _totals(w, w.pupil.personal_code), axe)
    summary = page.get_by_role("table", name="What the file holds")
    expect(summary.get_by_role("row", name=re.compile("^New"))).to_contain_text("2")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_role("table", name="What the file holds").get_by_role(
        "row", name=re.compile("^Written"))).to_contain_text("2")
    axe.check(page)


def _warning_list_turns_a_signal_into_a_case(page: Page, w, axe) -> None:
    go_to(page, "Early warning", "Early warning", axe)
    page.get_by_role("button", name="Recompute now").click()
    table = page.get_by_role("table", name="Pupils with signals and no open case, by name")
    anna = table.get_by_role("row").filter(has_text="Anna Bērziņa")
    expect(anna).to_contain_text("28 unexcused lessons (threshold 20)")
    expect(table.get_by_role("row").filter(has_text="Pēteris Kļaviņš")).to_contain_text("24 unexcused lessons")
    axe.check(page)

    anna.get_by_role("link", name=re.compile("Open a case")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open a case")
    expect(page.get_by_role("group", name=re.compile("How the risk was noticed")).get_by_label(
        "Absences", exact=False)).to_be_checked()
    expect(page.get_by_label("Summary")).to_have_value(re.compile("28 unexcused lessons"))
    axe.check(page)
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("status")).to_contain_text("The case was opened.")

    go_to(page, "Early warning", "Early warning", axe)
    table = page.get_by_role("table", name="Pupils with signals and no open case, by name")
    expect(table.get_by_role("row").filter(has_text="Anna Bērziņa")).to_have_count(0)


def _dismissal_needs_a_reason(page: Page, axe) -> None:
    row = page.get_by_role("row").filter(has_text="Pēteris Kļaviņš")
    row.get_by_role("link", name=re.compile("No case needed")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No case needed")
    axe.check(page)
    page.get_by_role("button", name="Dismiss the signals").click()
    expect_refused(page, page.get_by_label("Why no case is needed"), "This field is required.")
    page.get_by_label("Why no case is needed").fill("Kavējumi attaisnoti ar ārsta zīmi, kas pienāca vēlu.")
    page.get_by_role("button", name="Dismiss the signals").click()
    expect(page.get_by_role("status").filter(has_text="The signals were dismissed.")).to_have_count(1)
    expect(page.get_by_role("main")).to_contain_text("No pupil of your school has a signal without a case.")
    axe.check(page)


def test_upload_preview_fix_import_warning_case(app, factory, live_server, new_context, axe):
    w = _world(app, factory)
    page = signed_in_page(new_context, live_server.url, w.pedagogue, axe)
    _import_with_a_mistake_then_fixed(page, w, axe)
    _warning_list_turns_a_signal_into_a_case(page, w, axe)
    _dismissal_needs_a_reason(page, axe)


def test_coordinator_overview_and_a_pupils_school_data(app, factory, live_server, new_context, axe):
    w = _world(app, factory)
    factory.pupil(None, declared_municipality_id=w.home.id, first_name="Rūta", last_name="Zvaigzne",
                  born=date(2013, 5, 5))
    data = SimpleNamespace(m=w.home, school=w.school, semester=w.semester, batch=_batch(app, w))
    add_absences(app, data, w.pupil, weekdays(w.today - timedelta(days=30), 6), lessons=5)
    with app.app_context():
        compute_signals(w.home.id)
        db.session.commit()
    page = signed_in_page(new_context, live_server.url, w.coordinator, axe)
    go_to(page, "Early warning", "Early warning in the municipality", axe)
    expect(page.get_by_role("table", name="Pupils with signals and cases, by school")).to_contain_text(
        "Ezerkrastu pamatskola")
    page.get_by_role("link", name="Enrolled nowhere").click()
    expect(page.get_by_role("link", name="Enrolled nowhere")).to_have_attribute("aria-current", "page")
    axe.check(page)
    page.get_by_role("link", name="Rūta Zvaigzne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School data: Rūta Zvaigzne")
    axe.check(page)
    page.go_back()
    page.get_by_role("link", name="Over the notification threshold").click()
    row = page.get_by_role("row").filter(has_text="Anna Bērziņa")
    expect(row).to_contain_text("30")
    axe.check(page)
    row.get_by_role("link", name="Anna Bērziņa").click()
    expect(page.get_by_role("img", name="Lessons missed by month")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Lessons missed by month"))).to_contain_text("30")
    axe.check(page)


def _batch(app, w) -> int:
    from caseflow.imports.models import ImportBatch

    with app.app_context():
        batch = ImportBatch(kind="absences", municipality_id=w.home.id, file_name="e-klase.csv",
                            file_sha256="1" * 64, file_size=1, status="imported")
        db.session.add(batch)
        db.session.commit()
        return batch.id
