"""Reads of the exports: the pages' own selectors, walked in keyset batches so that a long list
costs a constant number of statements per batch and never sits in memory whole."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, tuple_

from caseflow.access import Actor
from caseflow.actions.models import Action
from caseflow.actions.selectors import actions as action_selectors
from caseflow.actions.selectors import board as board_selectors
from caseflow.cases.models import Case
from caseflow.cases.selectors import cases as case_selectors
from caseflow.extensions import db


@dataclass(frozen=True)
class ActionBatch:
    """A batch of actions with their descriptions, decrypted."""

    rows: list[Action]
    descriptions: dict[int, str | None]


def case_batches(actor: Actor, filters: case_selectors.Filters, *, size: int) -> Iterator[list[Case]]:
    """Every case of the work list (the page's scope, filters and order), a batch at a time."""
    cursor = None
    while True:
        page = case_selectors.visible_cases(actor, filters, cursor=cursor, limit=size)
        if page.rows:
            yield page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def queue_batches(actor: Actor, *, status: str, size: int) -> Iterator[ActionBatch]:
    """Every action of the actor's institution's queue (the page's status filter), a batch at a time."""
    after = None
    while True:
        page = action_selectors.queue(actor, status=status, after=after, limit=size)
        if page.rows:
            yield ActionBatch(page.rows, page.descriptions)
        if page.next_after is None:
            return
        after = page.next_after


def _board_batch(actor: Actor, filters: board_selectors.Filters, after: tuple[date, int] | None,
                 size: int) -> list[Action]:
    # the board's own narrowing (policy scope, group, institution, status), by deadline
    query = board_selectors.narrowed(select(Action), actor, filters)
    if after is not None:
        query = query.where(tuple_(Action.due_on, Action.id) > tuple_(*after))
    query = action_selectors.with_people(query).order_by(Action.due_on, Action.id).limit(size + 1)
    return list(db.session.scalars(query))


def board_batches(actor: Actor, filters: board_selectors.Filters, *, size: int) -> Iterator[ActionBatch]:
    """Every action on the chair's board as narrowed (not only the page's first hundred), by deadline."""
    after = None
    while True:
        rows = _board_batch(actor, filters, after, size)
        more, rows = len(rows) > size, rows[:size]
        if rows:
            keys = action_selectors.warm_keys(rows)  # noqa: F841 — held while decrypting
            yield ActionBatch(rows, {a.id: action_selectors.text_of(a, "description") for a in rows})
        if not more:
            return
        after = (rows[-1].due_on, rows[-1].id)
