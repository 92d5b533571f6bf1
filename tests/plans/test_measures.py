"""A plan's measures: add, change, remove; every refusal next to its field with nothing written."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from caseflow.cases.taxonomy import ListEntry
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.plans.models import PlanMeasure
from tests.plans.helpers import audit_actions, count, delivered, error_of, measure, plan

BASIS = "Psihologa atzinums, 2026. gada septembris"


@pytest.fixture
def plan_id(app, world):
    return plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                semester_id=world.current)


def measure_form(world, **changes) -> dict:
    data = {"type_id": str(world.consultation), "subject_id": str(world.maths),
            "deliverer_id": str(world.teacher.id), "planned_hours": "12", "basis": BASIS}
    data.update(changes)
    return data


def measures_of(app, plan_id: int) -> list[tuple]:
    with app.app_context():
        return [(m.type_id, m.subject_id, m.deliverer_id, m.planned_hours, unseal(m, "basis"), m.position)
                for m in db.session.scalars(select(PlanMeasure).where(PlanMeasure.plan_id == plan_id)
                                            .order_by(PlanMeasure.position))]


def test_add_change_and_remove_measures(app, client, factory, world, plan_id):
    factory.login(client, world.pedagogue)
    page = client.get(f"/plans/{plan_id}/measures/new").get_data(as_text=True)
    assert world.other_teacher.username not in page
    for name in ("Teacher", "Support specialist", "Social pedagogue", "School head or deputy"):
        assert f"({name})" in page
    response = client.post(f"/plans/{plan_id}/measures/new", data=measure_form(world))
    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{plan_id}#measures"
    response = client.post(f"/plans/{plan_id}/measures/new", data=measure_form(
        world, type_id=str(world.psychologist), subject_id="", deliverer_id="", planned_hours="0,75", basis=""))
    assert response.status_code == 302
    assert measures_of(app, plan_id) == [
        (world.consultation, world.maths, world.teacher.id, Decimal("12.00"), BASIS, 1),
        (world.psychologist, None, None, Decimal("0.75"), None, 2)]

    first = measure_id_at(app, plan_id, 1)
    assert 'value="12"' in client.get(f"/plans/{plan_id}/measures/{first}/edit").get_data(as_text=True)
    response = client.post(f"/plans/{plan_id}/measures/{first}/edit", data=measure_form(
        world, deliverer_id=str(world.specialist.id), planned_hours="20.5"))
    assert response.status_code == 302
    assert measures_of(app, plan_id)[0][2:4] == (world.specialist.id, Decimal("20.50"))

    second = measure_id_at(app, plan_id, 2)
    assert client.post(f"/plans/{plan_id}/measures/{second}/remove").status_code == 302
    assert len(measures_of(app, plan_id)) == 1
    assert [a for a in audit_actions(app) if not a.endswith(".read")] == [
        "plan.measure_add", "plan.measure_add", "plan.measure_update", "plan.measure_remove"]


def measure_id_at(app, plan_id: int, position: int) -> int:
    with app.app_context():
        return db.session.scalar(select(PlanMeasure.id).where(PlanMeasure.plan_id == plan_id,
                                                              PlanMeasure.position == position))


@pytest.mark.parametrize("changes, field, message", [
    ({"type_id": ""}, "type_id", "Choose a type of support."),
    ({"type_id": "maths"}, "type_id", "Choose an option from the list."),
    ({"subject_id": ""}, "subject_id", "Choose the subject of the consultations."),
    ({"planned_hours": ""}, "planned_hours", "Enter the number of hours."),
    ({"planned_hours": "0"}, "planned_hours", "Enter more than 0 hours."),
    ({"planned_hours": "-3"}, "planned_hours", "Enter more than 0 hours."),
    ({"planned_hours": "200,01"}, "planned_hours", "Plan at most 200 hours for one measure in a semester."),
    ({"planned_hours": "1e9"}, "planned_hours", "Plan at most 200 hours for one measure in a semester."),
    ({"planned_hours": "1.255"}, "planned_hours", "Enter hours to at most two decimal places, e.g. 1.25"),
    ({"planned_hours": "daudz"}, "planned_hours", "Enter the hours as a number, e.g. 1.5"),
    ({"planned_hours": "NaN"}, "planned_hours", "Enter the hours as a number, e.g. 1.5"),
    ({"basis": "x" * 10_001}, "basis", "Write at most 10000 characters."),
])
def test_measure_refusals(app, client, factory, world, plan_id, changes, field, message):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{plan_id}/measures/new", data=measure_form(world, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_of(page, field) == message
    assert 'class="error-summary"' in page
    assert count(app, PlanMeasure) == 0


def test_refusals_that_need_the_municipalitys_lists(app, client, factory, world, plan_id):
    factory.login(client, world.pedagogue)
    cases = [
        ({"type_id": str(world.maths)}, "type_id", "Choose a type of support from the list."),
        ({"subject_id": str(world.psychologist)}, "subject_id", "Choose a subject from the list."),
        ({"type_id": str(world.psychologist)}, "subject_id",
         "Only subject consultations name a subject: leave the subject empty for this type of support."),
        ({"deliverer_id": str(world.other_teacher.id)}, "deliverer_id",
         "Choose a colleague who works at the plan's school."),
        ({"deliverer_id": str(world.coordinator.id)}, "deliverer_id",
         "Choose a colleague who works at the plan's school."),
    ]
    for changes, field, message in cases:
        response = client.post(f"/plans/{plan_id}/measures/new", data=measure_form(world, **changes))
        assert error_of(response.get_data(as_text=True), field) == message, changes
    with app.app_context():
        db.session.get(ListEntry, world.psychologist).is_active = False
        db.session.commit()
    response = client.post(f"/plans/{plan_id}/measures/new", data=measure_form(
        world, type_id=str(world.psychologist), subject_id=""))
    assert error_of(response.get_data(as_text=True), "type_id") == "Choose a type of support from the list."
    assert count(app, PlanMeasure) == 0


def test_a_measure_with_delivered_hours_cannot_be_removed(app, client, factory, world, plan_id):
    measure_id = measure(app, plan_id, world.psychologist, deliverer_id=world.teacher.id)
    delivered(app, measure_id, world.teacher.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{plan_id}/measures/{measure_id}/remove")
    assert response.status_code == 200
    assert ("Hours have been delivered for this measure, so it cannot be removed. Change it instead, "
            "e.g. its planned hours.") in response.get_data(as_text=True)
    assert count(app, PlanMeasure) == 1
    assert "plan.measure_remove" not in audit_actions(app)


def test_a_measure_is_reached_only_through_its_own_plan(app, client, factory, world, plan_id):
    other_plan = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                      semester_id=world.next)
    theirs = measure(app, other_plan, world.psychologist, deliverer_id=None)
    factory.login(client, world.pedagogue)
    assert client.get(f"/plans/{plan_id}/measures/{theirs}/edit").status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/{theirs}/remove").status_code == 404
    assert count(app, PlanMeasure) == 1


def test_an_evaluated_plan_takes_no_measure_changes(app, client, factory, world):
    done = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                semester_id=world.past, status="evaluated")
    measure_id = measure(app, done, world.psychologist, deliverer_id=None)
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/{done}/measures/new", data=measure_form(world))
    assert response.status_code == 302
    assert client.post(f"/plans/{done}/measures/{measure_id}/edit",
                       data=measure_form(world, planned_hours="99")).status_code == 302
    response = client.post(f"/plans/{done}/measures/{measure_id}/remove")
    assert "The plan has been evaluated and can no longer be changed." in response.get_data(as_text=True)
    assert measures_of(app, done) == [(world.psychologist, None, None, Decimal("10.00"), None, 1)]


@pytest.mark.parametrize("who", ["teacher", "specialist", "coordinator", "other_pedagogue"])
def test_only_the_schools_owners_change_measures(app, client, factory, world, plan_id, who):
    measure_id = measure(app, plan_id, world.psychologist, deliverer_id=world.specialist.id)
    factory.login(client, getattr(world, who))
    assert client.get(f"/plans/{plan_id}/measures/new").status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/new", data=measure_form(world)).status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/{measure_id}/edit", data=measure_form(world)).status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/{measure_id}/remove").status_code == 404
    assert count(app, PlanMeasure) == 1
