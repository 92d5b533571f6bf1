"""A case about a pupil and what hangs on it: categories, risk factors, parties, team, timeline,
notes (versioned, encrypted) and referrals to the cooperation group."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.cases.taxonomy import ListEntry, RiskItem
from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup
from caseflow.people.models import Institution, User
from caseflow.pupils.models import Pupil


class CaseStatus(StrEnum):
    """Where a case stands."""

    OPEN = "open"
    REFERRED = "referred"
    CLOSED = "closed"


class Case(db.Model):
    """A case a school opens about one pupil (and often their family)."""

    __tablename__ = "cases"
    __table_args__ = (
        # one open (or referred) case per pupil per school
        Index("uq_cases_open_per_school", "pupil_id", "school_id", unique=True,
              sqlite_where=text("status != 'closed'"), postgresql_where=text("status != 'closed'")),
        Index("ix_cases_school_list", "school_id", "status", "id"),
        Index("ix_cases_municipality_list", "municipality_id", "status", "id"),
        # the work list's sort orders: a list that reaches much of the table (the coordinator's) walks one
        Index("ix_cases_updated", "updated_at", "id"),
        Index("ix_cases_opened", "opened_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    #: the institution that owns the case (the pupil's school)
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    #: the pupil's class when the case was opened, e.g. "7.b"
    class_name: Mapped[str | None] = mapped_column(String(20))
    #: the case concerns the whole family, not only the pupil
    concerns_family: Mapped[bool] = mapped_column(Boolean, default=False)
    #: AES-GCM ciphertext of the summary (scope "pupil:<id>")
    summary_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: the latest referral was urgent (kept here for the work-list filter)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the colleague who leads the case at the school (usually the social pedagogue)
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("list_entries.id"))
    dropout_reason_id: Mapped[int | None] = mapped_column(ForeignKey("list_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: last change of anything on the case (work lists sort by it)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pupil: Mapped[Pupil] = relationship()
    school: Mapped[Institution] = relationship()
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_user_id])
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    outcome: Mapped[ListEntry | None] = relationship(foreign_keys=[outcome_id])
    dropout_reason: Mapped[ListEntry | None] = relationship(foreign_keys=[dropout_reason_id])
    entries: Mapped[list[CaseEntry]] = relationship(cascade="all, delete-orphan")
    risk_factors: Mapped[list[CaseRiskFactor]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseRiskFactor.id")
    parties: Mapped[list[CaseParty]] = relationship(cascade="all, delete-orphan", order_by="CaseParty.id")
    team: Mapped[list[CaseTeamMember]] = relationship(cascade="all, delete-orphan",
                                                      order_by="CaseTeamMember.id")

    @property
    def number(self) -> str:
        """The case's reference as people quote it."""
        return f"L-{self.id:06d}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def entries_of(self, kind: str) -> list[ListEntry]:
        """The case's categories or ways of noticing (by list kind), in list order."""
        return sorted((e.entry for e in self.entries if e.entry.kind == kind), key=lambda e: e.position)


class CaseEntry(db.Model):
    """A list entry ticked on a case: a category or a way the risk was noticed."""

    __tablename__ = "case_entries"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"), primary_key=True, index=True)

    entry: Mapped[ListEntry] = relationship(lazy="joined")


class CaseRiskFactor(db.Model):
    """A risk factor recorded on a case, with an encrypted description ("other" requires one)."""

    __tablename__ = "case_risk_factors"
    __table_args__ = (UniqueConstraint("case_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("risk_items.id"), index=True)
    #: AES-GCM ciphertext of the free-text description (scope "pupil:<id>")
    description_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_on: Mapped[date] = mapped_column(Date)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="risk_factors")
    item: Mapped[RiskItem] = relationship(lazy="joined")


class PartyKind(StrEnum):
    """How a party is related to the pupil."""

    MOTHER = "mother"
    FATHER = "father"
    GUARDIAN = "guardian"
    FOSTER_PARENT = "foster_parent"
    RELATIVE = "relative"
    OTHER = "other"


class CaseParty(db.Model):
    """A parent, legal representative or other person the case concerns."""

    __tablename__ = "case_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    full_name: Mapped[str] = mapped_column(String(200))
    is_legal_representative: Mapped[bool] = mapped_column(Boolean, default=False)
    #: AES-GCM ciphertext of JSON {"phone", "email", "address"} (scope "pupil:<id>")
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when the party no longer belongs to the case (kept for the timeline)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseTeamMember(db.Model):
    """A colleague of the school's support team working on the case."""

    __tablename__ = "case_team"
    __table_args__ = (Index("ix_case_team_user", "user_id", "removed_at", "case_id"),
                      UniqueConstraint("case_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: what the colleague does on the case, e.g. "psychologist"
    task: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CaseEvent(db.Model):
    """One line of a case's timeline. Never holds sensitive text: that stays in its encrypted row."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: e.g. "opened", "risk_factors_changed", "note_added", "referred", "closed"
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    #: what changed, by code and id only (e.g. {"plan_id": 4})
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    #: AES-GCM ciphertext of a reason or remark given with the step (scope "pupil:<id>")
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    user: Mapped[User | None] = relationship()
    institution: Mapped[Institution | None] = relationship()


class NoteKind(StrEnum):
    """A note's kind; sensitive kinds are readable only by the roles the policy names."""

    GENERAL = "general"
    CONVERSATION = "conversation"
    HEALTH = "health"
    VIOLENCE = "violence"
    ADDICTION = "addiction"
    POLICE = "police"


class NoteVisibility(StrEnum):
    """Who besides the policy's sensitive-kind rule may read a note."""

    INSTITUTION = "institution"
    TEAM = "team"


class Note(db.Model):
    """One version of a note. A correction is a new row that supersedes the previous one."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_case_current", "case_id", "superseded_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    #: the first version's id (equal to id for a first version)
    root_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(20), default=NoteKind.GENERAL)
    visibility: Mapped[str] = mapped_column(String(20), default=NoteVisibility.TEAM)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: AES-GCM ciphertext of the text (scope "pupil:<id>")
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a newer version replaced this one (the text itself is never changed)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship()
    author_institution: Mapped[Institution] = relationship()


class ReferralStatus(StrEnum):
    """A referral's way through the coordinator."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Referral(db.Model):
    """A school's referral of a case to the cooperation group."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_group_status", "group_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"))
    status: Mapped[str] = mapped_column(String(20), default=ReferralStatus.SUBMITTED)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    #: AES-GCM ciphertext: what the school tried and with what result (scope "pupil:<id>")
    tried_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: AES-GCM ciphertext: what the school asks the group for
    request_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: AES-GCM ciphertext of the reason a referral was returned
    return_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    case: Mapped[Case] = relationship()
    group: Mapped[CooperationGroup] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
