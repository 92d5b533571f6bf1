"""Alerts of unusual access: many different children's cases opened by one person in a short time."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from caseflow.access.policy import load_actor, set_request_actor
from caseflow.audit import services as audit
from caseflow.audit.models import AuditEntry
from caseflow.emergency import alerts as detector
from caseflow.emergency.alerts import detect_unusual_access
from caseflow.emergency.models import AccessAlert
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from tests.emergency.conftest import T0, count


def _open_cases(app, user, pupil_ids, *, start, every: timedelta = timedelta(minutes=1)) -> None:
    """Write the trail of `user` opening the case of each pupil in turn, one every `every`."""
    for n, pupil_id in enumerate(pupil_ids):
        with time_machine.travel(start + n * every, tick=False), app.test_request_context():
            set_request_actor(load_actor(db.session.get(User, user.id),
                                         db.session.get(Membership, user.membership_id)))
            audit.record("case.read", object_type="Case", object_id=pupil_id, pupil_id=pupil_id,
                         detail={"permission": "case.view"})
            db.session.commit()


def _detect(app, at) -> int:
    with time_machine.travel(at, tick=False), app.app_context():
        raised = detect_unusual_access()
        db.session.commit()
        return raised


def test_twenty_children_within_an_hour_raise_one_alert(app, factory, world):
    _open_cases(app, world.inspector, range(1000, 1020), start=T0)
    assert _detect(app, T0 + timedelta(minutes=30)) == 1
    assert _detect(app, T0 + timedelta(minutes=35)) == 0
    assert _detect(app, T0 + timedelta(hours=3)) == 0
    with app.app_context():
        alert = db.session.scalars(select(AccessAlert)).one()
        assert (alert.user_id, alert.pupil_count, alert.municipality_id) == (world.inspector.id, 20, world.home.id)
        assert alert.window_start == T0 and alert.window_end == T0 + timedelta(minutes=60)
        raised = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_alert.raise")).all()
        assert [e.object_id for e in raised] == [alert.id]


def test_below_the_threshold_no_alert(app, factory, world):
    # nineteen children, some of them twice, within the hour
    _open_cases(app, world.inspector, [*range(2000, 2019), 2000, 2001, 2002], start=T0)
    # twenty children, but spread over two hours
    _open_cases(app, world.officer, range(3000, 3020), start=T0, every=timedelta(minutes=6))
    assert _detect(app, T0 + timedelta(hours=3)) == 0
    assert count(app, AccessAlert) == 0


def test_a_later_burst_raises_a_second_alert(app, factory, world):
    _open_cases(app, world.inspector, range(1000, 1020), start=T0)
    assert _detect(app, T0 + timedelta(minutes=25)) == 1
    _open_cases(app, world.inspector, range(1100, 1120), start=T0 + timedelta(minutes=90))
    assert _detect(app, T0 + timedelta(minutes=120)) == 1
    with app.app_context():
        starts = db.session.scalars(select(AccessAlert.window_start).order_by(AccessAlert.id)).all()
    assert starts == [T0, T0 + timedelta(minutes=90)]


def test_the_thresholds_are_the_municipalitys_settings(app, factory, world, monkeypatch):
    values = {"unusual_access_cases": 5, "unusual_access_minutes": 10}
    monkeypatch.setattr(detector, "get_setting", lambda municipality_id, key: values[key])
    _open_cases(app, world.inspector, range(1000, 1005), start=T0, every=timedelta(minutes=2))
    _open_cases(app, world.officer, range(2000, 2005), start=T0, every=timedelta(minutes=3))
    assert _detect(app, T0 + timedelta(hours=1)) == 1
    with app.app_context():
        alert = db.session.scalars(select(AccessAlert)).one()
    assert alert.user_id == world.inspector.id and alert.window_end == T0 + timedelta(minutes=10)


def test_the_officer_reviews_an_alert(app, client, factory, world):
    _open_cases(app, world.inspector, range(1000, 1020), start=T0)
    _detect(app, T0 + timedelta(minutes=30))
    with app.app_context():
        alert_id = db.session.scalar(select(AccessAlert.id))
    factory.login(client, world.dpo)
    page = client.get("/emergency/alerts/").get_data(as_text=True)
    assert "Open alerts, oldest first" in page and f"/emergency/alerts/{alert_id}" in page
    refused = client.post(f"/emergency/alerts/{alert_id}", data={"note": " "})
    assert 'id="note-error"' in refused.get_data(as_text=True)
    response = client.post(f"/emergency/alerts/{alert_id}", data={"note": "Inspektors pārbaudīja sarakstu."})
    assert response.status_code == 302
    page = client.get("/emergency/alerts/").get_data(as_text=True)
    assert "No open alerts." in page and "Inspektors pārbaudīja sarakstu." in page
    with app.app_context():
        alert = db.session.get(AccessAlert, alert_id)
        assert alert.reviewed_by_id == world.dpo.id and alert.reviewed_at is not None
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_alert.review")).all()
        assert entry.object_id == alert_id and entry.user_id == world.dpo.id
