"""Staging rows: what a validated preview will write on confirmation. They hold pupil ids, never
personal codes in the clear (a new pupil's code is sealed under the batch's own key, shredded after
the batch is confirmed or discarded). Confirmation copies them with INSERT … SELECT.

On PostgreSQL the tables are UNLOGGED (no write-ahead log: a crash empties them, and confirmation
then refuses, asking for the file again) and have no foreign key: they are written with COPY, millions
of rows at a time, and removed by batch."""
from __future__ import annotations

from datetime import date

from sqlalchemy import DDL, Boolean, Date, Integer, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.extensions import db

NEW, CHANGED = "new", "changed"


class _Staged:
    """Columns every staging row has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(Integer, index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    #: "new" or "changed"
    outcome: Mapped[str] = mapped_column(String(8))
    #: the row it replaces, for "changed"
    target_id: Mapped[int | None] = mapped_column(Integer)


class StagedAbsence(_Staged, db.Model):
    """An absence row waiting for confirmation."""

    __tablename__ = "import_staged_absences"

    municipality_id: Mapped[int] = mapped_column(Integer)
    pupil_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    semester_id: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    lesson: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(20))
    source_record_id: Mapped[str] = mapped_column(String(64))


class StagedTotal(_Staged, db.Model):
    """A semester total waiting for confirmation."""

    __tablename__ = "import_staged_totals"

    municipality_id: Mapped[int] = mapped_column(Integer)
    pupil_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    semester_id: Mapped[int] = mapped_column(Integer)
    lessons_total: Mapped[int] = mapped_column(Integer)
    unexcused: Mapped[int] = mapped_column(Integer)
    excused: Mapped[int] = mapped_column(Integer)


class StagedGrade(_Staged, db.Model):
    """A grade waiting for confirmation."""

    __tablename__ = "import_staged_grades"

    municipality_id: Mapped[int] = mapped_column(Integer)
    pupil_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    school_year: Mapped[str] = mapped_column(String(9))
    period: Mapped[str] = mapped_column(String(4))
    semester_id: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(80))
    subject_key: Mapped[str] = mapped_column(String(80))
    mark: Mapped[str] = mapped_column(String(4))
    value: Mapped[int | None] = mapped_column(Integer)
    failing: Mapped[bool] = mapped_column(Boolean)


class StagedEnrolment(_Staged, db.Model):
    """An enrolment-list row waiting: a new pupil (no pupil_id), a known pupil's enrolment, or a class change."""

    __tablename__ = "import_staged_enrolments"

    pupil_id: Mapped[int | None] = mapped_column(Integer)
    #: a new pupil's personal code, sealed under scope "import:<batch id>"
    personal_code_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    personal_code_index: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    declared_municipality_id: Mapped[int | None] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)


for _model in (StagedAbsence, StagedTotal, StagedGrade, StagedEnrolment):
    event.listen(_model.__table__, "after_create",
                 DDL("ALTER TABLE %(table)s SET UNLOGGED").execute_if(dialect="postgresql"))
