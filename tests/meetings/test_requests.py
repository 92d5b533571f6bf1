"""Session requests: a member or the school asks a group to hear a case; an urgent request proposes an
extraordinary session at once; the chair declines with a reason or puts the case on an agenda."""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession, SessionRequest
from caseflow.meetings.services.common import next_working_day
from tests.meetings.sessions_helpers import audit_of, count, rows, text
from tests.meetings.world import action, riga, session

REASONS = "Absences doubled since the autumn holidays; the mother asks for help"


def request_data(world, **changes) -> dict:
    return {"group_id": str(world.group), "requester_kind": "social_pedagogue", "requested_for": "",
            "reasons": REASONS} | changes


def test_the_pedagogue_asks_the_group_to_hear_a_case(app, client, factory, world):
    factory.login(client, world.pedagogue)
    form = client.get(f"/meetings/cases/{world.case2.id}/request").text
    assert f'<option value="{world.group}">Ezerkrastu sadarbības grupa' in form and "Kalnu" not in form
    response = client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world))
    assert response.status_code == 302
    (made,) = rows(app, SessionRequest)
    assert response.headers["Location"] == f"/meetings/requests/{made.id}"
    assert (made.group_id, made.case_id, made.status, made.urgent, made.requester_kind, made.submitted_by_id,
            made.submitted_by_institution_id) == (world.group, world.case2.id, "open", False, "social_pedagogue",
                                                  world.pedagogue.id, world.school.id)
    with app.app_context():
        assert unseal(db.session.get(SessionRequest, made.id), "reasons") == REASONS
        assert b"Absences" not in db.session.get(SessionRequest, made.id).reasons_enc
        event = db.session.query(CaseEvent).filter_by(case_id=world.case2.id).one()
        assert event.kind == "session_requested" and event.detail["request_id"] == made.id
    (entry,) = audit_of(app, "session_request.submit")
    assert entry.pupil_id == world.pupil2.id and "Absences" not in str(entry.detail)
    assert count(app, GroupSession) == 0

    mine = text(client.get("/meetings/requests/mine"))
    assert "Waiting for the chair" in mine and "Jānis Ozols" in mine
    assert REASONS in text(client.get(f"/meetings/requests/{made.id}"))

    factory.login(client, world.chair)
    group_page = text(client.get(f"/meetings/groups/{world.group}"))
    assert f"Request {made.id}" in group_page and "A case of Ezerkrastu pamatskola" in group_page
    assert audit_of(app, "session_request.list")[0].detail["case_ids"] == [world.case2.id]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"reasons": "  "}, "reasons", "Write why the group should hear the case."),
    ({"requester_kind": "parents"}, "requested_for", "Write the name of the person who asks"),
    ({"requester_kind": "pupil"}, "requester_kind", "Choose who asks for the hearing."),
    ({"group_id": "away"}, "group_id", "Choose a cooperation group that serves the case's municipality."),
])
def test_request_refusals_stand_next_to_their_field(app, client, factory, world, changes, field, message):
    if changes.get("group_id") == "away":
        changes["group_id"] = str(world.away_group)
    factory.login(client, world.pedagogue)
    response = client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world, **changes))
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in text(response)
    assert count(app, SessionRequest) == 0 and count(app, CaseEvent) == 0


def test_parents_request_is_entered_by_staff_with_their_name(app, client, factory, world):
    factory.login(client, world.head)
    client.post(f"/meetings/cases/{world.case2.id}/request",
                data=request_data(world, requester_kind="parents", requested_for="Anna Ozola"))
    made = rows(app, SessionRequest)[0]
    assert (made.requester_kind, made.requested_for, made.submitted_by_id) == ("parents", "Anna Ozola", world.head.id)
    assert "Parents (entered by staff): Anna Ozola" in text(client.get(f"/meetings/requests/{made.id}"))


def test_an_urgent_request_proposes_an_extraordinary_session(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world, urgent="y"))
    made = rows(app, SessionRequest)[0]
    (proposal,) = rows(app, GroupSession)
    day = next_working_day(local_today())
    assert (proposal.status, proposal.kind, proposal.group_id) == ("proposed", "extraordinary", world.group)
    assert (proposal.starts_at, proposal.ends_at) == (riga(day, 14).astimezone(UTC), riga(day, 16).astimezone(UTC))
    (on_agenda,) = rows(app, AgendaItem)
    assert (on_agenda.session_id, on_agenda.case_id, on_agenda.request_id, on_agenda.reason) == (
        proposal.id, world.case2.id, made.id, "request")
    assert made.status == "scheduled" and made.urgent
    assert "On a session's agenda" in text(client.get("/meetings/requests/mine"))

    factory.login(client, world.chair)
    page = text(client.get(f"/meetings/sessions/{proposal.id}"))
    assert "Proposed, waiting for the chair's confirmation" in page and "Jānis Ozols" in page
    client.post(f"/meetings/sessions/{proposal.id}/confirm")
    assert rows(app, GroupSession)[0].status == "planned"
    again = client.post(f"/meetings/sessions/{proposal.id}/confirm", follow_redirects=True)
    assert "Only a proposed session can be confirmed." in text(again)


def test_an_urgent_proposal_moves_to_the_next_free_working_day(app, client, factory, world):
    first = next_working_day(local_today())
    session(app, world.group, day=first, hours=3)
    factory.login(client, world.pedagogue)
    client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world, urgent="y"))
    proposal = rows(app, GroupSession, GroupSession.status == "proposed")[0]
    assert proposal.starts_at == riga(next_working_day(first), 14).astimezone(UTC)


def test_an_urgent_request_for_a_case_already_on_an_open_agenda_is_refused(app, client, factory, world):
    s = session(app, world.group, day=local_today() + timedelta(days=9), number=4)
    with app.app_context():
        db.session.add(AgendaItem(session_id=s, case_id=world.case2.id, kind="case", reason="added"))
        db.session.commit()
    factory.login(client, world.pedagogue)
    response = client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world, urgent="y"))
    assert 'id="urgent-error">The case already stands on the agenda of session' in text(response)
    assert count(app, SessionRequest) == 0 and count(app, GroupSession) == 1 and count(app, AgendaItem) == 1


def test_the_chair_declines_or_schedules_requests(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world))
    client.post(f"/meetings/cases/{world.case.id}/request", data=request_data(world))
    declined, scheduled = rows(app, SessionRequest)
    s = session(app, world.group)

    # the requester may not decide
    assert client.post(f"/meetings/requests/{declined.id}/decline", data={"reason": "x"}).status_code == 404
    factory.login(client, world.chair)
    refused = client.post(f"/meetings/requests/{declined.id}/decline", data={"reason": " "})
    assert 'id="reason-error">Write why the request is declined.' in text(refused)
    client.post(f"/meetings/requests/{declined.id}/decline", data={"reason": "The school's own plan runs till May"})
    client.post(f"/meetings/requests/{scheduled.id}/schedule", data={"session_id": str(s)})
    declined, scheduled = rows(app, SessionRequest)
    assert (declined.status, declined.decided_by_id) == ("declined", world.chair.id)
    assert scheduled.status == "scheduled"
    assert rows(app, AgendaItem)[0].request_id == scheduled.id
    with app.app_context():
        assert unseal(db.session.get(SessionRequest, declined.id), "decline_reason").startswith("The school's")
    assert audit_of(app, "session_request.decline")[0].detail == {"case_id": world.case2.id,
                                                                  "fields": ["decline_reason"]}
    twice = client.post(f"/meetings/requests/{declined.id}/decline", data={"reason": "again"})
    assert "This request has already been decided." in text(twice)

    factory.login(client, world.pedagogue)
    mine = text(client.get("/meetings/requests/mine"))
    assert "Declined" in mine and "On a session's agenda" in mine
    assert "The school's own plan runs till May" in text(client.get(f"/meetings/requests/{declined.id}"))


def test_request_access(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/meetings/cases/{world.case2.id}/request", data=request_data(world))
    made = rows(app, SessionRequest)[0]
    # an outside institution asks only about a case it holds an action on
    factory.login(client, world.social_worker)
    assert client.get(f"/meetings/cases/{world.case2.id}/request").status_code == 404
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case2.id,
           due_on=local_today() + timedelta(days=10))
    assert client.get(f"/meetings/cases/{world.case2.id}/request").status_code == 200
    assert client.get(f"/meetings/requests/{made.id}").status_code == 404
    for who in (world.away_chair, world.pedagogue2, world.teacher):
        factory.login(client, who)
        assert client.get(f"/meetings/requests/{made.id}").status_code in (403, 404)
        assert client.get(f"/meetings/cases/{world.case2.id}/request").status_code in (403, 404)
    factory.login(client, world.away_chair)
    assert client.post(f"/meetings/requests/{made.id}/decline", data={"reason": "x"}).status_code == 404
    assert rows(app, SessionRequest)[0].status == "open"
