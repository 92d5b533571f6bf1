"""Child-rights cooperation groups and their members (sessions and agendas come later)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality, User


class GroupLevel(StrEnum):
    """Where a group sits; Riga runs two levels and escalates from specialists to management."""

    SINGLE = "single"
    SPECIALISTS = "specialists"
    MANAGEMENT = "management"


class MeasuresAre(StrEnum):
    """Whether the group's agreed measures are decisions or recommendations (Daugavpils)."""

    DECIDED = "decided"
    RECOMMENDED = "recommended"


class MemberKind(StrEnum):
    """A seat's standing in the group."""

    MEMBER = "member"
    ADVISORY = "advisory"


class CooperationGroup(db.Model):
    """A child-rights cooperation group (Cabinet Regulation No. 545), possibly joint."""

    __tablename__ = "cooperation_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the municipality that founded the group (a joint group lists the others in group_municipalities)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    level: Mapped[str] = mapped_column(String(20), default=GroupLevel.SINGLE)
    #: the group a case escalates to (Riga: specialists' group → management group)
    escalates_to_id: Mapped[int | None] = mapped_column(ForeignKey("cooperation_groups.id"))
    measures_are: Mapped[str] = mapped_column(String(20), default=MeasuresAre.RECOMMENDED)
    founding_decision_date: Mapped[date | None] = mapped_column(Date)
    founding_decision_number: Mapped[str | None] = mapped_column(String(60))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship()
    escalates_to: Mapped[CooperationGroup | None] = relationship(remote_side=[id])
    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", order_by="GroupMember.id", cascade="all, delete-orphan")
    municipalities: Mapped[list[GroupMunicipality]] = relationship(cascade="all, delete-orphan")


class GroupMunicipality(db.Model):
    """A municipality served by a joint group (the founder is listed too)."""

    __tablename__ = "group_municipalities"
    __table_args__ = (UniqueConstraint("group_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))

    municipality: Mapped[Municipality] = relationship()


class GroupMember(db.Model):
    """A seat in a group: an institution, the office that sits in it, optionally a named person."""

    __tablename__ = "group_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: the seat's office, e.g. "Sociālā dienesta vadītājs"
    office: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default=MemberKind.MEMBER)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    term_from: Mapped[date | None] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)

    group: Mapped[CooperationGroup] = relationship(back_populates="members")
    institution: Mapped[Institution] = relationship()
    user: Mapped[User | None] = relationship()
