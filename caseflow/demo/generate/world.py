"""What one step of the generator leaves for the next: ids and the few facts later rows depend on."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from caseflow.demo.generate.shape import SCHOOL_YEARS, MunicipalityShape
from caseflow.demo.pupils import school_year_start


@dataclass
class Account:
    """A generated user acting in one membership."""

    user_id: int
    username: str
    full_name: str
    role: str
    institution_id: int
    membership_id: int


@dataclass
class SchoolPupil:
    """A pupil as the case generator needs them."""

    id: int
    class_name: str
    grade: int
    enrolled_on: date


@dataclass
class School:
    """A generated school, its staff and pupils."""

    id: int
    municipality_id: int
    number: int
    kind: str
    grades: tuple[int, int]
    pupils_planned: int
    #: how much more (or less) often than average the school opens cases
    heaviness: float
    heads: list[Account] = field(default_factory=list)
    pedagogues: list[Account] = field(default_factory=list)
    specialists: list[Account] = field(default_factory=list)
    teachers: list[Account] = field(default_factory=list)
    pupils: list[SchoolPupil] = field(default_factory=list)
    group_id: int | None = None


@dataclass
class SemesterRow:
    id: int
    starts_on: date
    ends_on: date


@dataclass
class Lists:
    """A municipality's taxonomy ids, by list."""

    categories: list[int]
    noticed: list[int]
    outcomes: list[int]
    dropout_reasons: list[int]
    #: (id, needs a subject)
    measure_types: list[tuple[int, bool]]
    subjects: list[int]
    #: risk items by group: [(id, is "other")]
    risk_groups: list[list[tuple[int, bool]]]


@dataclass
class Group:
    """A cooperation group and its seats: [(member id, institution id, account or None, kind)]."""

    id: int
    municipality_id: int
    level: str
    chair: Account
    seats: list[tuple[int, int, Account | None, str]] = field(default_factory=list)
    escalates_to: int | None = None


@dataclass
class Municipality:
    """A generated municipality with everything hanging on it."""

    id: int
    code: str
    shape: MunicipalityShape
    #: institution kind → id (education board, social service, orphans' court, police …)
    institutions: dict[str, int] = field(default_factory=dict)
    schools: list[School] = field(default_factory=list)
    #: role → accounts outside schools
    staff: dict[str, list[Account]] = field(default_factory=dict)
    semesters: list[SemesterRow] = field(default_factory=list)
    lists: Lists | None = None
    groups: list[Group] = field(default_factory=list)


@dataclass
class World:
    """The generation's state: seed, today, the random source and what has been made so far."""

    seed: int
    today: date
    rng: random.Random
    municipalities: list[Municipality] = field(default_factory=list)
    password_hash: str = ""

    @property
    def epoch(self) -> datetime:
        """When the generated history begins: rows without a day of their own were created then."""
        return datetime(school_year_start(self.today) - SCHOOL_YEARS + 1, 8, 25, tzinfo=UTC)

    @property
    def schools(self) -> list[School]:
        return [s for m in self.municipalities for s in m.schools]

    def municipality(self, municipality_id: int) -> Municipality:
        return next(m for m in self.municipalities if m.id == municipality_id)
