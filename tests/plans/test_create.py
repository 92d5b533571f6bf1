"""Drawing up a plan: for a semester or when needed, from the pupil's page or a case; every refusal
next to its field with nothing written; who may do it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.plans.models import SupportPlan
from tests.plans.helpers import (
    TODAY,
    audit_actions,
    count,
    error_of,
    new_id,
    plan,
    semester,
    set_setting,
)

GOALS = "Lasīt 20 minūtes dienā; apmeklēt visas stundas."


def semester_form(world, **changes) -> dict:
    data = {"kind": "semester", "semester_id": str(world.current), "goals": GOALS}
    data.update(changes)
    return data


def when_needed_form(**changes) -> dict:
    data = {"kind": "when_needed", "starts_on": (TODAY - timedelta(days=5)).isoformat(),
            "ends_on": (TODAY + timedelta(days=60)).isoformat(), "goals": GOALS}
    data.update(changes)
    return data


def test_a_semester_plan_from_the_pupils_page_has_no_case(app, client, factory, world):
    factory.login(client, world.head)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=semester_form(world))
    assert response.status_code == 302
    plan_id = new_id(response)
    with app.app_context():
        created = db.session.get(SupportPlan, plan_id)
        assert (created.case_id, created.school_id, created.semester_id, created.status) == (
            None, world.school.id, world.current, "active")
        assert (created.starts_on, created.ends_on) == (TODAY - timedelta(days=80), TODAY + timedelta(days=10))
        assert created.created_by_id == world.head.id and unseal(created, "goals") == GOALS
    assert count(app, CaseEvent) == 0
    assert "plan.create" in audit_actions(app)
    assert "The support plan was drawn up." in client.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_when_the_municipality_plans_when_needed_that_comes_first(app, client, factory, world):
    set_setting(app, world.home.id, "plan_every_semester", False)
    factory.login(client, world.pedagogue)
    page = client.get(f"/plans/new/pupil/{world.pupil.id}").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="kind"[^>]*>', page)
    assert 'value="when_needed"' in radios[0] and "checked" in radios[0] and "checked" not in radios[1]
    assert page.index('id="starts_on"') < page.index('id="semester_id"')

    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=when_needed_form())
    assert response.status_code == 302
    with app.app_context():
        created = db.session.get(SupportPlan, new_id(response))
        assert created.semester_id is None
        assert (created.starts_on, created.ends_on) == (TODAY - timedelta(days=5), TODAY + timedelta(days=60))


def test_a_semester_plan_is_still_allowed_when_plans_are_written_when_needed(app, client, factory, world):
    set_setting(app, world.home.id, "plan_every_semester", False)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=semester_form(world))
    assert response.status_code == 302


def test_a_plan_on_a_case_belongs_to_it_and_shows_on_the_timeline(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/case/{case.id}", data=when_needed_form())
    plan_id = new_id(response)
    with app.app_context():
        assert db.session.get(SupportPlan, plan_id).case_id == case.id
        events = [(e.kind, e.detail, e.user_id) for e in db.session.query(CaseEvent)]
    assert events == [("plan_created", {"plan_id": plan_id}, world.pedagogue.id)]
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/plans/{plan_id}"' in page


@pytest.mark.parametrize("data, field, message", [
    ({"semester_id": ""}, "semester_id", "Choose a semester."),
    ({"semester_id": "99999"}, "semester_id",
     "This semester is not among your municipality's semesters; choose one from the list."),
    ({"kind": "sometimes"}, "kind", "Not a valid choice."),
    ({"kind": ""}, "kind", "Choose how the plan is written."),
    ({"goals": "   "}, "goals", "Write the plan's goals."),
    ({"goals": "x" * 10_001}, "goals", "Write at most 10000 characters."),
])
def test_semester_plan_refusals(app, client, factory, world, data, field, message):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=semester_form(world, **data))
    assert response.status_code == 200
    assert error_of(response.get_data(as_text=True), field) == message
    assert count(app, SupportPlan) == 0


@pytest.mark.parametrize("data, field, message", [
    ({"starts_on": ""}, "starts_on", "Enter the date the plan begins."),
    ({"ends_on": ""}, "ends_on", "Enter the date the plan ends."),
    ({"starts_on": "2026-13-40"}, "starts_on", "Not a valid date value."),
    ({"ends_on": (TODAY - timedelta(days=6)).isoformat()}, "ends_on", "The plan cannot end before it begins."),
    ({"ends_on": (TODAY + timedelta(days=400)).isoformat()}, "ends_on",
     "A plan when needed runs for at most a year: it can end on "
     f"{(TODAY + timedelta(days=361)).strftime('%d.%m.%Y.')} at the latest."),
    ({"starts_on": "0001-01-01", "ends_on": "0001-01-03"}, "starts_on",
     f"A plan begins within a year of today: between {(TODAY - timedelta(days=366)).strftime('%d.%m.%Y.')} "
     f"and {(TODAY + timedelta(days=366)).strftime('%d.%m.%Y.')}."),
])
def test_when_needed_refusals(app, client, factory, world, data, field, message):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=when_needed_form(**data))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_of(page, field) == message
    assert 'class="error-summary"' in page
    assert count(app, SupportPlan) == 0


def test_a_semester_of_another_municipality_is_refused(app, client, factory, world):
    away = factory.municipality()
    foreign = semester(app, away.id, "2025/2026", 2, TODAY - timedelta(days=10), TODAY + timedelta(days=10))
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=semester_form(world, semester_id=str(foreign)))
    assert error_of(response.get_data(as_text=True), "semester_id").startswith("This semester is not among")
    assert count(app, SupportPlan) == 0


def test_one_plan_per_pupil_per_school_per_semester_links_to_the_existing_one(app, client, factory, world):
    existing = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                    semester_id=world.current)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data=semester_form(world))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "semester_id") == "The pupil already has a plan for this semester."
    assert f'<a href="/plans/{existing}">Open the existing plan</a>' in page
    assert count(app, SupportPlan) == 1
    # another semester, or a plan when needed, is fine
    assert client.post(f"/plans/new/pupil/{world.pupil.id}",
                       data=semester_form(world, semester_id=str(world.next))).status_code == 302
    assert client.post(f"/plans/new/pupil/{world.pupil.id}", data=when_needed_form()).status_code == 302


def test_a_closed_case_takes_no_new_plan(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id, status="closed")
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/case/{case.id}", data=semester_form(world))
    assert error_of(response.get_data(as_text=True), "kind") == (
        "The case is closed; reopen it before drawing up a plan on it.")
    assert count(app, SupportPlan) == 0


@pytest.mark.parametrize("who", ["teacher", "specialist", "coordinator", "other_pedagogue"])
def test_only_the_pupils_school_owners_draw_up_plans(app, client, factory, world, who):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    factory.login(client, getattr(world, who))
    for url in (f"/plans/new/pupil/{world.pupil.id}", f"/plans/new/case/{case.id}"):
        assert client.get(url).status_code == 404
        assert client.post(url, data=semester_form(world)).status_code == 404
    assert count(app, SupportPlan) == 0


def test_a_team_member_from_another_school_cannot_draw_up_a_plan_on_the_case(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id, team=(world.other_pedagogue.id,))
    factory.login(client, world.other_pedagogue)
    assert client.get(f"/plans/new/case/{case.id}").status_code == 404
    assert client.post(f"/plans/new/case/{case.id}", data=semester_form(world)).status_code == 404
    assert count(app, SupportPlan) == 0


def test_a_pupil_of_another_school_is_out_of_reach(app, client, factory, world):
    factory.login(client, world.pedagogue)
    url = f"/plans/new/pupil/{world.other_pupil.id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data=semester_form(world)).status_code == 404
