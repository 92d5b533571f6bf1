"""The statistics tables a plan prints, the checks on its figures, working-group meetings, annual reports."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime
from caseflow.extensions import db
from caseflow.monitoring.models.indicators import VALUE


class ReportStatus(StrEnum):
    """Where an annual report stands."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PRESENTED = "presented"
    PUBLISHED = "published"


class StatisticTable(db.Model):
    """A table of figures the plan prints (its situation analysis), kept as printed."""

    __tablename__ = "monitoring_statistic_tables"
    __table_args__ = (UniqueConstraint("municipality_id", "code", name="uq_monitoring_statistic_tables_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    seed_ref: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(120))
    #: the column headings, e.g. ["2021./2022.", "2022./2023."]
    columns: Mapped[list] = mapped_column(JSON, default=list)
    #: the heading of the label column
    row_header: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    rows: Mapped[list[StatisticRow]] = relationship(
        back_populates="table", cascade="all, delete-orphan", order_by="StatisticRow.position")


class StatisticRow(db.Model):
    """One row of a statistics table: its label, its group and the values as printed."""

    __tablename__ = "monitoring_statistic_rows"
    __table_args__ = (Index("ix_monitoring_statistic_rows_table_position", "table_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("monitoring_statistic_tables.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(Text)
    group_label: Mapped[str | None] = mapped_column(Text)
    #: one per column: a number, or "" for an empty cell
    values: Mapped[list] = mapped_column(JSON, default=list)
    #: the plan's own total row
    is_total: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    table: Mapped[StatisticTable] = relationship(back_populates="rows")


class SeedCheck(db.Model):
    """A figure of the seed plan that does not reconcile: what it states, what it should be, and why."""

    __tablename__ = "monitoring_seed_checks"
    __table_args__ = (Index("ix_monitoring_seed_checks_municipality", "municipality_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    #: exactly one of the three: the statistics table, indicator or activity the check is about
    statistic_code: Mapped[str | None] = mapped_column(String(60))
    indicator_code: Mapped[str | None] = mapped_column(String(40))
    activity_code: Mapped[str | None] = mapped_column(String(40))
    description_lv: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    stated: Mapped[Decimal | None] = mapped_column(VALUE)
    computed: Mapped[Decimal | None] = mapped_column(VALUE)
    position: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class WorkingGroupMeeting(db.Model):
    """A meeting of the working group that monitors the plan."""

    __tablename__ = "monitoring_working_group_meetings"
    __table_args__ = (Index("ix_monitoring_working_group_meetings_held", "municipality_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    held_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")


class AnnualReport(db.Model):
    """A municipality's annual report on the plan: its sections, reviewed, presented, then published."""

    __tablename__ = "monitoring_annual_reports"
    __table_args__ = (UniqueConstraint("municipality_id", "year", name="uq_monitoring_annual_reports_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    year: Mapped[int] = mapped_column(Integer)
    #: ReportStatus
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.DRAFT)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    presented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
