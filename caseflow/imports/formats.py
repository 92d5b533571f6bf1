"""The file formats caseflow defines: each kind's columns, their Latvian and English names and the
aliases a header may use (docs/imports.md documents the same)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from caseflow.pupils.models import name_key


@dataclass(frozen=True)
class Column:
    """One column of a format: caseflow's key, the headers it answers to, and whether it must be there."""

    key: str
    #: the documented header in Latvian (first) and English (second), then further aliases
    headers: tuple[str, ...]
    required: bool = True

    @property
    def latvian(self) -> str:
        return self.headers[0]

    @property
    def english(self) -> str:
        return self.headers[1]


@dataclass(frozen=True)
class Format:
    """A kind of file: its columns."""

    kind: str
    label: object
    columns: tuple[Column, ...]

    def lookup(self) -> dict[str, Column]:
        """Normalised header → column."""
        return {header_key(h): c for c in self.columns for h in c.headers}

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def header_key(header) -> str:
    """A header compared without case, diacritics, spaces, dots, dashes or underscores."""
    folded = name_key(str(header or ""))
    return "".join(ch for ch in folded if ch.isalnum())


PUPIL = Column("personal_code", ("Personas kods", "Personal code", "Skolēna personas kods", "pk",
                                 "Pupil code", "Pupil", "Skolēns"))
SCHOOL = Column("school", ("Skolas reģistrācijas numurs", "School registration number", "Skola",
                           "School", "Reģistrācijas numurs", "Registration number", "Skolas reg nr"))
CLASS = Column("class_name", ("Klase", "Class"))
SCHOOL_YEAR = Column("school_year", ("Mācību gads", "School year"))

ABSENCES = Format("absences", _l("Daily absence records"), (
    PUPIL, SCHOOL, CLASS,
    Column("day", ("Datums", "Date", "Diena", "Day")),
    Column("lesson", ("Stunda", "Lesson", "Stundas numurs", "Lesson number")),
    Column("kind", ("Veids", "Kind", "Atzīme", "Mark", "Kavējuma veids", "Absence kind")),
    Column("source", ("Avots", "Source", "Sistēma", "System")),
    Column("source_record_id", ("Ieraksta ID", "Record ID", "Avota ieraksta ID", "Source record ID",
                                "ID")),
))
ABSENCE_TOTALS = Format("absence_totals", _l("Semester absence totals"), (
    PUPIL, SCHOOL, SCHOOL_YEAR,
    Column("semester", ("Semestris", "Semester")),
    Column("lessons_total", ("Stundas kopā", "Lessons total", "Stundu skaits", "Lessons")),
    Column("unexcused", ("Neattaisnoti kavētās stundas", "Unexcused", "Neattaisnoti",
                         "Unexcused lessons")),
    Column("excused", ("Attaisnoti kavētās stundas", "Excused", "Attaisnoti", "Excused lessons")),
))
GRADES = Format("grades", _l("Grades per subject and period"), (
    PUPIL, SCHOOL, SCHOOL_YEAR,
    Column("period", ("Periods", "Period", "Vērtēšanas periods")),
    Column("subject", ("Mācību priekšmets", "Subject", "Priekšmets")),
    Column("grade", ("Vērtējums", "Grade", "Atzīme")),
))
ENROLMENTS = Format("enrolments", _l("Enrolment lists"), (
    PUPIL,
    Column("first_name", ("Vārds", "First name", "Given name")),
    Column("last_name", ("Uzvārds", "Last name", "Surname", "Family name")),
    Column("birth_date", ("Dzimšanas datums", "Birth date", "Date of birth")),
    SCHOOL, CLASS,
    Column("grade", ("Klašu grupa", "Grade", "Klases līmenis", "Grade level"), required=False),
    Column("declared_municipality", ("Deklarētā pašvaldība", "Declared municipality",
                                     "Pašvaldības kods", "Municipality code"), required=False),
    Column("start_date", ("Uzņemts", "Enrolled on", "Uzņemšanas datums", "Start date"), required=False),
))

FORMATS: dict[str, Format] = {f.kind: f for f in (ABSENCES, ABSENCE_TOTALS, GRADES, ENROLMENTS)}
KINDS = tuple(FORMATS)


def guess_kind(headers) -> str | None:
    """The only kind whose required columns a header row has (None when none or several fit)."""
    keys = {header_key(h) for h in headers}
    fits = [f.kind for f in FORMATS.values()
            if all(any(header_key(h) in keys for h in c.headers) for c in f.required)]
    return fits[0] if len(fits) == 1 else None
