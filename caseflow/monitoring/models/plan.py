"""The implementation plan: its versions, goals, activities, work tasks and each activity's yearly record."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.extensions import db


class PlanStatus(StrEnum):
    """Where a plan version stands."""

    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class ActivityStatus(StrEnum):
    """How an activity went in a year."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_DONE = "not_done"
    POSTPONED = "postponed"


class PlanVersion(db.Model):
    """One version of a municipality's plan (version 1 is the plan as approved by the council)."""

    __tablename__ = "monitoring_plan_versions"
    __table_args__ = (UniqueConstraint("municipality_id", "number", name="uq_monitoring_plan_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    #: the years the plan runs, e.g. [2024, 2025, 2026, 2027, 2028]
    years: Mapped[list] = mapped_column(JSON, default=list)
    overall_goal: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[date | None] = mapped_column(Date)
    #: the council decision as written (date, number)
    decision: Mapped[str | None] = mapped_column(Text)
    #: PlanStatus
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.DRAFT)
    #: what the plan says beyond its columns (resources, result columns, the profile's meta …)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    goals: Mapped[list[PlanGoal]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="PlanGoal.position")


class PlanGoal(db.Model):
    """A goal of the plan (a prevention level, or a numbered goal) and the indicators that measure it."""

    __tablename__ = "monitoring_plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("monitoring_plan_versions.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(40))
    #: prevention level: universal | targeted | individual | system
    level: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    #: codes of the indicators that measure the goal
    indicator_codes: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    version: Mapped[PlanVersion] = relationship(back_populates="goals")
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="PlanActivity.position")


class PlanActivity(db.Model):
    """An activity of a goal: who carries it out, in which years, with what money, to what result."""

    __tablename__ = "monitoring_plan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("monitoring_plan_goals.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    #: None where the plan prints a row without one
    title: Mapped[str | None] = mapped_column(Text)
    #: institutions by name, as the plan writes them (placeholders too)
    responsible: Mapped[list] = mapped_column(JSON, default=list)
    involved: Mapped[list] = mapped_column(JSON, default=list)
    executor: Mapped[list] = mapped_column(JSON, default=list)
    supervisor: Mapped[list] = mapped_column(JSON, default=list)
    #: the years ticked (gaps allowed)
    years: Mapped[list] = mapped_column(JSON, default=list)
    #: financing sources as written
    financing: Mapped[list] = mapped_column(JSON, default=list)
    planned_result: Mapped[str | None] = mapped_column(Text)
    target_group: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    goal: Mapped[PlanGoal] = relationship(back_populates="activities")
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="PlanTask.position")
    year_records: Mapped[list[ActivityYear]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityYear.year")


class PlanTask(db.Model):
    """A work task of an activity (the plans that break activities down into tasks)."""

    __tablename__ = "monitoring_plan_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("monitoring_plan_activities.id", ondelete="CASCADE"),
                                             index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    responsible: Mapped[list] = mapped_column(JSON, default=list)
    executor: Mapped[list] = mapped_column(JSON, default=list)
    supervisor: Mapped[list] = mapped_column(JSON, default=list)
    #: the deadline as written ("2024. gada janvāris – 2028. gada decembris")
    deadline: Mapped[str | None] = mapped_column(Text)
    years: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    activity: Mapped[PlanActivity] = relationship(back_populates="tasks")


class ActivityYear(db.Model):
    """What became of an activity in one year: status, what was achieved, money invested, impact."""

    __tablename__ = "monitoring_activity_years"
    __table_args__ = (UniqueConstraint("activity_id", "year", name="uq_monitoring_activity_years_activity_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("monitoring_plan_activities.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    #: ActivityStatus
    status: Mapped[str] = mapped_column(String(12), default=ActivityStatus.PLANNED)
    achieved_value: Mapped[str | None] = mapped_column(Text)
    invested_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    impact: Mapped[str | None] = mapped_column(Text)
    #: why it went as it did (the plans' "faktoru analīze")
    factor_analysis: Mapped[str | None] = mapped_column(Text)

    activity: Mapped[PlanActivity] = relationship(back_populates="year_records")
