"""The follow-up log: on a date, what was done and with what result. Entries are never edited; a
correction is a new entry."""
from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.actions.models import Action, FollowUp
from caseflow.actions.services.workflow import ActionError, check_works, text
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.core.i18n import format_date_lv
from caseflow.crypto import seal
from caseflow.db import local_today
from caseflow.extensions import db


def _check_day(action: Action, on: date | None) -> date:
    if on is None:
        raise ActionError("on", _l("Enter the date on which it was done."))
    if on > local_today():
        raise ActionError("on", _l("The date cannot be in the future."))
    created = action.created_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
    if on < created:
        raise ActionError("on", _l("The date cannot be before the action was agreed (%(date)s).",
                                   date=format_date_lv(created)))
    return on


def log_follow_up(*, actor: Actor, action: Action, on: date | None, done: str | None,
                  result: str | None) -> FollowUp:
    """Add an entry to the action's follow-up log (sealed under the action's scope)."""
    check_works(actor, action, "done")
    on = _check_day(action, on)
    done_text = text("done", done, required_message=_l("Write what was done."))
    result_text = text("result", result)
    entry = FollowUp(action_id=action.id, on=on, logged_by_id=actor.user_id, institution_id=actor.institution_id)
    db.session.add(entry)
    seal(entry, "text", json.dumps({"done": done_text, "result": result_text}, ensure_ascii=False),
         scope=action.text_scope)
    action.follow_ups.append(entry)
    if action.case_id is not None:
        record_event(action.case, "follow_up_logged", actor=actor,
                     detail={"action_id": action.id, "follow_up_id": entry.id})
    db.session.flush()
    audit.record("action.follow_up", object_type="FollowUp", object_id=entry.id,
                 pupil_id=action.case.pupil_id if action.case_id else None,
                 detail={"action_id": action.id, "case_id": action.case_id,
                         "fields": ["done"] + (["result"] if result_text else [])})
    return entry
