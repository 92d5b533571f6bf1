"""Helpers of the session, agenda, invitation and request tests: rows, counts, audit actions."""
from __future__ import annotations

import html
import json
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from caseflow.audit.models import AuditEntry
from caseflow.db import local_today
from caseflow.extensions import db


def count(app, model, *where) -> int:
    """How many rows of a model (matching the conditions) there are."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def rows(app, model, *where, order=None) -> list:
    """Rows of a model, detached, in id order."""
    with app.app_context():
        found = list(db.session.scalars(select(model).where(*where).order_by(order or model.id)))
        db.session.expunge_all()
        return found


def audit_actions(app) -> list[str]:
    """The audit trail's actions in order."""
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def audit_of(app, action: str) -> list[SimpleNamespace]:
    """The audit entries of one action (their detail read back as a dict)."""
    with app.app_context():
        found = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        return [SimpleNamespace(object_id=e.object_id, pupil_id=e.pupil_id, user_id=e.user_id,
                                detail=json.loads(e.detail) if isinstance(e.detail, str) else e.detail)
                for e in found]


def weekday_ahead(days: int = 14) -> date:
    """A Monday–Friday at least `days` from today."""
    day = local_today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def text(response) -> str:
    """A page's text with HTML entities decoded."""
    return html.unescape(response.text)


def schedule_data(when: date, **changes) -> dict:
    """A valid schedule form."""
    return {"day": when.isoformat(), "start": "14:00", "end": "16:00", "place": "Domes zāle, 2. stāvs",
            "video_link": "", "kind": "regular"} | changes
