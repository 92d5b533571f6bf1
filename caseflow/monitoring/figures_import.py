"""Figures imported from a file (surveys, VIIS shares): a CSV separated by semicolons or an XLSX with one
figure a row, every problem named by row, column and reason, then all rows written or none."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.imports.reading import FileProblem, open_sheet
from caseflow.monitoring.models import (
    Indicator,
    IndicatorValue,
    ValueKind,
    ValueOrigin,
    value_problem,
)
from caseflow.people.calendar import school_year_bounds

#: key → (the template's header, the English header also accepted)
COLUMNS = {
    "indicator": ("Rādītāja kods", "indicator code"),
    "year": ("Gads vai mācību gads", "year"),
    "stage": ("Posms", "stage"),
    "value": ("Vērtība", "value"),
    "numerator": ("Skaitītājs", "numerator"),
    "denominator": ("Saucējs", "denominator"),
    "source": ("Avots", "source"),
    "evidence": ("Pamatojums", "evidence"),
}
REQUIRED_COLUMNS = ("indicator", "year", "value", "source")
MAX_ROWS = 5000
FIRST_YEAR, LAST_YEAR = 2000, 2100
NUMBER = re.compile(r"-?\d+(\.\d+)?")
LIMIT = Decimal(10) ** 10
TEXT_MAX = {"source": 500, "evidence": 2000, "stage": 30}

MESSAGES = {
    "bad_file": _l("The file cannot be read: save it as CSV (UTF-8, columns separated by semicolons) or as XLSX."),
    "not_utf8": _l("The CSV file is not in UTF-8; save it again as \"CSV UTF-8\"."),
    "separator": _l("Separate the columns with semicolons (;)."),
    "missing_column": _l("The column \"%(column)s\" is missing; use the template."),
    "no_rows": _l("The file has no rows of figures."),
    "too_many_rows": _l("At most %(max)s rows in one file."),
    "required": _l("This value is required."),
    "too_long": _l("At most %(max)s characters."),
    "unknown_indicator": _l("\"%(value)s\" is not the code of an indicator of this municipality."),
    "year": _l("\"%(value)s\" is not a year or a school year; write 2025 or 2024/2025."),
    "before_baseline": _l("The year %(year)s is before the indicator's baseline year %(baseline)s."),
    "stage": _l("\"%(value)s\" is not a stage of this indicator; write one of: %(known)s."),
    "no_stages": _l("This indicator is not broken down by stage; leave the cell empty."),
    "number": _l("\"%(value)s\" is not a number; write e.g. 12,5."),
    "too_large": _l("%(value)s is too large or has more than four decimals."),
    "negative": _l("A figure cannot be negative."),
    "over_100": _l("A share cannot be over 100 %."),
    "not_whole": _l("A count is a whole number."),
    "numerator_over": _l("The numerator is larger than the denominator."),
    "duplicate": _l("Row %(first)s already has a figure of this indicator for this year and stage."),
}


@dataclass(frozen=True)
class FigureProblem:
    """What is wrong where: the row as the spreadsheet numbers it, the column's header, a reason code."""

    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reason in the current language."""
        text = MESSAGES[self.code]
        return str(text % self.params) if self.params else str(text)


@dataclass(frozen=True)
class FigureRow:
    """One checked row of the file, ready to be written."""

    row: int
    indicator: Indicator
    year: int
    school_year: str | None
    stage: str | None
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    source: str
    evidence: str | None


def template_csv() -> bytes:
    """The template: the header row, separated by semicolons, with a byte-order mark for spreadsheets."""
    return ("\ufeff" + ";".join(header for header, _english in COLUMNS.values()) + "\r\n").encode("utf-8")


def _cell(value) -> str | None:
    """A cell as trimmed text (None when empty); a whole float loses its ".0"."""
    if value is None:
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else Decimal(str(value))
    text = str(value).strip()
    return text or None


class _Unreadable(ValueError):
    """The file is not a CSV or XLSX caseflow can read; `code` is the reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


#: the imports' reasons for a file that cannot be read, as this form words them
_FILE_PROBLEMS = {"encoding": "not_utf8", "empty": "no_rows"}


def _lines(data: bytes) -> tuple[list[tuple[int, list[str | None]]], str | None]:
    """The header and the rows with their spreadsheet numbers, and the CSV separator, read as every import
    reads a file (CSV in UTF-8 or Windows-1257, or XLSX); raises _Unreadable when it cannot be read."""
    try:
        sheet = open_sheet(io.BytesIO(data))
    except FileProblem as exc:
        raise _Unreadable(_FILE_PROBLEMS.get(exc.code, "bad_file")) from None
    header = (sheet.header_row, [_cell(h) for h in sheet.headers])
    return [header, *((number, [_cell(c) for c in cells]) for number, cells in sheet.rows)], sheet.delimiter


def _header_keys(header: list[str | None]) -> tuple[dict[str, int], list[FigureProblem]]:
    names = {name.casefold(): key for key, spec in COLUMNS.items() for name in spec}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get((cell or "").casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [FigureProblem(1, COLUMNS[key][0], "missing_column", {"column": COLUMNS[key][0]})
               for key in REQUIRED_COLUMNS if key not in found]
    return found, missing


def _number(text: str) -> Decimal | str:
    """A number written with a decimal point or comma (spaces and a trailing % allowed), else a reason code."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".").removesuffix("%")
    if not NUMBER.fullmatch(cleaned):
        return "number"
    number = Decimal(cleaned)
    if abs(number) >= LIMIT or number.as_tuple().exponent < -4:
        return "too_large"
    return number


def _year(text: str) -> tuple[int, str | None] | None:
    """(year, school year) from "2025" or "2024/2025" (a school year counts for the year it ends in)."""
    if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text), None
    bounds = school_year_bounds(text.replace(" ", ""))
    if bounds is not None and FIRST_YEAR <= bounds[1] <= LAST_YEAR:
        return bounds[1], f"{bounds[0]}/{bounds[1]}"
    return None


def _baseline_year(indicator: Indicator, stage: str | None) -> int | None:
    years = [b.year if b.year is not None else b.measured_from for b in indicator.baselines
             if b.stage in (None, stage)]
    years = [year for year in years if year is not None]
    return min(years) if years else None


class _Row:
    """The checks of one row; problems collect in the shared list."""

    def __init__(self, line: int, cells: dict[str, str | None], problems: list[FigureProblem]):
        self.line, self.cells, self.problems = line, cells, problems

    def problem(self, key: str, code: str, **params) -> None:
        self.problems.append(FigureProblem(self.line, COLUMNS[key][0], code, params))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.cells.get(key)
        if value is None and required:
            self.problem(key, "required")
        elif value is not None and key in TEXT_MAX and len(value) > TEXT_MAX[key]:
            self.problem(key, "too_long", max=TEXT_MAX[key])
            return None
        return value

    def number(self, key: str, *, required: bool = False, whole: bool = False) -> Decimal | None:
        text = self.text(key, required=required)
        if text is None:
            return None
        number = _number(text)
        if isinstance(number, str):
            self.problem(key, number, value=text)
            return None
        if number < 0:
            self.problem(key, "negative")
        elif whole and number != number.to_integral_value():
            self.problem(key, "not_whole")
        return number


def check_rows(municipality_id: int, data: bytes) -> tuple[list[FigureRow], list[FigureProblem]]:
    """Read and check every row of the file against the municipality's indicators (three statements)."""
    try:
        lines, delimiter = _lines(data)
    except _Unreadable as exc:
        return [], [FigureProblem(None, None, exc.code)]
    numbered = [(n, line) for n, line in lines if any(line)]
    if not numbered:
        return [], [FigureProblem(None, None, "no_rows")]
    if delimiter not in (None, ";"):
        return [], [FigureProblem(numbered[0][0], None, "separator")]
    keys, problems = _header_keys(numbered[0][1])
    if problems:
        return [], problems
    body = numbered[1:]
    if not body:
        return [], [FigureProblem(None, None, "no_rows")]
    if len(body) > MAX_ROWS:
        return [], [FigureProblem(None, None, "too_many_rows", {"max": MAX_ROWS})]
    indicators = {i.code: i for i in db.session.scalars(
        select(Indicator).where(Indicator.municipality_id == municipality_id)
        .options(selectinload(Indicator.baselines)))}
    rows: list[FigureRow] = []
    seen: dict[tuple[int, int, str | None], int] = {}
    for number, line in body:
        cells = {key: line[index] if index < len(line) else None for key, index in keys.items()}
        found = len(problems)
        row = _Row(number, cells, problems)
        figure = _check(row, indicators)
        if figure is None or len(problems) > found:
            continue
        key = (figure.indicator.id, figure.year, figure.stage)
        if key in seen:
            row.problem("indicator", "duplicate", first=seen[key])
            continue
        seen[key] = number
        rows.append(figure)
    return rows, problems


def _check(row: _Row, indicators: dict[str, Indicator]) -> FigureRow | None:
    """One row's figure, or None (its problems recorded)."""
    code = row.text("indicator", required=True)
    indicator = indicators.get(code) if code else None
    if code and indicator is None:
        row.problem("indicator", "unknown_indicator", value=code)
    year_text = row.text("year", required=True)
    year = _year(year_text) if year_text else None
    if year_text and year is None:
        row.problem("year", "year", value=year_text)
    stage = row.text("stage")
    count = indicator is not None and indicator.value_kind == ValueKind.COUNT
    value = row.number("value", required=True, whole=count)
    numerator, denominator = row.number("numerator", whole=True), row.number("denominator", whole=True)
    source, evidence = row.text("source", required=True), row.text("evidence")
    if indicator is None:
        return None
    if stage and stage not in (indicator.breakdowns or []):
        if indicator.breakdowns:
            row.problem("stage", "stage", value=stage, known=", ".join(indicator.breakdowns))
        else:
            row.problem("stage", "no_stages")
    if value is not None and value >= 0 and value_problem(indicator.value_kind, value):
        row.problem("value", "over_100")
    if numerator is not None and denominator is not None and numerator > denominator:
        row.problem("numerator", "numerator_over")
    if year is not None and (baseline := _baseline_year(indicator, stage)) is not None and year[0] < baseline:
        row.problem("year", "before_baseline", year=year[0], baseline=baseline)
    if year is None or value is None or source is None:
        return None
    return FigureRow(row.line, indicator, year[0], year[1], stage, value, numerator, denominator, source,
                     evidence)


def write_rows(actor: Actor, rows: list[FigureRow], *, file_name: str) -> int:
    """Write every checked row as an imported figure (flushes only: the request commits all or nothing)."""
    now = utcnow()
    figures = []
    for row in rows:
        figure = IndicatorValue(municipality_id=row.indicator.municipality_id, indicator=row.indicator,
                                stage=row.stage, year=row.year, school_year=row.school_year, value=row.value,
                                numerator=row.numerator, denominator=row.denominator, origin=ValueOrigin.IMPORTED,
                                source=row.source, evidence=row.evidence, recorded_by_id=actor.user_id,
                                recorded_at=now)
        figure.validate()
        figures.append(figure)
    db.session.add_all(figures)
    db.session.flush()
    audit.record("monitoring.values.import", detail={"file": file_name[:200], "figures": len(figures)})
    return len(figures)
