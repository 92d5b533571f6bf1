"""Checkers of absences, semester totals and grades: read the cells, find the semester, compare
with what caseflow holds (one statement per chunk), stage new and changed rows (one more)."""
from __future__ import annotations

from functools import partial

from sqlalchemy import exists, select, tuple_

from caseflow.core.bulk import any_of, insert_values
from caseflow.extensions import db
from caseflow.imports import formats, values
from caseflow.imports.models import (
    AbsenceRecord,
    AbsenceTotal,
    GradeRecord,
    StagedAbsence,
    StagedGrade,
    StagedTotal,
)
from caseflow.imports.validation.pipeline import UNSEEN, Checker, Row
from caseflow.imports.values import ValueProblem
from caseflow.pupils.models import name_key

_ABSENCE_CONTENT = ("pupil_id", "school_id", "class_name", "day", "lesson", "kind")
_TOTAL_CONTENT = ("lessons_total", "unexcused", "excused")
_GRADE_CONTENT = ("subject", "mark")


def _stage(model, rows: list[Row], columns: tuple[str, ...], ctx) -> None:
    """Insert the chunk's new and changed rows into the staging table in one statement."""
    names = ["batch_id", "municipality_id", "row_number", "outcome", "target_id", *columns]
    batch, town = ctx.batch_id, ctx.municipality_id
    payload = [(batch, town, r.number, r.outcome, r.target_id, *(r.data[c] for c in columns))
               for r in rows if not r.bad and r.outcome in ("new", "changed")]
    insert_values(db.session.connection(), model.__table__, names, payload)


class AbsenceChecker(Checker):
    """Daily absence records: (source, record id) is the natural key; a changed record is refused."""

    fmt = formats.ABSENCES

    def __init__(self, ctx, headers):
        super().__init__(ctx, headers)
        self.readers = (("class_name", partial(values.text, max_length=20)), ("day", values.parse_date),
                        ("lesson", partial(values.whole_number, minimum=0, maximum=15)),
                        ("kind", partial(values.absence_kind, marks=ctx.marks)), ("source", values.source))
        self.record_id = partial(values.text, max_length=64)
        #: source → whether the municipality holds any of its records (if not, every row is new)
        self.sources_held: dict[str, bool] = {}

    def _holds(self, source: str) -> bool:
        """Does caseflow hold records of this source here? Asked once per source (a first import skips
        the look-ups; a record written meanwhile by another batch is caught when confirming)."""
        if source not in self.sources_held:
            self.sources_held[source] = db.session.scalar(select(exists().where(
                AbsenceRecord.municipality_id == self.ctx.municipality_id, AbsenceRecord.source == source)))
        return self.sources_held[source]

    def parse(self, row: Row) -> None:
        self.take_code(row)
        self.take_school(row)
        cells, data = row.cells, row.data
        for key, read in self.readers:
            # the common case inline (millions of rows): a text read before, and fine
            raw = cells.get(key)
            value = self.memo[key].get(raw, UNSEEN) if key in self.memo and raw.__class__ is str else UNSEEN
            if value is UNSEEN or isinstance(value, ValueProblem):
                self.take(row, key, read, memo=True)
            else:
                data[key] = value
        self.take(row, "source_record_id", self.record_id)
        day = row.data.get("day")
        if day is not None:
            if day > self.ctx.today:
                self.fail(row, "day", "future_date")
            elif (semester_id := self.ctx.semester_on(day)) is None:
                self.fail(row, "day", "outside_school_year", value=day.strftime("%d.%m.%Y."))
            else:
                row.data["semester_id"] = semester_id

    def judge(self, rows: list[Row]) -> None:
        self.resolve(rows)
        for row in rows:
            self.enrolled_pupil(row)
        fine = [r for r in rows if not r.bad]
        fine = [r for r in fine if self.dedupe(
            r, (r.data["source"], r.data["source_record_id"]), tuple(r.data[c] for c in _ABSENCE_CONTENT),
            f"{self.headers['source']} + {self.headers['source_record_id']}")]
        by_source: dict[str, set[str]] = {}
        for row in fine:
            by_source.setdefault(row.data["source"], set()).add(row.data["source_record_id"])
        existing = {}
        for source, record_ids in by_source.items():  # a file has one source, seldom more
            if not self._holds(source):
                continue
            query = select(AbsenceRecord.source, AbsenceRecord.source_record_id,
                           *(getattr(AbsenceRecord, c) for c in _ABSENCE_CONTENT)).where(
                AbsenceRecord.municipality_id == self.ctx.municipality_id, AbsenceRecord.source == source,
                any_of(AbsenceRecord.source_record_id, sorted(record_ids)))
            existing.update(((r[0], r[1]), tuple(r[2:])) for r in db.session.execute(query))
        for row in fine:
            held = existing.get((row.data["source"], row.data["source_record_id"]))
            if held is None:
                row.outcome = "new"
            elif held == tuple(row.data[c] for c in _ABSENCE_CONTENT):
                row.outcome = "unchanged"
            else:
                self.fail(row, "source_record_id", "changed_record")
        _stage(StagedAbsence, rows, ("semester_id", *_ABSENCE_CONTENT, "source", "source_record_id"), self.ctx)


class TotalChecker(Checker):
    """Semester totals: one row per pupil, school and semester; new numbers replace the old."""

    fmt = formats.ABSENCE_TOTALS

    def parse(self, row: Row) -> None:
        self.take_code(row)
        self.take_school(row)
        self.take(row, "school_year", values.school_year, memo=True)
        self.take(row, "semester", partial(values.whole_number, minimum=1, maximum=2), memo=True)
        for key in _TOTAL_CONTENT:
            self.take(row, key, partial(values.whole_number, minimum=0, maximum=2000))
        if all(k in row.data for k in _TOTAL_CONTENT):
            missed = row.data["unexcused"] + row.data["excused"]
            if missed > row.data["lessons_total"]:
                self.fail(row, "lessons_total", "total_exceeds", missed=missed, total=row.data["lessons_total"])
        if "school_year" in row.data and "semester" in row.data:
            semester_id = self.ctx.semester(row.data["school_year"], row.data["semester"])
            if semester_id is None:
                self.fail(row, "semester", "unknown_semester", number=row.data["semester"],
                          year=row.data["school_year"])
            row.data["semester_id"] = semester_id

    def judge(self, rows: list[Row]) -> None:
        self.resolve(rows)
        for row in rows:
            self.enrolled_pupil(row)
        key_of = _total_key
        fine = [r for r in rows if not r.bad and self.dedupe(
            r, key_of(r), tuple(r.data[c] for c in _TOTAL_CONTENT),
            f"{self.headers['personal_code']} + {self.headers['school_year']} + {self.headers['semester']}")]
        existing = {}
        if fine:
            query = select(AbsenceTotal.id, AbsenceTotal.pupil_id, AbsenceTotal.school_id,
                           AbsenceTotal.semester_id, *(getattr(AbsenceTotal, c) for c in _TOTAL_CONTENT)).where(
                tuple_(AbsenceTotal.pupil_id, AbsenceTotal.school_id, AbsenceTotal.semester_id)
                .in_(list({key_of(r) for r in fine})))
            existing = {tuple(r[1:4]): (r[0], tuple(r[4:])) for r in db.session.execute(query)}
        _compare(fine, existing, key_of, _TOTAL_CONTENT)
        _stage(StagedTotal, rows, ("pupil_id", "school_id", "semester_id", *_TOTAL_CONTENT), self.ctx)


def _total_key(row: Row) -> tuple:
    return row.data["pupil_id"], row.data["school_id"], row.data["semester_id"]


def _grade_key(row: Row) -> tuple:
    return (row.data["pupil_id"], row.data["school_id"], row.data["school_year"], row.data["period"],
            row.data["subject_key"])


def _compare(rows: list[Row], existing: dict, key_of, content: tuple[str, ...]) -> None:
    """new when not held, unchanged when equal, changed (replacing target_id) otherwise."""
    for row in rows:
        held = existing.get(key_of(row))
        if held is None:
            row.outcome = "new"
        elif held[1] == tuple(row.data[c] for c in content):
            row.outcome = "unchanged"
        else:
            row.outcome, row.target_id = "changed", held[0]


class GradeChecker(Checker):
    """Grades: one per pupil, school, school year, period and subject; a new grade replaces the old."""

    fmt = formats.GRADES

    def parse(self, row: Row) -> None:
        self.take_code(row)
        self.take_school(row)
        self.take(row, "school_year", values.school_year, memo=True)
        self.take(row, "period", values.period, memo=True)
        self.take(row, "subject", partial(values.text, max_length=80), memo=True)
        self.take(row, "grade", values.grade, memo=True)
        if "grade" in row.data:
            row.data["mark"], row.data["value"], row.data["failing"] = row.data.pop("grade")
        if "subject" in row.data:
            row.data["subject_key"] = name_key(row.data["subject"])[:80]
        year, period = row.data.get("school_year"), row.data.get("period")
        if year and period:
            row.data["semester_id"] = None
            if period == "year":
                if not self.ctx.knows_school_year(year):
                    self.fail(row, "school_year", "unknown_school_year", year=year)
            elif (semester_id := self.ctx.semester(year, int(period))) is None:
                self.fail(row, "period", "unknown_semester", number=period, year=year)
            else:
                row.data["semester_id"] = semester_id

    def judge(self, rows: list[Row]) -> None:
        self.resolve(rows)
        for row in rows:
            self.enrolled_pupil(row)
        key_of = _grade_key
        fine = [r for r in rows if not r.bad and self.dedupe(
            r, key_of(r), (r.data["mark"],),
            " + ".join(self.headers[k] for k in ("personal_code", "school_year", "period", "subject")))]
        existing = {}
        if fine:
            query = select(GradeRecord.id, GradeRecord.pupil_id, GradeRecord.school_id, GradeRecord.school_year,
                           GradeRecord.period, GradeRecord.subject_key, GradeRecord.subject,
                           GradeRecord.mark).where(
                tuple_(GradeRecord.pupil_id, GradeRecord.school_id, GradeRecord.school_year, GradeRecord.period,
                       GradeRecord.subject_key).in_(list({key_of(r) for r in fine})))
            existing = {tuple(r[1:6]): (r[0], tuple(r[6:])) for r in db.session.execute(query)}
        _compare(fine, existing, key_of, _GRADE_CONTENT)
        _stage(StagedGrade, rows, ("pupil_id", "school_id", "school_year", "period", "semester_id", "subject",
                                   "subject_key", "mark", "value", "failing"), self.ctx)
