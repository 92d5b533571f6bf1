"""Emergency grants (break-the-glass) and alerts of unusual access."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.cases.models import Case
from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, User


class GrantReason(StrEnum):
    """Why someone broke the glass."""

    LIFE_OR_HEALTH = "life_or_health"
    CRIME_IN_PROGRESS = "crime_in_progress"
    CHILD_WITHOUT_CARE = "child_without_care"
    OTHER = "other"


class ReviewOutcome(StrEnum):
    """The data-protection officer's finding about a grant."""

    JUSTIFIED = "justified"
    NOT_JUSTIFIED = "not_justified"


class EmergencyGrant(db.Model):
    """Sight of one case for one user for a short time, given without taking part; always reviewed."""

    __tablename__ = "emergency_grants"
    __table_args__ = (
        # the policy's check: this user's unexpired grant for this case
        Index("ix_emergency_grants_user_case", "user_id", "case_id", "expires_at"),
        # the review queue: waiting ones, oldest first
        Index("ix_emergency_grants_review", "reviewed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the institution the user acted for when asking
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    #: AES-GCM ciphertext of the written justification (scope "pupil:<id>")
    justification_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: ReviewOutcome once reviewed
    outcome: Mapped[str | None] = mapped_column(String(20))
    #: the officer's note (about the grantee's conduct, not the child)
    review_note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    institution: Mapped[Institution] = relationship()
    case: Mapped[Case] = relationship()
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


class AccessAlert(db.Model):
    """One user opened the cases of many different children within one window of time."""

    __tablename__ = "access_alerts"
    __table_args__ = (
        # one alert per user per window, however often the detector runs
        UniqueConstraint("user_id", "window_start", name="uq_access_alerts_user_window"),
        Index("ix_access_alerts_open", "reviewed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the municipality whose thresholds were crossed (of the user's institution when reading)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    #: different children whose data the user read within the window
    pupil_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
