"""School years and semesters of a municipality: data, not code (plans and thresholds use them)."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, local_today, utcnow
from caseflow.extensions import db
from caseflow.people.models import Municipality

SCHOOL_YEAR_PATTERN = re.compile(r"^(\d{4})/(\d{4})$")


def school_year_bounds(school_year: str) -> tuple[int, int] | None:
    """The two calendar years of a school year such as "2025/2026", or None if malformed."""
    match = SCHOOL_YEAR_PATTERN.match(school_year or "")
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    return (first, second) if second == first + 1 else None


def school_year_span(school_year: str) -> tuple[date, date] | None:
    """The first and last day of a school year: 1 September to 31 August (Latvian law)."""
    bounds = school_year_bounds(school_year)
    if bounds is None:
        return None
    return date(bounds[0], 9, 1), date(bounds[1], 8, 31)


def school_year_of(day: date) -> int:
    """The first calendar year of the school year a day falls in (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


class Semester(db.Model):
    """One semester of a school year as a municipality's schools keep it."""

    __tablename__ = "semesters"
    __table_args__ = (UniqueConstraint("municipality_id", "school_year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    #: "2025/2026"
    school_year: Mapped[str] = mapped_column(String(9))
    #: 1 (autumn) or 2 (spring)
    number: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    #: the last day of the semester (inclusive)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()

    def contains(self, day: date) -> bool:
        """True if the day falls within the semester."""
        return self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return f"{self.school_year} / {self.number}"

    @property
    def label(self) -> str:
        """The semester as users read it, in their language (inside a request)."""
        return gettext("%(year)s, semester %(number)s", year=self.school_year, number=self.number)


def semester_on(municipality_id: int, day: date | None = None) -> Semester | None:
    """The municipality's semester that contains the day (today by default), if any."""
    day = day or local_today()
    return db.session.scalar(select(Semester).where(
        Semester.municipality_id == municipality_id, Semester.starts_on <= day,
        Semester.ends_on >= day).limit(1))
