"""The chair's control board: overdue actions, those due this week, counts by institution and by
case, and the bar chart's geometry. A constant number of statements, whatever the numbers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, scope
from caseflow.actions.models import OPEN_ACTION_STATUSES, Action, ActionStatus
from caseflow.cases.models import Case
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup
from caseflow.people.models import Institution
from caseflow.pupils.models import Pupil

#: the board's status filter: open ones (default), one status, or all
BOARD_FILTERS = ("open", *(str(s) for s in ActionStatus), "all")
#: at most this many rows in each list (the counts still cover every action)
LIST_LIMIT = 100


@dataclass(frozen=True)
class Filters:
    """What the chair narrowed the board to."""

    group_id: int | None = None
    institution_id: int | None = None
    status: str = "open"


@dataclass(frozen=True)
class Counts:
    """Actions of one institution or case: open, overdue, done, cannot be done, all."""

    id: int
    name: str
    open: int
    overdue: int
    done: int
    cannot: int
    total: int


@dataclass
class Board:
    """Everything the board page shows."""

    today: date
    week_end: date
    overdue: list[Action]
    due_this_week: list[Action]
    by_institution: list[Counts]
    by_case: list[Counts]


def narrowed(query: Select, actor: Actor, filters: Filters) -> Select:
    """A query over actions kept to the actor's board (policy scope) and narrowed by the filters."""
    query = scope(query, actor, Permission.ACTION_BOARD, Action)
    if filters.group_id is not None:
        query = query.where(Action.group_id == filters.group_id)
    if filters.institution_id is not None:
        query = query.where(Action.institution_id == filters.institution_id)
    if filters.status == "open":
        query = query.where(Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]))
    elif filters.status != "all":
        query = query.where(Action.status == filters.status)
    return query


def _sums(today: date) -> tuple:
    """Open, overdue, done, cannot be done and all actions of a group of rows, labelled."""
    is_open = Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES])

    def total(condition, name: str):
        return func.sum(when((condition, 1), else_=0)).label(name)
    return (total(is_open, "open"), total(is_open & (Action.due_on < today), "overdue"),
            total(Action.status == ActionStatus.DONE, "done"), total(Action.status == ActionStatus.CANNOT, "cannot"),
            func.count(Action.id).label("total"))


def _counts_by(column, actor: Actor, filters: Filters, today: date, *, top: bool = False):
    """The counts per value of an action's column as a subquery; the LIST_LIMIT most overdue if top.

    Counting the actions alone (their covering index) and joining names only to the counted rows keeps
    the statement from joining every action to its case, pupil or institution."""
    sums = _sums(today)
    query = narrowed(select(column.label("key"), *sums), actor, filters).where(column.is_not(None)).group_by(column)
    if top:
        query = query.order_by(sums[1].desc(), sums[0].desc(), column).limit(LIST_LIMIT)
    return query.subquery()


def _list(actor: Actor, filters: Filters, *conditions) -> list[Action]:
    if filters.status in (ActionStatus.DONE, ActionStatus.CANNOT):
        return []  # the lists hold open actions only
    # the first LIST_LIMIT ids come from the index alone; only they are joined to their case, pupil and people
    first = narrowed(select(Action.id), actor, filters).where(
        Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]), *conditions) \
        .order_by(Action.due_on, Action.id).limit(LIST_LIMIT)
    return list(db.session.scalars(select(Action).where(Action.id.in_(first.scalar_subquery())).options(
        joinedload(Action.case).joinedload(Case.pupil), joinedload(Action.group), joinedload(Action.institution),
        joinedload(Action.assignee)).order_by(Action.due_on, Action.id)))


def _choices(actor: Actor, column, model) -> list[tuple[int, str]]:
    # one action is enough: a LIMIT 1 subquery stops at the first one on the column's index
    one = scope(select(Action.id), actor, Permission.ACTION_BOARD, Action).where(column == model.id).limit(1)
    return [tuple(r) for r in db.session.execute(
        select(model.id, model.name).where(one.scalar_subquery().is_not(None)).order_by(model.name, model.id))]


def filter_choices(actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The groups and the institutions that have actions on the actor's board."""
    return _choices(actor, Action.group_id, CooperationGroup), _choices(actor, Action.institution_id, Institution)


def _numbers(row) -> tuple[int, ...]:
    return tuple(int(n or 0) for n in (row.open, row.overdue, row.done, row.cannot, row.total))


def board(actor: Actor, filters: Filters) -> Board:
    """The board over every action of the groups the actor chairs, narrowed by the filters."""
    today = local_today()
    week_end = today + timedelta(days=6 - today.weekday())
    per_institution = _counts_by(Action.institution_id, actor, filters, today)
    by_institution = db.session.execute(
        select(Institution.id, Institution.name, per_institution).join(
            per_institution, per_institution.c.key == Institution.id).order_by(Institution.name, Institution.id))
    per_case = _counts_by(Action.case_id, actor, filters, today, top=True)
    by_case = db.session.execute(
        select(Case, Pupil, per_case).join(per_case, per_case.c.key == Case.id).join(Pupil, Pupil.id == Case.pupil_id)
        .order_by(per_case.c.overdue.desc(), per_case.c.open.desc(), Case.id))
    return Board(
        today=today, week_end=week_end,
        overdue=_list(actor, filters, Action.due_on < today),
        due_this_week=_list(actor, filters, Action.due_on >= today, Action.due_on <= week_end),
        by_institution=[Counts(r.id, r.name, *_numbers(r)) for r in by_institution],
        by_case=[Counts(r.Case.id, f"{r.Case.number}, {r.Pupil.full_name}", *_numbers(r)) for r in by_case])


@dataclass(frozen=True)
class Bar:
    """One institution's pair of bars in the chart (positions in SVG user units)."""

    name: str
    open: int
    overdue: int
    y: int
    open_width: int
    overdue_width: int


#: the chart's geometry: a label line above two bars per institution
CHART_WIDTH, CHART_LEFT, BAR_SPACE, ROW_HEIGHT, TOP = 640, 10, 520, 52, 40


def chart(counts: list[Counts]) -> tuple[list[Bar], int]:
    """Bars of open and overdue actions by institution, and the chart's height."""
    rows = [c for c in counts if c.open or c.overdue]
    most = max([c.open for c in rows] + [1])
    bars = [Bar(c.name, c.open, c.overdue, TOP + i * ROW_HEIGHT, round(BAR_SPACE * c.open / most),
                round(BAR_SPACE * c.overdue / most)) for i, c in enumerate(rows)]
    return bars, TOP + len(bars) * ROW_HEIGHT + 10
