"""Shared set-up of the monitoring tests."""
from __future__ import annotations

from caseflow.extensions import db
from caseflow.monitoring.fixtures import load_into, load_profile


def seeded_town(app, factory, name: str, profile: str):
    """A municipality holding a seed's plan, with a coordinator and an analyst of its education board."""
    m = factory.municipality(name, profile)
    board = factory.institution(m.id, kind="education_board")
    users = {role: factory.user(role, board.id) for role in ("coordinator", "analyst")}
    with app.app_context():
        load_into(m.id, load_profile(profile))
        db.session.commit()
    return m, users
