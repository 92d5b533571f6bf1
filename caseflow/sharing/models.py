"""A participating institution of a case: added by the coordinator, or shared across municipalities."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, User


class ParticipantWhy(StrEnum):
    """Why an institution takes part in a case."""

    ADDED_BY_COORDINATOR = "added_by_coordinator"
    SHARED = "shared"


class CaseParticipant(db.Model):
    """An institution that sees a case while the row is active (ended_at is NULL)."""

    __tablename__ = "case_participants"
    __table_args__ = (
        # one active participation per institution and case
        Index("uq_case_participants_active", "case_id", "institution_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_case_participants_institution", "institution_id", "ended_at", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    why: Mapped[str] = mapped_column(String(30))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: AES-GCM ciphertext of the reason given (scope "pupil:<id>")
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    institution: Mapped[Institution] = relationship()
    added_by: Mapped[User] = relationship(foreign_keys=[added_by_id])

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
