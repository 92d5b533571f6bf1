"""Acting on a concern: no action, add to an open case, open a case, forward to a school, choose the
pupil of an outside report; the reporter sees only the status, never the case."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.cases.models import CaseEvent
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.crypto import unseal
from caseflow.extensions import db
from tests.concerns.helpers import build_world, count, raw_column
from tests.concerns.test_inbox import ids, report

REASON = "Parents already work with the family doctor"


@pytest.fixture
def world(factory):
    return build_world(factory)


def concern_row(app, concern_id: int) -> Concern:
    with app.app_context():
        concern = db.session.get(Concern, concern_id)
        db.session.expunge(concern)
        return concern


def test_no_action_needs_a_reason_and_keeps_it_encrypted(app, client, factory, world):
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)

    refused = client.post(f"/concerns/{concern_id}/no-action", data={"reason": " "})
    assert refused.status_code == 200
    assert 'id="reason-error">Write why no action is taken.' in refused.text
    assert concern_row(app, concern_id).status == ConcernStatus.NEW

    response = client.post(f"/concerns/{concern_id}/no-action", data={"reason": REASON})
    assert response.status_code == 302
    concern = concern_row(app, concern_id)
    assert (concern.status, concern.handled_by_id) == (ConcernStatus.NO_ACTION, world.pedagogue.id)
    with app.app_context():
        assert unseal(db.session.get(Concern, concern_id), "response") == REASON
    assert b"family doctor" not in raw_column(app, "concerns", "response_enc", concern_id)
    assert REASON in client.get(f"/concerns/{concern_id}").text

    again = client.post(f"/concerns/{concern_id}/no-action", data={"reason": "Twice"})
    assert "This concern has already been handled." in again.text

    factory.login(client, world.teacher)
    mine = client.get("/concerns/mine").text
    assert "No action taken" in mine and REASON not in mine


def test_adding_to_the_open_case_records_it_on_the_timeline(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)
    page = client.get(f"/concerns/{concern_id}").text
    assert f"Add the concern to case L-{case.id:06d}" in page
    assert "/cases/new/" not in page

    response = client.post(f"/concerns/{concern_id}/add-to-case", data={"add-pupil_id": str(world.pupil.id)})

    assert response.status_code == 302
    concern = concern_row(app, concern_id)
    assert (concern.status, concern.case_id, concern.handled_by_id) == (
        ConcernStatus.ADDED_TO_CASE, case.id, world.pedagogue.id)
    with app.app_context():
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
        assert (event.kind, event.detail) == ("concern_added", {"concern_id": concern_id})
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "concern.add_to_case")).one()
        assert json.loads(entry.detail) == {"case_id": case.id}
    assert f'href="/cases/{case.id}"' in client.get(f"/concerns/{concern_id}").text

    factory.login(client, world.teacher)
    mine = client.get("/concerns/mine").text
    assert "Added to an open case" in mine
    assert f"L-{case.id:06d}" not in mine and "/cases/" not in mine


def test_adding_without_an_open_case_is_refused(app, client, factory, world):
    factory.case(world.pupil.id, world.school.id, world.pedagogue.id, status="closed")
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/concerns/{concern_id}/add-to-case", data={})
    assert response.status_code == 200
    assert "The pupil has no open case at your school; open a case instead." in response.text
    assert concern_row(app, concern_id).status == ConcernStatus.NEW
    assert count(app, CaseEvent) == 0


def test_the_concern_page_links_to_opening_a_case(client, factory, world):
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)
    page = client.get(f"/concerns/{concern_id}").text
    assert f'href="/cases/new/{world.pupil.id}?concern_id={concern_id}"' in page
    assert "Sleeps in lessons" in page


def test_teacher_reports_and_pedagogue_opens_a_case_from_it(app, client, factory, world):
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)
    url = f"/cases/new/{world.pupil.id}?concern_id={concern_id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={
        "categories": [str(factory.entry(world.home.id, "category"))],
        "noticed_via": [str(factory.entry(world.home.id, "noticed_via"))], "summary": "",
        "lead_user_id": str(world.pedagogue.id)})
    assert response.status_code == 302, response.text
    concern = concern_row(app, concern_id)
    assert concern.status == ConcernStatus.CASE_OPENED and concern.case_id is not None

    factory.login(client, world.teacher)
    mine = client.get("/concerns/mine").text
    assert "A case was opened" in mine
    assert f"L-{concern.case_id:06d}" not in mine and "/cases/" not in mine
    assert client.get(f"/cases/{concern.case_id}").status_code == 404
    assert client.get(f"/concerns/{concern_id}").status_code == 404


def test_coordinator_forwards_an_outside_report_to_a_school(app, client, factory, world):
    concern_id = report(client, factory, world.social_worker)
    factory.login(client, world.coordinator)
    page = client.get(f"/concerns/{concern_id}").text
    assert world.school.name in page and world.other_school.name in page and world.far_school.name not in page
    assert "/cases/new/" not in page

    response = client.post(f"/concerns/{concern_id}/forward", data={
        "school_id": str(world.school.id), "remark": "Probably Marta from 7.b"})

    assert response.status_code == 302 and response.headers["Location"] == "/concerns/"
    concern = concern_row(app, concern_id)
    assert (concern.school_id, concern.status, concern.pupil_id, concern.forwarded_by_id) == (
        world.school.id, ConcernStatus.NEW, None, world.coordinator.id)
    with app.app_context():
        assert unseal(db.session.get(Concern, concern_id), "forward_remark") == "Probably Marta from 7.b"
    assert b"Marta" not in raw_column(app, "concerns", "forward_remark_enc", concern_id)
    assert ids(client.get("/concerns/").text) == []
    assert client.get(f"/concerns/{concern_id}").status_code == 404

    factory.login(client, world.pedagogue)
    assert ids(client.get("/concerns/").text) == [concern_id]
    assert "Probably Marta from 7.b" in client.get(f"/concerns/{concern_id}").text
    factory.login(client, world.social_worker)
    assert "Forwarded to a school" in client.get("/concerns/mine").text


@pytest.mark.parametrize(("school", "message"), [
    ("far_school", "Choose a school of the municipality from the list."),
    ("", "Choose a school."),
])
def test_forwarding_needs_a_school_of_the_municipality(app, client, factory, world, school, message):
    concern_id = report(client, factory, world.social_worker)
    factory.login(client, world.coordinator)
    school_id = str(getattr(world, school).id) if school else ""
    response = client.post(f"/concerns/{concern_id}/forward", data={"school_id": school_id})
    assert response.status_code == 200
    assert f'id="school_id-error">{message}' in response.text
    assert concern_row(app, concern_id).school_id is None


def test_the_school_identifies_the_pupil_of_a_forwarded_report(app, client, factory, world):
    concern_id = report(client, factory, world.social_worker)
    factory.login(client, world.coordinator)
    client.post(f"/concerns/{concern_id}/forward", data={"school_id": str(world.school.id)})
    factory.login(client, world.pedagogue)

    page = client.get(f"/concerns/{concern_id}").text
    assert 'name="class_name"' in page and "/cases/new/" not in page
    page = client.get(f"/concerns/{concern_id}", query_string={"class_name": "7.b"}).text
    assert "Kalniņa, Marta" in page and "Ozols, Jānis" in page and "Liepa" not in page
    page = client.get(f"/concerns/{concern_id}", query_string={"class_name": "7.b",
                                                               "pupil_id": world.pupil.id}).text
    assert f'href="/cases/new/{world.pupil.id}?concern_id={concern_id}"' in page

    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    forged = client.post(f"/concerns/{concern_id}/add-to-case", data={"add-pupil_id": str(world.other_pupil.id)})
    assert forged.status_code == 200 and "Choose a pupil of your school from the list." in forged.text
    assert concern_row(app, concern_id).pupil_id is None

    response = client.post(f"/concerns/{concern_id}/add-to-case", data={"add-pupil_id": str(world.pupil.id)})
    assert response.status_code == 302
    concern = concern_row(app, concern_id)
    assert (concern.pupil_id, concern.case_id, concern.status) == (world.pupil.id, case.id,
                                                                   ConcernStatus.ADDED_TO_CASE)


def test_the_school_cannot_forward(app, client, factory, world):
    concern_id = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, world.pedagogue)
    assert f'action="/concerns/{concern_id}/forward"' not in client.get(f"/concerns/{concern_id}").text
    response = client.post(f"/concerns/{concern_id}/forward", data={"school_id": str(world.other_school.id)})
    assert response.status_code == 200
    assert "Only the coordinator forwards reports" in response.text
    assert concern_row(app, concern_id).school_id == world.school.id
