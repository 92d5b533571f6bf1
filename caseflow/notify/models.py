"""The outbox table."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db


class OutboxMessage(db.Model):
    """An e-mail waiting for (or done with) delivery. Bodies carry no child data."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: optional calendar attachment (text/calendar)
    ics: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when delivery was given up after the last attempt
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class JobLease(db.Model):
    """A periodic job's claim on one period (a Riga day, a five-minute slot): the first worker to
    insert the row runs the job, every other worker skips it."""

    __tablename__ = "job_leases"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: the period the job ran for, e.g. "2026-12-03" or "2026-12-03T14:05"
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: host and process id of the worker that claimed it
    holder: Mapped[str] = mapped_column(String(120))
