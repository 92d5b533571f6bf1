"""The period a metric covers (a school year or one of its semesters) and local-day SQL expressions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Date, Integer, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from caseflow.extensions import db
from caseflow.people.calendar import Semester, school_year_span


class MetricError(ValueError):
    """A metric that cannot be computed as asked: unknown name, malformed school year, missing semester."""


@dataclass(frozen=True)
class Period:
    """A school year, or one semester of it, with its first and last day and its semesters."""

    school_year: str
    semester: int | None
    starts_on: date
    ends_on: date
    #: (semester id, semester number) of the semesters within the period
    semesters: tuple[tuple[int, int], ...]

    @property
    def semester_ids(self) -> tuple[int, ...]:
        return tuple(semester_id for semester_id, _number in self.semesters)

    def moments(self) -> tuple[datetime, datetime]:
        """Local midnight at the start of the period and after its last day (for timestamp columns)."""
        zone = ZoneInfo(time_zone())
        return (datetime.combine(self.starts_on, time(0), tzinfo=zone),
                datetime.combine(self.ends_on + timedelta(days=1), time(0), tzinfo=zone))


def time_zone() -> str:
    """The zone caseflow's users count days in."""
    return current_app.config["TIMEZONE"]


def resolve_period(municipality_id: int, school_year: str, semester: int | None = None) -> Period:
    """The period of a school year ("2024/2025") or of its semester 1 or 2, as the municipality keeps it."""
    span = school_year_span(school_year)
    if span is None:
        raise MetricError(f"not a school year: {school_year!r} (expected e.g. '2024/2025')")
    if semester not in (None, 1, 2):
        raise MetricError(f"a semester is 1 or 2, not {semester!r}")
    rows = db.session.execute(
        select(Semester.id, Semester.number, Semester.starts_on, Semester.ends_on)
        .where(Semester.municipality_id == municipality_id, Semester.school_year == school_year)
        .order_by(Semester.number)).all()
    if semester is None:
        return Period(school_year, None, span[0], span[1], tuple((r.id, r.number) for r in rows))
    chosen = next((r for r in rows if r.number == semester), None)
    if chosen is None:
        raise MetricError(f"the municipality has no semester {semester} of {school_year}")
    return Period(school_year, semester, chosen.starts_on, chosen.ends_on, ((chosen.id, chosen.number),))


class local_date(FunctionElement):  # lower case: used like a SQL function
    """The calendar day in caseflow's zone of a UTC timestamp column: local_date(column, zone)."""

    type = Date()
    name = "local_date"
    inherit_cache = True


class days_between(FunctionElement):  # lower case: used like a SQL function
    """Whole days from the first date to the second: days_between(earlier, later)."""

    type = Integer()
    name = "days_between"
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    moment, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(({moment} AT TIME ZONE 'UTC') AT TIME ZONE {zone} AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"caseflow_local_date({compiler.process(element.clauses, **kw)})"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _sqlite_local_date(stored: str | None, zone: str) -> str | None:
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def enable_local_dates() -> None:
    """Give a SQLite connection the local-day function (PostgreSQL has time zones built in)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.connection.driver_connection.create_function(
            "caseflow_local_date", 2, _sqlite_local_date, deterministic=True)
