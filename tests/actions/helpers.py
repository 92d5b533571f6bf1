"""Helpers of the actions' tests: look into the database past the app."""
from __future__ import annotations

import json

from sqlalchemy import select

from caseflow.extensions import db


def row(app, model, row_id: int):
    """A row, detached, as the database holds it now."""
    with app.app_context():
        obj = db.session.get(model, row_id)
        db.session.expunge(obj)
        return obj


def audit_actions(app, prefix: str = "action.") -> list:
    """The audit entries whose action starts with the prefix, oldest first, detached."""
    from caseflow.audit.models import AuditEntry

    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                  .order_by(AuditEntry.id)).all()
        db.session.expunge_all()
        return rows


def detail(entry) -> dict:
    """An audit entry's detail as a dict."""
    return json.loads(entry.detail) if isinstance(entry.detail, str) else entry.detail


def events(app, case_id: int) -> list[tuple[str, dict]]:
    """The case's timeline as (kind, detail), oldest first."""
    from caseflow.cases.models import CaseEvent

    with app.app_context():
        return [(e.kind, e.detail) for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]
