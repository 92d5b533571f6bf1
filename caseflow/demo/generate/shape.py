"""How big and how skewed the generated data are: Riga's figures at scale 1, the country at 3.5."""
from __future__ import annotations

import math
from dataclasses import dataclass

#: Riga (DOMAIN.md, "Scale"; issue #9): what scale 1 means
RIGA_PUPILS = 70_000
RIGA_SCHOOLS = 100
CASES_PER_PUPIL = 100_000 / RIGA_PUPILS
SESSIONS_PER_PUPIL = 2_000 / RIGA_PUPILS
AUDIT_PER_PUPIL = 1_000_000 / RIGA_PUPILS
#: Latvia: 43 municipalities; scale 3.5 is the whole country (Riga and 42 others)
COUNTRY_SCALE = 3.5
OTHER_MUNICIPALITIES = 42
SCHOOL_YEARS = 4

#: share of cases the school refers to the cooperation group
REFERRED_SHARE = 0.2
#: hearings of a referred case, on average (first hearing and evaluations)
HEARINGS_PER_REFERRAL = 2.5
#: actions agreed per heard case item, on average (about 300,000 actions for 100,000 cases)
ACTIONS_PER_ITEM = 7
#: share of cases that get support plans (one per semester the case is open, up to two)
PLANNED_SHARE = 0.45

#: accounts per school and pupils per account (Riga: ~127 social-pedagogue posts for 68,558 pupils)
PUPILS_PER_SOCIAL_PEDAGOGUE = 540
PUPILS_PER_SUPPORT_SPECIALIST = 250
PUPILS_PER_TEACHER_ACCOUNT = 60
#: a second head (a deputy) in schools with more pupils than this
DEPUTY_FROM_PUPILS = 600
#: accounts outside schools for Riga at scale 1, by role (municipal and state institutions)
MUNICIPAL_ACCOUNTS = {
    "coordinator": 6, "analyst": 3, "dpo": 2, "admin": 2, "social_worker": 120,
    "orphans_court": 30, "municipal_police": 40, "state_police": 40,
}


@dataclass(frozen=True)
class MunicipalityShape:
    """One generated municipality: its number, pupils, schools and whether it is the capital."""

    number: int
    pupils: int
    schools: int
    #: the municipality's share of a Riga-sized municipality's staff outside schools
    weight: float

    @property
    def is_capital(self) -> bool:
        return self.number == 1


@dataclass(frozen=True)
class Shape:
    """All sizes of one generation."""

    scale: float
    municipalities: tuple[MunicipalityShape, ...]

    @property
    def pupils(self) -> int:
        return sum(m.pupils for m in self.municipalities)

    @property
    def schools(self) -> int:
        return sum(m.schools for m in self.municipalities)

    @property
    def cases(self) -> int:
        return round(self.pupils * CASES_PER_PUPIL)

    @property
    def sessions(self) -> int:
        return max(len(self.municipalities) * SCHOOL_YEARS, round(self.pupils * SESSIONS_PER_PUPIL))

    @property
    def audit_entries(self) -> int:
        return round(self.pupils * AUDIT_PER_PUPIL)


def _municipality(number: int, pupils: int, weight: float) -> MunicipalityShape:
    schools = max(2, round(pupils * RIGA_SCHOOLS / RIGA_PUPILS))
    return MunicipalityShape(number, pupils, schools, weight)


def shape_for(scale: float) -> Shape:
    """The sizes for a scale: up to 1 a part of Riga; above 1 Riga and a share of the other 42."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    capital = _municipality(1, max(20, round(RIGA_PUPILS * min(scale, 1.0))), min(scale, 1.0))
    if scale <= 1:
        return Shape(scale, (capital,))
    others = min(OTHER_MUNICIPALITIES,
                 max(1, round((scale - 1) / (COUNTRY_SCALE - 1) * OTHER_MUNICIPALITIES)))
    rest = round(RIGA_PUPILS * (scale - 1))
    each = math.ceil(rest / others)
    return Shape(scale, (capital,) + tuple(
        _municipality(n + 2, min(each, rest - n * each), 0.08) for n in range(others)))
