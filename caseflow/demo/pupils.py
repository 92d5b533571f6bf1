"""Plan fictitious pupils without touching the database: names, birth dates that match the
grade, valid personal codes, enrolments (with a few moves) and the declared municipality.
The same seed and day always give the same plan."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from caseflow.demo.institutions import (
    CLOSURE,
    DEMO_CODE,
    INSTITUTIONS,
    MERGER,
    MUNICIPALITY_OF,
    SECOND_CODE,
    InstitutionSpec,
)
from caseflow.demo.names import NameGenerator
from caseflow.people.models import InstitutionKind
from caseflow.pupils.personal_code import make_new_format, make_old_format

#: new-format codes (32…) have been given to everyone registered since this day
NEW_FORMAT_SINCE = date(2017, 7, 1)
#: share of older pupils who asked for a new-format code
NEW_FORMAT_CHANGED = 0.03
#: pupils who study in one municipality and are declared in the other, picked at random
DECLARED_ELSEWHERE = {DEMO_CODE: 7, SECOND_CODE: 6}
#: schools whose pupils most often come from other municipalities
WIDE_INTAKE = ("gimnazija", "tehnikums", "vidusskola")


@dataclass
class EnrolmentPlan:
    school: str
    class_name: str
    grade: int
    start: date
    end: date | None = None


@dataclass
class PupilPlan:
    first_name: str
    last_name: str
    gender: str
    birth_date: date
    #: oldest first; the last one is current
    enrolments: list[EnrolmentPlan]
    declared: str = ""
    personal_code: str = ""
    moved: bool = False

    @property
    def current(self) -> EnrolmentPlan:
        return self.enrolments[-1]

    @property
    def studies_in(self) -> str:
        return MUNICIPALITY_OF[self.current.school]


def school_year_start(today: date) -> int:
    """The calendar year the current school year began in (it starts on 1 September)."""
    return today.year if today >= date(today.year, 9, 1) else today.year - 1


def history_dates(year: int) -> tuple[date, date]:
    """(merged_on, closed_on) of the merged and the closed demo schools."""
    return date(year - MERGER[2], 9, 1), date(year - CLOSURE[2] + 1, 7, 1)


def plan_pupils(*, seed: int, today: date) -> list[PupilPlan]:
    """Every demo pupil, in a fixed order."""
    rng = random.Random(seed)
    names = NameGenerator(rng)
    year = school_year_start(today)
    plans = [_pupil_at(rng, names, spec, year)
             for spec in INSTITUTIONS.values() for _ in range(spec.pupils)]
    _add_moves(rng, plans, year)
    _declare(rng, plans)
    _assign_codes(rng, plans)
    return plans


def _pupil_at(rng: random.Random, names: NameGenerator, spec: InstitutionSpec,
              year: int) -> PupilPlan:
    low, high = spec.grades
    grade = rng.randint(low, high)
    person = names.person()
    if spec.kind == InstitutionKind.PRESCHOOL:
        birth_year = year - rng.choice((5, 6))
        class_name, start_year = rng.choice(spec.classes), birth_year + 3
    else:
        vocational = spec.kind == InstitutionKind.VOCATIONAL_SCHOOL
        # grade 1 in the year the child turns 7; some repeated a year, more so in vocational
        older = rng.random() < (0.2 if vocational else 0.04)
        birth_year = year - 6 - grade - older
        letter = rng.choice(spec.classes)
        class_name = f"{letter}-{grade - 9}" if vocational else f"{grade}.{letter}"
        start_year = year - (grade - low)
    born = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
    enrolment = EnrolmentPlan(spec.key, class_name, grade, date(start_year, 9, 1))
    return PupilPlan(person.first_name, person.last_name, person.gender, born, [enrolment])


def _candidates(plans: list[PupilPlan], school: str, grades: range) -> list[PupilPlan]:
    return [p for p in plans if not p.moved and p.current.school == school
            and p.current.grade in grades]


def _move(plan: PupilPlan, year: int, school: str, grade: int, end: date) -> None:
    """Give a pupil an earlier enrolment at `school` (entered in grade 1, left on `end` in
    `grade`); the current enrolment starts the next day."""
    current = plan.current
    entered = date(year - (current.grade - 1), 9, 1)
    plan.enrolments.insert(0, EnrolmentPlan(school, f"{grade}.a", grade, entered, end))
    current.start = end + timedelta(days=1)
    plan.moved = True


def _add_moves(rng: random.Random, plans: list[PupilPlan], year: int) -> None:
    merged_on, closed_on = history_dates(year)
    old, new, _ = MERGER
    last_year = merged_on.year - 1  # the merged school's last school year
    # pupils of the merged primary school continued at the school it merged into
    shift = year - last_year
    grades = range(max(1, 1 + shift), min(6 + shift, INSTITUTIONS[new].grades[1]) + 1)
    for plan in _sample(rng, _candidates(plans, new, grades), 5):
        _move(plan, year, old, plan.current.grade - shift, merged_on - timedelta(days=1))
    # pupils of the closed school moved to the nearest one in September
    closed, successor, years_back = CLOSURE
    shift = years_back
    for plan in _sample(rng, _candidates(plans, successor, range(1 + shift, 10)), 4):
        _move(plan, year, closed, plan.current.grade - shift, closed_on - timedelta(days=1))
        plan.current.start = date(closed_on.year, 9, 1)
    # some gymnasium pupils came after the 9th grade of a basic school
    for plan in _sample(rng, _candidates(plans, "gimnazija", range(10, 13)), 3):
        entered = year - (plan.current.grade - 10)
        _move(plan, year, rng.choice(("pamatskola1", "ziedkalne")), 9, date(entered, 8, 31))
    # two pupils moved from the other municipality in the middle of last school year and
    # are still declared there
    for plan in _sample(rng, _candidates(plans, "pamatskola1", range(3, 10)), 2):
        _move(plan, year, "u.pamatskola", plan.current.grade - 1, date(year, 1, 9))
        plan.declared = SECOND_CODE


def _sample(rng: random.Random, items: list, k: int) -> list:
    return rng.sample(items, min(k, len(items)))


def _declare(rng: random.Random, plans: list[PupilPlan]) -> None:
    for plan in plans:
        plan.declared = plan.declared or plan.studies_in
    other = {DEMO_CODE: SECOND_CODE, SECOND_CODE: DEMO_CODE}
    for code, count in DECLARED_ELSEWHERE.items():
        pool = [p for p in plans if not p.moved and p.studies_in == code and p.declared == code
                and (code != DEMO_CODE or p.current.school in WIDE_INTAKE)]
        for plan in _sample(rng, pool, count):
            plan.declared = other[code]


def _assign_codes(rng: random.Random, plans: list[PupilPlan]) -> None:
    """Unique, valid codes: old format with unique serials, new format since July 2017."""
    used: set[str] = set()
    serials = list(range(1000))
    rng.shuffle(serials)
    for plan in plans:
        new_format = plan.birth_date >= NEW_FORMAT_SINCE or rng.random() < NEW_FORMAT_CHANGED
        while True:
            if new_format:
                code = make_new_format(rng.randrange(10 ** 9))
            else:
                serial = serials.pop() if serials else rng.randrange(1000)
                code = make_old_format(plan.birth_date, serial)
            if code not in used:
                break
        used.add(code)
        plan.personal_code = code
