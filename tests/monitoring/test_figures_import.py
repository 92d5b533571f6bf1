"""Figures imported from a file: a good CSV or XLSX previews and then writes every row as "imported";
each kind of bad row is named by row, column and reason; nothing is ever half-written."""
from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.monitoring.figures_import import COLUMNS, check_rows
from caseflow.monitoring.models import Indicator, IndicatorBaseline, IndicatorValue

HEADER = "Rādītāja kods;Gads vai mācību gads;Posms;Vērtība;Skaitītājs;Saucējs;Avots;Pamatojums"
GOOD = [
    "A;2024/2025;basic;12,5;25;200;VIIS;VIIS pārskats 2025-09-01",
    "A;2025;secondary;8;;;VIIS;",
    "B;2025;;40;;;Aptauja;Vecāku aptauja",
]


def csv_file(*rows: str) -> bytes:
    return ("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


@pytest.fixture
def town(app, factory):
    """A municipality with a share indicator A (basic / secondary, baseline 2023) and a count indicator B,
    its coordinator and analyst; another municipality with its own indicator C."""
    m, other = factory.municipality(), factory.municipality()
    board = factory.institution(m.id, kind="education_board")
    with app.app_context():
        share = Indicator(municipality_id=m.id, code="A", title_lv="Kavētāju īpatsvars", value_kind="share",
                          breakdowns=["basic", "secondary"],
                          baselines=[IndicatorBaseline(municipality_id=m.id, value=Decimal(10), year=2023)])
        count = Indicator(municipality_id=m.id, code="B", title_lv="Aptaujātie vecāki", value_kind="count")
        elsewhere = Indicator(municipality_id=other.id, code="C", title_lv="Cits", value_kind="count")
        db.session.add_all([share, count, elsewhere])
        db.session.commit()
    users = {role: factory.user(role, board.id) for role in ("coordinator", "analyst")}
    return m, users


def figures(app) -> list[IndicatorValue]:
    with app.app_context():
        return list(db.session.scalars(select(IndicatorValue).order_by(IndicatorValue.id)))


def problems_of(app, m, data: bytes) -> list[tuple]:
    with app.app_context():
        rows, problems = check_rows(m.id, data)
    return [(p.row, p.column, p.code) for p in problems]


def test_a_good_file_is_previewed_then_written_whole(client, factory, app, town):
    m, users = town
    factory.login(client, users["coordinator"])
    page = client.post("/monitoring/figures/import", data={"file": (io.BytesIO(csv_file(*GOOD)), "vertibas.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Priekšskatījums" in page and "2024/2025" in page and "12.5" in page
    assert figures(app) == []  # nothing before the confirmation
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/monitoring/figures/import/confirm", data={"content": content, "file_name": "v.csv"})
    assert response.status_code == 302
    written = figures(app)
    assert [(f.year, f.school_year, f.stage, f.value, f.numerator, f.denominator, f.origin, f.source, f.evidence)
            for f in written] == [
        (2025, "2024/2025", "basic", Decimal("12.5"), 25, 200, "imported", "VIIS", "VIIS pārskats 2025-09-01"),
        (2025, None, "secondary", Decimal(8), None, None, "imported", "VIIS", None),
        (2025, None, None, Decimal(40), None, None, "imported", "Aptauja", "Vecāku aptauja"),
    ]
    assert all(f.recorded_by_id == users["coordinator"].id for f in written)
    assert "Importētas 3 vērtības." in client.get("/monitoring/").get_data(as_text=True)


def test_an_xlsx_file_is_read_like_a_csv(app, town):
    m, _users = town
    book = Workbook()
    sheet = book.active
    sheet.append([header for header, _english in COLUMNS.values()])
    sheet.append(["A", "2024/2025", "basic", 12.5, 25, 200, "VIIS", None])
    sheet.append(["B", 2025, None, 40, None, None, "Aptauja", None])
    data = io.BytesIO()
    book.save(data)
    with app.app_context():
        rows, problems = check_rows(m.id, data.getvalue())
    assert problems == []
    assert [(r.indicator.code, r.year, r.stage, r.value) for r in rows] == [
        ("A", 2025, "basic", Decimal("12.5")), ("B", 2025, None, Decimal(40))]


@pytest.mark.parametrize(("row", "expected"), [
    ("X;2025;;5;;;VIIS;", (2, "Rādītāja kods", "unknown_indicator")),
    ("C;2025;;5;;;VIIS;", (2, "Rādītāja kods", "unknown_indicator")),  # another municipality's
    ("A;2025;basic;100,5;;;VIIS;", (2, "Vērtība", "over_100")),
    ("A;2025;basic;-1;;;VIIS;", (2, "Vērtība", "negative")),
    ("B;2025;;12,5;;;Aptauja;", (2, "Vērtība", "not_whole")),
    ("A;2025;basic;10;2,5;20;VIIS;", (2, "Skaitītājs", "not_whole")),
    ("A;2025;basic;10;30;20;VIIS;", (2, "Skaitītājs", "numerator_over")),
    ("A;2022;basic;10;;;VIIS;", (2, "Gads vai mācību gads", "before_baseline")),
    ("A;2021/2022;basic;10;;;VIIS;", (2, "Gads vai mācību gads", "before_baseline")),
    ("A;25;basic;10;;;VIIS;", (2, "Gads vai mācību gads", "year")),
    ("A;2024/2026;basic;10;;;VIIS;", (2, "Gads vai mācību gads", "year")),
    ("A;2025;distance;10;;;VIIS;", (2, "Posms", "stage")),
    ("B;2025;basic;10;;;Aptauja;", (2, "Posms", "no_stages")),
    ("A;2025;basic;desmit;;;VIIS;", (2, "Vērtība", "number")),
    ("A;2025;basic;;;;VIIS;", (2, "Vērtība", "required")),
    ("A;2025;basic;10;;;;", (2, "Avots", "required")),
    ("A;2025;basic;10,12345;;;VIIS;", (2, "Vērtība", "too_large")),
])
def test_each_bad_row_is_named_by_row_column_and_reason(app, town, row, expected):
    m, _users = town
    assert problems_of(app, m, csv_file(GOOD[0], row)) == [(3, *expected[1:])]


def test_duplicate_rows_and_broken_files(app, town):
    m, _users = town
    assert problems_of(app, m, csv_file(GOOD[0], GOOD[1], GOOD[0].replace("12,5", "13"))) == [
        (4, "Rādītāja kods", "duplicate")]
    assert problems_of(app, m, "Rādītāja kods;Vērtība\r\nA;5\r\n".encode()) == [
        (1, "Gads vai mācību gads", "missing_column"), (1, "Avots", "missing_column")]
    assert problems_of(app, m, HEADER.replace(";", ",").encode()) == [(1, None, "separator")]
    assert problems_of(app, m, HEADER.encode("utf-16")) == [(None, None, "not_utf8")]
    assert problems_of(app, m, b"PK\x03\x04 not really a workbook") == [(None, None, "bad_file")]
    assert problems_of(app, m, csv_file()) == [(None, None, "no_rows")]


def test_a_file_with_one_bad_row_writes_nothing(client, factory, app, town):
    m, users = town
    factory.login(client, users["coordinator"])
    bad = csv_file(*GOOD, "A;2025;basic;140;;;VIIS;")
    page = client.post("/monitoring/figures/import", data={"file": (io.BytesIO(bad), "vertibas.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Nekas netika importēts" in page and "Īpatsvars nevar būt lielāks par 100 %." in page
    assert 'name="content"' not in page  # no confirmation offered
    # a confirmation carrying a changed file is checked again and writes nothing
    response = client.post("/monitoring/figures/import/confirm",
                           data={"content": base64.b64encode(bad).decode(), "file_name": "v.csv"})
    assert response.status_code == 200 and "Nekas netika importēts" in response.get_data(as_text=True)
    assert figures(app) == []


def test_the_template_imports_and_only_the_coordinator_may_import(client, factory, app, town):
    m, users = town
    factory.login(client, users["coordinator"])
    template = client.get("/monitoring/figures/template.csv")
    assert template.status_code == 200 and template.headers["Content-Disposition"].startswith("attachment")
    assert template.data.decode("utf-8-sig").strip() == HEADER
    assert problems_of(app, m, template.data + GOOD[2].encode()) == []
    factory.login(client, users["analyst"])
    assert client.get("/monitoring/figures/import").status_code == 403
    response = client.post("/monitoring/figures/import/confirm",
                           data={"content": base64.b64encode(csv_file(*GOOD)).decode()})
    assert response.status_code == 403
    assert "Importēt vērtības no faila" not in client.get("/monitoring/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 0


def test_a_windows_1257_file_from_latvian_excel_is_read_like_every_import(app, town):
    m, _users = town
    data = ("\r\n".join([HEADER, *GOOD]) + "\r\n").encode("cp1257")
    with app.app_context():
        rows, problems = check_rows(m.id, data)
    assert problems == []
    assert [(r.indicator.code, r.source, r.evidence) for r in rows] == [
        ("A", "VIIS", "VIIS pārskats 2025-09-01"), ("A", "VIIS", None), ("B", "Aptauja", "Vecāku aptauja")]
