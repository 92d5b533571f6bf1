"""Metrics of the cooperation group's work: pupils reviewed, actions on time, days from referral to session."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select

from caseflow.actions.models import Action, ActionStatus
from caseflow.cases.models import Case, Referral
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession, ItemOutcome, SessionStatus
from caseflow.monitoring.metrics.period import (
    Period,
    days_between,
    enable_local_dates,
    local_date,
    time_zone,
)
from caseflow.monitoring.metrics.results import HUNDREDTH, MetricResult, count_table, percent
from caseflow.monitoring.metrics.schools import SchoolCounts, pupils_by_school
from caseflow.people.models import Institution

HELD_STATUSES = (SessionStatus.HELD, SessionStatus.APPROVED)
#: how an action due in the period stands; the first three make the share's denominator
ACTION_STATES = ("on_time", "late", "overdue", "pending", "cannot")
JUDGED_STATES = ACTION_STATES[:3]
#: bands of days from referral to session: (key, last day of the band or None)
DAY_BANDS = (("0_7", 7), ("8_14", 14), ("15_30", 30), ("31_plus", None))


def _heard(municipality_id: int, period: Period | None = None):
    """Agenda items the municipality's groups heard at held sessions (carried-over items were not heard)."""
    condition = and_(GroupSession.municipality_id == municipality_id, GroupSession.status.in_(HELD_STATUSES),
                     or_(AgendaItem.outcome.is_(None), AgendaItem.outcome != ItemOutcome.CARRY_OVER))
    if period is not None:
        starts, ends = period.moments()
        condition = and_(condition, GroupSession.starts_at >= starts, GroupSession.starts_at < ends)
    return condition


def group_reviewed_pupils(municipality_id: int, period: Period) -> MetricResult:
    """Unique pupils whose cases the municipality's groups heard in the period, by kind of school."""
    pupils = func.count(func.distinct(Case.pupil_id))
    base = (select(pupils).select_from(AgendaItem).join(GroupSession, GroupSession.id == AgendaItem.session_id)
            .join(Case, Case.id == AgendaItem.case_id).where(_heard(municipality_id, period)))
    by_kind = db.session.execute(
        base.add_columns(Institution.kind).join(Institution, Institution.id == Case.school_id)
        .group_by(Institution.kind).order_by(Institution.kind)).all()
    return MetricResult("group_reviewed_pupils", municipality_id, period, db.session.scalar(base),
                        breakdowns={"school_kind": tuple((kind, n) for n, kind in by_kind)})


def group_reviewed_pupils_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """The pupils of group_reviewed_pupils per school (each once, at the school of their latest heard case)."""
    rows = (select().select_from(AgendaItem).join(GroupSession, GroupSession.id == AgendaItem.session_id)
            .join(Case, Case.id == AgendaItem.case_id).where(_heard(municipality_id, period)))
    return pupils_by_school(Case.id, Case.school_id, Case.pupil_id, rows)


def action_state(as_of):
    """Where an action stands against its deadline on a day (done by the local day of its closing)."""
    return case(
        (and_(Action.status == ActionStatus.DONE, local_date(Action.closed_at, time_zone()) <= Action.due_on),
         "on_time"),
        (Action.status == ActionStatus.DONE, "late"),
        (Action.status == ActionStatus.CANNOT, "cannot"),
        (Action.due_on < as_of, "overdue"),
        else_="pending")


def actions_on_time_share(municipality_id: int, period: Period) -> MetricResult:
    """Share of the actions due in the period done by the deadline (of on time, late and overdue)."""
    enable_local_dates()
    state = action_state(local_today())
    rows = db.session.execute(
        select(Institution.kind, state, func.count(Action.id))
        .join(Institution, Institution.id == Action.institution_id)
        .where(Action.municipality_id == municipality_id, Action.due_on >= period.starts_on,
               Action.due_on <= period.ends_on)
        .group_by(Institution.kind, state)).all()
    cells = {(kind, name): n for kind, name, n in rows}
    by_state = {name: sum(n for (_kind, s), n in cells.items() if s == name) for name in ACTION_STATES}
    kinds = sorted({kind for kind, name in cells if name in JUDGED_STATES})
    judged = sum(by_state[name] for name in JUDGED_STATES)
    return MetricResult("actions_on_time_share", municipality_id, period, percent(by_state["on_time"], judged),
                        numerator=by_state["on_time"], denominator=judged,
                        breakdowns={"state": tuple(by_state.items())},
                        table=count_table(cells, kinds, JUDGED_STATES))


def days_referral_to_session(municipality_id: int, period: Period) -> MetricResult:
    """Median and mean days from a referral to the first held session that heard it (heard in the period)."""
    enable_local_dates()
    first_heard = (select(AgendaItem.referral_id, func.min(GroupSession.starts_at).label("heard_at"))
                   .join(GroupSession, GroupSession.id == AgendaItem.session_id)
                   .where(AgendaItem.referral_id.is_not(None), _heard(municipality_id))
                   .group_by(AgendaItem.referral_id).subquery())
    zone = time_zone()
    days = days_between(local_date(Referral.submitted_at, zone), local_date(first_heard.c.heard_at, zone))
    starts, ends = period.moments()
    histogram = db.session.execute(
        select(days, func.count(Referral.id)).join(first_heard, first_heard.c.referral_id == Referral.id)
        .where(first_heard.c.heard_at >= starts, first_heard.c.heard_at < ends)
        .group_by(days).order_by(days)).all()
    referrals = sum(n for _days, n in histogram)
    figures = {"mean": None, "referrals": referrals}
    if referrals:
        figures["mean"] = (Decimal(sum(d * n for d, n in histogram)) / referrals).quantize(HUNDREDTH)
    return MetricResult("days_referral_to_session", municipality_id, period, median(histogram),
                        denominator=referrals, breakdowns={"days": _bands(histogram)}, figures=figures)


def median(histogram: list[tuple[int, int]]) -> Decimal | None:
    """The median of values given as (value, how many) in ascending order."""
    size = sum(n for _value, n in histogram)
    if not size:
        return None
    middle = [_nth(histogram, index) for index in sorted({(size - 1) // 2, size // 2})]
    return (Decimal(sum(middle)) / len(middle)).quantize(HUNDREDTH)


def _nth(histogram: list[tuple[int, int]], index: int) -> int:
    """The value at a position (from 0) of the values in ascending order."""
    seen = 0
    for value, n in histogram:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


def _bands(histogram: list[tuple[int, int]]) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys((key for key, _last in DAY_BANDS), 0)
    for value, n in histogram:
        key = next(key for key, last in DAY_BANDS if last is None or value <= last)
        counts[key] += n
    return tuple(counts.items())
