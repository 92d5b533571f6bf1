"""Deadline reminders the worker sends: some days before, on the day, and once overdue (then to the
chair too), by e-mail and as in-app notices. Each goes once; they carry no child data."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caseflow.actions.models import OPEN_ACTION_STATUSES, Action, Notice
from caseflow.actions.selectors.people import assignable_users, chair_users
from caseflow.audit import services as audit
from caseflow.core.i18n import format_date_lv
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.models import User
from caseflow.people.settings import get_setting

#: the reminders in the order they go out; a later one replaces any earlier one not yet sent
STAGES = ("before", "due", "overdue")
#: the setting's upper bound (it also bounds the query of candidate actions)
MAX_DAYS_BEFORE = 30


def days_before(municipality_id: int) -> int:
    """The municipality's number of days before a deadline to remind (the setting; 3 by default)."""
    return min(get_setting(municipality_id, "action_reminder_days_before"), MAX_DAYS_BEFORE)


def stage_of(due_on: date, today: date, before: int) -> str | None:
    """Which reminder a deadline calls for today, if any."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due"
    return "before" if (due_on - today).days <= before else None


def notice_text(kind: str, params: str | None) -> str:
    """A notice's message in the current language (from its code and parameters)."""
    from caseflow.sharing.services import NOTICE_KINDS
    from caseflow.sharing.services import notice_text as sharing_text

    if kind in NOTICE_KINDS:
        return sharing_text(kind, params)
    if kind.startswith("info_request_"):
        from caseflow.inforequests.reminders import notice_text as info_notice_text

        return info_notice_text(kind)
    if kind.startswith("warning_"):
        from caseflow.warning.services.notices import notice_text as warning_notice_text

        return warning_notice_text(kind, params)
    if kind.startswith("emergency_"):
        from caseflow.emergency.services import notice_text as emergency_notice_text

        return emergency_notice_text(kind)
    values = json.loads(params or "{}")
    # the date ends the sentence: no second full stop after the Latvian date's own
    group, day = values.get("group", ""), format_date_lv(date.fromisoformat(values["due_on"])).rstrip(".")
    if kind == "action_overdue":
        return _("An action of %(group)s was due on %(date)s and is overdue.", group=group, date=day)
    return _("An action of %(group)s is due on %(date)s.", group=group, date=day)


def action_path(action_id: int) -> str:
    """The path of an action's page (the worker has no request to build URLs from)."""
    return current_app.url_map.bind("").build("actions.view", {"action_id": action_id})


def _recipients(action: Action, stage: str) -> list[User]:
    people = [action.assignee] if action.assignee and action.assignee.is_active_account else \
        assignable_users(action.institution_id)
    if stage == "overdue":
        people += chair_users(action.group_id, action.group.municipality_id)
    return list({u.id: u for u in people}.values())


def _remind(user: User, action: Action, stage: str) -> None:
    kind = f"action_{stage}"
    params = json.dumps({"group": action.group.name, "due_on": action.due_on.isoformat()}, ensure_ascii=False)
    path = action_path(action.id)
    db.session.add(Notice(user_id=user.id, kind=kind, params=params, link=path))
    link = current_app.config["BASE_URL"].rstrip("/") + path
    with force_locale(user.locale):
        subject = _("caseflow: an action is overdue") if stage == "overdue" else _("caseflow: an action is due")
        body = _("%(message)s\n\nOpen the action in caseflow:\n%(link)s",
                 message=notice_text(kind, params), link=link)
    queue_email(to=user.email, subject=subject, body=body, user_id=user.id)


def send_reminders() -> int:
    """Send every reminder that is due and not yet sent; returns how many actions were reminded."""
    today = local_today()
    candidates = db.session.scalars(
        select(Action).where(Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]),
                             Action.due_on <= today + timedelta(days=MAX_DAYS_BEFORE),
                             or_(Action.last_reminder.is_(None), Action.last_reminder != "overdue"))
        .options(joinedload(Action.group), joinedload(Action.assignee)).order_by(Action.id)).all()
    settings: dict[int, int] = {}
    reminded = 0
    for action in candidates:
        if action.municipality_id not in settings:
            settings[action.municipality_id] = days_before(action.municipality_id)
        stage = stage_of(action.due_on, today, settings[action.municipality_id])
        sent = STAGES.index(action.last_reminder) if action.last_reminder in STAGES else -1
        if stage is None or STAGES.index(stage) <= sent:
            continue
        people = _recipients(action, stage)
        for user in people:
            _remind(user, action, stage)
        action.last_reminder, action.last_reminder_at = stage, utcnow()
        audit.record("action.reminder", object_type="Action", object_id=action.id,
                     detail={"stage": stage, "user_ids": [u.id for u in people]})
        reminded += 1
    db.session.flush()
    return reminded
