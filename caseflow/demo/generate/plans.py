"""Support plans (IAP) for the semesters a case is open in: measures (79 % subject consultations, as in
Riga), planned and delivered hours, and the evaluation at the end of each finished semester."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from caseflow.cases.models import CaseEvent
from caseflow.demo.generate import shape as sizes
from caseflow.demo.generate.world import Account, World
from caseflow.demo.generate.writer import Writer
from caseflow.plans.models import (
    DeliveredHours,
    LearningDynamics,
    PlanMeasure,
    PlanStatus,
    SupportPlan,
)

GOALS = "Uzlabot apmeklējumu līdz 95 % stundu; sasniegt vismaz 4 balles matemātikā."
BASIS = "Atbalsta komandas sanāksmes slēdziens."
PROGRESS = "Kavējumu skaits samazinājies; matemātikā sekmes stabilas."
NEXT_STEPS = "Turpināt konsultācijas nākamajā semestrī."
#: share of measures that are subject consultations (Riga: 79 %)
SUBJECT_SHARE = 0.79


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def make_plans(world: World, writer: Writer, fact, sp: Account, last_day: date, made: set) -> None:
    """Plans for up to two semesters of the case, each continuing the one before."""
    rng = world.rng
    if rng.random() >= sizes.PLANNED_SHARE:
        return
    school = fact.school
    semesters = [s for s in world.municipality(school.municipality_id).semesters
                 if s.starts_on <= last_day and s.ends_on >= fact.opened_on and s.starts_on < world.today]
    previous = None
    for semester in semesters[:2]:
        key = (fact.pupil_id, school.id, semester.id)
        if key in made:  # one semester plan per pupil per school
            continue
        made.add(key)
        previous = _plan(world, writer, fact, sp, semester, last_day, previous)


def _plan(world: World, writer: Writer, fact, sp: Account, semester, last_day: date, previous: int | None) -> int:
    rng = world.rng
    school = fact.school
    lists = world.municipality(school.municipality_id).lists
    scope = f"pupil:{fact.pupil_id}"
    plan_id = writer.next_id(SupportPlan)
    evaluated = semester.ends_on < world.today and semester.ends_on <= last_day + timedelta(days=1)
    created = max(semester.starts_on, fact.opened_on) + timedelta(days=7)
    row = {
        "id": plan_id, "municipality_id": school.municipality_id, "school_id": school.id,
        "pupil_id": fact.pupil_id, "case_id": fact.id, "semester_id": semester.id,
        "starts_on": semester.starts_on, "ends_on": semester.ends_on,
        "status": str(PlanStatus.EVALUATED if evaluated else PlanStatus.ACTIVE),
        "goals_enc": writer.seal(GOALS, scope=scope, model=SupportPlan, row_id=plan_id, field="goals"),
        "previous_id": previous, "created_by_id": sp.user_id, "created_at": _at(created, 9),
        "evaluated_on": None, "evaluated_by_id": None, "learning_dynamics": None, "progress_enc": None,
        "parents_informed_on": None, "next_steps_enc": None}
    if evaluated:
        row |= {"evaluated_on": semester.ends_on, "evaluated_by_id": sp.user_id,
                "learning_dynamics": str(rng.choice(list(LearningDynamics))),
                "parents_informed_on": semester.ends_on - timedelta(days=3),
                "progress_enc": writer.seal(PROGRESS, scope=scope, model=SupportPlan, row_id=plan_id,
                                            field="progress"),
                "next_steps_enc": writer.seal(NEXT_STEPS, scope=scope, model=SupportPlan, row_id=plan_id,
                                              field="next_steps")}
    writer.add(SupportPlan, row)
    _event(writer, fact.id, "plan_created", sp, _at(created, 9), plan_id)
    until = min(semester.ends_on, last_day, world.today - timedelta(days=1))
    for position in range(rng.randint(2, 4)):
        _measure(world, writer, school, lists, scope, plan_id, position, created, until, sp)
    if evaluated:
        _event(writer, fact.id, "plan_evaluated", sp, _at(semester.ends_on, 15), plan_id)
    return plan_id


def _measure(world: World, writer: Writer, school, lists, scope: str, plan_id: int, position: int,
             start: date, until: date, sp: Account) -> None:
    rng = world.rng
    subject_types = [t for t in lists.measure_types if t[1]]
    other_types = [t for t in lists.measure_types if not t[1]]
    if subject_types and lists.subjects and rng.random() < SUBJECT_SHARE:
        (type_id, _), subject_id, deliverer = rng.choice(subject_types), rng.choice(lists.subjects), \
            rng.choice(school.teachers)
    else:
        (type_id, _), subject_id = rng.choice(other_types or lists.measure_types), None
        deliverer = rng.choice(school.specialists + [sp])
    measure_id = writer.next_id(PlanMeasure)
    planned = rng.randint(4, 12)
    writer.add(PlanMeasure, {
        "id": measure_id, "plan_id": plan_id, "type_id": type_id, "subject_id": subject_id,
        "deliverer_id": deliverer.user_id, "planned_hours": Decimal(planned), "position": position,
        "basis_enc": writer.seal(BASIS, scope=scope, model=PlanMeasure, row_id=measure_id, field="basis")})
    days = (until - start).days
    if days <= 7:
        return
    delivered = round(planned * rng.uniform(0.2, 1.0))
    step = days / max(1, delivered)
    for k in range(delivered):
        day = start + timedelta(days=int(7 + k * step * 0.95))
        if day > until:
            break
        day -= timedelta(days=max(0, day.weekday() - 4))  # a weekend session moves to Friday
        writer.add(DeliveredHours, {
            "id": writer.next_id(DeliveredHours), "measure_id": measure_id, "on": day, "hours": Decimal("1"),
            "mode": "in_person" if rng.random() < 0.8 else "remote", "logged_by_id": deliverer.user_id,
            "logged_at": _at(day, 16)})


def _event(writer: Writer, case_id: int, kind: str, who: Account, moment: datetime, plan_id: int) -> None:
    writer.add(CaseEvent, {"id": writer.next_id(CaseEvent), "case_id": case_id, "at": moment, "kind": kind,
                           "user_id": who.user_id, "institution_id": who.institution_id,
                           "detail": {"plan_id": plan_id}, "text_enc": None})
