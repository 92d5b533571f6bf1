"""Sharing a case with the pupil's declared municipality: only its social service or orphans' court,
seen by their people and its coordinator, notes written there, ended by either coordinator."""
from __future__ import annotations

import json

from flask_babel import force_locale
from sqlalchemy import select

from caseflow.actions.models import Notice
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Note
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.sharing.models import CaseParticipant
from caseflow.sharing.services import notice_text
from tests.sharing.helpers import count, post_form


def _share(client, case_id, institution_id, reason=""):
    return post_form(client, f"/cases/{case_id}/participants/share", "share", institution_id, reason)


def _participant_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(CaseParticipant.id).where(CaseParticipant.ended_at.is_(None)))


def test_a_share_is_refused_outside_the_declared_municipalitys_social_service_and_court(app, client, factory,
                                                                                         world):
    factory.login(client, world.chair)
    for institution_id, message in (
            (world.away_school.id, b"shared only with a social service or an orphans"),
            (world.away_police.id, b"shared only with a social service or an orphans"),
            (world.third_social.id, b"where the pupil is declared"),
            (world.social.id, b"add it as a participant instead")):
        response = _share(client, world.shared_case.id, institution_id)
        assert response.status_code == 200
        assert message in response.data.replace(b"&#39;", b"'")
    # a pupil declared nowhere else: nothing to share with
    response = _share(client, world.case.id, world.away_social.id)
    assert b"not declared in another municipality" in response.data
    assert count(app, CaseParticipant) == 0
    assert count(app, AuditEntry, AuditEntry.action == "case.share") == 0
    assert count(app, Notice) == 0


def test_the_receiving_side_sees_the_case_and_writes_a_note(app, client, factory, world):
    worker, away_chair = app.test_client(), app.test_client()
    factory.login(worker, world.away_worker)
    factory.login(away_chair, world.away_chair)
    url = f"/cases/{world.shared_case.id}"
    assert worker.get(url).status_code == 404 and away_chair.get(url).status_code == 404

    factory.login(client, world.chair)
    assert _share(client, world.shared_case.id, world.away_social.id, "Deklarēta Kalnu novadā").status_code == 302
    assert worker.get(url).status_code == 200
    assert away_chair.get(url).status_code == 200
    assert client.get(url).status_code == 200
    # the away court was not shared with
    court = app.test_client()
    factory.login(court, world.away_court_member)
    assert court.get(url).status_code == 404

    response = worker.post(f"{url}/notes/new", data={"note-kind": "general",
                                                     "note-visibility": "institution",
                                                     "note-text": "Ģimene apmeklēta"})
    assert response.status_code == 302
    with app.app_context():
        note = db.session.scalar(select(Note))
        assert note.author_institution_id == world.away_social.id
    # a note kept within the author's institution stays there: the case's school does not read it
    factory.login(client, world.pedagogue)
    assert "Ģimene apmeklēta".encode() not in client.get(url).data
    assert "Ģimene apmeklēta".encode() in worker.get(url).data

    with app.app_context():
        notified = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "case_shared")))
        assert notified == {world.away_worker.id, world.away_chair.id}
        mails = list(db.session.scalars(select(OutboxMessage)))
        assert {m.to_address for m in mails} == {world.away_worker.email, world.away_chair.email}
        for mail in mails:
            assert "Līga" not in mail.body and "Robežniece" not in mail.body and "Deklarēta" not in mail.body
            assert f"/cases/{world.shared_case.id}" in mail.body
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case.share"))
        assert audit.pupil_id == world.crossing.id and json.loads(audit.detail)["institution_id"] == world.away_social.id


def test_either_coordinator_ends_the_share_and_sight_goes(app, client, factory, world):
    worker, away_chair = app.test_client(), app.test_client()
    factory.login(worker, world.away_worker)
    factory.login(away_chair, world.away_chair)
    url = f"/cases/{world.shared_case.id}"
    factory.login(client, world.chair)
    _share(client, world.shared_case.id, world.away_social.id)
    # the receiving coordinator sees the page and ends the share, but cannot add or share
    page = away_chair.get(f"{url}/participants")
    assert page.status_code == 200 and b"Add the institution" not in page.data
    assert _share(away_chair, world.shared_case.id, world.away_court.id).status_code == 200
    assert count(app, CaseParticipant) == 1
    response = away_chair.post(f"{url}/participants/{_participant_id(app)}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert worker.get(url).status_code == 404 and away_chair.get(url).status_code == 404
    assert client.get(url).status_code == 200

    # shared again, the case's own coordinator ends it
    _share(client, world.shared_case.id, world.away_court.id)
    court = app.test_client()
    factory.login(court, world.away_court_member)
    assert court.get(url).status_code == 200
    assert client.post(f"{url}/participants/{_participant_id(app)}/end").status_code == 302
    assert court.get(url).status_code == 404
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "CaseParticipant").order_by(AuditEntry.seq)))
        assert actions == ["case.share", "case.share_end", "case.share", "case.share_end"]
        ended = list(db.session.scalars(select(Notice.user_id).where(Notice.kind == "case_participation_ended")))
        assert sorted(ended) == sorted([world.away_worker.id, world.chair.id, world.away_chair.id,
                                        world.away_court_member.id])


def test_both_directions(app, client, factory, world):
    factory.login(client, world.away_chair)
    assert _share(client, world.back_case.id, world.social.id).status_code == 302
    worker = app.test_client()
    factory.login(worker, world.social_worker)
    assert worker.get(f"/cases/{world.back_case.id}").status_code == 200
    factory.login(client, world.chair)
    assert client.get(f"/cases/{world.back_case.id}").status_code == 200


def test_notice_texts_carry_no_child_data(app):
    with app.test_request_context(), force_locale("en"):
        assert notice_text("case_shared") == "A case was shared with your institution."
        assert "no longer" in notice_text("case_participation_ended")
