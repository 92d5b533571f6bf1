"""Formula neutralisation and the two writers, read back with real readers (no database)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given
from hypothesis import strategies as st

from caseflow.exports.writers import FORMULA_STARTS, Column, CsvBook, XlsxBook, neutralise
from tests.exports.helpers import cells, csv_rows, workbook

#: the characters XML 1.0 cannot carry at all (XLSX escapes the other control characters)
_NOT_IN_XML = {chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"} | {"\ufffe", "\uffff"}
#: text that looks like a formula, with and without leading whitespace, plus anything at all
TEXTS = st.one_of(
    st.text(),
    st.builds(lambda ws, lead, rest: ws + lead + rest, st.text(" \t\r\n\u00a0", max_size=3),
              st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text(max_size=30)))


def _ooxml_unescape(text: str) -> str:
    """What Excel shows for a stored string: `_xHHHH_` is the character HHHH (openpyxl leaves it)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _evaluable(text: str) -> bool:
    """True if a spreadsheet would treat the cell as a formula (or a DDE/command start)."""
    return text[:1] in ("\t", "\r") or text.lstrip()[:1] in ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def ctx():
    app = Flask(__name__)
    app.config["TIMEZONE"] = "Europe/Riga"
    Babel(app)
    with app.test_request_context():
        yield


@given(TEXTS)
def test_neutralised_text_is_never_evaluated_and_keeps_the_original(text):
    out = neutralise(text)
    assert not _evaluable(out)
    assert out in (text, "'" + text)
    if _evaluable(text):
        assert out == "'" + text
    else:
        assert out == text


@given(TEXTS)
def test_csv_cell_reads_back_neutralised(text):
    book = CsvBook()
    book.add_sheet("x", [Column("a"), Column("b")])
    book.add_row((text, "plain"))
    rows = csv_rows(book.finish().read())
    assert rows[1] == [neutralise(text), "plain"]
    assert not _evaluable(rows[1][0])


@given(TEXTS.map(lambda t: "".join(ch for ch in t if ch not in _NOT_IN_XML)).filter(lambda t: t.strip()))
def test_xlsx_cell_is_a_string_never_a_formula(text):
    book = XlsxBook()
    book.add_sheet("x", [Column("a")])
    book.add_row((text,))
    data = book.finish().read()
    cell = _ooxml_unescape(workbook(data)["x"][1][0])
    assert [c.data_type for c in cells(data) if c.row == 2] == ["s"]
    assert cell == neutralise(text).replace("\r\n", "\n").replace("\r", "\n")
    assert not _evaluable(cell)


def test_formula_starts_cover_the_dangerous_characters():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}
    assert neutralise("  =SUM(A1)") == "'  =SUM(A1)"
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralise("\tX") == "'\tX"
    assert neutralise("Ozols, Jānis") == "Ozols, Jānis"
    assert neutralise("") == ""


def test_xlsx_writes_dates_numbers_and_riga_times(ctx):
    book = XlsxBook()
    book.add_sheet("Lietas", [Column("Datums"), Column("Stundas"), Column("Mainīts"), Column("Skaits"),
                              Column("Steidzami")])
    book.add_row((date(2026, 12, 3), Decimal("2.50"), datetime(2026, 12, 3, 22, 30, tzinfo=UTC), 7, True))
    data = book.finish().read()
    rows = workbook(data)["Lietas"]
    assert rows[0] == ("Datums", "Stundas", "Mainīts", "Skaits", "Steidzami")
    assert rows[1] == (datetime(2026, 12, 3), 2.5, datetime(2026, 12, 4, 0, 30), 7, "Yes")
    second = [c for c in cells(data) if c.row == 2]
    assert second[0].is_date and second[0].number_format == "dd.mm.yyyy"
    assert second[1].data_type == "n"


def test_csv_writes_latvian_dates_and_decimal_commas(ctx):
    book = CsvBook()
    book.add_sheet("x", [Column("Datums"), Column("Stundas"), Column("Mainīts"), Column("Teksts")])
    book.add_row((date(2026, 12, 3), Decimal("2.5"), datetime(2026, 6, 1, 21, 5, tzinfo=UTC), "a;b\nc"))
    data = book.finish().read()
    assert b"\r\n" in data and data.count(b";") >= 3
    assert csv_rows(data) == [["Datums", "Stundas", "Mainīts", "Teksts"],
                              ["03.12.2026", "2,50", "02.06.2026 00:05", "a;b\nc"]]


def test_a_csv_file_holds_one_table():
    book = CsvBook()
    book.add_sheet("x", [Column("a")])
    with pytest.raises(ValueError):
        book.add_sheet("y", [Column("b")])
