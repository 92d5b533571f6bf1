"""Evaluation at the end of the period (and nothing changes afterwards), and continuing a plan into
the municipality's next semester."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.people.models import Membership
from caseflow.plans.models import PlanMeasure, SupportPlan
from tests.plans.helpers import (
    TODAY,
    audit_actions,
    count,
    delivered,
    error_of,
    measure,
    new_id,
    plan,
    semester,
)


def evaluation_form(**changes) -> dict:
    data = {"evaluated_on": TODAY.isoformat(), "learning_dynamics": "declined",
            "progress": "Kavējumi samazinājās, sekmes ne.", "parents_informed_on": TODAY.isoformat(),
            "next_steps": ""}
    data.update(changes)
    return data


@pytest.fixture
def current_plan(app, world):
    return plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                semester_id=world.current)


def state(app, plan_id: int) -> tuple:
    with app.app_context():
        p = db.session.get(SupportPlan, plan_id)
        return p.status, p.evaluated_on, p.learning_dynamics, p.parents_informed_on, p.progress_enc


def test_evaluation_makes_the_plan_read_only(app, client, factory, world, current_plan):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{current_plan}/evaluate", data=evaluation_form())
    assert response.status_code == 302
    status, on, dynamics, informed, _progress = state(app, current_plan)
    assert (status, on, dynamics, informed) == ("evaluated", TODAY, "declined", TODAY)
    with app.app_context():
        evaluated = db.session.get(SupportPlan, current_plan)
        assert evaluated.evaluated_by_id == world.pedagogue.id
        assert unseal(evaluated, "progress") == "Kavējumi samazinājās, sekmes ne."
        assert evaluated.next_steps_enc is None
    page = client.get(f"/plans/{current_plan}").get_data(as_text=True)
    assert "Declined" in page and "Evaluated" in page

    # read-only: goals, a new measure and a second evaluation are turned away
    response = client.post(f"/plans/{current_plan}/edit", data={"goals": "Jauni mērķi"}, follow_redirects=True)
    assert "The plan has been evaluated and can no longer be changed." in response.get_data(as_text=True)
    with app.app_context():
        assert unseal(db.session.get(SupportPlan, current_plan), "goals") == "Uzlabot lasītprasmi"
    assert client.post(f"/plans/{current_plan}/measures/new", data={
        "type_id": str(world.psychologist), "planned_hours": "3"}).status_code == 302
    assert count(app, PlanMeasure) == 0
    assert client.post(f"/plans/{current_plan}/evaluate", data=evaluation_form(
        learning_dynamics="improved")).status_code == 302
    assert state(app, current_plan)[2] == "declined"
    assert audit_actions(app).count("plan.evaluate") == 1


def test_an_evaluation_before_the_end_minus_fourteen_days_names_the_earliest_date(app, client, factory, world):
    later = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                 semester_id=world.next)
    ends = TODAY + timedelta(days=120)
    factory.login(client, world.pedagogue)
    page = client.get(f"/plans/{later}/evaluate").get_data(as_text=True)
    assert (ends - timedelta(days=14)).strftime("%d.%m.%Y.") in page
    response = client.post(f"/plans/{later}/evaluate", data=evaluation_form(evaluated_on=TODAY.isoformat()))
    assert error_of(response.get_data(as_text=True), "evaluated_on") == (
        f"The plan runs until {ends.strftime('%d.%m.%Y.')}; it can be evaluated from "
        f"{(ends - timedelta(days=14)).strftime('%d.%m.%Y.')} at the earliest.")
    assert state(app, later)[0] == "active"


def test_by_default_a_plan_is_evaluated_only_once_its_period_has_ended(app, client, factory, world):
    from caseflow.extensions import db as _db
    from caseflow.people.models import MunicipalSetting

    with app.app_context():
        _db.session.execute(_db.delete(MunicipalSetting))
        _db.session.commit()
    current = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current)
    ends = TODAY + timedelta(days=10)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{current}/evaluate", data=evaluation_form(evaluated_on=TODAY.isoformat()))
    assert error_of(response.get_data(as_text=True), "evaluated_on") == (
        f"The plan runs until {ends.strftime('%d.%m.%Y.')}; it can be evaluated from "
        f"{ends.strftime('%d.%m.%Y.')} at the earliest.")
    assert state(app, current)[0] == "active"


@pytest.mark.parametrize("changes, field, message", [
    ({"evaluated_on": ""}, "evaluated_on", "Enter the date of the evaluation."),
    ({"evaluated_on": (TODAY + timedelta(days=1)).isoformat()}, "evaluated_on",
     "The evaluation cannot be dated in the future."),
    ({"evaluated_on": (TODAY - timedelta(days=5)).isoformat()}, "evaluated_on",
     f"The plan runs until {(TODAY + timedelta(days=10)).strftime('%d.%m.%Y.')}; it can be evaluated from "
     f"{(TODAY - timedelta(days=4)).strftime('%d.%m.%Y.')} at the earliest."),
    ({"learning_dynamics": ""}, "learning_dynamics", "Choose how the pupil's learning went."),
    ({"learning_dynamics": "soaring"}, "learning_dynamics", "Choose how the pupil's learning went."),
    ({"progress": " "}, "progress", "Describe the progress the pupil made."),
    ({"parents_informed_on": ""}, "parents_informed_on", "Enter the date the parents were informed."),
    ({"parents_informed_on": (TODAY + timedelta(days=1)).isoformat()}, "parents_informed_on",
     "The date the parents were informed cannot be in the future."),
    ({"parents_informed_on": (TODAY - timedelta(days=81)).isoformat()}, "parents_informed_on",
     "The parents cannot have been informed before the plan began "
     f"({(TODAY - timedelta(days=80)).strftime('%d.%m.%Y.')})."),
    ({"next_steps": "y" * 10_001}, "next_steps", "Write at most 10000 characters."),
])
def test_evaluation_refusals(app, client, factory, world, current_plan, changes, field, message):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{current_plan}/evaluate", data=evaluation_form(**changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_of(page, field) == message
    assert 'class="error-summary"' in page
    assert state(app, current_plan) == ("active", None, None, None, None)
    assert "plan.evaluate" not in audit_actions(app)


@pytest.mark.parametrize("who", ["teacher", "specialist", "coordinator", "other_pedagogue"])
def test_only_the_schools_owners_evaluate_and_continue(app, client, factory, world, current_plan, who):
    factory.login(client, getattr(world, who))
    assert client.post(f"/plans/{current_plan}/evaluate", data=evaluation_form()).status_code == 404
    assert client.post(f"/plans/{current_plan}/continue").status_code == 404
    assert client.post(f"/plans/{current_plan}/edit", data={"goals": "x"}).status_code == 404
    assert state(app, current_plan)[0] == "active" and count(app, SupportPlan) == 1


def test_continue_copies_goals_and_measures_without_hours(app, client, factory, world, current_plan):
    first = measure(app, current_plan, world.consultation, subject_id=world.maths, deliverer_id=world.teacher.id,
                    planned="16", basis="Atzinums A")
    measure(app, current_plan, world.psychologist, deliverer_id=world.teacher2.id, planned="4.5")
    delivered(app, first, world.teacher.id, hours="3")
    with app.app_context():  # the second teacher has left the school
        db.session.get(Membership, world.teacher2.membership_id).valid_to = TODAY - timedelta(days=1)
        db.session.commit()
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{current_plan}/continue")
    assert response.status_code == 302
    continued = new_id(response)
    with app.app_context():
        new = db.session.get(SupportPlan, continued)
        assert (new.previous_id, new.semester_id, new.case_id, new.status, new.created_by_id) == (
            current_plan, world.next, None, "active", world.pedagogue.id)
        assert (new.starts_on, new.ends_on) == (TODAY + timedelta(days=11), TODAY + timedelta(days=120))
        assert unseal(new, "goals") == "Uzlabot lasītprasmi"
        copied = [(m.type_id, m.subject_id, m.deliverer_id, m.planned_hours, unseal(m, "basis"), m.deliveries)
                  for m in db.session.scalars(select(PlanMeasure).where(PlanMeasure.plan_id == continued)
                                              .order_by(PlanMeasure.id))]
    assert copied == [(world.consultation, world.maths, world.teacher.id, Decimal("16.00"), "Atzinums A", []),
                      (world.psychologist, None, None, Decimal("4.50"), None, [])]
    assert "plan.continue" in audit_actions(app)
    page = client.get(f"/plans/{continued}").get_data(as_text=True)
    assert f'href="/plans/{current_plan}"' in page


def test_continue_is_refused_when_the_next_plan_exists_and_links_to_it(app, client, factory, world, current_plan):
    existing = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                    semester_id=world.next)
    factory.login(client, world.pedagogue)
    for response in (client.get(f"/plans/{current_plan}/continue"), client.post(f"/plans/{current_plan}/continue")):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "The pupil already has a plan for the next semester." in page
        assert f'<a href="/plans/{existing}">Open the plan for the next semester</a>' in page
    assert count(app, SupportPlan) == 2


def test_continue_is_refused_without_a_next_semester(app, client, factory, world):
    last = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                semester_id=world.next)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{last}/continue")
    assert response.status_code == 200
    assert ("The municipality's settings have no semester after this plan's period. An administrator can "
            "add it.") in response.get_data(as_text=True)
    assert count(app, SupportPlan) == 1


def test_a_plan_when_needed_continues_into_the_first_semester_after_it(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    when_needed = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                       starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=20), case_id=case.id)
    later = semester(app, world.home.id, "2026/2027", 2, TODAY + timedelta(days=121), TODAY + timedelta(days=200))
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{when_needed}/continue")
    with app.app_context():
        new = db.session.get(SupportPlan, new_id(response))
        assert (new.semester_id, new.case_id) == (later, case.id)
