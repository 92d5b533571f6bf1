"""Pupils of the generated schools: Latvian names, birth dates that match the grade, valid unique
personal codes (encrypted under each pupil's key, blind-indexed), enrolments and a few earlier schools."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from caseflow.crypto import blind_index
from caseflow.demo.generate.people import CLASS_LETTERS
from caseflow.demo.generate.world import School, SchoolPupil, World
from caseflow.demo.generate.writer import Progress, Writer
from caseflow.demo.names import NameGenerator
from caseflow.demo.pupils import NEW_FORMAT_CHANGED, NEW_FORMAT_SINCE, school_year_start
from caseflow.pupils.models import Enrolment, Pupil, name_key
from caseflow.pupils.personal_code import check_digit, make_new_format

#: share of pupils who came from another school of the municipality in an earlier year
MOVED = 0.04
#: share of pupils declared in another generated municipality (when there is one)
DECLARED_ELSEWHERE = 0.02
#: new-format serials: a multiplier coprime with 10**9 spreads consecutive numbers out
_SPREAD = 7_919


class CodeMaker:
    """Unique valid personal codes: old format by birth date and serial, new format since July 2017."""

    def __init__(self, world: World):
        self.rng = world.rng
        self.per_day: Counter[date] = Counter()
        self.new_serial = world.rng.randrange(10 ** 6)

    def code(self, born: date) -> str:
        if born >= NEW_FORMAT_SINCE or self.rng.random() < NEW_FORMAT_CHANGED:
            self.new_serial += 1
            return make_new_format(self.new_serial * _SPREAD)
        return old_format_code(born, self.per_day)


def old_format_code(born: date, used: Counter) -> str:
    """The next unused valid old-format code of a birth date (serials without a check digit skipped)."""
    century = {1900: "1", 2000: "2"}[born.year // 100 * 100]
    head = f"{born:%d%m}{born.year % 100:02d}{century}"
    while True:
        serial = used[born]
        used[born] += 1
        digit = check_digit(f"{head}{serial % 1000:03d}")
        if digit < 10:
            return f"{head[:6]}-{head[6:]}{serial % 1000:03d}{digit}"


def make_pupils(world: World, writer: Writer, progress: Progress) -> None:
    """Every school's pupils, in school order; each keeps its id, class and enrolment day for cases."""
    rng = world.rng
    names = NameGenerator(rng)
    codes = CodeMaker(world)
    year = school_year_start(world.today)
    municipality_ids = [m.id for m in world.municipalities]
    now = world.epoch
    total = sum(s.pupils_planned for s in world.schools)
    with progress("pupils", total) as advance:
        for municipality in world.municipalities:
            for school in municipality.schools:
                for _ in range(school.pupils_planned):
                    _pupil(world, writer, names, codes, school, municipality.schools, year,
                           municipality_ids, now)
                advance(school.pupils_planned)


def _pupil(world: World, writer: Writer, names: NameGenerator, codes: CodeMaker, school: School,
           neighbours: list[School], year: int, municipality_ids: list[int], now) -> None:
    rng = world.rng
    low, high = school.grades
    grade = rng.randint(low, high)
    vocational = school.kind == "vocational_school"
    older = rng.random() < (0.2 if vocational else 0.04)
    born = date(year - 6 - grade - older, 1, 1) + timedelta(days=rng.randrange(365))
    letter = rng.choice(CLASS_LETTERS_BY_KIND[school.kind])
    class_name = f"{letter}-{grade - 9}" if vocational else f"{grade}.{letter}"
    enrolled_on = date(year - (grade - low), 9, 1)
    person = names.person()
    code = codes.code(born)
    pid = writer.next_id(Pupil)
    declared = school.municipality_id
    if len(municipality_ids) > 1 and rng.random() < DECLARED_ELSEWHERE:
        declared = rng.choice(municipality_ids)
    writer.add(Pupil, {
        "id": pid, "first_name": person.first_name, "last_name": person.last_name,
        "first_name_key": name_key(person.first_name)[:100], "last_name_key": name_key(person.last_name)[:100],
        "birth_date": born, "declared_municipality_id": declared, "created_at": now,
        "created_by_institution_id": school.id,
        "personal_code_enc": writer.seal(code, scope=f"pupil:{pid}", model=Pupil, row_id=pid,
                                         field="personal_code"),
        "personal_code_index": blind_index(code, purpose="personal_code")})
    others = [s for s in neighbours if s is not school and s.grades[0] <= low]
    if grade > low and others and rng.random() < MOVED:
        # an earlier school of the same municipality, left at the end of a school year
        moved_in = year - rng.randint(0, grade - low - 1) if grade - low > 1 else year
        earlier = rng.choice(others)
        writer.add(Enrolment, {
            "id": writer.next_id(Enrolment), "pupil_id": pid, "school_id": earlier.id,
            "class_name": f"{grade - (year - moved_in) - 1}.a", "grade": grade - (year - moved_in) - 1,
            "start_date": enrolled_on, "end_date": date(moved_in, 8, 31)})
        enrolled_on = date(moved_in, 9, 1)
    writer.add(Enrolment, {"id": writer.next_id(Enrolment), "pupil_id": pid, "school_id": school.id,
                           "class_name": class_name, "grade": grade, "start_date": enrolled_on,
                           "end_date": None})
    school.pupils.append(SchoolPupil(pid, class_name, grade, enrolled_on))


CLASS_LETTERS_BY_KIND = {str(kind): letters for kind, letters in CLASS_LETTERS.items()}
