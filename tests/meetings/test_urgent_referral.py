"""An urgent referral, once accepted, proposes an extraordinary session with the case at once."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession
from tests.meetings.world import item, session


def sessions_of(app, group_id: int) -> list[tuple]:
    with app.app_context():
        return [(s.kind, s.status, [(i.case_id, i.reason, i.referral_id) for i in s.items])
                for s in db.session.scalars(select(GroupSession).where(GroupSession.group_id == group_id))]


def test_accepting_an_urgent_referral_proposes_an_extraordinary_session(app, client, factory, world):
    urgent = factory.referral(world.case2.id, world.group, world.pedagogue.id, urgent=True)
    factory.login(client, world.chair)
    response = client.post(f"/cases/referrals/{urgent}/decide", data={"decision": "accept"})
    assert response.status_code == 302
    assert "extraordinary session is proposed" in client.get(response.headers["Location"]).text
    assert sessions_of(app, world.group) == [("extraordinary", "proposed", [(world.case2.id, "referral", urgent)])]


def test_an_ordinary_referral_or_a_case_already_on_an_agenda_proposes_nothing(app, client, factory, world):
    factory.login(client, world.chair)
    assert client.post(f"/cases/referrals/{world.referral}/decide", data={"decision": "accept"}).status_code == 302
    assert sessions_of(app, world.group) == []
    planned = session(app, world.group)
    item(app, planned, case_id=world.case2.id)
    urgent = factory.referral(world.case2.id, world.group, world.pedagogue.id, urgent=True)
    assert client.post(f"/cases/referrals/{urgent}/decide", data={"decision": "accept"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(GroupSession)) == 1
        assert db.session.scalar(select(db.func.count()).select_from(AgendaItem)) == 1
