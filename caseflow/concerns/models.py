"""A concern reported about a pupil, waiting in an inbox until someone acts on it."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, User
from caseflow.pupils.models import Pupil


class ConcernStatus(StrEnum):
    """What became of a concern (the reporter sees only this)."""

    NEW = "new"
    CASE_OPENED = "case_opened"
    ADDED_TO_CASE = "added_to_case"
    FORWARDED = "forwarded"
    NO_ACTION = "no_action"


class Concern(db.Model):
    """What someone noticed about a pupil and since when, for a school's or the coordinator's inbox."""

    __tablename__ = "concerns"
    __table_args__ = (
        Index("ix_concerns_school_inbox", "school_id", "status", "id"),
        Index("ix_concerns_municipality_inbox", "municipality_id", "status", "id"),
        Index("ix_concerns_reporter", "reported_by_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    #: the school whose inbox holds it; None while it waits in the coordinator's inbox
    school_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    #: the pupil, when the reporter could choose them (school staff); None for outside reports
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id"), index=True)
    #: AES-GCM ciphertext: who the child is, as an outside reporter wrote it
    pupil_described_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: AES-GCM ciphertext: what was noticed
    noticed_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    noticed_since: Mapped[date | None] = mapped_column(Date)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_by_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=ConcernStatus.NEW)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: AES-GCM ciphertext: why no action was taken
    response_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: when the coordinator forwarded an outside report to a school's inbox, and who did
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: AES-GCM ciphertext: the coordinator's remark to the school when forwarding (kept apart from
    #: response_enc so that the school's own answer does not overwrite it)
    forward_remark_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    pupil: Mapped[Pupil | None] = relationship()
    school: Mapped[Institution | None] = relationship(foreign_keys=[school_id])
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    reported_by_institution: Mapped[Institution] = relationship(foreign_keys=[reported_by_institution_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    forwarded_by: Mapped[User | None] = relationship(foreign_keys=[forwarded_by_id])

    @property
    def scope(self) -> str:
        """The encryption scope of its texts: the pupil's when known, else the municipality's."""
        return f"pupil:{self.pupil_id}" if self.pupil_id else f"municipality:{self.municipality_id}"
