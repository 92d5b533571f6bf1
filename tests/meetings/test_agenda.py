"""The proposed agenda: accepted referrals, evaluations due, overdue actions, carried-over items and
open requests; the chair adds, removes and reorders items; a case stands on one open agenda."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from caseflow.cases.models import Referral, ReferralStatus
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession, SessionRequest
from caseflow.meetings.selectors.agenda import proposed_items
from tests.meetings.sessions_helpers import audit_of, count, rows, text
from tests.meetings.world import action, item, session


def accept(app, referral_id: int) -> None:
    with app.app_context():
        db.session.get(Referral, referral_id).status = ReferralStatus.ACCEPTED
        db.session.commit()


def record(app, item_id: int, **values) -> None:
    with app.app_context():
        row = db.session.get(AgendaItem, item_id)
        row.recorded_at = utcnow()
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def a_request(app, world, case_id: int, *, urgent: bool = False) -> int:
    with app.app_context():
        r = SessionRequest(group_id=world.group, case_id=case_id, requester_kind="social_pedagogue", urgent=urgent,
                           submitted_by_id=world.pedagogue.id, submitted_by_institution_id=world.school.id)
        db.session.add(r)
        db.session.commit()
        return r.id


def proposals(app, session_id: int) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [(p.key, str(p.reason), p.case.id) for p in proposed_items(db.session.get(GroupSession, session_id))]


def test_the_proposed_agenda_gathers_what_waits_for_the_group(app, world, factory):
    today = local_today()
    upcoming = session(app, world.group, day=today + timedelta(days=10), number=5)
    accept(app, world.referral)
    held = session(app, world.group, day=today - timedelta(days=30), status="held", number=1)
    pupil4 = factory.pupil(world.school.id, first_name="Pēteris", last_name="Kļava")
    case4 = factory.case(pupil4.id, world.school.id, world.pedagogue.id)
    pupil5 = factory.pupil(world.school.id, first_name="Līga", last_name="Zariņa")
    case5 = factory.case(pupil5.id, world.school.id, world.pedagogue.id)
    record(app, item(app, held, case_id=world.case2.id), next_evaluation_on=today + timedelta(days=9))
    record(app, item(app, held, case_id=case4.id, position=1), next_evaluation_on=today + timedelta(days=60))
    record(app, item(app, held, case_id=case5.id, position=2), outcome="carry_over")
    action(app, group_id=world.group, institution_id=world.social.id, case_id=case4.id,
           due_on=today + timedelta(days=2))
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case_other.id,
           due_on=today + timedelta(days=20))  # due after the session: not overdue then
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case_other.id,
           due_on=today - timedelta(days=1), status="done")
    request_id = a_request(app, world, world.case_other.id, urgent=True)

    assert proposals(app, upcoming) == [
        (f"referral-{world.referral}", "referral", world.case.id),
        (f"evaluation-{world.case2.id}", "evaluation", world.case2.id),
        (f"overdue-{case4.id}", "overdue", case4.id),
        (f"carried_over-{case5.id}", "carried_over", case5.id),
        (f"request-{request_id}", "request", world.case_other.id),
    ]
    # an earlier session sees neither the evaluation nor the overdue action
    early = session(app, world.group, day=today + 1 * timedelta(days=1), number=6)
    assert [k for k, _r, _c in proposals(app, early)] == [
        f"referral-{world.referral}", f"carried_over-{case5.id}", f"request-{request_id}"]

    # a referral heard at a held session, a carried-over case heard again: no longer proposed
    record(app, item(app, held, case_id=world.case.id, referral_id=world.referral, position=3))
    later = session(app, world.group, day=today - timedelta(days=5), status="held", number=2)
    record(app, item(app, later, case_id=case5.id), outcome="continue")
    keys = [k for k, _r, _c in proposals(app, upcoming)]
    assert f"referral-{world.referral}" not in keys and f"carried_over-{case5.id}" not in keys


def test_the_chair_adds_reorders_and_removes_items(app, client, factory, world):
    s = session(app, world.group)
    accept(app, world.referral)
    request_id = a_request(app, world, world.case2.id)
    factory.login(client, world.chair)
    page = text(client.get(f"/meetings/sessions/{s}/agenda"))
    assert "Referral accepted" in page and "Session request" in page and "Marta Kalniņa" in page

    refused = client.post(f"/meetings/sessions/{s}/agenda/add", data={})
    assert 'id="proposals-error">Choose at least one proposed item.' in refused.text
    response = client.post(f"/meetings/sessions/{s}/agenda/add",
                           data={"proposals": [f"referral-{world.referral}", f"request-{request_id}"]})
    assert response.status_code == 302
    assert client.post(f"/meetings/sessions/{s}/agenda/policy", data={"title": " "}).status_code == 200
    client.post(f"/meetings/sessions/{s}/agenda/policy", data={"title": "Skolu kavējumu pārskats"})
    items = rows(app, AgendaItem, order=AgendaItem.position)
    assert [(i.kind, i.reason, i.case_id, i.position) for i in items] == [
        ("case", "referral", world.case.id, 0), ("case", "request", world.case2.id, 1), ("policy", "added", None, 2)]
    assert items[0].referral_id == world.referral and items[1].request_id == request_id
    assert rows(app, SessionRequest)[0].status == "scheduled"
    assert [e.detail["case_id"] for e in audit_of(app, "agenda.add")] == [world.case.id, world.case2.id]
    assert proposals(app, s) == []

    client.post(f"/meetings/sessions/{s}/agenda/{items[2].id}/move", data={"direction": "up"})
    client.post(f"/meetings/sessions/{s}/agenda/{items[0].id}/move", data={"direction": "down"})
    order = [i.id for i in rows(app, AgendaItem, order=AgendaItem.position)]
    assert order == [items[2].id, items[0].id, items[1].id]

    client.post(f"/meetings/sessions/{s}/agenda/{items[1].id}/remove")
    assert [(i.id, i.position) for i in rows(app, AgendaItem, order=AgendaItem.position)] == [
        (items[2].id, 0), (items[0].id, 1)]
    assert rows(app, SessionRequest)[0].status == "open"
    assert proposals(app, s) == [(f"request-{request_id}", "request", world.case2.id)]
    assert audit_of(app, "agenda.remove")[0].detail["case_id"] == world.case2.id


def test_a_policy_item_needs_a_title(app, client, factory, world):
    s = session(app, world.group)
    factory.login(client, world.chair)
    response = client.post(f"/meetings/sessions/{s}/agenda/policy", data={"title": "  "})
    assert 'id="title-error">Write the policy item&#39;s title.' in response.text
    assert count(app, AgendaItem) == 0


def test_a_case_stands_on_one_open_agenda_of_a_group(app, client, factory, world):
    day = local_today() + timedelta(days=14)
    first = session(app, world.group, day=day, number=3)
    second = session(app, world.group, day=day + timedelta(days=7), number=4)
    other_group = session(app, world.management, day=day)
    accept(app, world.referral)
    factory.login(client, world.chair)
    key = f"referral-{world.referral}"
    assert client.post(f"/meetings/sessions/{first}/agenda/add", data={"proposals": [key]}).status_code == 302
    request_id = a_request(app, world, world.case.id)
    assert [k for k, _r, _c in proposals(app, second)] == []
    refused = client.post(f"/meetings/sessions/{second}/agenda/add", data={"proposals": [key]})
    assert f'id="proposals-error">The case already stands on the agenda of session {day.year}/3 on ' in text(refused)
    assert count(app, AgendaItem) == 1

    from caseflow.meetings.services.agenda import add_request
    from caseflow.meetings.services.common import MeetingError
    with app.test_request_context():
        s2 = db.session.get(GroupSession, second)
        request = db.session.get(SessionRequest, request_id)
        try:
            add_request(actor=None, session=s2, request=request)
        except MeetingError as exc:
            with force_locale("en"):
                message = str(exc.message)
        else:
            raise AssertionError("the case went onto a second open agenda")
    assert message.startswith(f"The case already stands on the agenda of session {day.year}/3 on ")
    response = client.post(f"/meetings/requests/{request_id}/schedule", data={"session_id": second})
    assert f"The case already stands on the agenda of session {day.year}/3" in text(response)
    assert count(app, AgendaItem) == 1 and rows(app, SessionRequest)[0].status == "open"

    # another group's open agenda may hold the same case
    with app.app_context():
        db.session.add(AgendaItem(session_id=other_group, case_id=world.case.id, kind="case", reason="escalated"))
        db.session.commit()
    # cancelling the first session releases the case: it is proposed again
    client.post(f"/meetings/sessions/{first}/cancel", data={"reason": "Telpa nav pieejama"})
    assert key in [k for k, _r, _c in proposals(app, second)]
    assert client.post(f"/meetings/sessions/{second}/agenda/add", data={"proposals": [key]}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(AgendaItem.session_id).where(AgendaItem.case_id == world.case.id)
                                  .order_by(AgendaItem.session_id)).all() == [second, other_group]


def test_the_agenda_of_a_held_session_is_locked(app, client, factory, world):
    s = session(app, world.group, status="held")
    i = item(app, s, title="Pārskats")
    factory.login(client, world.chair)
    client.post(f"/meetings/sessions/{s}/agenda/{i}/remove")
    assert count(app, AgendaItem) == 1
    response = client.post(f"/meetings/sessions/{s}/agenda/policy", data={"title": "Vēl viens"}, follow_redirects=True)
    assert "The agenda can be changed only before the session is held." in text(response)
    assert count(app, AgendaItem) == 1


def test_a_recorded_item_stays_on_the_agenda_and_its_session_cannot_be_cancelled(app, client, factory, world):
    s = session(app, world.group, day=local_today())
    i = item(app, s, case_id=world.case.id)
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
           due_on=local_today() + timedelta(days=7), item_id=i)
    factory.login(client, world.chair)
    page = text(client.post(f"/meetings/sessions/{s}/agenda/{i}/remove", follow_redirects=True))
    assert "The item has been recorded with the group's decision" in page
    page = text(client.post(f"/meetings/sessions/{s}/cancel", data={"reason": "Slimība"}, follow_redirects=True))
    assert "it took place and cannot be cancelled" in page
    assert count(app, AgendaItem) == 1 and rows(app, GroupSession)[0].status == "planned"
