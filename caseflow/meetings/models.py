"""Child-rights cooperation groups, their members, sessions, agendas, attendance, requests and minutes."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
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


# --- sessions ------------------------------------------------------------------------------------

class SessionKind(StrEnum):
    """A session called in the usual course, or at once for an urgent case."""

    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"


class SessionStatus(StrEnum):
    """Where a session stands: planned (proposed extraordinary sessions too), held, minutes approved."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    HELD = "held"
    APPROVED = "approved"
    CANCELLED = "cancelled"


#: sessions whose agenda is still open (a case may stand on one of them per group)
OPEN_SESSION_STATUSES = (SessionStatus.PROPOSED, SessionStatus.PLANNED)


class GroupSession(db.Model):
    """A session (sēde) of a cooperation group."""

    __tablename__ = "group_sessions"
    __table_args__ = (Index("ix_group_sessions_group_start", "group_id", "starts_at"),
                      UniqueConstraint("uid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"))
    #: the group's founding municipality, copied for scopes and partitioning
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=SessionKind.REGULAR)
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.PLANNED)
    #: the session's number within its group and year, e.g. 7 (shown as "2026/7")
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    video_link: Mapped[str | None] = mapped_column(String(500))
    #: the calendar invitation's UID (stable across updates) and SEQUENCE (raised by each change)
    uid: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    invitations_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    group: Mapped[CooperationGroup] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", order_by="AgendaItem.position", cascade="all, delete-orphan")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="session", order_by="Attendance.id", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        """The session's number as minutes name it: year/number."""
        return f"{self.starts_at.year}/{self.number}"


class ItemKind(StrEnum):
    """An agenda item about one case, or a policy item about no child."""

    CASE = "case"
    POLICY = "policy"


class ItemReason(StrEnum):
    """Why an item is on the agenda (what proposed it)."""

    REFERRAL = "referral"
    EVALUATION = "evaluation"
    OVERDUE = "overdue"
    CARRIED_OVER = "carried_over"
    REQUEST = "request"
    ESCALATED = "escalated"
    ADDED = "added"


class ItemOutcome(StrEnum):
    """What the group agreed for an item."""

    CONTINUE = "continue"
    NEW_MEASURES = "new_measures"
    SUPPORT_PROGRAMME = "support_programme"
    CORRECTION_PROGRAMME = "correction_programme"
    ESCALATE = "escalate"
    RECOMMEND_CLOSING = "recommend_closing"
    CARRY_OVER = "carry_over"


class AgendaItem(db.Model):
    """One item of a session's agenda: a case to hear, or a policy item."""

    __tablename__ = "agenda_items"
    __table_args__ = (Index("ix_agenda_items_case", "case_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default=ItemKind.CASE)
    reason: Mapped[str] = mapped_column(String(20), default=ItemReason.ADDED)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("session_requests.id"))
    #: a policy item's title (about no child, so plain text)
    title: Mapped[str | None] = mapped_column(String(300))
    #: AES-GCM ciphertext of what was heard and discussed (case items: scope "pupil:<id>")
    discussion_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    outcome: Mapped[str | None] = mapped_column(String(30))
    #: when the group evaluates the result next: the case returns to an agenda before it
    next_evaluation_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    session: Mapped[GroupSession] = relationship(back_populates="items")
    case = relationship("Case")
    referral = relationship("Referral")
    reports: Mapped[list[ItemReport]] = relationship(
        back_populates="item", order_by="ItemReport.id", cascade="all, delete-orphan")


class ItemReport(db.Model):
    """What one institution reported on an agenda item."""

    __tablename__ = "agenda_item_reports"
    __table_args__ = (UniqueConstraint("item_id", "institution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: AES-GCM ciphertext (scope "pupil:<id>" for case items)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    item: Mapped[AgendaItem] = relationship(back_populates="reports")
    institution: Mapped[Institution] = relationship()


class AttendeeKind(StrEnum):
    """A seat of the group, or a person invited to be heard."""

    MEMBER = "member"
    ADVISORY = "advisory"
    PUPIL = "pupil"
    PARENT = "parent"
    SCHOOL_STAFF = "school_staff"
    OTHER = "other"


class Presence(StrEnum):
    """Whether an attendee came."""

    INVITED = "invited"
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(db.Model):
    """An invitee of a session: a seat (member or advisory) or an invited person."""

    __tablename__ = "session_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("group_members.id"))
    kind: Mapped[str] = mapped_column(String(20), default=AttendeeKind.MEMBER)
    #: an invited person's name and address, or the seat's person when named
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    #: the agenda item an invited person is heard on
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    presence: Mapped[str] = mapped_column(String(20), default=Presence.INVITED)
    heard: Mapped[bool] = mapped_column(Boolean, default=False)
    #: when the invitation e-mail (with its calendar file) was queued to this invitee
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[GroupSession] = relationship(back_populates="attendance")
    member: Mapped[GroupMember | None] = relationship()
    institution: Mapped[Institution | None] = relationship()


# --- requests ------------------------------------------------------------------------------------

class RequesterKind(StrEnum):
    """Who asks for a case to be heard (parents' requests are entered by staff)."""

    MEMBER = "member"
    SCHOOL_ADMINISTRATION = "school_administration"
    TEACHER = "teacher"
    SOCIAL_PEDAGOGUE = "social_pedagogue"
    PARENTS = "parents"
    OTHER = "other"


class RequestStatus(StrEnum):
    """Where a request stands."""

    OPEN = "open"
    SCHEDULED = "scheduled"
    DECLINED = "declined"


class SessionRequest(db.Model):
    """A request (iesniegums) that a group hear a case, with reasons."""

    __tablename__ = "session_requests"
    __table_args__ = (Index("ix_session_requests_group_status", "group_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    requester_kind: Mapped[str] = mapped_column(String(30))
    #: who the request is from when staff enter it for parents or others (plain: a name)
    requested_for: Mapped[str | None] = mapped_column(String(200))
    #: AES-GCM ciphertext of the reasons (scope "pupil:<id>")
    reasons_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN)
    #: AES-GCM ciphertext of why the chair declined it
    decline_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: when and by whom the chair declined it or put it on an agenda
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    group: Mapped[CooperationGroup] = relationship()
    case = relationship("Case")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])


# --- minutes -------------------------------------------------------------------------------------

class Minutes(db.Model):
    """A session's minutes (protokols): drafted from the record, edited, approved and locked."""

    __tablename__ = "session_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"), unique=True)
    #: AES-GCM ciphertext of the minutes' general part: opening, policy items, closing (scope
    #: "group:<id>"); what concerns a child stays in its agenda item, sealed under the pupil's key
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[GroupSession] = relationship()
    addenda: Mapped[list[MinutesAddendum]] = relationship(order_by="MinutesAddendum.id")


class MinutesAddendum(db.Model):
    """A correction to approved minutes; the approved text is never changed."""

    __tablename__ = "minutes_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("session_minutes.id"), index=True)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
