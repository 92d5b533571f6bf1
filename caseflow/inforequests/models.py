"""An information request about a pupil on a case, addressed to one institution, and its answer."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, User


class InfoRequestStatus(StrEnum):
    """Open until the addressed institution answers."""

    OPEN = "open"
    ANSWERED = "answered"


class InfoRequest(db.Model):
    """What is asked, why and by when; the texts sealed under the pupil's scope."""

    __tablename__ = "info_requests"
    __table_args__ = (
        Index("ix_info_requests_queue", "institution_id", "status", "due_on", "id"),
        Index("ix_info_requests_asker", "asker_institution_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: the institution asked, and the one asking
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    asker_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: AES-GCM ciphertexts (scope "pupil:<id>") of what is asked and why
    question_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    purpose_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=InfoRequestStatus.OPEN)
    #: AES-GCM ciphertext of the answer (same scope)
    answer_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the last reminder sent ("due", "overdue") and when, so each goes out once
    last_reminder: Mapped[str | None] = mapped_column(String(20))
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    institution: Mapped[Institution] = relationship(foreign_keys=[institution_id])
    asker_institution: Mapped[Institution] = relationship(foreign_keys=[asker_institution_id])
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    case = relationship("Case")

    @property
    def text_scope(self) -> str:
        """The encryption scope of the request's texts: the pupil's."""
        return f"pupil:{self.case.pupil_id}"
