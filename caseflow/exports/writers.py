"""Spreadsheet writers: XLSX (XlsxWriter in constant-memory mode) and CSV (UTF-8 with BOM, `;`, as
Latvian Excel opens it). Cell text that a spreadsheet would evaluate is neutralised; the file is
written to a temporary file and sent as an attachment that is never cached."""
from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter
from flask import Response, current_app, request
from flask_babel import gettext as _
from werkzeug.wsgi import wrap_file

#: what a cell may start with (after leading whitespace) for a spreadsheet to read it as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: a text cell of an XLSX file holds at most this many characters
XLSX_MAX_TEXT = 32_767
#: the export stays in memory up to this size, then moves to a temporary file on disk
SPOOL_BYTES = 1 << 20
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
#: the formats a list can be exported in
FORMATS = ("xlsx", "csv")


def neutralise(text: str) -> str:
    """The text with an apostrophe in front when a spreadsheet would evaluate it as a formula."""
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its (translated) header and its width in characters (XLSX)."""

    header: str
    width: int = 18


def _riga(value: datetime) -> datetime:
    """A stored (UTC) moment as Riga wall-clock time, without a zone (spreadsheets have none)."""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).replace(tzinfo=None)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class XlsxBook:
    """An XLSX workbook written row by row; each row goes to disk as soon as the next begins."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.book = xlsxwriter.Workbook(self.file, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_date_format": "dd.mm.yyyy"})
        self.header = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.text = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.day = self.book.add_format({"num_format": "dd.mm.yyyy", "valign": "top"})
        self.moment = self.book.add_format({"num_format": "dd.mm.yyyy hh:mm", "valign": "top"})
        self.hours = self.book.add_format({"num_format": "0.00", "valign": "top"})
        self.sheet = None
        self.row_number = 0

    def add_sheet(self, title: str, columns: list[Column], *, header: bool = True) -> None:
        """Start a sheet, with a header row that stays in view (a sheet of facts has none: its first
        column names each row)."""
        self.sheet = self.book.add_worksheet(_sheet_title(title))
        for number, column in enumerate(columns):
            self.sheet.set_column(number, number, column.width)
            if header:
                self.sheet.write_string(0, number, neutralise(column.header), self.header)
        if header:
            self.sheet.freeze_panes(1, 0)
        self.row_number = 1 if header else 0

    def add_row(self, values) -> None:
        """Write one row: text as text (never a formula), dates as dates, numbers as numbers."""
        for number, value in enumerate(values):
            self._cell(number, value)
        self.row_number += 1

    def _cell(self, column: int, value) -> None:
        row, sheet = self.row_number, self.sheet
        if value is None or value == "":
            return
        if isinstance(value, bool):
            sheet.write_string(row, column, _yes_no(value), self.text)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, _riga(value), self.moment)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, datetime.combine(value, time()), self.day)
        elif isinstance(value, Decimal):
            sheet.write_number(row, column, float(value), self.hours)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value)
        else:
            text = neutralise(str(value)).replace("\r\n", "\n").replace("\r", "\n")  # a cell breaks lines with LF
            sheet.write_string(row, column, text[:XLSX_MAX_TEXT], self.text)

    def finish(self):
        """Close the workbook and return its file, rewound."""
        self.book.close()
        self.file.seek(0)
        return self.file


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\ ."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip("' ")
    return cleaned[:31] or "1"


class CsvBook:
    """One table as CSV: UTF-8 with BOM, `;` between cells, dates dd.mm.yyyy, decimal comma."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        self.started = False

    def add_sheet(self, title: str, columns: list[Column], *, header: bool = True) -> None:
        """Write the header row (a CSV file holds one table)."""
        if self.started:
            raise ValueError("a CSV file holds one table")
        self.started = True
        self.writer.writerow([neutralise(c.header) for c in columns])

    def add_row(self, values) -> None:
        """Write one row, every text neutralised."""
        self.writer.writerow([_csv_cell(v) for v in values])

    def finish(self):
        """Flush the text and return the file, rewound."""
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        return self.file


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime):
        return _riga(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def new_book(fmt: str) -> XlsxBook | CsvBook:
    """An empty workbook of the format ("xlsx" or "csv")."""
    return XlsxBook() if fmt == "xlsx" else CsvBook()


def download(book: XlsxBook | CsvBook, filename: str) -> Response:
    """The finished workbook as an attachment: never cached, never sniffed."""
    file = book.finish()
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    mimetype = XLSX_MIMETYPE if isinstance(book, XlsxBook) else CSV_MIMETYPE
    response = Response(wrap_file(request.environ, file), mimetype=mimetype, direct_passthrough=True)
    response.content_length = size
    return _attachment(response, filename)


def bytes_download(data: bytes, filename: str, mimetype: str = XLSX_MIMETYPE) -> Response:
    """A file built in memory as an attachment, with the same headers as `download`."""
    return _attachment(Response(data, mimetype=mimetype), filename)


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
