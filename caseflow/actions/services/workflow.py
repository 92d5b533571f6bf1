"""An action's way through its institution's queue: accept, start, done or cannot be done, and who
carries it out. Every rule is checked before anything is written."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from caseflow.access import Actor, Permission, can
from caseflow.actions.models import OPEN_ACTION_STATUSES, Action, ActionStatus
from caseflow.actions.selectors.people import assignable_users
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db


class ActionError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


#: the steps of the queue: (the statuses a step starts from, the status it leads to, its event kind)
STEPS = {
    "accept": ((ActionStatus.NEW,), ActionStatus.ACCEPTED, "action_accepted"),
    "start": ((ActionStatus.ACCEPTED,), ActionStatus.IN_PROGRESS, "action_started"),
    "done": ((ActionStatus.ACCEPTED, ActionStatus.IN_PROGRESS), ActionStatus.DONE, "action_done"),
    "cannot": (OPEN_ACTION_STATUSES, ActionStatus.CANNOT, "action_cannot"),
}

#: why a step cannot be taken from a status: finished actions, then (step, status) pairs
_FINISHED = {
    ActionStatus.DONE: _l("This action is already done; its status cannot change any more."),
    ActionStatus.CANNOT: _l("This action was already marked as impossible to carry out; its status cannot "
                            "change any more."),
}
_OUT_OF_ORDER = {
    ("start", ActionStatus.NEW): _l("Accept the action before starting it."),
    ("start", ActionStatus.IN_PROGRESS): _l("This action has already been started."),
    ("done", ActionStatus.NEW): _l("Accept the action before marking it done."),
}


def text(field: str, value: str | None, *, required_message=None) -> str | None:
    """A stripped text within the length limit (None when empty and not required)."""
    value = (value or "").strip()
    if not value:
        if required_message is not None:
            raise ActionError(field, required_message)
        return None
    if len(value) > MAX_TEXT:
        raise ActionError(field, _l("Write at most %(max)d characters.", max=MAX_TEXT))
    return value


def check_works(actor: Actor, action: Action, field: str = "step") -> None:
    """Refuse anyone but the action's own institution."""
    if not can(actor, Permission.ACTION_WORK, action):
        raise ActionError(field, _l("Only the institution the action is assigned to can work on it."))


def _check_step(action: Action, step: str) -> None:
    sources, _target, _kind = STEPS[step]
    if action.status in sources:
        return
    raise ActionError("step", _FINISHED.get(action.status) or _OUT_OF_ORDER.get(
        (step, action.status), _l("This action has already been accepted.")))


def _pupil_id(action: Action) -> int | None:
    return action.case.pupil_id if action.case_id else None


def _timeline(action: Action, kind: str, actor: Actor, **detail) -> None:
    if action.case_id is not None:
        record_event(action.case, kind, actor=actor, detail={"action_id": action.id, **detail})


def take_step(*, actor: Actor, action: Action, step: str, note: str | None = None) -> None:
    """Move the action on (accept, start, done with an optional result, cannot with a reason)."""
    if step not in STEPS:
        raise ActionError("step", _l("Choose what to do with the action."))
    check_works(actor, action)
    _check_step(action, step)
    field = "reason" if step == "cannot" else "result"
    if step == "cannot":
        note = text(field, note, required_message=_l("Write why the action cannot be done."))
    elif step == "done":
        note = text(field, note)
    elif (note or "").strip():
        raise ActionError("step", _l("A note is written only when the action is done or cannot be done."))
    sources, target, kind = STEPS[step]
    now = utcnow()
    values = {"status": target, "status_changed_at": now, "status_changed_by_id": actor.user_id}
    values |= {"accept": {"accepted_at": now, "accepted_by_id": actor.user_id},
               "start": {"started_at": now, "started_by_id": actor.user_id}}.get(
        step, {"closed_at": now, "closed_by_id": actor.user_id})
    # a second request taking the same step a moment earlier wins; this one says so
    changed = db.session.execute(update(Action).where(Action.id == action.id, Action.status.in_(sources))
                                 .values(**values)).rowcount
    if changed != 1:
        db.session.refresh(action)
        _check_step(action, step)
    if note is not None:
        seal(action, "cannot_reason" if step == "cannot" else "result", note, scope=action.text_scope)
    _timeline(action, kind, actor)
    db.session.flush()
    fields = [field] if note is not None else []
    audit.record(f"action.{step}", object_type="Action", object_id=action.id, pupil_id=_pupil_id(action),
                 detail={"case_id": action.case_id, "status": str(target), "fields": fields})


def assign(*, actor: Actor, action: Action, assignee_id: int | None) -> None:
    """Name the person of the institution who carries the action out (or nobody)."""
    check_works(actor, action, "assignee_id")
    if action.status not in OPEN_ACTION_STATUSES:
        raise ActionError("assignee_id", _l("The action is finished; it can no longer be assigned."))
    if assignee_id is not None and assignee_id not in {u.id for u in assignable_users(action.institution_id)}:
        raise ActionError("assignee_id", _l("Choose a person who works at the action's institution."))
    if assignee_id == action.assignee_id:
        raise ActionError("assignee_id", _l("This person is already assigned to the action."))
    previous = action.assignee_id
    action.assignee_id = assignee_id
    _timeline(action, "action_assigned", actor)
    db.session.flush()
    audit.record("action.assign", object_type="Action", object_id=action.id, pupil_id=_pupil_id(action),
                 detail={"case_id": action.case_id, "assignee_id": assignee_id, "previous": previous})
