"""The officer's queues reach their own municipality only (and any without an officer of its own, whose
grants officers_for tells them about): another municipality's grant or alert is a 404."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from caseflow.emergency.models import AccessAlert, EmergencyGrant
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from tests.emergency.conftest import T0, ask


@pytest.fixture
def grant_id(app, client, factory, world) -> int:
    """An emergency grant on case2 of the home municipality."""
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        assert ask(client, world.court_member, f"L-{world.case2.id:06d}").status_code == 302
    with app.app_context():
        return db.session.scalar(select(EmergencyGrant.id))


def _alert(app, user, municipality_id: int | None) -> int:
    with app.app_context():
        alert = AccessAlert(user_id=user.id, municipality_id=municipality_id, window_start=T0,
                            window_end=T0 + timedelta(hours=1), pupil_count=25)
        db.session.add(alert)
        db.session.commit()
        return alert.id


def test_another_municipalitys_grant_is_not_listed_and_not_found(app, client, factory, world, grant_id):
    w = world
    with time_machine.travel(T0 + timedelta(minutes=70), tick=False):
        factory.login(client, w.away_dpo)
        queue = client.get("/emergency/review/").get_data(as_text=True)
        assert f"L-{w.case2.id:06d}" not in queue and "No emergency access waits" in queue
        assert client.get(f"/emergency/review/{grant_id}").status_code == 404
        refused = client.post(f"/emergency/review/{grant_id}", data={"outcome": "justified", "note": "Labi"})
        assert refused.status_code == 404
        factory.login(client, w.dpo)
        assert f"L-{w.case2.id:06d}" in client.get("/emergency/review/").get_data(as_text=True)
        assert client.get(f"/emergency/review/{grant_id}").status_code == 200
    with app.app_context():
        grant = db.session.get(EmergencyGrant, grant_id)
        assert grant.reviewed_at is None and grant.outcome is None


def test_the_reviewed_list_is_the_municipalitys_own(app, client, factory, world, grant_id):
    w = world
    with time_machine.travel(T0 + timedelta(minutes=70), tick=False):
        factory.login(client, w.dpo)
        assert client.post(f"/emergency/review/{grant_id}",
                           data={"outcome": "justified", "note": "Pamatoti."}).status_code == 302
        assert "Pamatoti." in client.get("/emergency/reviewed/").get_data(as_text=True)
        factory.login(client, w.away_dpo)
        assert "Pamatoti." not in client.get("/emergency/reviewed/").get_data(as_text=True)


def test_the_officers_told_are_the_officers_who_can_open_it(app, client, factory, world, grant_id):
    from caseflow.access.policy import load_actor
    from caseflow.emergency import selectors

    w = world
    with app.app_context():
        grant = db.session.get(EmergencyGrant, grant_id)
        dpos = [w.dpo, w.away_dpo]

        def reaching(municipality_id):
            # a deactivated account cannot sign in: only active officers act
            actors = [load_actor(db.session.get(User, u.id), db.session.get(Membership, u.membership_id))
                      for u in dpos if db.session.get(User, u.id).is_active_account]
            return {a.user_id for a in actors if selectors.load_grant(a, grant_id) is not None}, {
                u.id for u in selectors.officers_for(municipality_id)}

        opened, told = reaching(grant.case.municipality_id)
        assert opened == told == {w.dpo.id}
        # the home officer leaves: the other municipality's officer is told, and may open it
        db.session.get(User, w.dpo.id).is_active_account = False
        db.session.commit()
        opened, told = reaching(grant.case.municipality_id)
        assert opened == told == {w.away_dpo.id}


def test_alerts_of_another_municipality_are_not_listed_and_not_found(app, client, factory, world):
    w = world
    home = _alert(app, w.inspector, w.home.id)
    nowhere = _alert(app, w.chair, None)
    factory.login(client, w.away_dpo)
    page = client.get("/emergency/alerts/").get_data(as_text=True)
    assert f"/emergency/alerts/{home}" not in page
    assert f"/emergency/alerts/{nowhere}" in page  # of no municipality: every officer
    assert client.get(f"/emergency/alerts/{home}").status_code == 404
    assert client.post(f"/emergency/alerts/{home}", data={"note": "Pārbaudīts"}).status_code == 404
    with app.app_context():
        assert db.session.get(AccessAlert, home).reviewed_at is None
    factory.login(client, w.dpo)
    page = client.get("/emergency/alerts/").get_data(as_text=True)
    assert f"/emergency/alerts/{home}" in page and f"/emergency/alerts/{nowhere}" in page
    assert client.get(f"/emergency/alerts/{home}").status_code == 200
