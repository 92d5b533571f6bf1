"""A pupil's individual support plan (IAP), its measures, the hours delivered and the evaluation."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.cases.models import Case
from caseflow.cases.taxonomy import ListEntry
from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution, User
from caseflow.pupils.models import Pupil


class PlanStatus(StrEnum):
    """A plan is worked on until it is evaluated; then it is read-only."""

    ACTIVE = "active"
    EVALUATED = "evaluated"


class LearningDynamics(StrEnum):
    """How the pupil's learning went over the plan's period."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DECLINED = "declined"


class DeliveryMode(StrEnum):
    """How a support session took place."""

    IN_PERSON = "in_person"
    REMOTE = "remote"


class SupportPlan(db.Model):
    """An IAP for one semester, or a "when needed" plan with its own dates."""

    __tablename__ = "support_plans"
    __table_args__ = (
        Index("uq_support_plans_semester", "pupil_id", "school_id", "semester_id", unique=True,
              sqlite_where=text("semester_id IS NOT NULL"),
              postgresql_where=text("semester_id IS NOT NULL")),
        Index("ix_support_plans_school", "school_id", "semester_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    #: the case the plan belongs to; a plan may also exist on its own
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: None for a "when needed" plan, which runs from starts_on to ends_on
    semester_id: Mapped[int | None] = mapped_column(ForeignKey("semesters.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.ACTIVE)
    #: AES-GCM ciphertext of the goals (scope "pupil:<id>")
    goals_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: the plan this one continues (copied forward from the previous semester)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("support_plans.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the evaluation at the end of the period
    evaluated_on: Mapped[date | None] = mapped_column(Date)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    learning_dynamics: Mapped[str | None] = mapped_column(String(20))
    #: AES-GCM ciphertext: the progress the pupil made
    progress_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    parents_informed_on: Mapped[date | None] = mapped_column(Date)
    #: AES-GCM ciphertext: what comes next
    next_steps_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    pupil: Mapped[Pupil] = relationship()
    school: Mapped[Institution] = relationship()
    case: Mapped[Case | None] = relationship()
    semester: Mapped[Semester | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    measures: Mapped[list[PlanMeasure]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanMeasure.position")

    @property
    def is_evaluated(self) -> bool:
        return self.status == PlanStatus.EVALUATED


class PlanMeasure(db.Model):
    """A support measure in a plan: its type, who delivers it, planned hours and its basis."""

    __tablename__ = "plan_measures"
    __table_args__ = (Index("ix_plan_measures_deliverer", "deliverer_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("list_entries.id"))
    #: subject consultations only
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("list_entries.id"))
    #: the colleague who delivers it and logs the hours
    deliverer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    planned_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: AES-GCM ciphertext: the specialist opinion the measure rests on
    basis_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[SupportPlan] = relationship(back_populates="measures")
    type: Mapped[ListEntry] = relationship(foreign_keys=[type_id], lazy="joined")
    subject: Mapped[ListEntry | None] = relationship(foreign_keys=[subject_id], lazy="joined")
    deliverer: Mapped[User | None] = relationship()
    deliveries: Mapped[list[DeliveredHours]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="DeliveredHours.on")

    @property
    def pupil_id(self) -> int:
        """The pupil the measure supports (the audit trail files reads of a measure under them)."""
        return self.plan.pupil_id

    @property
    def delivered_hours(self) -> Decimal:
        return sum((d.hours for d in self.deliveries), Decimal("0"))


class DeliveredHours(db.Model):
    """Hours of a measure delivered on a day, logged by the person who delivered them."""

    __tablename__ = "delivered_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("plan_measures.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    mode: Mapped[str] = mapped_column(String(20), default=DeliveryMode.IN_PERSON)
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measure: Mapped[PlanMeasure] = relationship(back_populates="deliveries")
    logged_by: Mapped[User] = relationship()
