"""Result indicators of a municipality's plan: their baselines, targets and measured values."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db

#: indicator values, baselines and targets: up to 10 digits before the point, 4 after
VALUE = Numeric(14, 4)


class ValueKind(StrEnum):
    """What an indicator's number is."""

    SHARE = "share"
    COUNT = "count"
    RATIO = "ratio"


class TargetKind(StrEnum):
    """How a target is stated in the plan."""

    ABSOLUTE = "absolute"
    BELOW = "below"
    ABOVE = "above"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    #: the change against the baseline in per cent (+5 → 5, −10 → -10)
    RELATIVE = "relative"
    KEEP_BASELINE = "keep_baseline"
    #: only a direction (up or down), no number
    DIRECTION = "direction"


#: kinds whose value is a level on the indicator's own scale
LEVEL_KINDS = frozenset({TargetKind.ABSOLUTE, TargetKind.BELOW, TargetKind.ABOVE, TargetKind.AT_MOST,
                         TargetKind.AT_LEAST})


class Direction(StrEnum):
    """Which way an indicator should move."""

    UP = "up"
    DOWN = "down"


class ValueOrigin(StrEnum):
    """Where a measured value came from."""

    ENTERED = "entered"
    IMPORTED = "imported"
    COMPUTED = "computed"


class IndicatorValueError(ValueError):
    """A baseline, target or measurement that the indicator's kind does not allow."""


def value_problem(value_kind: str | None, value: Decimal | float | int | None) -> str | None:
    """What is wrong with a level of an indicator of this kind (None when nothing is)."""
    if value is None or value_kind is None:
        return None
    if value < 0:
        return f"a {value_kind} cannot be negative ({value})"
    if value_kind == ValueKind.SHARE and value > 100:
        return f"a share cannot be over 100 % ({value})"
    return None


def target_year_problem(target_year: int, baseline_years: list[int]) -> str | None:
    """What is wrong with a target's year against its baselines' years (None when nothing is)."""
    earlier = [year for year in baseline_years if target_year < year]
    if earlier:
        return f"target year {target_year} is before the baseline year {max(earlier)}"
    return None


class Indicator(db.Model):
    """One result indicator of a municipality's plan, as the plan defines it."""

    __tablename__ = "monitoring_indicators"
    __table_args__ = (
        UniqueConstraint("municipality_id", "code", name="uq_monitoring_indicators_municipality_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    #: the plan's own numbering, e.g. "3.2-1"
    code: Mapped[str] = mapped_column(String(40))
    title_lv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    #: the plan goal (its code) the indicator measures
    goal_code: Mapped[str | None] = mapped_column(String(40))
    #: universal | targeted | individual | system
    prevention_level: Mapped[str | None] = mapped_column(String(20))
    #: ValueKind (None where the plan does not say)
    value_kind: Mapped[str | None] = mapped_column(String(10))
    #: as the plan writes it: "%", "izglītojamie" …
    unit: Mapped[str | None] = mapped_column(String(120))
    #: what a share or ratio divides by
    denominator: Mapped[str | None] = mapped_column(Text)
    #: the data source as the plan writes it
    source_text: Mapped[str | None] = mapped_column(Text)
    #: normalised sources: viis, semr, survey, schools …
    sources: Mapped[list] = mapped_column(JSON, default=list)
    #: the caseflow metric that computes it from caseflow's own data
    computed_metric: Mapped[str | None] = mapped_column(String(60))
    #: stages the plan splits it by: basic, secondary, distance …
    breakdowns: Mapped[list] = mapped_column(JSON, default=list)
    #: what the plan leaves out (Latvian, as written)
    exclusions: Mapped[list] = mapped_column(JSON, default=list)
    #: where in the seed plan it is printed
    seed_ref: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: keys of the plan's entry that have no column of their own
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    baselines: Mapped[list[IndicatorBaseline]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorBaseline.id")
    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="IndicatorTarget.id")

    def validate(self) -> None:
        """Raise IndicatorValueError when a baseline or target breaks the indicator's rules."""
        for baseline in self.baselines:
            if problem := value_problem(self.value_kind, baseline.value):
                raise IndicatorValueError(f"indicator {self.code}: baseline {baseline.year}: {problem}")
        for target in self.targets:
            target.validate(self)


class IndicatorBaseline(db.Model):
    """An indicator's starting value (one, or one per stage), or the note that it is still to be set."""

    __tablename__ = "monitoring_indicator_baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitoring_indicators.id", ondelete="CASCADE"),
                                              index=True)
    stage: Mapped[str | None] = mapped_column(String(30))
    value: Mapped[Decimal | None] = mapped_column(VALUE)
    year: Mapped[int | None] = mapped_column(Integer)
    #: "the baseline will be set …": no value yet
    to_be_set: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the year measuring starts, when to_be_set
    measured_from: Mapped[int | None] = mapped_column(Integer)
    #: the cell as printed
    text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    indicator: Mapped[Indicator] = relationship(back_populates="baselines")


class IndicatorTarget(db.Model):
    """What an indicator should reach by a milestone year (for one stage)."""

    __tablename__ = "monitoring_indicator_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitoring_indicators.id", ondelete="CASCADE"),
                                              index=True)
    stage: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    #: TargetKind
    kind: Mapped[str] = mapped_column(String(20))
    #: a level (LEVEL_KINDS) or, for RELATIVE, the change in per cent
    value: Mapped[Decimal | None] = mapped_column(VALUE)
    #: Direction
    direction: Mapped[str | None] = mapped_column(String(4))
    text: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")

    def validate(self, indicator: Indicator) -> None:
        """Raise IndicatorValueError for a level the indicator's kind forbids or a year before the baseline."""
        where = f"indicator {indicator.code}: target {self.year}"
        if self.kind in LEVEL_KINDS and (problem := value_problem(indicator.value_kind, self.value)):
            raise IndicatorValueError(f"{where}: {problem}")
        years = [b.year for b in indicator.baselines if b.year is not None and b.stage in (None, self.stage)]
        if problem := target_year_problem(self.year, years):
            raise IndicatorValueError(f"{where}: {problem}")


class IndicatorValue(db.Model):
    """One measurement of an indicator: a year (or school year), a stage, the value and where it came from."""

    __tablename__ = "monitoring_indicator_values"
    __table_args__ = (
        Index("ix_monitoring_indicator_values_indicator_year", "indicator_id", "year"),
        Index("ix_monitoring_indicator_values_municipality_year", "municipality_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitoring_indicators.id", ondelete="CASCADE"))
    stage: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    #: "2025/2026" when the figure belongs to a school year
    school_year: Mapped[str | None] = mapped_column(String(9))
    value: Mapped[Decimal] = mapped_column(VALUE)
    numerator: Mapped[Decimal | None] = mapped_column(VALUE)
    denominator: Mapped[Decimal | None] = mapped_column(VALUE)
    #: ValueOrigin
    origin: Mapped[str] = mapped_column(String(10), default=ValueOrigin.ENTERED)
    source: Mapped[str | None] = mapped_column(Text)
    #: what the figure rests on (a document, a query, a survey)
    evidence: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship()

    def validate(self) -> None:
        """Raise IndicatorValueError for a value the indicator's kind forbids."""
        if problem := value_problem(self.indicator.value_kind, self.value):
            raise IndicatorValueError(f"indicator {self.indicator.code}: value {self.year}: {problem}")
