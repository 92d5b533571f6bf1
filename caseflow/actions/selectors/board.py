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
    is_open = Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES])

    def total(condition):
        return func.sum(when((condition, 1), else_=0))
    return (total(is_open), total(is_open & (Action.due_on < today)), total(Action.status == ActionStatus.DONE),
            total(Action.status == ActionStatus.CANNOT), func.count(Action.id))


def _list(actor: Actor, filters: Filters, *conditions) -> list[Action]:
    query = narrowed(select(Action), actor, filters).where(
        Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]), *conditions)
    return list(db.session.scalars(query.options(
        joinedload(Action.case).joinedload(Case.pupil), joinedload(Action.group), joinedload(Action.institution),
        joinedload(Action.assignee)).order_by(Action.due_on, Action.id).limit(LIST_LIMIT)))


def _choices(actor: Actor, column, model) -> list[tuple[int, str]]:
    present = scope(select(column), actor, Permission.ACTION_BOARD, Action)
    return [tuple(r) for r in db.session.execute(
        select(model.id, model.name).where(model.id.in_(present)).order_by(model.name, model.id))]


def filter_choices(actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The groups and the institutions that have actions on the actor's board."""
    return _choices(actor, Action.group_id, CooperationGroup), _choices(actor, Action.institution_id, Institution)


def board(actor: Actor, filters: Filters) -> Board:
    """The board over every action of the groups the actor chairs, narrowed by the filters."""
    today = local_today()
    week_end = today + timedelta(days=6 - today.weekday())
    by_institution = db.session.execute(narrowed(
        select(Institution.id, Institution.name, *_sums(today)).select_from(Action)
        .join(Institution, Institution.id == Action.institution_id), actor, filters)
        .group_by(Institution.id, Institution.name).order_by(Institution.name, Institution.id))
    by_case = db.session.execute(narrowed(
        select(Case, Pupil, *_sums(today)).select_from(Action)
        .join(Case, Case.id == Action.case_id).join(Pupil, Pupil.id == Case.pupil_id), actor, filters)
        .group_by(Case.id, Pupil.id)
        .order_by(_sums(today)[1].desc(), _sums(today)[0].desc(), Case.id).limit(LIST_LIMIT))
    return Board(
        today=today, week_end=week_end,
        overdue=_list(actor, filters, Action.due_on < today),
        due_this_week=_list(actor, filters, Action.due_on >= today, Action.due_on <= week_end),
        by_institution=[Counts(r[0], r[1], *(int(n or 0) for n in r[2:])) for r in by_institution],
        by_case=[Counts(r[0].id, f"{r[0].number}, {r[1].full_name}", *(int(n or 0) for n in r[2:]))
                 for r in by_case])


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
