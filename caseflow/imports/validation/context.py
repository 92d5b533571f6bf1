"""What validation knows about the importer and caseflow's data: schools in reach, semesters,
pupils (looked up in batches by blind index), and the counters and problems it collects."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseflow.access import rls
from caseflow.core.bulk import any_of
from caseflow.crypto import blind_index
from caseflow.extensions import db
from caseflow.imports.models import ImportProblem
from caseflow.people.calendar import Semester
from caseflow.people.models import SCHOOL_KINDS, Institution
from caseflow.pupils.models import Enrolment, Pupil

CODE_PURPOSE = "personal_code"


@dataclass
class Counts:
    """What the preview tells: rows seen, bad, new, unchanged and changed, and problems found."""

    total: int = 0
    bad: int = 0
    new: int = 0
    unchanged: int = 0
    changed: int = 0
    problems: int = 0


@dataclass
class Context:
    """The importer and the municipality a batch belongs to, with caches filled as rows arrive."""

    batch_id: int
    municipality_id: int
    #: the uploader's school, when a school role imports (None: the whole municipality)
    school_id: int | None
    today: date
    marks: dict[str, str]
    max_stored_problems: int = 1000
    counts: Counts = field(default_factory=Counts)
    _schools: dict[str, int] | None = None
    _outside: dict[str, str] = field(default_factory=dict)
    _semester_starts: list[date] = field(default_factory=list)
    _semesters: list[tuple[int, str, int, date, date]] = field(default_factory=list)
    _semester_of_day: dict[date, int | None] = field(default_factory=dict)
    _pupils: dict[str, tuple[int, frozenset[int]]] = field(default_factory=dict)
    _pending_problems: list[dict] = field(default_factory=list)

    # --- problems ---------------------------------------------------------------------------

    def problem(self, row_number: int | None, column: str | None, code: str, params: dict | None = None) -> None:
        """Count a problem and keep it for the preview (up to the cap)."""
        self.counts.problems += 1
        if self.counts.problems <= self.max_stored_problems:
            self._pending_problems.append({"batch_id": self.batch_id, "row_number": row_number,
                                           "column": column[:100] if column else None, "code": code,
                                           "params": params or {}})

    def flush_problems(self) -> None:
        """Write the kept problems in one statement."""
        if self._pending_problems:
            db.session.execute(ImportProblem.__table__.insert(), self._pending_problems)
            self._pending_problems = []

    # --- schools ----------------------------------------------------------------------------

    def _reachable_schools(self) -> dict[str, int]:
        if self._schools is None:
            query = select(Institution.registration_number, Institution.id).where(
                Institution.municipality_id == self.municipality_id,
                Institution.kind.in_([str(k) for k in SCHOOL_KINDS]),
                Institution.registration_number.is_not(None))
            if self.school_id is not None:
                query = query.where(Institution.id == self.school_id)
            self._schools = {number.replace(" ", ""): id_ for number, id_ in db.session.execute(query)}
        return self._schools

    def resolve_schools(self, numbers: set[str]) -> None:
        """Learn, in one statement, why unknown registration numbers are out of reach."""
        reach = self._reachable_schools()
        unknown = [n for n in numbers if n not in reach and n not in self._outside]
        if not unknown:
            return
        rows = db.session.execute(select(Institution.registration_number, Institution.municipality_id)
                                  .where(Institution.registration_number.in_(unknown))).all()
        elsewhere = {number: municipality for number, municipality in rows}
        for number in unknown:
            if number not in elsewhere:
                self._outside[number] = "unknown_school"
            elif self.school_id is not None:
                self._outside[number] = "foreign_school"
            else:
                self._outside[number] = "foreign_municipality_school"

    def school(self, number: str) -> tuple[int | None, str | None]:
        """(school id, None) for a school in reach, else (None, problem code)."""
        reach = self._reachable_schools()
        if number in reach:
            return reach[number], None
        return None, self._outside.get(number, "unknown_school")

    # --- semesters --------------------------------------------------------------------------

    def _load_semesters(self) -> None:
        if not self._semesters:
            rows = db.session.execute(select(Semester.id, Semester.school_year, Semester.number,
                                             Semester.starts_on, Semester.ends_on)
                                      .where(Semester.municipality_id == self.municipality_id)
                                      .order_by(Semester.starts_on)).all()
            self._semesters = [tuple(r) for r in rows]
            self._semester_starts = [r[3] for r in rows]

    @property
    def has_semesters(self) -> bool:
        self._load_semesters()
        return bool(self._semesters)

    def semester_on(self, day: date) -> int | None:
        """The id of the semester containing the day."""
        if day in self._semester_of_day:
            return self._semester_of_day[day]
        self._load_semesters()
        at = bisect.bisect_right(self._semester_starts, day) - 1
        found = None
        if at >= 0 and self._semesters[at][3] <= day <= self._semesters[at][4]:
            found = self._semesters[at][0]
        self._semester_of_day[day] = found
        return found

    def semester(self, school_year: str, number: int) -> int | None:
        """The id of a school year's semester 1 or 2."""
        self._load_semesters()
        return next((s[0] for s in self._semesters if s[1] == school_year and s[2] == number), None)

    def knows_school_year(self, school_year: str) -> bool:
        self._load_semesters()
        return any(s[1] == school_year for s in self._semesters)

    # --- pupils -----------------------------------------------------------------------------

    def resolve_pupils(self, indexes: set[str]) -> None:
        """Look up, in one statement, the pupils of these blind indexes and their schools."""
        missing = [i for i in indexes if i not in self._pupils]
        if not missing:
            return
        found: dict[str, tuple[int, set[int]]] = {}
        rows = db.session.execute(
            select(Pupil.personal_code_index, Pupil.id, Enrolment.school_id)
            .outerjoin(Enrolment, Enrolment.pupil_id == Pupil.id)
            .where(any_of(Pupil.personal_code_index, missing)))
        for index, pupil_id, school_id in rows:
            found.setdefault(index, (pupil_id, set()))[1].add(school_id)
        # under row security another municipality's pupil is hidden: the registry still knows the code
        hidden = rls.pupil_ids_by_codes(db.session, [i for i in missing if i not in found])
        found.update((index, (pupil_id, set())) for index, pupil_id in hidden.items())
        for index in missing:
            pupil_id, schools = found.get(index, (0, set()))
            self._pupils[index] = (pupil_id, frozenset(s for s in schools if s is not None))

    def pupil(self, index: str) -> tuple[int | None, frozenset[int]]:
        """(pupil id or None, the schools they were ever enrolled at)."""
        pupil_id, schools = self._pupils.get(index, (0, frozenset()))
        return (pupil_id or None), schools


def code_index(canonical_code: str) -> str:
    """The blind index a pupil's canonical personal code is found by."""
    return blind_index(canonical_code, purpose=CODE_PURPOSE)
