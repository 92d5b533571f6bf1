"""Problem codes and their messages: stored as code + parameters, shown in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    # the whole file
    "empty": _l("The file is empty: it has no header row and no data rows."),
    "no_rows": _l("The file has a header row but no data rows."),
    "too_large": _l("The file is %(size)s MB; the largest file caseflow accepts is %(limit)s MB. "
                    "Split it, for example by school or by month."),
    "encoding": _l("The file is neither UTF-8 nor Windows-1257 text. Save it as \"CSV UTF-8\" "
                   "or as an Excel workbook (.xlsx)."),
    "old_excel": _l("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV."),
    "bad_xlsx": _l("The Excel workbook cannot be read. Open it in Excel and save it again as .xlsx."),
    "missing_columns": _l("Columns missing: %(missing)s. The file has the columns: %(found)s. This kind "
                          "of file needs the columns: %(expected)s."),
    "duplicate_column": _l("The column \"%(column)s\" appears twice."),
    "unknown_kind_of_file": _l("caseflow cannot tell what kind of file this is from its columns. "
                               "Choose the kind of data."),
    "no_semesters": _l("The municipality has no semesters set up, so dates cannot be checked. "
                       "Ask the administrator to add the school year's semesters."),
    "check_failed": _l("The check of the file failed unexpectedly and nothing was kept. Upload the file "
                       "again; if it fails again, tell the support team."),
    "too_many_problems": _l("Only the first %(shown)s problems are listed; the file has %(total)s."),
    # one value
    "required": _l("This value is required."),
    "too_long": _l("At most %(max)s characters."),
    "date": _l("\"%(value)s\" is not a date; write 2026-09-15 or 15.09.2026."),
    "future_date": _l("The date is in the future."),
    "whole_number": _l("\"%(value)s\" is not a whole number."),
    "number_range": _l("Enter a number from %(minimum)s to %(maximum)s."),
    "absence_kind": _l("\"%(value)s\" is not a kind of absence caseflow knows. Known marks: %(known)s."),
    "grade": _l("\"%(value)s\" is not a grade: write 1–10, \"ieskaitīts\", \"neieskaitīts\", "
                "\"nv\" or a level S, T, A, P."),
    "period": _l("\"%(value)s\" is not a period: write 1 or 2 (semester) or \"gads\" (year)."),
    "semester_number": _l("The semester is 1 or 2."),
    "school_year": _l("\"%(value)s\" is not a school year; write it as 2025/2026."),
    "source": _l("A source is a short name of letters and digits, e.g. viis, eklase, manual."),
    # the row against caseflow's data
    # the same texts as the registry's form (caseflow/pupils/personal_code.py), so one translation serves both
    "personal_code_format": _l("Write the code as 11 digits, with a dash after the sixth if you like: 010203-12345."),
    "personal_code_length": _l("A personal code has exactly 11 digits."),
    "personal_code_century": _l("The seventh digit (century) must be 0, 1 or 2 in a code with a birth date."),
    "personal_code_date": _l("The first six digits are not a real date (DDMMYY)."),
    "personal_code_future": _l("The birth date in the code is in the future."),
    "personal_code_checksum": _l("The last digit (check digit) does not match; check for a typing error."),
    "unknown_school": _l("No school with registration number %(value)s is known to caseflow."),
    "foreign_school": _l("The school with registration number %(value)s is not yours: you can import "
                         "only your own school's data."),
    "foreign_municipality_school": _l("The school with registration number %(value)s belongs to "
                                      "another municipality."),
    "unknown_pupil": _l("No pupil with this personal code is enrolled at this school in caseflow. "
                        "Import the enrolment list first, or add the pupil to the registry."),
    "pupil_elsewhere": _l("A pupil with this personal code is already in the registry but not enrolled "
                          "at this school. The municipality's coordinator can add the enrolment."),
    "outside_school_year": _l("The date %(value)s is outside every semester of the municipality's "
                              "school years."),
    "unknown_semester": _l("The municipality has no semester %(number)s in the school year %(year)s."),
    "unknown_school_year": _l("The municipality has no semesters in the school year %(year)s."),
    "total_exceeds": _l("Unexcused and excused lessons together (%(missed)s) exceed the lessons "
                        "in the semester (%(total)s)."),
    "birth_date_mismatch": _l("The birth date does not match the date in the personal code."),
    "birth_date_future": _l("The birth date cannot be in the future."),
    "unknown_municipality": _l("No municipality with the code \"%(value)s\" is known to caseflow."),
    "duplicate_in_file": _l("Row %(first)s of this file has the same %(columns)s with different content."),
    "changed_record": _l("A record with this source and record id was imported before with different "
                         "content; caseflow never overwrites a source record. Give the corrected record "
                         "a new record id."),
    "duplicate_pupil_in_file": _l("Row %(first)s of this file lists the same pupil at the same school."),
}


def message(code: str, params: dict | None = None) -> str:
    """The problem's message in the current language."""
    text = MESSAGES.get(code, MESSAGES["required"])
    return str(text % (params or {})) if params else str(text)
