"""Checker of enrolment lists: a new pupil, a known pupil's new enrolment, or a class change."""
from __future__ import annotations

from datetime import date
from functools import partial

from sqlalchemy import select

from caseflow.crypto import seal
from caseflow.extensions import db
from caseflow.imports import formats, values
from caseflow.imports.models import ClassRecord, StagedEnrolment
from caseflow.imports.validation.pipeline import Checker, Row
from caseflow.people.calendar import school_year_of
from caseflow.people.models import Municipality
from caseflow.pupils.models import Enrolment
from caseflow.pupils.selectors import class_key, current_on


def school_year_label(day: date) -> str:
    """The school year a day falls in, as "2026/2027"."""
    first = school_year_of(day)
    return f"{first}/{first + 1}"


def class_records(pupil_ids: list[int], school_year: str) -> dict[tuple[int, int], str]:
    """(pupil, school) → the class recorded for the school year."""
    return {(p, s): c for p, s, c in db.session.execute(
        select(ClassRecord.pupil_id, ClassRecord.school_id, ClassRecord.class_name).where(
            ClassRecord.pupil_id.in_(pupil_ids), ClassRecord.school_year == school_year))}


def grade_of(class_name: str) -> int | None:
    """The grade a class name starts with ("7.b" → 7), when it is 0–12."""
    digits = ""
    for ch in class_name:
        if not (ch.isascii() and ch.isdigit()):
            break
        digits += ch
    return int(digits) if digits and int(digits) <= 12 else None


class EnrolmentChecker(Checker):
    """Enrolment lists; a known pupil's name and birth date stay as the registry has them."""

    fmt = formats.ENROLMENTS

    def __init__(self, ctx, headers):
        super().__init__(ctx, headers)
        self.municipalities = {code.lower(): id_ for code, id_ in
                               db.session.execute(select(Municipality.code, Municipality.id))}

    def parse(self, row: Row) -> None:
        self.take_code(row)
        self.take(row, "first_name", partial(values.text, max_length=100))
        self.take(row, "last_name", partial(values.text, max_length=100))
        self.take(row, "birth_date", values.parse_date)
        self.take_school(row)
        self.take(row, "class_name", partial(values.text, max_length=20))
        if values.clean(row.cells.get("grade")):
            self.take(row, "grade", partial(values.whole_number, minimum=0, maximum=12))
        elif "class_name" in row.data:
            row.data["grade"] = grade_of(row.data["class_name"])
        municipality = values.clean(row.cells.get("declared_municipality")).lower()
        row.data["declared_municipality_id"] = self.municipalities.get(municipality) if municipality else None
        if municipality and row.data["declared_municipality_id"] is None:
            self.fail(row, "declared_municipality", "unknown_municipality", value=municipality[:40])
        if values.clean(row.cells.get("start_date")):
            self.take(row, "start_date", values.parse_date)
        else:
            row.data["start_date"] = self.ctx.today
        born, code = row.data.get("birth_date"), row.data.get("code")
        if born is not None and born > self.ctx.today:
            self.fail(row, "birth_date", "birth_date_future")
        elif born is not None and code is not None and code.birth_date not in (None, born):
            self.fail(row, "birth_date", "birth_date_mismatch")
        if row.data.get("start_date") is not None and row.data["start_date"] > self.ctx.today:
            self.fail(row, "start_date", "future_date")

    def judge(self, rows: list[Row]) -> None:
        self.resolve(rows)
        known = {}
        for row in rows:
            if "code_index" in row.data:
                row.data["pupil_id"] = self.ctx.pupil(row.data["code_index"])[0]
                if row.data["pupil_id"]:
                    known[row.data["pupil_id"]] = row
        current, recorded = {}, {}
        if known:
            query = select(Enrolment.id, Enrolment.pupil_id, Enrolment.school_id, Enrolment.class_name).where(
                Enrolment.pupil_id.in_(list(known)), current_on(self.ctx.today))
            current = {(p, s): (e, c) for e, p, s, c in db.session.execute(query)}
            recorded = class_records(list(known), school_year_label(self.ctx.today))
        for row in rows:
            if row.bad:
                continue
            if not self.dedupe(row, (row.data["code_index"], row.data["school_id"]),
                               (class_key(row.data["class_name"]),),
                               f"{self.headers['personal_code']} + {self.headers['school']}"):
                continue
            pupil_id = row.data["pupil_id"]
            held = current.get((pupil_id, row.data["school_id"])) if pupil_id else None
            if held is not None:
                # the same class, already recorded for this school year (a new school year's list records
                # the year's class even when the enrolment does not change: a repeated grade shows)
                same = class_key(held[1]) == class_key(row.data["class_name"]) and class_key(
                    recorded.get((pupil_id, row.data["school_id"]), "")) == class_key(row.data["class_name"])
                row.outcome, row.target_id = ("unchanged", None) if same else ("changed", held[0])
            elif pupil_id and self.ctx.school_id is not None:
                self.fail(row, "personal_code", "pupil_elsewhere")
            else:
                row.outcome = "new"
        self._stage([r for r in rows if not r.bad and r.outcome in ("new", "changed")])

    def _stage(self, rows: list[Row]) -> None:
        staged = [StagedEnrolment(
            batch_id=self.ctx.batch_id, row_number=r.number, outcome=r.outcome, target_id=r.target_id,
            pupil_id=r.data["pupil_id"], first_name=r.data["first_name"], last_name=r.data["last_name"],
            birth_date=r.data["birth_date"], declared_municipality_id=r.data["declared_municipality_id"],
            school_id=r.data["school_id"], class_name=r.data["class_name"], grade=r.data.get("grade"),
            start_date=r.data["start_date"],
            personal_code_index=None if r.data["pupil_id"] else r.data["code_index"]) for r in rows]
        if not staged:
            return
        db.session.add_all(staged)
        db.session.flush()
        for item, row in zip(staged, rows, strict=True):
            if item.pupil_id is None:  # the code of a pupil caseflow does not know yet, sealed
                seal(item, "personal_code", row.data["code"].value, scope=f"import:{self.ctx.batch_id}")
        db.session.flush()
        for item in staged:
            db.session.expunge(item)
