"""Reads of actions: one action for its page, an institution's queue in keyset pages, decrypted texts."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from caseflow.access import Actor, Permission, scope
from caseflow.actions.models import OPEN_ACTION_STATUSES, Action, ActionStatus, FollowUp
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, preload_keys, unseal
from caseflow.db import local_today
from caseflow.extensions import db

#: the queue's status filter: open ones (default), one status, or all
QUEUE_FILTERS = ("open", *(str(s) for s in ActionStatus), "all")


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and the key the next page starts after ("<due_on>.<id>")."""

    rows: list[Action]
    descriptions: dict[int, str | None]
    next_after: str | None


@dataclass(frozen=True)
class LogEntry:
    """A follow-up entry as the page shows it."""

    entry: FollowUp
    done: str | None
    result: str | None


def text_of(obj, field: str) -> str | None:
    """A decrypted text (None when empty or unreadable)."""
    try:
        return unseal(obj, field)
    except DecryptionError:
        return None


def warm_keys(actions: list[Action]) -> list:
    """The data keys of the actions' scopes, loaded at once (hold the list while decrypting)."""
    return preload_keys(a.text_scope for a in actions)


def with_people(query: Select) -> Select:
    """A query over actions that also loads the case's pupil, group, institution and people shown."""
    return query.options(joinedload(Action.case).joinedload(Case.pupil), joinedload(Action.group),
                         joinedload(Action.institution), joinedload(Action.supervisor),
                         joinedload(Action.assignee))


def load_action(action_id: int, **_url_args) -> Action | None:
    """Load an action with what its page shows, for @requires (which then asks the policy)."""
    return db.session.scalar(with_people(select(Action).where(Action.id == action_id)).options(
        joinedload(Action.accepted_by), joinedload(Action.started_by), joinedload(Action.closed_by),
        selectinload(Action.follow_ups).joinedload(FollowUp.logged_by)))


def is_overdue(action: Action, today: date | None = None) -> bool:
    """The deadline has passed and the action is still open."""
    return action.status in OPEN_ACTION_STATUSES and action.due_on < (today or local_today())


def _after_key(after: str | None) -> tuple[date, int] | None:
    """Parse a next-page key; an unreadable one means the first page."""
    try:
        day, _dot, row = (after or "").partition(".")
        return date.fromisoformat(day), int(row)
    except ValueError:
        return None


def queue(actor: Actor, *, status: str = "open", after: str | None = None, limit: int = 50) -> QueuePage:
    """The actor's institution's actions by deadline (keyset pages), with their descriptions."""
    query = scope(select(Action), actor, Permission.ACTION_WORK, Action)
    if status == "open":
        query = query.where(Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]))
    elif status != "all":
        query = query.where(Action.status == status)
    key = _after_key(after)
    if key is not None:
        query = query.where(tuple_(Action.due_on, Action.id) > tuple_(*key))
    rows = list(db.session.scalars(with_people(query).order_by(Action.due_on, Action.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    keys = warm_keys(rows)  # noqa: F841 — held while decrypting
    descriptions = {a.id: text_of(a, "description") for a in rows}
    last = rows[-1] if more else None
    return QueuePage(rows, descriptions, f"{last.due_on.isoformat()}.{last.id}" if last else None)


def follow_up_log(action: Action) -> list[LogEntry]:
    """The action's follow-up entries, newest first, decrypted."""
    entries = []
    for entry in sorted(action.follow_ups, key=lambda e: (e.on, e.id), reverse=True):
        try:
            body = json.loads(unseal(entry, "text") or "{}")
        except (DecryptionError, ValueError):
            body = {}
        entries.append(LogEntry(entry, body.get("done"), body.get("result")))
    return entries


def history(action: Action) -> list[tuple[str, object, object]]:
    """The action's steps so far: (status, when, who), oldest first."""
    steps = [(ActionStatus.NEW, action.created_at, None),
             (ActionStatus.ACCEPTED, action.accepted_at, action.accepted_by),
             (ActionStatus.IN_PROGRESS, action.started_at, action.started_by)]
    if action.status in (ActionStatus.DONE, ActionStatus.CANNOT):
        steps.append((action.status, action.closed_at, action.closed_by))
    return [s for s in steps if s[1] is not None]
