"""The case page's cooperation-group section: the sessions that heard the case and the actions
agreed on it that the reader may see (a constant number of statements)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from caseflow.access import Actor, Permission, can, scope
from caseflow.actions.forms.actions import STATUS_LABELS
from caseflow.actions.models import OPEN_ACTION_STATUSES, Action
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession, SessionStatus
from caseflow.meetings.selectors.recording import OUTCOME_LABELS


def _text(obj, field: str) -> str | None:
    try:
        return unseal(obj, field)
    except DecryptionError:
        return None


def for_case_page(case: Case, actor: Actor) -> dict:
    """Agenda items of the case (newest session first) and the actions the actor may see."""
    items = list(db.session.scalars(
        select(AgendaItem).join(GroupSession, GroupSession.id == AgendaItem.session_id)
        .where(AgendaItem.case_id == case.id, GroupSession.status != SessionStatus.CANCELLED)
        .options(contains_eager(AgendaItem.session).joinedload(GroupSession.group))
        .order_by(GroupSession.starts_at.desc(), AgendaItem.id.desc())))
    session_ids = {i.session_id for i in items}
    viewable = set(db.session.scalars(scope(select(GroupSession.id), actor, Permission.SESSION_VIEW, GroupSession)
                                      .where(GroupSession.id.in_(session_ids)))) if session_ids else set()
    actions = []
    if can(actor, Permission.ACTION_VIEW):
        actions = list(db.session.scalars(
            scope(select(Action), actor, Permission.ACTION_VIEW, Action).where(Action.case_id == case.id)
            .options(joinedload(Action.institution), joinedload(Action.supervisor))
            .order_by(Action.due_on, Action.id)))
    return {
        "group_items": items,
        "group_viewable_sessions": viewable,
        "group_actions": actions,
        "group_action_texts": {a.id: _text(a, "description") for a in actions},
        "group_open_statuses": {str(s) for s in OPEN_ACTION_STATUSES},
        "group_today": local_today(),
        "group_outcome_labels": OUTCOME_LABELS,
        "group_status_labels": STATUS_LABELS,
        "group_may_request": can(actor, Permission.SESSION_REQUEST, case) and not case.is_closed,
    }
