"""Recording a session: attendance, marking it held, each item with its reports, outcome and agreed
measures (which become actions); refusals leave nothing written; access, audit, encryption at rest."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.actions.models import Action
from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, Attendance, GroupSession, ItemReport
from tests.concerns.helpers import count, raw_column
from tests.meetings.recording_helpers import (
    DISCUSSION,
    MEASURE,
    attend_all,
    audit_actions,
    item_data,
    measure_row,
    set_status,
    today,
    todays_session,
)


def item_url(s, i) -> str:
    return f"/meetings/sessions/{s}/record/items/{i}"


def the_item(app, item_id) -> dict:
    with app.app_context():
        i = db.session.get(AgendaItem, item_id)
        return {"outcome": i.outcome, "next": i.next_evaluation_on, "recorded": i.recorded_at is not None,
                "discussion": unseal(i, "discussion"), "reports": {r.institution_id: unseal(r, "text") for r in i.reports}}


def actions_of(app, item_id) -> list[dict]:
    with app.app_context():
        return [{"institution": a.institution_id, "supervisor": a.supervisor_institution_id, "status": a.status,
                 "case": a.case_id, "group": a.group_id, "municipality": a.municipality_id, "due": a.due_on,
                 "evaluate": a.evaluate_on, "assignee": a.assignee_id, "created_by": a.created_by_id,
                 "text": unseal(a, "description")}
                for a in db.session.scalars(select(Action).where(Action.item_id == item_id).order_by(Action.id))]


# --- attendance --------------------------------------------------------------------------------------

def test_chair_records_attendance_adds_a_person_and_marks_the_session_held(app, client, factory, world):
    s, _i, _p = todays_session(app, world)
    with app.app_context():
        db.session.add(Attendance(session_id=s, kind="parent", name="Inga Kalniņa", presence="invited"))
        db.session.commit()
        parent = db.session.scalar(select(Attendance.id).where(Attendance.kind == "parent"))
    factory.login(client, world.chair)
    page = client.get(f"/meetings/sessions/{s}/record/attendance")
    assert page.status_code == 200 and "Inga Kalniņa" in page.text and "Bāriņtiesas priekšsēdētājs" in page.text
    seats = vars(world.seats)
    data = {f"presence_m{seat_id}": "present" for seat_id in seats.values()}
    data |= {f"presence_m{seats['spolice']}": "excused", f"presence_a{parent}": "present", f"heard_a{parent}": "y"}
    response = client.post(f"/meetings/sessions/{s}/record/attendance", data=data)
    assert response.status_code == 302, response.text
    response = client.post(f"/meetings/sessions/{s}/record/attendance/add",
                           data={"name": "Pēteris Kalniņš", "kind": "parent", "heard": "y"})
    assert response.status_code == 302
    assert client.post(f"/meetings/sessions/{s}/record/held").status_code == 302

    with app.app_context():
        rows = db.session.scalars(select(Attendance).where(Attendance.session_id == s)).all()
        assert len(rows) == len(seats) + 2
        by_name = {r.name: r for r in rows}
        assert by_name["Inga Kalniņa"].heard and by_name["Pēteris Kalniņš"].presence == "present"
        assert {r.presence for r in rows if r.member_id == seats["spolice"]} == {"excused"}
        assert db.session.get(GroupSession, s).status == "held"
    actions = audit_actions(app)
    assert {"session.attendance", "session.attendee_add", "session.held"} <= set(actions)


def test_held_needs_attendance_for_every_seat(app, client, factory, world):
    s, _i, _p = todays_session(app, world)
    factory.login(client, world.chair)
    client.post(f"/meetings/sessions/{s}/record/attendance", data={f"presence_m{world.seats.chair}": "present"})
    response = client.post(f"/meetings/sessions/{s}/record/held", follow_redirects=True)
    assert "Record attendance for every seat first" in response.text
    assert "Bāriņtiesas priekšsēdētājs" in response.text
    with app.app_context():
        assert db.session.get(GroupSession, s).status == "planned"


@pytest.mark.parametrize("status, message", [
    ("cancelled", "This session was cancelled"),
    ("approved", "The minutes of this session are approved and locked"),
])
def test_a_cancelled_or_approved_session_refuses_recording(app, client, factory, world, status, message):
    s, case_item, _p = todays_session(app, world, status=status)
    factory.login(client, world.chair)
    page = client.post(item_url(s, case_item), data=item_data(
        world, measures=(measure_row(0, institution_id=world.social.id),)))
    assert page.status_code == 200 and message in page.text
    page = client.post(f"/meetings/sessions/{s}/record/attendance", data={f"presence_m{world.seats.chair}": "present"})
    assert message in page.text
    client.post(f"/meetings/sessions/{s}/record/attendance/add", data={"name": "X", "kind": "parent"})
    assert count(app, Action) == 0 and count(app, Attendance) == 0
    assert not the_item(app, case_item)["recorded"]


def test_a_session_cannot_be_recorded_before_its_day(app, client, factory, world):
    s, case_item, _p = todays_session(app, world, day=today() + timedelta(days=3))
    factory.login(client, world.chair)
    page = client.post(item_url(s, case_item), data=item_data(world))
    assert "record it on or after that day" in page.text
    assert not the_item(app, case_item)["recorded"]


# --- items ---------------------------------------------------------------------------------------------

def test_chair_records_a_case_item_and_each_measure_becomes_an_action(app, client, factory, world):
    s, case_item, _p = todays_session(app, world, measures_are="decided")
    factory.login(client, world.chair)
    page = client.get(item_url(s, case_item))
    assert page.status_code == 200 and "Decided measures" in page.text and "Marta Kalniņa" in page.text
    due, evaluate = today() + timedelta(days=10), today() + timedelta(days=20)
    data = item_data(world, reports={world.social.id: "Ģimene saņem pabalstu", world.school.id: "12 kavējumi"},
                     measures=(measure_row(0, institution_id=world.social.id, due=due, evaluate=evaluate,
                                           assignee_id=world.social_worker.id),
                               measure_row(1, institution_id=world.mpolice.id, text="Pārbaudīt dzīvesvietu",
                                           supervisor_id=world.court.id)))
    response = client.post(item_url(s, case_item), data=data)
    assert response.status_code == 302, response.text

    recorded = the_item(app, case_item)
    assert recorded["outcome"] == "new_measures" and recorded["discussion"] == DISCUSSION
    assert recorded["reports"] == {world.social.id: "Ģimene saņem pabalstu", world.school.id: "12 kavējumi"}
    first, second = actions_of(app, case_item)
    assert first == {"institution": world.social.id, "supervisor": world.board.id, "status": "new",
                     "case": world.case.id, "group": world.group, "municipality": world.home.id, "due": due,
                     "evaluate": evaluate, "assignee": world.social_worker.id, "created_by": world.chair.id,
                     "text": MEASURE}
    assert second["institution"] == world.mpolice.id and second["supervisor"] == world.court.id
    with app.app_context():
        events = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == world.case.id)).all()
        assert [e.kind for e in events] == ["heard_by_group"]
        assert events[0].detail["item_id"] == case_item
        report_id = db.session.scalar(select(ItemReport.id).where(ItemReport.institution_id == world.social.id))
    assert DISCUSSION.encode() not in raw_column(app, "agenda_items", "discussion_enc", case_item)
    assert b"pabalstu" not in raw_column(app, "agenda_item_reports", "text_enc", report_id)
    actions = audit_actions(app)
    assert actions.count("action.create") == 2 and "agenda_item.record" in actions


def test_where_the_competent_institution_supervises_it_is_the_default_supervisor(app, client, factory, world):
    from caseflow.people.models import MunicipalSetting
    from caseflow.people.settings import encode

    s, case_item, _p = todays_session(app, world, measures_are="recommended")
    with app.app_context():
        db.session.add(MunicipalSetting(municipality_id=world.home.id, key="follow_up_supervisor",
                                        value=encode("competent_institution")))
        db.session.commit()
    factory.login(client, world.chair)
    assert "Recommended measures" in client.get(item_url(s, case_item)).text
    client.post(item_url(s, case_item), data=item_data(world, measures=(measure_row(0, institution_id=world.social.id),)))
    assert [a["supervisor"] for a in actions_of(app, case_item)] == [world.social.id]


def test_a_policy_item_is_sealed_under_the_group(app, client, factory, world):
    s, _c, policy_item = todays_session(app, world)
    factory.login(client, world.chair)
    response = client.post(item_url(s, policy_item), data=item_data(
        world, outcome="continue", next_evaluation="", measures=(measure_row(0, institution_id=world.school2.id),)))
    assert response.status_code == 302, response.text
    (action,) = actions_of(app, policy_item)
    assert action["case"] is None and action["text"] == MEASURE
    with app.app_context():
        assert db.session.scalars(select(CaseEvent)).all() == []


@pytest.mark.parametrize("change, message", [
    ({"measures": "due_before"}, "The deadline cannot be before the session"),
    ({"measures": "no_institution"}, "Choose the institution that carries out the measure"),
    ({"measures": "no_deadline"}, "Enter the deadline"),
    ({"measures": "no_text"}, "Write what is to be done"),
    ({"measures": "evaluate_early"}, "The evaluation cannot be before the deadline"),
    ({"measures": "stranger"}, "The person must work at the chosen institution"),
    ({"measures": "away_institution"}, "Choose an institution of the group or of its municipality"),
    ({"next": ""}, "Enter when the group evaluates the result next"),
    ({"next": "today"}, "The next evaluation must be after the session"),
    ({"outcome": "bogus"}, "Choose the outcome of the item"),
])
def test_a_bad_third_measure_or_bad_item_writes_nothing(app, client, factory, world, change, message):
    s, case_item, _p = todays_session(app, world)
    bad = {
        "due_before": dict(due=today() - timedelta(days=1)),
        "no_institution": dict(institution_id=None),
        "no_deadline": dict(due=""),
        "no_text": dict(text="  "),
        "evaluate_early": dict(due=today() + timedelta(days=5), evaluate=today() + timedelta(days=4)),
        "stranger": dict(assignee_id=world.inspector.id),
        "away_institution": dict(institution_id=world.away_board.id),
    }.get(change.get("measures"), {})
    third = {"institution_id": world.social.id} | bad
    data = item_data(world, outcome=change.get("outcome", "new_measures"),
                     next_evaluation=today() if change.get("next") == "today" else change.get("next"),
                     reports={world.social.id: "Ziņojums"},
                     measures=(measure_row(0, institution_id=world.social.id),
                               measure_row(1, institution_id=world.mpolice.id), measure_row(2, **third)))
    factory.login(client, world.chair)
    page = client.post(item_url(s, case_item), data=data)
    assert page.status_code == 200 and message in page.text
    assert count(app, Action) == 0 and count(app, ItemReport) == 0 and count(app, CaseEvent) == 0
    assert not the_item(app, case_item)["recorded"]
    assert "agenda_item.record" not in audit_actions(app)


def test_recording_again_edits_the_texts_and_adds_only_new_measures(app, client, factory, world):
    s, case_item, _p = todays_session(app, world)
    factory.login(client, world.chair)
    client.post(item_url(s, case_item), data=item_data(world, measures=(measure_row(0, institution_id=world.social.id),)))
    page = client.get(item_url(s, case_item)).text
    assert DISCUSSION in page
    client.post(item_url(s, case_item), data=item_data(world, discussion="Labots teksts", outcome="continue"))
    assert the_item(app, case_item)["discussion"] == "Labots teksts"
    assert len(actions_of(app, case_item)) == 1 and count(app, CaseEvent) == 1


# --- access --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["social_worker", "inspector", "away_chair", "pedagogue2", "head"])
def test_only_the_chair_records(app, client, factory, world, who):
    s, case_item, _p = todays_session(app, world)
    factory.login(client, getattr(world, who))
    for url in (f"/meetings/sessions/{s}/record", f"/meetings/sessions/{s}/record/attendance", item_url(s, case_item)):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(item_url(s, case_item), data=item_data(
        world, measures=(measure_row(0, institution_id=world.social.id),)))
    assert response.status_code in (403, 404)
    assert client.post(f"/meetings/sessions/{s}/record/held").status_code in (403, 404)
    assert count(app, Action) == 0


def test_an_item_of_another_session_is_not_found(app, client, factory, world):
    s, _c, _p = todays_session(app, world)
    other, other_item, _q = todays_session(app, world, day=today() - timedelta(days=1))
    factory.login(client, world.chair)
    assert client.get(item_url(s, other_item)).status_code == 404
    assert client.get(item_url(other, other_item)).status_code == 200


def test_the_overview_lists_items_and_attendance(app, client, factory, world):
    s, _c, _p = todays_session(app, world)
    attend_all(app, world, s)
    set_status(app, s, "planned")
    factory.login(client, world.chair)
    page = client.get(f"/meetings/sessions/{s}/record").text
    assert "Marta Kalniņa" in page and "Kavējumu uzskaite skolās" in page and "Mark the session as held" in page
    assert "agenda.list" in audit_actions(app)
