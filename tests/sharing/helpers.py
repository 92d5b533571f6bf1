"""Helpers of the sharing tests."""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.extensions import db


def post_form(client, url: str, prefix: str, institution_id, reason: str = ""):
    """Post the add or share form of the participants page."""
    return client.post(url, data={f"{prefix}-institution_id": institution_id, f"{prefix}-reason": reason})


def count(app, model, *where) -> int:
    """How many rows of a model meet the conditions."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
