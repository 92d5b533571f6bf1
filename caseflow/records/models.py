"""Legal holds, retention runs and the record of which case a run anonymised."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import User


class LegalHold(db.Model):
    """A hold the data-protection officer places on a case: retention leaves the case alone."""

    __tablename__ = "legal_holds"
    __table_args__ = (
        # at most one hold in force per case
        Index("uq_legal_holds_active", "case_id", unique=True,
              sqlite_where=text("released_at IS NULL"), postgresql_where=text("released_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: why the case must be kept (a proceeding's reference), written by the officer; no child data
    reason: Mapped[str] = mapped_column(String(500))
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case = relationship("Case")
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])


class RetentionRun(db.Model):
    """One run of the retention job: when, and how many cases it anonymised or found on hold."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    #: pupils' data keys destroyed by the run
    keys_destroyed: Mapped[int] = mapped_column(Integer, default=0)


class RetentionRecord(db.Model):
    """A case the retention job anonymised (the case row itself stays for the aggregates)."""

    __tablename__ = "retention_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("retention_runs.id"), index=True)
    anonymised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the pupil's data key was destroyed with it (no other record of the pupil was kept)
    key_destroyed: Mapped[bool] = mapped_column(Boolean, default=False)
