"""Fixtures of the information-request tests: the cooperation-group world with the referred case on
an agenda (so the orphans' court sees it), and helpers to ask and count."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from caseflow.db import local_today
from caseflow.extensions import db
from tests.meetings.world import build_world, item, session

QUESTION = "Vai Marta apmeklē pulciņus pēc stundām?"
PURPOSE = "Bāriņtiesa vērtē ģimenes situāciju."
ANSWER = "Marta apmeklē basketbolu otrdienās."


@pytest.fixture
def world(app, factory):
    w = build_world(app, factory)
    w.session = session(app, w.group, created_by_id=w.chair.id)
    w.item = item(app, w.session, case_id=w.case.id, reason="referral")
    return w


def noon(day: date) -> datetime:
    """Midday (UTC) of a day: the same date in Riga."""
    return datetime.combine(day, time(10), tzinfo=UTC)


def ask(client, case_id: int, *, institution_id, question: str = QUESTION, purpose: str = PURPOSE,
        due_on: date | None = None, days: int = 10):
    """Post the ask form as the signed-in user."""
    due = due_on or local_today() + timedelta(days=days)
    return client.post(f"/cases/{case_id}/info-requests/new", data={
        "institution_id": institution_id, "question": question, "purpose": purpose, "due_on": due.isoformat()})


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
