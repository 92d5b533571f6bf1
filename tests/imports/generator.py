"""Makes realistic import files: Windows-1257 with `;` and diacritics, UTF-8 with a BOM, XLSX."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

ABSENCE_HEADERS = ("Personas kods", "Skolas reģistrācijas numurs", "Klase", "Datums", "Stunda", "Veids",
                   "Avots", "Ieraksta ID")
TOTAL_HEADERS = ("Personas kods", "Skolas reģistrācijas numurs", "Mācību gads", "Semestris", "Stundas kopā",
                 "Neattaisnoti kavētās stundas", "Attaisnoti kavētās stundas")
GRADE_HEADERS = ("Personas kods", "Skolas reģistrācijas numurs", "Mācību gads", "Periods",
                 "Mācību priekšmets", "Vērtējums")
ENROLMENT_HEADERS = ("Personas kods", "Vārds", "Uzvārds", "Dzimšanas datums", "Skolas reģistrācijas numurs",
                     "Klase", "Deklarētā pašvaldība")
SUBJECTS = ("Latviešu valoda", "Matemātika", "Angļu valoda", "Dabaszinības", "Sports un veselība")
MARKS = ("n", "s", "a", "k")


def csv_bytes(headers, rows, *, encoding: str = "cp1257", delimiter: str = ";", bom: bool = False,
              latvian_dates: bool = True) -> bytes:
    """A CSV file as a school's export would write it."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell(v, latvian_dates) for v in row])
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(headers, rows) -> bytes:
    """An Excel workbook with the header on row 1 (dates as real date cells)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, latvian_dates: bool):
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y.") if latvian_dates else value.isoformat()
    return value


def absence_rows(pupils, school_number: str, *, start: date, days: int, per_day: int = 2,
                 source: str = "eklase", first_id: int = 1):
    """Absence rows for pupils over school days from start (weekends skipped), ids from first_id."""
    rows, record = [], first_id
    day = start
    counted = 0
    while counted < days:
        if day.weekday() < 5:
            counted += 1
            for n, pupil in enumerate(pupils):
                for lesson in range(1, per_day + 1):
                    rows.append((pupil.personal_code, school_number, pupil.class_name, day, lesson,
                                 MARKS[(n + lesson + counted) % len(MARKS)], source, f"E{record:08d}"))
                    record += 1
        day += timedelta(days=1)
    return rows


def total_rows(pupils, school_number: str, school_year: str = "2025/2026", semester: int = 1):
    return [(p.personal_code, school_number, school_year, semester, 300 + n, 5 * n, 10 + n)
            for n, p in enumerate(pupils)]


def grade_rows(pupils, school_number: str, school_year: str = "2025/2026", period="1"):
    grades = ("7", "3", "ieskaitīts", "neieskaitīts", "A", "9,0")
    return [(p.personal_code, school_number, school_year, period, subject, grades[(n + k) % len(grades)])
            for n, p in enumerate(pupils) for k, subject in enumerate(SUBJECTS)]
