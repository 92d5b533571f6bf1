"""Fixtures of the break-the-glass tests: the cooperation-group world with data-protection officers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseflow.db import utcnow
from caseflow.extensions import db
from tests.factories import totp_code
from tests.meetings.world import build_world

#: the moment the tests break the glass: a whole minute shortly after the world is built
T0 = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=2)
JUSTIFICATION = "Bērns ziņoja par vardarbību mājās, jārīkojas nekavējoties."


@pytest.fixture
def world(app, factory):
    w = build_world(app, factory)
    w.dpo = factory.user("dpo", w.board.id, locale="en")
    w.away_dpo = factory.user("dpo", w.away_board.id, locale="en")
    return w


def ask(client, user, reference: str, *, reason: str = "life_or_health", justification: str = JUSTIFICATION,
        code: str | None = None):
    """Post the emergency form as the signed-in user (with their current TOTP code by default)."""
    return client.post("/emergency/", data={
        "reference": reference, "reason": reason, "justification": justification,
        "code": totp_code(user.totp_secret) if code is None else code})


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
