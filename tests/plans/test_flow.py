"""The whole flow over HTTP: a plan on a case, a measure, a teacher logs hours, evaluation,
continuation into the next semester; the timeline, the audit trail and encryption at rest."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.plans.models import DeliveredHours, PlanMeasure, SupportPlan
from tests.plans.helpers import TODAY, audit_actions, raw_column

GOALS = "Uzlabot matemātikas prasmes un regulāri apmeklēt skolu."
BASIS = "Pedagoģiski medicīniskās komisijas atzinums Nr. 7"


def test_a_plan_from_drawing_up_to_continuation(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    factory.login(client, world.pedagogue)

    page = client.get(f"/plans/new/case/{case.id}").get_data(as_text=True)
    assert 'value="semester" checked' in page or 'checked type="radio" value="semester"' in page \
        or re.search(r'<input[^>]*checked[^>]*value="semester"', page)
    assert re.search(rf'<option selected value="{world.current}">', page)
    response = client.post(f"/plans/new/case/{case.id}", data={
        "kind": "semester", "semester_id": str(world.current), "goals": GOALS})
    assert response.status_code == 302
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])

    response = client.post(f"/plans/{plan_id}/measures/new", data={
        "type_id": str(world.consultation), "subject_id": str(world.maths),
        "deliverer_id": str(world.teacher.id), "planned_hours": "12,5", "basis": BASIS})
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.get(SupportPlan, plan_id)
        assert (plan.case_id, plan.pupil_id, plan.school_id, plan.semester_id) == (
            case.id, world.pupil.id, world.school.id, world.current)
        assert unseal(plan, "goals") == GOALS
        measure = plan.measures[0]
        measure_id = measure.id
        assert (measure.type_id, measure.subject_id, measure.deliverer_id, measure.planned_hours) == (
            world.consultation, world.maths, world.teacher.id, Decimal("12.50"))
        assert unseal(measure, "basis") == BASIS

    # the teacher logs hours from "My measures"
    factory.login(client, world.teacher)
    mine = client.get("/plans/my-measures").get_data(as_text=True)
    assert "Žanis Ķirsis" in mine and "7.b" in mine and "Subject consultation: Mathematics" in mine
    assert GOALS not in mine and BASIS not in mine
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(f"/plans/{plan_id}/measures/{measure_id}/hours?back=my", data={
        f"m{measure_id}-on": yesterday, f"m{measure_id}-hours": "1,5", f"m{measure_id}-mode": "remote"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/my-measures#measure-{measure_id}"
    assert "The hours were logged." in client.get("/plans/my-measures").get_data(as_text=True)
    assert client.get(f"/plans/{plan_id}").status_code == 404

    # the social pedagogue sees the hours and evaluates the plan
    factory.login(client, world.pedagogue)
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert GOALS in page and BASIS in page and "12.5" in page and "1.5" in page
    assert "Remote" in page
    response = client.post(f"/plans/{plan_id}/evaluate", data={
        "evaluated_on": TODAY.isoformat(), "learning_dynamics": "improved",
        "progress": "Sekmes matemātikā uzlabojās.", "parents_informed_on": TODAY.isoformat(),
        "next_steps": "Turpināt konsultācijas."})
    assert response.status_code == 302
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Improved" in page and "Sekmes matemātikā uzlabojās." in page
    assert f"/plans/{plan_id}/measures/new" not in page and f"/plans/{plan_id}/edit" not in page

    # continue into the next semester
    assert "A new plan for 2026/2027, semester 1" in client.get(f"/plans/{plan_id}/continue").get_data(as_text=True)
    response = client.post(f"/plans/{plan_id}/continue")
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        new = db.session.get(SupportPlan, new_id)
        assert (new.previous_id, new.semester_id, new.case_id, new.status) == (
            plan_id, world.next, case.id, "active")
        assert unseal(new, "goals") == GOALS
        copied = new.measures[0]
        assert (copied.type_id, copied.subject_id, copied.deliverer_id, copied.planned_hours) == (
            world.consultation, world.maths, world.teacher.id, Decimal("12.50"))
        assert unseal(copied, "basis") == BASIS and copied.deliveries == []
        assert db.session.scalar(select(DeliveredHours.hours).where(
            DeliveredHours.measure_id == measure_id)) == Decimal("1.50")
        events = [(e.kind, e.detail) for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert events == [("plan_created", {"plan_id": plan_id}), ("plan_evaluated", {"plan_id": plan_id}),
                      ("plan_continued", {"plan_id": new_id, "previous_id": plan_id})]
    writes = [a for a in audit_actions(app) if not a.endswith(("_list", ".read"))]
    assert writes == ["plan.create", "plan.measure_add", "plan.hours_log", "plan.evaluate", "plan.continue"]


def test_texts_are_encrypted_at_rest(app, client, factory, world):
    factory.login(client, world.pedagogue)
    response = client.post(f"/plans/new/pupil/{world.pupil.id}", data={
        "kind": "semester", "semester_id": str(world.current), "goals": GOALS})
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/plans/{plan_id}/measures/new", data={
        "type_id": str(world.psychologist), "deliverer_id": "", "planned_hours": "4", "basis": BASIS})
    client.post(f"/plans/{plan_id}/evaluate", data={
        "evaluated_on": TODAY.isoformat(), "learning_dynamics": "unchanged", "progress": "Progress teksts ērglis",
        "parents_informed_on": TODAY.isoformat(), "next_steps": "Nākamie soļi ērglis"})
    with app.app_context():
        measure_id = db.session.scalar(select(PlanMeasure.id).where(PlanMeasure.plan_id == plan_id))
    for column, plain in (("goals_enc", GOALS), ("progress_enc", "ērglis"), ("next_steps_enc", "ērglis")):
        stored = raw_column(app, "support_plans", column, plan_id)
        assert stored and plain.encode() not in stored
    stored = raw_column(app, "plan_measures", "basis_enc", measure_id)
    assert stored and BASIS.encode() not in stored
