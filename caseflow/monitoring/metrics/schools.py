"""Per-school counts of the metrics that count pupils or cases: one grouped statement each, and the schools
add up to the municipality's figure (a pupil seen at two schools counts once, at the school of the latest row)."""
from __future__ import annotations

from sqlalchemy import Select, func, select

from caseflow.extensions import db

#: school id → count; None holds the rows that name no school
SchoolCounts = dict[int | None, int]


def rows_by_school(row_id, school_id, rows: Select) -> SchoolCounts:
    """Distinct rows (cases, plans) per school; `rows` is a select without columns that picks them."""
    found = db.session.execute(rows.add_columns(school_id, func.count(func.distinct(row_id)))
                               .group_by(school_id)).all()
    return {school: n for school, n in found}


def pupils_by_school(row_id, school_id, pupil_id, rows: Select) -> SchoolCounts:
    """Unique pupils per school, each pupil once at the school of their latest row (the highest id), so
    that the schools add up to the municipality's unique pupils; `rows` picks the rows, without columns."""
    latest = rows.add_columns(func.max(row_id)).group_by(pupil_id)
    table = row_id.table
    found = db.session.execute(select(school_id, func.count()).select_from(table).where(row_id.in_(latest))
                               .group_by(school_id)).all()
    return {school: n for school, n in found}
