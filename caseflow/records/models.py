"""Legal holds, retention runs and the record of what each run anonymised."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
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
    """One run of the retention job: when, what it anonymised or found on hold, per municipality."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: records anonymised and records a legal hold kept, over every municipality and category
    anonymised: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    #: pupils' data keys destroyed by the run
    keys_destroyed: Mapped[int] = mapped_column(Integer, default=0)
    #: {"<municipality id>": {"<category>": [anonymised, held]}} — an officer is shown their municipality's part
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    def part(self, municipality_ids) -> dict[str, tuple[int, int]]:
        """Category → (anonymised, held) summed over the given municipalities."""
        totals: dict[str, tuple[int, int]] = {}
        for municipality_id in municipality_ids:
            for category, (anonymised, held) in (self.summary or {}).get(str(municipality_id), {}).items():
                before = totals.get(category, (0, 0))
                totals[category] = (before[0] + anonymised, before[1] + held)
        return totals


class RetentionRecord(db.Model):
    """A record the retention job anonymised (its row stays for the aggregates), or a pupil whose
    data key it destroyed and whose registry entry it blanked (category "pupil")."""

    __tablename__ = "retention_records"
    __table_args__ = (UniqueConstraint("category", "object_id", name="uq_retention_records_category_object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a code of caseflow.records.services.retention_categories (case, concern, plan, …) or "pupil"
    category: Mapped[str] = mapped_column(String(30))
    #: the id of the anonymised row in the category's table
    object_id: Mapped[int] = mapped_column(Integer)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    #: the pupil the record was about (None for an outside report never matched to a pupil)
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("retention_runs.id"), index=True)
    anonymised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
