"""Delivered hours: who logs them, every refusal with nothing written, taking back a mistaken entry,
and "My measures" (only one's own measures, no plan details, a fixed number of statements)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from caseflow.plans.models import DeliveredHours
from tests.plans.helpers import (
    TODAY,
    StatementCounter,
    audit_actions,
    delivered,
    error_of,
    measure,
    plan,
)

GOALS = "Mērķis: ikdienas lasīšana"
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def setup(app, world):
    """A plan for the current semester with the teacher's and the second teacher's measures."""
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current, goals=GOALS)
    mine = measure(app, plan_id, world.consultation, subject_id=world.maths, deliverer_id=world.teacher.id,
                   basis="Atzinums par matemātiku")
    theirs = measure(app, plan_id, world.psychologist, deliverer_id=world.teacher2.id)
    return plan_id, mine, theirs


def hours_form(measure_id: int, **changes) -> dict:
    data = {"on": YESTERDAY.isoformat(), "hours": "2", "mode": "in_person"}
    data.update(changes)
    return {f"m{measure_id}-{name}": value for name, value in data.items()}


def entries(app) -> list[tuple]:
    with app.app_context():
        return [(d.measure_id, d.on, d.hours, d.mode, d.logged_by_id)
                for d in db.session.scalars(select(DeliveredHours).order_by(DeliveredHours.id))]


def test_the_deliverer_logs_hours_on_their_measure(app, client, factory, world, setup):
    plan_id, mine, _theirs = setup
    factory.login(client, world.teacher)
    page = client.get(f"/plans/{plan_id}/measures/{mine}/hours").get_data(as_text=True)
    assert GOALS not in page and "Atzinums par matemātiku" not in page and "Psychologist" not in page
    response = client.post(f"/plans/{plan_id}/measures/{mine}/hours", data=hours_form(mine, hours="0,5", mode="remote"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{plan_id}/measures/{mine}/hours"
    assert entries(app) == [(mine, YESTERDAY, Decimal("0.50"), "remote", world.teacher.id)]
    assert "plan.hours_log" in audit_actions(app)
    with app.app_context():  # reading a measure is filed under its pupil in the audit trail
        reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "planmeasure.read")).all()
        assert reads and {(r.object_id, r.pupil_id, r.user_id) for r in reads} == {
            (mine, world.pupil.id, world.teacher.id)}


@pytest.mark.parametrize("who", ["pedagogue", "head"])
def test_the_schools_pedagogue_or_head_may_log_for_the_deliverer(app, client, factory, world, setup, who):
    plan_id, mine, _theirs = setup
    factory.login(client, getattr(world, who))
    assert client.post(f"/plans/{plan_id}/measures/{mine}/hours", data=hours_form(mine)).status_code == 302
    assert entries(app)[0][4] == getattr(world, who).id


@pytest.mark.parametrize("changes, field, message", [
    ({"hours": "0"}, "hours", "Enter more than 0 hours."),
    ({"hours": "-1"}, "hours", "Enter more than 0 hours."),
    ({"hours": ""}, "hours", "Enter the number of hours."),
    ({"hours": "viena"}, "hours", "Enter the hours as a number, e.g. 1.5"),
    ({"hours": "8,5"}, "hours", "At most 8 hours a day can be logged for one measure."),
    ({"on": ""}, "on", "Enter the date the support took place."),
    ({"on": (TODAY + timedelta(days=1)).isoformat()}, "on",
     "Hours can be logged only once delivered: the date cannot be in the future."),
    ({"on": (TODAY - timedelta(days=81)).isoformat()}, "on",
     "Enter a date within the plan's period ("
     f"{(TODAY - timedelta(days=80)).strftime('%d.%m.%Y.')} – {(TODAY + timedelta(days=10)).strftime('%d.%m.%Y.')})."),
    ({"mode": "telepathy"}, "mode", "Choose whether the support was in person or remote."),
])
def test_hours_refusals(app, client, factory, world, setup, changes, field, message):
    plan_id, mine, _theirs = setup
    factory.login(client, world.teacher)
    response = client.post(f"/plans/{plan_id}/measures/{mine}/hours?back=my", data=hours_form(mine, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_of(page, f"m{mine}-{field}") == message
    assert 'class="error-summary"' in page
    assert entries(app) == []


def test_more_than_eight_hours_on_one_day_for_one_measure_is_refused(app, client, factory, world, setup):
    plan_id, mine, theirs = setup
    delivered(app, mine, world.teacher.id, on=YESTERDAY, hours="5")
    delivered(app, mine, world.teacher.id, on=YESTERDAY, hours="2")
    delivered(app, theirs, world.teacher2.id, on=YESTERDAY, hours="6")
    factory.login(client, world.teacher)
    response = client.post(f"/plans/{plan_id}/measures/{mine}/hours", data=hours_form(mine, hours="1,5"))
    assert error_of(response.get_data(as_text=True), f"m{mine}-hours") == (
        f"7 hours are already logged for {YESTERDAY.strftime('%d.%m.%Y.')}; at most 1 more can be added "
        "(8 a day for one measure).")
    assert len(entries(app)) == 3
    # exactly eight is fine, and another day starts afresh
    assert client.post(f"/plans/{plan_id}/measures/{mine}/hours", data=hours_form(mine, hours="1")).status_code == 302
    two_days_ago = (TODAY - timedelta(days=2)).isoformat()
    assert client.post(f"/plans/{plan_id}/measures/{mine}/hours",
                       data=hours_form(mine, on=two_days_ago, hours="8")).status_code == 302


def test_one_person_delivers_at_most_ten_hours_a_day_over_all_measures(app, client, factory, world, setup):
    plan_id, mine, _theirs = setup
    second = measure(app, plan_id, world.consultation, subject_id=world.maths, deliverer_id=world.teacher.id)
    delivered(app, mine, world.teacher.id, on=YESTERDAY, hours="8")
    factory.login(client, world.teacher)
    response = client.post(f"/plans/{plan_id}/measures/{second}/hours", data=hours_form(second, hours="3"))
    assert error_of(response.get_data(as_text=True), f"m{second}-hours") == (
        f"Support of 8 hours in all is already logged for this person on {YESTERDAY.strftime('%d.%m.%Y.')}; "
        "one person cannot deliver more than 10 hours a day.")
    assert len(entries(app)) == 1
    assert client.post(f"/plans/{plan_id}/measures/{second}/hours",
                       data=hours_form(second, hours="2")).status_code == 302


def test_an_evaluated_plan_takes_no_hours(app, client, factory, world):
    done = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                semester_id=world.current, status="evaluated")
    mine = measure(app, done, world.psychologist, deliverer_id=world.teacher.id)
    entry = delivered(app, mine, world.teacher.id)
    factory.login(client, world.teacher)
    page = client.get(f"/plans/{done}/measures/{mine}/hours").get_data(as_text=True)
    assert f'name="m{mine}-hours"' not in page
    response = client.post(f"/plans/{done}/measures/{mine}/hours", data=hours_form(mine))
    assert response.status_code == 200
    assert "The plan has been evaluated; hours can no longer be logged." in response.get_data(as_text=True)
    response = client.post(f"/plans/{done}/measures/{mine}/hours/{entry}/remove")
    assert response.status_code == 200
    assert "The plan has been evaluated; its hours can no longer change." in response.get_data(as_text=True)
    assert len(entries(app)) == 1
    assert client.get("/plans/my-measures").get_data(as_text=True).count(f'id="measure-{mine}"') == 0


def test_a_teacher_sees_only_their_own_measure(app, client, factory, world, setup):
    plan_id, mine, theirs = setup
    factory.login(client, world.teacher)
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert client.get(f"/plans/{plan_id}/pdf").status_code == 404
    assert client.get(f"/plans/{plan_id}/measures/{theirs}/hours").status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/{theirs}/hours", data=hours_form(theirs)).status_code == 404
    # a measure id under another plan's id is not found either
    other_plan = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                      semester_id=world.next)
    assert client.get(f"/plans/{other_plan}/measures/{mine}/hours").status_code == 404
    assert entries(app) == []


@pytest.mark.parametrize("who", ["other_pedagogue", "other_teacher", "coordinator", "specialist"])
def test_others_get_not_found(app, client, factory, world, setup, who):
    plan_id, mine, _theirs = setup
    factory.login(client, getattr(world, who))
    assert client.get(f"/plans/{plan_id}/measures/{mine}/hours").status_code == 404
    assert client.post(f"/plans/{plan_id}/measures/{mine}/hours", data=hours_form(mine)).status_code == 404
    assert entries(app) == []


def test_a_logger_removes_their_own_mistaken_entry_only(app, client, factory, world, setup):
    plan_id, mine, _theirs = setup
    own = delivered(app, mine, world.teacher.id)
    by_pedagogue = delivered(app, mine, world.pedagogue.id, on=TODAY - timedelta(days=3))
    factory.login(client, world.teacher)
    page = client.get(f"/plans/{plan_id}/measures/{mine}/hours").get_data(as_text=True)
    assert f"/hours/{own}/remove" in page and f"/hours/{by_pedagogue}/remove" not in page
    assert client.post(f"/plans/{plan_id}/measures/{mine}/hours/{by_pedagogue}/remove").status_code == 404
    response = client.post(f"/plans/{plan_id}/measures/{mine}/hours/{own}/remove")
    assert response.status_code == 302
    assert [e[4] for e in entries(app)] == [world.pedagogue.id]
    assert "plan.hours_remove" in audit_actions(app)


def test_my_measures_lists_only_own_measures_in_active_plans(app, client, factory, world, setup):
    plan_id, mine, theirs = setup
    done = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                semester_id=world.past, status="evaluated")
    old = measure(app, done, world.psychologist, deliverer_id=world.teacher.id)
    delivered(app, mine, world.teacher.id, hours="2.5")
    factory.login(client, world.teacher)
    page = client.get("/plans/my-measures").get_data(as_text=True)
    assert f'id="measure-{mine}"' in page and f'id="measure-{theirs}"' not in page and f'id="measure-{old}"' not in page
    assert "Žanis Ķirsis" in page and "7.b" in page and "Subject consultation: Mathematics" in page
    assert "Planned 10 h, delivered 2.5 h." in page
    assert GOALS not in page and "Atzinums" not in page and "Psychologist" not in page
    assert f'href="/plans/{plan_id}"' not in page
    assert "plan.measure_list" in audit_actions(app)


def test_my_measures_statement_count_does_not_grow(app, client, factory, world):
    def add_pupils(n: int):
        for _ in range(n):
            pupil = factory.pupil(world.school.id, class_name="6.a")
            plan_id = plan(app, pupil_id=pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                           semester_id=world.current)
            measure_id = measure(app, plan_id, world.psychologist, deliverer_id=world.teacher.id)
            delivered(app, measure_id, world.teacher.id)

    factory.login(client, world.teacher)
    add_pupils(1)
    client.get("/plans/my-measures")
    with StatementCounter(app) as one:
        assert client.get("/plans/my-measures").status_code == 200
    add_pupils(6)
    with StatementCounter(app) as seven:
        page = client.get("/plans/my-measures").get_data(as_text=True)
    assert page.count('<section aria-labelledby="measure-') == 7
    assert len(seven.statements) == len(one.statements)
