"""Run a periodic job once per period across every worker process: the first to claim wins."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.notify.models import JobLease

KEEP_DAYS = 7


def holder() -> str:
    """This process, as named in the lease it holds."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(job: str, period: str) -> bool:
    """Claim `job` for `period`; True for exactly one caller. Committed at once on its own
    connection, so every other worker sees the claim before it decides."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(JobLease).values(job=job, period=period, claimed_at=utcnow(), holder=holder())
    with db.engine.begin() as connection:
        won = connection.execute(statement.on_conflict_do_nothing(index_elements=["job", "period"])
                                 .returning(JobLease.job)).first()
    return won is not None


def release(job: str, period: str) -> None:
    """Give a claim back after the job failed, so the next cycle of any worker tries again."""
    with db.engine.begin() as connection:
        connection.execute(delete(JobLease).where(JobLease.job == job, JobLease.period == period))


def five_minute_slot(moment: datetime) -> str:
    """The five-minute slot (UTC) a moment falls in, e.g. "2026-12-03T14:05"."""
    return moment.strftime("%Y-%m-%dT%H:") + f"{moment.minute // 5 * 5:02d}"


def purge_old() -> int:
    """Delete leases older than a week (run by the daily job)."""
    cutoff = utcnow() - timedelta(days=KEEP_DAYS)
    return db.session.execute(delete(JobLease).where(JobLease.claimed_at < cutoff)).rowcount
