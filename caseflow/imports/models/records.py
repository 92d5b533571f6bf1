"""The imported school data: daily absences, semester totals and grades. Signals read these by
pupil and semester, and by school and semester (see the indexes)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db


class AbsenceKind(StrEnum):
    """caseflow's kinds of absence; a source's own marks map to these (municipal setting)."""

    UNEXCUSED = "unexcused"
    ILLNESS = "illness"
    EXCUSED_OTHER = "excused_other"
    LATE = "late"


class AbsenceRecord(db.Model):
    """One lesson a pupil missed or was late for, as the school's diary recorded it."""

    __tablename__ = "absence_records"
    __table_args__ = (
        # the natural key: a source's record id is imported once per municipality
        UniqueConstraint("municipality_id", "source", "source_record_id",
                         name="uq_absence_records_source_record"),
        # a pupil's days (history, subject access); signals scan a municipality's semester whole
        Index("ix_absence_records_pupil_day", "pupil_id", "day"),
    )

    # Millions of rows a semester, written only by a confirmed import that resolved every reference:
    # no foreign keys (each costs a look-up per inserted row; caseflow never deletes pupils — retention
    # anonymises them —, municipalities, schools, semesters or batches). See docs/decisions.md, 21.
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(Integer)
    pupil_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    semester_id: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    #: lesson number of the day (0 is the "zero lesson" some schools keep)
    lesson: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    #: viis, eklase, mykoob, manual … (lower case)
    source: Mapped[str] = mapped_column(String(20))
    source_record_id: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbsenceTotal(db.Model):
    """A pupil's lessons and missed lessons in one semester at one school (a later import replaces them)."""

    __tablename__ = "absence_totals"
    __table_args__ = (
        UniqueConstraint("pupil_id", "school_id", "semester_id", name="uq_absence_totals_pupil_school_semester"),
        Index("ix_absence_totals_school_semester", "school_id", "semester_id"),
        Index("ix_absence_totals_municipality_semester", "municipality_id", "semester_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    semester_id: Mapped[int] = mapped_column(ForeignKey("semesters.id"))
    lessons_total: Mapped[int] = mapped_column(Integer)
    unexcused: Mapped[int] = mapped_column(Integer)
    excused: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GradeRecord(db.Model):
    """A pupil's grade in a subject for a period (semester 1, semester 2 or the year)."""

    __tablename__ = "grade_records"
    __table_args__ = (
        UniqueConstraint("pupil_id", "school_id", "school_year", "period", "subject_key",
                         name="uq_grade_records_pupil_period_subject"),
        Index("ix_grade_records_pupil_year", "pupil_id", "school_year", "period"),
        Index("ix_grade_records_school_year", "school_id", "school_year", "period", "failing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: "2025/2026"
    school_year: Mapped[str] = mapped_column(String(9))
    #: "1", "2" (semesters) or "year"
    period: Mapped[str] = mapped_column(String(4))
    #: the semester of periods "1" and "2" (None for the year grade)
    semester_id: Mapped[int | None] = mapped_column(ForeignKey("semesters.id"))
    subject: Mapped[str] = mapped_column(String(80))
    #: name_key(subject): the same subject however it is capitalised or accented
    subject_key: Mapped[str] = mapped_column(String(80))
    #: "1"–"10", "i" (ieskaitīts), "ni" (neieskaitīts), "nv" (nav vērtējuma), or a level S/T/A/P
    mark: Mapped[str] = mapped_column(String(4))
    #: the numeric grade 1–10 (None for the other marks)
    value: Mapped[int | None] = mapped_column(Integer)
    #: 1–3, "neieskaitīts" and "nav vērtējuma" are failing
    failing: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassRecord(db.Model):
    """A pupil's class in one school year as an enrolment list gave it: the history early warning reads a
    repeated grade from (an enrolment keeps only its latest class)."""

    __tablename__ = "class_records"
    __table_args__ = (
        UniqueConstraint("pupil_id", "school_year", name="uq_class_records_pupil_year"),
        Index("ix_class_records_school_year", "school_id", "school_year"),
        Index("ix_class_records_municipality_year", "municipality_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: "2026/2027"
    school_year: Mapped[str] = mapped_column(String(9))
    class_name: Mapped[str] = mapped_column(String(20))
    #: 0–12 (None when the class name does not start with one)
    grade: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
