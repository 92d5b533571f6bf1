"""The data-protection officer's review queue of emergency grants."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.emergency.models import EmergencyGrant
from caseflow.extensions import db
from tests.emergency.conftest import JUSTIFICATION, T0, ask
from tests.querycount import StatementCounter


def _grant(client, factory, user, case_id: int, *, at, justification: str = JUSTIFICATION) -> None:
    with time_machine.travel(at, tick=False):
        factory.login(client, user)
        assert ask(client, user, f"L-{case_id:06d}", justification=justification).status_code == 302
        assert client.get(f"/cases/{case_id}").status_code == 200


def _reads_of(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.seq)).all()
        db.session.expunge_all()
        return rows


def test_the_queue_lists_waiting_grants_oldest_first_with_what_was_done(app, client, factory, world):
    w = world
    _grant(client, factory, w.inspector, w.case_other.id, at=T0,
           justification="Pašvaldības policija meklē pazudušu bērnu, steidzami.")
    _grant(client, factory, w.court_member, w.case2.id, at=T0 + timedelta(minutes=5))
    with time_machine.travel(T0 + timedelta(minutes=70), tick=False):
        factory.login(client, w.dpo)
        html = client.get("/emergency/review/").get_data(as_text=True)
    first, second = html.index(f"L-{w.case_other.id:06d}"), html.index(f"L-{w.case2.id:06d}")
    assert first < second
    for text in ("Pašvaldības policija meklē pazudušu bērnu", JUSTIFICATION, "Risk to the child",
                 "Ezerkrastu bāriņtiesa", "Ezerkrastu pašvaldības policija", "<code>case.read</code>"):
        assert text in html
    reads = _reads_of(app, "emergency_grant.read")
    assert {e.pupil_id for e in reads} == {w.pupil3.id, w.pupil2.id}
    assert {e.user_id for e in reads} == {w.dpo.id}


def test_activity_is_the_grantees_own_during_the_grant(app, client, factory, world):
    w = world
    _grant(client, factory, w.court_member, w.case2.id, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=90), tick=False):
        factory.login(client, w.pedagogue)  # the school's own reads are not the grantee's
        assert client.get(f"/cases/{w.case2.id}").status_code == 200
        factory.login(client, w.dpo)
        with app.app_context():
            grant_id = db.session.scalar(select(EmergencyGrant.id))
        html = client.get(f"/emergency/review/{grant_id}").get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.findall(r"<code>([a-z_.]+)</code>", body) == ["emergency.grant", "case.read"]


def test_reviewing_moves_a_grant_to_the_reviewed_list(app, client, factory, world):
    w = world
    _grant(client, factory, w.court_member, w.case2.id, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=70), tick=False):
        factory.login(client, w.dpo)
        with app.app_context():
            grant_id = db.session.scalar(select(EmergencyGrant.id))
        refused = client.post(f"/emergency/review/{grant_id}", data={"outcome": "justified", "note": ""})
        assert 'id="note-error"' in refused.get_data(as_text=True)
        response = client.post(f"/emergency/review/{grant_id}",
                               data={"outcome": "not_justified", "note": "Nebija steidzamības."})
        assert response.status_code == 302
        assert "No emergency access waits" in client.get("/emergency/review/").get_data(as_text=True)
        reviewed = client.get("/emergency/reviewed/").get_data(as_text=True)
        assert "Not justified" in reviewed and "Nebija steidzamības." in reviewed
        again = client.post(f"/emergency/review/{grant_id}", data={"outcome": "justified", "note": "x"})
        assert again.status_code == 200
    with app.app_context():
        grant = db.session.get(EmergencyGrant, grant_id)
        assert (grant.outcome, grant.review_note, grant.reviewed_by_id) == (
            "not_justified", "Nebija steidzamības.", w.dpo.id)
    [entry] = _reads_of(app, "emergency.review")
    assert entry.object_id == grant_id and entry.user_id == w.dpo.id and "not_justified" in entry.detail


@pytest.mark.parametrize("role", ["coordinator", "orphans_court", "social_pedagogue", "admin"])
def test_only_the_officer_opens_the_queue(app, client, factory, world, role):
    user = factory.user(role, world.board.id)
    factory.login(client, user)
    for url in ("/emergency/review/", "/emergency/reviewed/", "/emergency/review/1", "/emergency/alerts/",
                "/emergency/alerts/1"):
        assert client.get(url).status_code == 403, url


def test_an_unknown_grant_is_not_found(app, client, factory, world):
    factory.login(client, world.dpo)
    assert client.get("/emergency/review/999").status_code == 404
    assert client.get("/emergency/alerts/999").status_code == 404


def test_the_queue_page_makes_the_same_queries_for_few_and_many_grants(app, client, factory, world):
    w = world
    extra = []
    for _ in range(4):
        pupil = factory.pupil(w.school2.id)
        extra.append(factory.case(pupil.id, w.school2.id, w.pedagogue2.id).id)

    last: list[str] = []

    def statements() -> int:
        with time_machine.travel(T0 + timedelta(hours=3), tick=False):
            factory.login(client, w.dpo)
            with StatementCounter(app) as counter:
                assert client.get("/emergency/review/").status_code == 200
            last[:] = counter.statements
            # each grant shown writes its own audited read (a batch insert on PostgreSQL)
            return len([s for s in counter.statements if not s.startswith("INSERT INTO audit_log")])

    _grant(client, factory, w.court_member, w.case_other.id, at=T0)
    few = statements()
    for n, case_id in enumerate(extra):
        _grant(client, factory, w.inspector if n % 2 else w.officer, case_id, at=T0 + timedelta(minutes=n + 1))
    many = statements()
    assert many == few, "\n".join(last)
    assert few <= 20
