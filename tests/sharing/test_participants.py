"""The coordinator adds an institution of the municipality to a case and ends it: sight follows on
the very next request, refusals write nothing, each step is audited and notified."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.actions.models import Notice
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.sharing.models import CaseParticipant
from tests.sharing.helpers import count, post_form


def _add(client, world, institution_id, reason="Ģimenē vardarbība"):
    return post_form(client, f"/cases/{world.case.id}/participants/add", "add", institution_id, reason)


def test_removing_the_police_hides_the_case_on_their_next_page_view(app, client, factory, world):
    police = app.test_client()
    factory.login(police, world.inspector)
    assert police.get(f"/cases/{world.case.id}").status_code == 404

    factory.login(client, world.chair)
    response = _add(client, world, world.mpolice.id)
    assert response.status_code == 302
    assert police.get(f"/cases/{world.case.id}").status_code == 200

    with app.app_context():
        row = db.session.scalar(select(CaseParticipant))
        assert (row.why, row.institution_id, row.added_by_id) == ("added_by_coordinator", world.mpolice.id,
                                                                  world.chair.id)
        assert unseal(row, "reason") == "Ģimenē vardarbība"
        assert b"vardarb" not in row.reason_enc
        participant_id = row.id
    response = client.post(f"/cases/{world.case.id}/participants/{participant_id}/end")
    assert response.status_code == 302

    assert police.get(f"/cases/{world.case.id}").status_code == 404
    assert police.get("/").status_code == 200  # the sign-in session stays open
    with app.app_context():
        row = db.session.get(CaseParticipant, participant_id)
        assert row.ended_at is not None and row.ended_by_id == world.chair.id
        actions = [e.action for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type == "CaseParticipant").order_by(AuditEntry.seq))]
        assert actions == ["case.participant_add", "case.participant_end"]
        kinds = list(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == world.case.id)))
        assert {"participant_added", "participation_ended"} <= set(kinds)


def test_the_institutions_people_are_told_without_child_data(app, client, factory, world):
    factory.login(client, world.chair)
    _add(client, world, world.social.id)
    with app.app_context():
        notices = list(db.session.scalars(select(Notice).order_by(Notice.id)))
        assert [n.user_id for n in notices] == [world.social_worker.id]
        assert notices[0].link == f"/cases/{world.case.id}"
        mails = list(db.session.scalars(select(OutboxMessage)))
        assert [m.to_address for m in mails] == [world.social_worker.email]
        assert "Marta" not in mails[0].body and "Kalni" not in mails[0].body
        assert "Your institution was added as a participant of a case." in mails[0].body


def test_refusals_write_nothing(app, client, factory, world):
    factory.login(client, world.chair)
    for institution_id, message in ((world.school2.id, b"A school cannot be added"),
                                    (world.away_social.id, b"Choose an institution of the case"),
                                    (999999, b"Choose an institution from the list")):
        response = _add(client, world, institution_id)
        assert response.status_code == 200
        assert message in response.data
    _add(client, world, world.court.id)
    response = _add(client, world, world.court.id)
    assert b"already takes part in the case" in response.data
    assert count(app, CaseParticipant) == 1
    assert count(app, AuditEntry, AuditEntry.action == "case.participant_add") == 1


def test_only_a_coordinator_with_the_case_in_sight_manages_participants(app, client, factory, world):
    for user in (world.pedagogue, world.social_worker, world.away_chair):
        factory.login(client, user)
        assert client.get(f"/cases/{world.case.id}/participants").status_code == 404
        assert _add(client, world, world.mpolice.id).status_code == 404
    factory.login(client, world.chair)
    # case2 is not referred: the coordinator does not see it
    assert client.get(f"/cases/{world.case2.id}/participants").status_code == 404
    page = client.get(f"/cases/{world.case.id}/participants")
    assert page.status_code == 200
    assert world.mpolice.name.encode() in page.data and world.school2.name.encode() not in page.data
    assert count(app, CaseParticipant) == 0


def test_a_participant_of_another_case_cannot_be_ended_through_this_one(app, client, factory, world):
    factory.login(client, world.chair)
    _add(client, world, world.mpolice.id)
    with app.app_context():
        participant_id = db.session.scalar(select(CaseParticipant.id))
    assert client.post(f"/cases/{world.shared_case.id}/participants/{participant_id}/end").status_code == 404
    assert count(app, CaseParticipant, CaseParticipant.ended_at.is_(None)) == 1
