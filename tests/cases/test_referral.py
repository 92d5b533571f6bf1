"""Referral to the cooperation group: the school refers, the coordinator accepts or returns it; the
school sees the status and the return reason; refusals, access, encryption, audit, query budget."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseEvent, Referral, ReferralStatus
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMunicipality
from tests.concerns.helpers import build_world, count, raw_column
from tests.querycount import StatementCounter

TRIED = "Three talks with the mother and weekly maths consultations; absences went on"
REFERRAL_LINK = re.compile(r'href="/cases/referrals/(\d+)"')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def world(factory):
    w = build_world(factory)
    w.case = factory.case(w.pupil.id, w.school.id, w.pedagogue.id)
    return w


def refer_data(world, **changes) -> dict:
    return {"tried": TRIED, "request": "A session with the parents", "urgent": "y",
            "group_id": str(world.group)} | changes


def case_row(app, case_id: int) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def the_referral(app) -> Referral:
    with app.app_context():
        referral = db.session.scalars(select(Referral)).one()
        db.session.expunge(referral)
        return referral


def test_pedagogue_refers_an_open_case(app, client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{world.case.id}/refer").text
    assert f'<option selected value="{world.group}">' in page
    assert "Upmalas" not in page

    response = client.post(f"/cases/{world.case.id}/refer", data=refer_data(world))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{world.case.id}#referral"
    referral = the_referral(app)
    assert (referral.case_id, referral.group_id, referral.status, referral.urgent, referral.submitted_by_id) == (
        world.case.id, world.group, ReferralStatus.SUBMITTED, True, world.pedagogue.id)
    case = case_row(app, world.case.id)
    assert (case.status, case.urgent) == ("referred", True)
    with app.app_context():
        stored = db.session.get(Referral, referral.id)
        assert (unseal(stored, "tried"), unseal(stored, "request")) == (TRIED, "A session with the parents")
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == world.case.id)).one()
        assert (event.kind, event.detail) == ("referred", {"referral_id": referral.id, "group_id": world.group,
                                                           "urgent": True})
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.submit")).one()
        assert (entry.object_id, entry.pupil_id) == (referral.id, world.pupil.id)
        assert "maths" not in entry.detail
    assert b"maths" not in raw_column(app, "referrals", "tried_enc", referral.id)
    assert b"parents" not in raw_column(app, "referrals", "request_enc", referral.id)

    case_page = client.get(f"/cases/{world.case.id}").text
    assert "Submitted, waiting for the coordinator" in case_page
    assert f'href="/cases/{world.case.id}/refer"' not in case_page
    assert f'href="/cases/{world.case.id}/close"' not in case_page
    assert "once the coordinator has accepted or returned the referral" in case_page


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"tried": "  "}, "tried", "Write what the school tried and with what result."),
    ({"group_id": ""}, "group_id", "Choose a cooperation group."),
    ({"group_id": "far"}, "group_id", "Choose a cooperation group that serves the case&#39;s municipality."),
])
def test_referral_refusals_stand_next_to_their_field(app, client, factory, world, changes, field, message):
    if changes.get("group_id") == "far":
        changes["group_id"] = str(world.far_group)
    factory.login(client, world.pedagogue)
    response = client.post(f"/cases/{world.case.id}/refer", data=refer_data(world, **changes))
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in response.text
    assert count(app, Referral) == 0 and count(app, CaseEvent) == 0
    assert case_row(app, world.case.id).status == "open"


@pytest.mark.parametrize(("state", "message"), [
    ("closed", "The case is closed; reopen it before referring it."),
    ("submitted", "The case already has a referral waiting for the coordinator's decision."),
    ("accepted", "The cooperation group has already accepted this case's referral."),
])
def test_a_closed_or_already_referred_case_cannot_be_referred(app, client, factory, world, state, message):
    if state == "closed":
        with app.app_context():
            db.session.get(Case, world.case.id).status = "closed"
            db.session.commit()
    else:
        referral_id = factory.referral(world.case.id, world.group, world.pedagogue.id)
        if state == "accepted":
            with app.app_context():
                db.session.get(Referral, referral_id).status = ReferralStatus.ACCEPTED
                db.session.commit()
    before = count(app, Referral)
    factory.login(client, world.pedagogue)
    assert message in html.unescape(client.get(f"/cases/{world.case.id}/refer").text)
    response = client.post(f"/cases/{world.case.id}/refer", data=refer_data(world))
    assert response.status_code == 200
    assert f'id="group_id-error">{message}' in html.unescape(response.text)
    assert count(app, Referral) == before


def test_a_joint_group_serving_the_municipality_is_offered(app, client, factory, world):
    with app.app_context():
        joint = CooperationGroup(name="Kopīgā grupa", municipality_id=world.away.id)
        retired = CooperationGroup(name="Vecā grupa", municipality_id=world.home.id, is_active=False)
        db.session.add_all([joint, retired])
        db.session.flush()
        db.session.add(GroupMunicipality(group_id=joint.id, municipality_id=world.home.id))
        db.session.commit()
        joint_id, retired_id = joint.id, retired.id
    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{world.case.id}/refer").text
    assert "Kopīgā grupa" in page and "Vecā grupa" not in page and "Upmalas" not in page
    assert '<option selected value="">Choose a group' in page  # two groups: no preselection
    response = client.post(f"/cases/{world.case.id}/refer", data=refer_data(world, group_id=str(retired_id)))
    assert response.status_code == 200 and count(app, Referral) == 0
    assert client.post(f"/cases/{world.case.id}/refer",
                       data=refer_data(world, group_id=str(joint_id))).status_code == 302


@pytest.mark.parametrize("who", ["teacher", "other_pedagogue", "coordinator"])
def test_only_the_schools_case_owners_refer(client, factory, world, who):
    factory.login(client, getattr(world, who))
    assert client.get(f"/cases/{world.case.id}/refer").status_code == 404
    assert client.post(f"/cases/{world.case.id}/refer", data=refer_data(world)).status_code == 404


def _referral_ids(page: str) -> list[int]:
    return [int(i) for i in REFERRAL_LINK.findall(page)]


def test_coordinator_list_puts_waiting_and_urgent_referrals_first(app, client, factory, world):
    cases = [factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id)
             for _ in range(3)]
    decided = factory.referral(world.case.id, world.group, world.pedagogue.id)
    with app.app_context():
        db.session.get(Referral, decided).status = ReferralStatus.ACCEPTED
        db.session.commit()
    plain = factory.referral(cases[0].id, world.group, world.pedagogue.id)
    urgent = factory.referral(cases[1].id, world.group, world.pedagogue.id, urgent=True)
    far_case = factory.case(factory.pupil(world.far_school.id).id, world.far_school.id, world.pedagogue.id)
    far = factory.referral(far_case.id, world.far_group, world.pedagogue.id)

    factory.login(client, world.coordinator)
    page = client.get("/cases/referrals/").text
    assert _referral_ids(page) == [urgent, plain, decided]
    assert _referral_ids(client.get("/cases/referrals/?status=accepted").text) == [decided]
    assert client.get(f"/cases/referrals/{far}").status_code == 404

    factory.login(client, world.far_coordinator)
    assert _referral_ids(client.get("/cases/referrals/").text) == [far]
    assert client.get(f"/cases/referrals/{plain}").status_code == 404
    assert client.post(f"/cases/referrals/{plain}/decide", data={"decision": "accept"}).status_code == 404


def test_coordinator_list_pages_by_key_with_a_constant_statement_count(app, client, factory, world):
    made = []
    for n in range(5):
        case = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id)
        made.append(factory.referral(case.id, world.group, world.pedagogue.id, urgent=n == 3))
    factory.login(client, world.coordinator)
    app.config["PAGE_SIZE"] = 2
    seen, url = [], "/cases/referrals/"
    while url:
        page = client.get(url).text
        seen += _referral_ids(page)
        found = NEXT_LINK.search(page)
        url = html.unescape(found.group(1)) if found else None
    assert seen == [made[3], made[0], made[1], made[2], made[4]]

    def statements(size):
        app.config["PAGE_SIZE"] = size
        with StatementCounter(app) as counter:
            shown = _referral_ids(client.get("/cases/referrals/").text)
        return len(counter), len(shown)

    statements(1)
    assert statements(1)[0] == statements(5)[0]
    assert statements(5)[1] == 5


@pytest.mark.parametrize("who", ["pedagogue", "teacher", "social_worker"])
def test_others_have_no_referral_list(client, factory, world, who):
    referral = factory.referral(world.case.id, world.group, world.pedagogue.id)
    factory.login(client, getattr(world, who))
    assert client.get("/cases/referrals/").status_code == 403
    assert client.get(f"/cases/referrals/{referral}").status_code == 404


def test_coordinator_reads_the_case_essentials_and_accepts(app, client, factory, world):
    referral = factory.referral(world.case.id, world.group, world.pedagogue.id)
    factory.login(client, world.coordinator)
    page = client.get(f"/cases/referrals/{referral}").text
    assert "Kalniņa" in page and world.school.name in page and "7.b" in page
    assert "Sarunas ar vecākiem" in page  # what was tried (decrypted)
    assert "agenda" in page
    with app.app_context():
        read = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.read")).one()
        assert (read.object_type, read.object_id, read.pupil_id, read.user_id) == (
            "Referral", referral, world.pupil.id, world.coordinator.id)

    response = client.post(f"/cases/referrals/{referral}/decide", data={"decision": "accept"})

    assert response.status_code == 302
    stored = the_referral(app)
    assert (stored.status, stored.decided_by_id) == (ReferralStatus.ACCEPTED, world.coordinator.id)
    assert case_row(app, world.case.id).status == "referred"
    assert "goes onto a session" in client.get(f"/cases/referrals/{referral}").text
    again = client.post(f"/cases/referrals/{referral}/decide", data={"decision": "return", "reason": "x"})
    assert again.status_code == 200 and "This referral has already been decided." in again.text
    assert the_referral(app).status == ReferralStatus.ACCEPTED

    factory.login(client, world.pedagogue)
    case_page = client.get(f"/cases/{world.case.id}").text
    assert "Accepted on" in case_page and f'href="/cases/{world.case.id}/close"' in case_page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"decision": "return", "reason": " "}, "reason", "Write why the referral is returned"),
    ({"decision": "accept", "reason": "Fine"}, "reason", "A reason is written only when returning"),
    ({"decision": "maybe"}, "decision", "Choose accept or return."),
    ({}, "decision", "Choose accept or return."),
])
def test_decision_refusals_stand_next_to_their_field(app, client, factory, world, data, field, message):
    referral = factory.referral(world.case.id, world.group, world.pedagogue.id)
    factory.login(client, world.coordinator)
    response = client.post(f"/cases/referrals/{referral}/decide", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in response.text
    assert the_referral(app).status == ReferralStatus.SUBMITTED
    assert count(app, CaseEvent) == 0


def test_a_returned_referral_opens_the_case_again_for_the_school(app, client, factory, world):
    referral = factory.referral(world.case.id, world.group, world.pedagogue.id, urgent=True)
    reason = "Please first draw up a support plan for the semester"
    factory.login(client, world.coordinator)

    response = client.post(f"/cases/referrals/{referral}/decide", data={"decision": "return", "reason": reason})

    assert response.status_code == 302
    stored = the_referral(app)
    assert stored.status == ReferralStatus.RETURNED
    case = case_row(app, world.case.id)
    assert (case.status, case.urgent) == ("open", False)
    with app.app_context():
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == world.case.id)).one()
        assert (event.kind, event.detail) == ("referral_returned", {"referral_id": referral})
        assert unseal(event, "text") == reason
        assert unseal(db.session.get(Referral, referral), "return_reason") == reason
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.return")).one()
        assert json.loads(entry.detail) == {"case_id": world.case.id, "fields": ["return_reason"]}
    assert b"support plan" not in raw_column(app, "referrals", "return_reason_enc", referral)
    assert b"support plan" not in raw_column(app, "case_events", "text_enc", event.id)

    factory.login(client, world.pedagogue)
    case_page = client.get(f"/cases/{world.case.id}").text
    assert "Returned to the school" in case_page and reason in case_page
    assert f'href="/cases/{world.case.id}/refer"' in case_page
    assert client.post(f"/cases/{world.case.id}/refer", data=refer_data(world)).status_code == 302
    assert case_row(app, world.case.id).status == "referred"


def _returned(app, factory, world, reason: str) -> int:
    referral_id = factory.referral(world.case.id, world.group, world.pedagogue.id)
    with app.app_context():
        from caseflow.crypto import seal

        referral = db.session.get(Referral, referral_id)
        referral.status = ReferralStatus.RETURNED
        seal(referral, "return_reason", reason, scope=f"pupil:{world.pupil.id}")
        db.session.get(Case, world.case.id).status = "open"
        db.session.commit()
    return referral_id


def test_the_case_page_section_costs_the_same_with_more_referrals(app, client, factory, world):
    _returned(app, factory, world, "First reason")
    factory.login(client, world.pedagogue)
    client.get(f"/cases/{world.case.id}")
    with StatementCounter(app) as one:
        assert "First reason" in client.get(f"/cases/{world.case.id}").text
    for n in range(3):
        _returned(app, factory, world, f"Reason {n}")
    with StatementCounter(app) as four:
        page = client.get(f"/cases/{world.case.id}").text
    assert all(f"Reason {n}" in page for n in range(3))
    assert len(four) == len(one)


def test_the_coordinator_reaches_the_referral_from_the_case_page(client, factory, world):
    referral = factory.referral(world.case.id, world.group, world.pedagogue.id)
    factory.login(client, world.coordinator)
    page = client.get(f"/cases/{world.case.id}").text
    assert f'href="/cases/referrals/{referral}"' in page
    assert f'href="/cases/{world.case.id}/close"' not in page and f'href="/cases/{world.case.id}/refer"' not in page
    factory.login(client, world.pedagogue)
    assert f'href="/cases/referrals/{referral}"' not in client.get(f"/cases/{world.case.id}").text
