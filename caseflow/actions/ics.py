"""A person's private calendar feed: their open actions' deadlines as all-day events, no child data."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caseflow.access import rls
from caseflow.actions.models import OPEN_ACTION_STATUSES, Action
from caseflow.actions.reminders import action_path
from caseflow.actions.selectors.people import work_institution_ids
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.people.models import User


def feed_actions(user: User) -> list[Action]:
    """The person's open actions: assigned to them, or unassigned at an institution whose actions
    they work (only while they work there)."""
    institutions = work_institution_ids(user.id)
    if not institutions:
        return []
    rls.key_for_person(user.id, list(institutions))  # no signed-in actor: key the transaction for the token's owner
    return list(db.session.scalars(
        select(Action).where(Action.status.in_([str(s) for s in OPEN_ACTION_STATUSES]),
                             Action.institution_id.in_(institutions),
                             or_(Action.assignee_id == user.id, Action.assignee_id.is_(None)))
        .options(joinedload(Action.group)).order_by(Action.due_on, Action.id)))


def feed(user: User) -> bytes:
    """The iCalendar text of the person's feed, in their language."""
    base = current_app.config["BASE_URL"].rstrip("/")
    stamp = utcnow()
    calendar = Calendar()
    calendar.add("prodid", "-//caseflow//actions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with force_locale(user.locale):
        calendar.add("x-wr-calname", _("caseflow: deadlines of my actions"))
        for action in feed_actions(user):
            event = Event()
            event.add("uid", f"action-{action.id}@caseflow")
            event.add("dtstamp", stamp)
            event.add("dtstart", action.due_on)
            event.add("dtend", action.due_on + timedelta(days=1))
            event.add("summary", _("Action due: %(group)s", group=action.group.name))
            event.add("url", base + action_path(action.id))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
