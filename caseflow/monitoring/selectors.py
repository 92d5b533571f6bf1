"""What the monitoring pages read: a municipality's indicators with their standing and trend, the
implementation plan, and the statistics tables — aggregates only, small counts hidden."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseflow.access import Actor, Permission, scope
from caseflow.core.charts import Trend, trend
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.monitoring.models import (
    Indicator,
    IndicatorValue,
    PlanActivity,
    PlanGoal,
    PlanVersion,
    SeedCheck,
    StatisticTable,
    ValueKind,
    ValueOrigin,
)
from caseflow.monitoring.status import Point, Standing, required_value, standing
from caseflow.people.settings import get_setting


@dataclass
class Row:
    """One year of an indicator's table twin: measured value and the target (as printed)."""

    year: int
    value: float | None
    shown: str
    target: str = ""


@dataclass
class Card:
    """An indicator (for one stage) as the dashboard shows it."""

    indicator: Indicator
    stage: str | None
    standing: Standing
    chart: Trend | None
    rows: list[Row]
    baseline_text: str = ""


@dataclass
class GoalCards:
    """A plan goal and the cards of the indicators that measure it."""

    code: str | None
    title: str | None
    cards: list[Card] = field(default_factory=list)


@dataclass
class Dashboard:
    goals: list[GoalCards]
    computed_at: datetime | None
    threshold: int


def _hidden(indicator: Indicator, value, numerator, threshold: int) -> bool:
    """A count of 1–4 children, or a share resting on one, is not shown."""
    count = value if indicator.value_kind == ValueKind.COUNT else numerator
    return count is not None and 0 < count < threshold


def _shown(indicator: Indicator, value: float, hidden: bool, threshold: int) -> str:
    if hidden:
        return f"<{threshold}"
    text = f"{value:g}"
    return f"{text} %" if indicator.value_kind == ValueKind.SHARE else text


def indicators_of(actor: Actor) -> list[Indicator]:
    """The actor's municipality's indicators with baselines and targets (three statements)."""
    query = (select(Indicator).options(selectinload(Indicator.baselines), selectinload(Indicator.targets))
             .order_by(Indicator.position, Indicator.id))
    return list(db.session.scalars(scope(query, actor, Permission.MONITORING_VIEW, Indicator)))


def _values(indicator_ids: list[int]) -> dict[int, list[IndicatorValue]]:
    found: dict[int, list[IndicatorValue]] = defaultdict(list)
    if indicator_ids:
        for value in db.session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id.in_(indicator_ids))
                                        .order_by(IndicatorValue.year, IndicatorValue.id)):
            found[value.indicator_id].append(value)
    return found


def card(indicator: Indicator, values: list[IndicatorValue], stage: str | None, *, threshold: int,
         year: int) -> Card:
    """Standing, chart and table of one indicator for one stage (None: the indicator as a whole)."""
    baselines = [b for b in indicator.baselines if b.stage == stage] or [
        b for b in indicator.baselines if b.stage is None]
    base = next((b for b in baselines if b.value is not None), None)
    targets = [t for t in indicator.targets if t.stage == stage] or [t for t in indicator.targets if t.stage is None]
    latest: dict[int, IndicatorValue] = {}
    for value in values:
        if value.stage == stage:
            latest[value.year] = value  # the last recorded figure of a year counts
    rows, points = [], []
    for year_, value in sorted(latest.items()):
        hidden = _hidden(indicator, value.value, value.numerator, threshold)
        rows.append(Row(year_, None if hidden else float(value.value),
                        _shown(indicator, float(value.value), hidden, threshold)))
        if not hidden:
            points.append(Point(year_, float(value.value)))
    texts = {t.year: t.text or "" for t in targets}
    for row in rows:
        row.target = texts.pop(row.year, "")
    rows += [Row(y, None, "", text) for y, text in texts.items()]
    rows.sort(key=lambda r: r.year)
    baseline_value = float(base.value) if base is not None else None
    baseline_year = base.year if base is not None else None
    # without a stated baseline, a direction or relative target is judged against the first figure
    reference, reference_year = baseline_value, baseline_year
    if reference is None and len(points) > 1:
        reference, reference_year = points[0].value, points[0].year
    result = standing(targets, points, baseline=reference, baseline_year=reference_year, year=year)
    marks = [(t.year, need, t.text or "") for t in targets
             if (need := required_value(t, baseline_value)) is not None]
    chart = None
    if points or marks:
        chart = trend([(p.year, p.value) for p in points], marks,
                      (base.year, baseline_value) if base is not None and base.year else None)
    baseline_text = "; ".join(b.text or (f"{float(b.value):g} ({b.year})" if b.value is not None else "")
                              for b in baselines)
    return Card(indicator, stage, result, chart, rows, baseline_text)


def dashboard(actor: Actor) -> Dashboard:
    """The actor's municipality's indicators by plan goal, each with its standing (a constant number of
    statements whatever the number of indicators)."""
    indicators = indicators_of(actor)
    values = _values([i.id for i in indicators])
    threshold = int(get_setting(actor.municipality_id, "small_cell_threshold"))
    year = local_today().year
    goals: dict[str | None, GoalCards] = {}
    titles = {g.code: g.title for g in current_goals(actor)}
    for indicator in indicators:
        group = goals.setdefault(indicator.goal_code, GoalCards(indicator.goal_code, titles.get(indicator.goal_code)))
        for stage in indicator.breakdowns or [None]:
            group.cards.append(card(indicator, values[indicator.id], stage, threshold=threshold, year=year))
    computed_at = db.session.scalar(select(func.max(IndicatorValue.recorded_at)).where(
        IndicatorValue.municipality_id == actor.municipality_id, IndicatorValue.origin == ValueOrigin.COMPUTED))
    return Dashboard(list(goals.values()), computed_at, threshold)


def load_indicator(indicator_id: int) -> Indicator:
    """An indicator by id, or 404 (the policy then asks about the actor's municipality)."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        abort(404)
    return indicator


def indicator_page(actor: Actor, indicator: Indicator) -> list[Card]:
    """The cards of one indicator (one per stage) and its recorded values."""
    values = _values([indicator.id])[indicator.id]
    threshold = int(get_setting(actor.municipality_id, "small_cell_threshold"))
    return [card(indicator, values, stage, threshold=threshold, year=local_today().year)
            for stage in indicator.breakdowns or [None]]


def recorded_values(indicator: Indicator) -> list[IndicatorValue]:
    """Every recorded figure of an indicator, newest first (who recorded it, from what)."""
    return list(db.session.scalars(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id)
                                   .order_by(IndicatorValue.year.desc(), IndicatorValue.id.desc())))


def current_plan(actor: Actor) -> PlanVersion | None:
    """The municipality's latest approved plan version (else its latest draft)."""
    query = (select(PlanVersion).order_by((PlanVersion.status == "approved").desc(), PlanVersion.number.desc())
             .limit(1))
    return db.session.scalar(scope(query, actor, Permission.MONITORING_VIEW, PlanVersion))


def current_goals(actor: Actor) -> list[PlanGoal]:
    plan = current_plan(actor)
    if plan is None:
        return []
    return list(db.session.scalars(select(PlanGoal).where(PlanGoal.version_id == plan.id)
                                   .order_by(PlanGoal.position, PlanGoal.id)))


def plan_page(actor: Actor) -> tuple[PlanVersion | None, list[PlanGoal]]:
    """The plan with goals, activities, tasks and year records loaded (a constant number of statements)."""
    plan = current_plan(actor)
    if plan is None:
        return None, []
    goals = list(db.session.scalars(
        select(PlanGoal).where(PlanGoal.version_id == plan.id).order_by(PlanGoal.position, PlanGoal.id)
        .options(selectinload(PlanGoal.activities).selectinload(PlanActivity.tasks),
                 selectinload(PlanGoal.activities).selectinload(PlanActivity.year_records))))
    return plan, goals


def load_activity(activity_id: int) -> PlanActivity:
    activity = db.session.get(PlanActivity, activity_id)
    if activity is None:
        abort(404)
    return activity


def statistics_of(actor: Actor) -> list[StatisticTable]:
    """The municipality's statistics tables with their rows."""
    query = select(StatisticTable).options(selectinload(StatisticTable.rows)).order_by(StatisticTable.id)
    return list(db.session.scalars(scope(query, actor, Permission.MONITORING_VIEW, StatisticTable)))


def seed_checks(*, municipality_id: int, indicator_code: str | None = None) -> list[SeedCheck]:
    """The places where the plan's own figures do not add up (for one indicator, when given)."""
    query = select(SeedCheck).where(SeedCheck.municipality_id == municipality_id).order_by(SeedCheck.position)
    if indicator_code is not None:
        query = query.where(SeedCheck.indicator_code == indicator_code)
    return list(db.session.scalars(query))


def plan_versions(actor: Actor) -> list[PlanVersion]:
    """The municipality's plan versions, newest first."""
    query = select(PlanVersion).order_by(PlanVersion.number.desc())
    return list(db.session.scalars(scope(query, actor, Permission.MONITORING_VIEW, PlanVersion)))
