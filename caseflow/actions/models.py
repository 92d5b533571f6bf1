"""An action the group assigned to an institution, and the follow-up logged on it."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, User


class ActionStatus(StrEnum):
    """An action's way through its institution's queue."""

    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANNOT = "cannot"


#: statuses of actions still to be carried out (deadlines and reminders apply)
OPEN_ACTION_STATUSES = (ActionStatus.NEW, ActionStatus.ACCEPTED, ActionStatus.IN_PROGRESS)
#: SQL: the action is still to be carried out (the predicate of the partial index of open deadlines)
IS_OPEN_SQL = f"status IN ({', '.join(repr(str(status)) for status in OPEN_ACTION_STATUSES)})"
#: columns that row security and the chair's board read, carried in the board's indexes so that counting
#: the actions of a group reads the index alone
BOARD_COLUMNS = ["group_id", "institution_id", "case_id", "municipality_id", "supervisor_institution_id"]


class Action(db.Model):
    """An agreed measure assigned to an institution (and optionally a person) with a deadline."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_institution_queue", "institution_id", "status", "due_on", "id"),
        Index("ix_actions_municipality_due", "municipality_id", "status", "due_on", "id"),
        Index("ix_actions_case", "case_id", "status"),
        # the control board: a group's actions by status and deadline, and every open action by deadline
        Index("ix_actions_group_due", "group_id", "status", "due_on", "id", postgresql_include=BOARD_COLUMNS[1:]),
        Index("ix_actions_open_due", "due_on", "id", postgresql_include=BOARD_COLUMNS,
              sqlite_where=text(IS_OPEN_SQL), postgresql_where=text(IS_OPEN_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("cooperation_groups.id"))
    #: the agenda item that agreed it (None only for actions entered outside a session)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    supervisor_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    #: AES-GCM ciphertext of what is to be done (scope "pupil:<id>", or "group:<id>" without a case)
    description_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    due_on: Mapped[date] = mapped_column(Date)
    evaluate_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NEW)
    #: AES-GCM ciphertext of why the action cannot be done
    cannot_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: AES-GCM ciphertext of the optional result note given when the action was done
    result_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: each step of the way happens once (new → accepted → in progress → done / cannot): who and when
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: done or found that it cannot be done
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the last reminder sent ("before", "due", "overdue") and when, so each goes out once
    last_reminder: Mapped[str | None] = mapped_column(String(20))
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    institution: Mapped[Institution] = relationship(foreign_keys=[institution_id])
    supervisor: Mapped[Institution | None] = relationship(foreign_keys=[supervisor_institution_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    group = relationship("CooperationGroup")
    case = relationship("Case")
    item = relationship("AgendaItem")

    @property
    def text_scope(self) -> str:
        """The encryption scope of the action's texts: the pupil's, or the group's without a case."""
        return f"pupil:{self.case.pupil_id}" if self.case_id else f"group:{self.group_id}"
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="action", order_by="FollowUp.id", cascade="all, delete-orphan")


class FollowUp(db.Model):
    """A follow-up log entry: on a date, what was done and with what result."""

    __tablename__ = "action_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    #: AES-GCM ciphertext of JSON {"done": …, "result": …} (the action's scope)
    text_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))

    action: Mapped[Action] = relationship(back_populates="follow_ups")
    logged_by: Mapped[User] = relationship()


class Notice(db.Model):
    """An in-app notice for one person (reminders, invitations); carries no child data."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: a message code with its parameters (rendered in the reader's language)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str | None] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarFeed(db.Model):
    """A person's private calendar feed of their actions' deadlines (a revocable token)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the token in the feed's URL (the token itself is shown once)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
