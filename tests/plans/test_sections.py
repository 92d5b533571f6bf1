"""The plans section of the case page and of the pupil's page: plans in sight with hour totals, a
"new plan" link only for those who may draw one up, and a fixed number of statements."""
from __future__ import annotations

from decimal import Decimal

from flask import render_template

from caseflow.cases.models import Case
from caseflow.extensions import db
from caseflow.plans import selectors
from caseflow.pupils.selectors import load_pupil
from tests.plans.helpers import StatementCounter, actor_of, delivered, measure, plan


def _case_context(app, case_id: int, user):
    actor = actor_of(app, user)
    with app.test_request_context():
        case = db.session.get(Case, case_id)
        with StatementCounter(app) as counter:
            context = selectors.for_case_page(case, actor)
            rows = [(r.plan.id, r.plan.semester.number if r.plan.semester else None, r.totals.planned,
                     r.totals.delivered) for r in context["plans_rows"]]
        return rows, context["plans_can_create"], len(counter.statements)


def test_the_case_page_lists_the_cases_plans_with_totals(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    older = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                 semester_id=world.past, case_id=case.id, status="evaluated")
    newer = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                 semester_id=world.current, case_id=case.id)
    plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
         semester_id=world.next)  # not on the case
    first = measure(app, newer, world.psychologist, deliverer_id=world.teacher.id, planned="10")
    measure(app, newer, world.consultation, subject_id=world.maths, deliverer_id=None, planned="2.5")
    delivered(app, first, world.teacher.id, hours="3")
    delivered(app, first, world.teacher.id, hours="1.25")

    rows, can_create, _statements = _case_context(app, case.id, world.pedagogue)
    assert rows == [(newer, 2, Decimal("12.50"), Decimal("4.25")), (older, 1, Decimal("0"), Decimal("0"))]
    assert can_create

    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/plans/{newer}"' in page and f'href="/plans/{older}"' in page
    assert f'href="/plans/new/case/{case.id}"' in page and "Evaluated" in page


def test_no_new_plan_link_for_a_team_member_or_a_closed_case(app, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id, team=(world.specialist.id,))
    plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
         semester_id=world.current, case_id=case.id)
    rows, can_create, _statements = _case_context(app, case.id, world.specialist)
    assert len(rows) == 1 and not can_create
    closed = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id, status="closed")
    assert _case_context(app, closed.id, world.pedagogue)[1] is False


def test_the_case_sections_statement_count_does_not_grow(app, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    first = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                 semester_id=world.past, case_id=case.id)
    measure(app, first, world.psychologist, deliverer_id=None)
    one = _case_context(app, case.id, world.pedagogue)[2]
    for semester_id in (world.current, world.next):
        more = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                    semester_id=semester_id, case_id=case.id)
        delivered(app, measure(app, more, world.psychologist, deliverer_id=world.teacher.id), world.teacher.id)
    rows, _can, three = _case_context(app, case.id, world.pedagogue)
    assert len(rows) == 3 and three == one


def test_the_pupils_page_section(app, factory, world):
    standalone = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.head.id,
                      semester_id=world.current)
    for user, can_create, seen in ((world.pedagogue, True, [standalone]), (world.specialist, False, []),
                                   (world.coordinator, False, [])):
        actor = actor_of(app, user)
        with app.test_request_context():
            pupil = load_pupil(world.pupil.id)
            context = selectors.for_pupil_page(pupil, actor)
            assert [r.plan.id for r in context["plans_rows"]] == seen
            assert context["plans_can_create"] is can_create
            html = render_template("plans/_pupil_plans.html", pupil=pupil, **context)
            assert (f'href="/plans/new/pupil/{world.pupil.id}"' in html) is can_create


def test_the_plan_pages_statement_count_does_not_grow_with_its_measures(app, client, factory, world):
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=world.current)

    def add_measure(deliverer):
        delivered(app, measure(app, plan_id, world.psychologist, deliverer_id=deliverer.id, basis="Atzinums"),
                  deliverer.id)

    add_measure(world.teacher)
    factory.login(client, world.pedagogue)
    client.get(f"/plans/{plan_id}")
    with StatementCounter(app) as one:
        assert client.get(f"/plans/{plan_id}").status_code == 200
    for deliverer in (world.teacher2, world.specialist, world.head):
        add_measure(deliverer)
    with StatementCounter(app) as four:
        assert client.get(f"/plans/{plan_id}").get_data(as_text=True).count("Atzinums") == 4
    assert len(four.statements) == len(one.statements)


def test_the_case_page_runs_a_constant_number_of_statements(app, client, factory, world):
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)

    def add_plan_with_hours(semester_id: int, *deliverers) -> None:
        plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                       semester_id=semester_id, case_id=case.id)
        for deliverer in deliverers:
            delivered(app, measure(app, plan_id, world.psychologist, deliverer_id=deliverer.id), deliverer.id)

    def note(n: int) -> None:
        answer = client.post(f"/cases/{case.id}/notes/new", data={
            "note-kind": "general", "note-visibility": "institution", "note-text": f"Piezīme {n}"})
        assert answer.status_code == 302

    factory.login(client, world.pedagogue)
    add_plan_with_hours(world.current, world.teacher)
    note(0)
    client.get(f"/cases/{case.id}")  # warm caches (keys, sign-in) before counting
    with StatementCounter(app) as small:
        assert client.get(f"/cases/{case.id}").status_code == 200
    add_plan_with_hours(world.past, world.teacher2, world.specialist)
    add_plan_with_hours(world.next, world.head, world.teacher)
    for n in range(1, 4):
        note(n)
    with StatementCounter(app) as large:
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Piezīme 3" in page
    print(f"case page: {len(small)} statements")
    assert len(large) == len(small), (len(small), len(large))
