"""The demo's cooperation group is at work: past sessions with approved minutes, a held session
awaiting approval, a planned one, and actions open, overdue, in progress and done."""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.actions.models import OPEN_ACTION_STATUSES, Action, FollowUp
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession, Minutes


def test_the_demo_group_has_sessions_minutes_and_actions_in_every_state(app, runner):
    result = runner.invoke(args=["demo", "load", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statuses = [s.status for s in db.session.scalars(select(GroupSession).order_by(GroupSession.starts_at))]
        assert statuses == ["approved", "approved", "approved", "held", "planned"]
        approved = db.session.scalars(select(Minutes).where(Minutes.approved_at.is_not(None))).all()
        assert len(approved) == 3 and unseal(approved[0], "text")
        today = local_today()
        actions = db.session.scalars(select(Action)).all()
        assert {a.status for a in actions} >= {"new", "accepted", "in_progress", "done"}
        overdue = [a for a in actions if a.status in OPEN_ACTION_STATUSES and a.due_on < today]
        assert overdue and all(unseal(a, "description") for a in actions)
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) >= 3
        upcoming = db.session.scalars(select(GroupSession).where(GroupSession.status == "planned")).one()
        assert upcoming.starts_at.date() > today
        assert db.session.scalar(select(func.count()).select_from(AgendaItem)
                                 .where(AgendaItem.session_id == upcoming.id)) >= 1
