"""Signals (recomputed by the worker), dismissals, notices already sent and the computation runs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db


class WarningSignal(db.Model):
    """One rule that fired for one pupil on the latest data: which rule, on which data, how far over."""

    __tablename__ = "warning_signals"
    __table_args__ = (
        Index("ix_warning_signals_school", "school_id", "pupil_id"),
        Index("ix_warning_signals_municipality_rule", "municipality_id", "rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    #: the school whose data fired the rule (None for a declared child enrolled nowhere)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    #: rules.RULES key
    rule: Mapped[str] = mapped_column(String(30))
    #: the semester the data belong to (None for rules about enrolment)
    semester_id: Mapped[int | None] = mapped_column(ForeignKey("semesters.id"))
    #: the measured value (lessons, days, per cent, grades) and the threshold it reached
    value: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)
    #: the data the rule read (numbers and dates only, never text): shown as "why"
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WarningDismissal(db.Model):
    """A school's decision that a rule's signal for a pupil in a semester needs no case (with a reason)."""

    __tablename__ = "warning_dismissals"
    __table_args__ = (
        UniqueConstraint("pupil_id", "school_id", "rule", "semester_key", name="uq_warning_dismissals"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    rule: Mapped[str] = mapped_column(String(30))
    #: the semester's id, or 0 for rules without one (a unique key cannot hold NULLs portably)
    semester_key: Mapped[int] = mapped_column(Integer, default=0)
    #: AES-GCM ciphertext of the reason (scope "pupil:<id>")
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WarningNotice(db.Model):
    """The municipality was told once that a pupil crossed its notification threshold in a semester."""

    __tablename__ = "warning_notices"
    __table_args__ = (UniqueConstraint("pupil_id", "semester_id", name="uq_warning_notices_pupil_semester"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    semester_id: Mapped[int] = mapped_column(ForeignKey("semesters.id"))
    unexcused: Mapped[int] = mapped_column(Integer)
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WarningRun(db.Model):
    """One computation of a municipality's signals: when, on which semester, how many, how long."""

    __tablename__ = "warning_runs"
    __table_args__ = (Index("ix_warning_runs_municipality", "municipality_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    semester_id: Mapped[int | None] = mapped_column(ForeignKey("semesters.id"))
    #: the Riga day the rules were judged on
    as_of: Mapped[date] = mapped_column(Date)
    signals: Mapped[int] = mapped_column(Integer, default=0)
    pupils: Mapped[int] = mapped_column(Integer, default=0)
    notices: Mapped[int] = mapped_column(Integer, default=0)
    milliseconds: Mapped[int] = mapped_column(Integer, default=0)
    #: "worker" or the user id's string that asked for it
    started_by: Mapped[str] = mapped_column(String(20), default="worker")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
