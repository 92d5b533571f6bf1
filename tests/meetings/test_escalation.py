"""Escalation (Riga): the outcome "escalate" sends the case to the group the session's group escalates
to, as an open request its chair finds; refused where there is no such group, and for policy items."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, CooperationGroup, GroupSession, SessionRequest
from tests.concerns.helpers import count, raw_column
from tests.meetings.recording_helpers import audit_actions, item_data, todays_session


def url(s, i) -> str:
    return f"/meetings/sessions/{s}/record/items/{i}"


def test_escalating_a_case_opens_a_request_to_the_management_group(app, client, factory, world):
    s, case_item, _p = todays_session(app, world)
    factory.login(client, world.chair)
    response = client.post(url(s, case_item), data=item_data(world, outcome="escalate", next_evaluation=""))
    assert response.status_code == 302, response.text
    with app.app_context():
        request = db.session.scalars(select(SessionRequest)).one()
        label = db.session.get(GroupSession, s).label
        assert (request.group_id, request.case_id, request.status, request.requester_kind) == (
            world.management, world.case.id, "open", "member")
        assert request.submitted_by_id == world.chair.id and request.submitted_by_institution_id == world.board.id
        reasons = unseal(request, "reasons")
        assert "Ezerkrastu sadarbības grupa" in reasons and label in reasons
        assert db.session.get(AgendaItem, case_item).outcome == "escalate"
    assert b"Ezerkrastu" not in raw_column(app, "session_requests", "reasons_enc", request.id)
    assert "session_request.escalate" in audit_actions(app)

    # recording the item again does not send the case twice
    client.post(url(s, case_item), data=item_data(world, outcome="escalate", next_evaluation="", discussion="Vēlreiz"))
    assert count(app, SessionRequest) == 1


def test_a_group_with_nowhere_to_escalate_refuses_escalation(app, client, factory, world):
    with app.app_context():
        db.session.get(CooperationGroup, world.group).escalates_to_id = None
        db.session.commit()
    s, case_item, _p = todays_session(app, world)
    factory.login(client, world.chair)
    page = client.post(url(s, case_item), data=item_data(world, outcome="escalate", next_evaluation=""))
    assert page.status_code == 200 and "This group has no group to escalate to" in page.text
    assert count(app, SessionRequest) == 0
    with app.app_context():
        assert db.session.get(AgendaItem, case_item).recorded_at is None


def test_a_policy_item_cannot_be_escalated(app, client, factory, world):
    s, _c, policy_item = todays_session(app, world)
    factory.login(client, world.chair)
    page = client.post(url(s, policy_item), data=item_data(world, outcome="escalate", next_evaluation=""))
    assert "Only a case can be escalated" in page.text
    assert count(app, SessionRequest) == 0
