"""Draw up a plan, change its goals, evaluate it and continue it into the next semester."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor, Permission, can
from caseflow.cases.events import record_event
from caseflow.cases.models import Case
from caseflow.core.i18n import format_date_lv
from caseflow.crypto import seal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.calendar import Semester
from caseflow.people.settings import get_setting
from caseflow.plans import selectors
from caseflow.plans.models import LearningDynamics, PlanMeasure, PlanStatus, SupportPlan
from caseflow.plans.services.common import PlanError, check_active, clean_text, record
from caseflow.pupils.models import Pupil

#: a plan may be evaluated from this many days before its end
#: the longest period of a plan "when needed"
LONGEST_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class PlanInput:
    """A new plan's period (a semester, or own dates when needed) and goals, as the form gives them."""

    when_needed: bool
    semester_id: int | None
    starts_on: date | None
    ends_on: date | None
    goals: str


@dataclass(frozen=True)
class Evaluation:
    """The evaluation at the end of a plan's period, as the form gives it."""

    evaluated_on: date | None
    learning_dynamics: str | None
    progress: str
    parents_informed_on: date | None
    next_steps: str


# --- checks (read only) --------------------------------------------------------------------------

def _check_pupil(actor: Actor, pupil: Pupil, school_id: int | None, field: str) -> None:
    """The actor may draw up plans, sees the pupil, and the pupil attends the actor's school."""
    if not can(actor, Permission.PLAN_EDIT) or not can(actor, Permission.PUPIL_VIEW, pupil):
        raise PlanError(field, _l("You cannot draw up a plan for this pupil."))
    if school_id != actor.institution_id or selectors.class_at(pupil, actor.institution_id) is None:
        raise PlanError(field, _l("The pupil is not enrolled at your school, so you cannot draw up "
                                  "a plan for them."))


def _check_case(actor: Actor, case: Case | None) -> None:
    if case is None:
        return
    if case.school_id != actor.institution_id:
        raise PlanError("kind", _l("Only the case's school can draw up a plan on it."))
    if case.is_closed:
        raise PlanError("kind", _l("The case is closed; reopen it before drawing up a plan on it."))


def _semester_period(actor: Actor, pupil: Pupil, semester_id: int | None) -> Semester:
    if semester_id is None:
        raise PlanError("semester_id", _l("Choose a semester."))
    semester = db.session.get(Semester, semester_id)
    if semester is None or semester.municipality_id != actor.municipality_id:
        raise PlanError("semester_id", _l("This semester is not among your municipality's semesters; "
                                          "choose one from the list."))
    existing = selectors.semester_plan(pupil.id, actor.institution_id, semester.id)
    if existing is not None:
        raise PlanError("semester_id", _l("The pupil already has a plan for this semester."),
                        existing_id=existing.id)
    return semester


def _own_period(starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    if starts_on is None:
        raise PlanError("starts_on", _l("Enter the date the plan begins."))
    if ends_on is None:
        raise PlanError("ends_on", _l("Enter the date the plan ends."))
    today = local_today()
    if not today - LONGEST_PERIOD <= starts_on <= today + LONGEST_PERIOD:
        raise PlanError("starts_on", _l(
            "A plan begins within a year of today: between %(earliest)s and %(latest)s.",
            earliest=format_date_lv(today - LONGEST_PERIOD), latest=format_date_lv(today + LONGEST_PERIOD)))
    if ends_on < starts_on:
        raise PlanError("ends_on", _l("The plan cannot end before it begins."))
    if ends_on - starts_on > LONGEST_PERIOD:
        raise PlanError("ends_on", _l(
            "A plan when needed runs for at most a year: it can end on %(date)s at the latest.",
            date=format_date_lv(starts_on + LONGEST_PERIOD)))
    return starts_on, ends_on


# --- changes ------------------------------------------------------------------------------------

def create_plan(*, actor: Actor, pupil: Pupil, case: Case | None = None, details: PlanInput) -> SupportPlan:
    """Draw up a plan for a pupil at the actor's school, on a case or on its own."""
    _check_case(actor, case)
    school_id = case.school_id if case is not None else actor.institution_id
    _check_pupil(actor, pupil, school_id, "kind")
    semester = None
    if details.when_needed:
        starts_on, ends_on = _own_period(details.starts_on, details.ends_on)
    else:
        semester = _semester_period(actor, pupil, details.semester_id)
        starts_on, ends_on = semester.starts_on, semester.ends_on
    goals = clean_text("goals", details.goals, required_message=_l("Write the plan's goals."))

    plan = SupportPlan(municipality_id=actor.municipality_id, school_id=school_id, pupil_id=pupil.id,
                       case_id=case.id if case is not None else None,
                       semester_id=semester.id if semester is not None else None,
                       starts_on=starts_on, ends_on=ends_on, status=PlanStatus.ACTIVE,
                       created_by_id=actor.user_id)
    db.session.add(plan)
    db.session.flush()
    seal(plan, "goals", goals, scope=f"pupil:{pupil.id}")
    db.session.flush()
    record("plan.create", plan, case_id=plan.case_id, semester_id=plan.semester_id)
    if case is not None:
        record_event(case, "plan_created", actor=actor, detail={"plan_id": plan.id})
    return plan


def update_goals(*, actor: Actor, plan: SupportPlan, goals: str) -> bool:
    """Change the goals of an active plan; True if they changed."""
    check_active(plan, "goals")
    goals = clean_text("goals", goals, required_message=_l("Write the plan's goals."))
    if goals == selectors.text_of(plan, "goals"):
        return False
    seal(plan, "goals", goals, scope=f"pupil:{plan.pupil_id}")
    db.session.flush()
    record("plan.update", plan, fields=["goals"])
    return True


def earliest_evaluation(plan: SupportPlan) -> date:
    """The first day a plan may be evaluated: its end, or the municipality's window before it."""
    window = timedelta(days=get_setting(plan.municipality_id, "plan_evaluation_days_before_end"))
    return max(plan.ends_on - window, plan.starts_on)


def _check_evaluation(plan: SupportPlan, evaluation: Evaluation) -> None:
    today = local_today()
    day = evaluation.evaluated_on
    if day is None:
        raise PlanError("evaluated_on", _l("Enter the date of the evaluation."))
    if day > today:
        raise PlanError("evaluated_on", _l("The evaluation cannot be dated in the future."))
    earliest = earliest_evaluation(plan)
    if day < earliest:
        raise PlanError("evaluated_on", _l(
            "The plan runs until %(end)s; it can be evaluated from %(earliest)s at the earliest.",
            end=format_date_lv(plan.ends_on), earliest=format_date_lv(earliest)))
    if evaluation.learning_dynamics not in set(LearningDynamics):
        raise PlanError("learning_dynamics", _l("Choose how the pupil's learning went."))
    informed = evaluation.parents_informed_on
    if informed is None:
        raise PlanError("parents_informed_on", _l("Enter the date the parents were informed."))
    if informed > today:
        raise PlanError("parents_informed_on", _l("The date the parents were informed cannot be in "
                                                  "the future."))
    if informed < plan.starts_on:
        raise PlanError("parents_informed_on", _l(
            "The parents cannot have been informed before the plan began (%(date)s).",
            date=format_date_lv(plan.starts_on)))


def evaluate_plan(*, actor: Actor, plan: SupportPlan, evaluation: Evaluation) -> None:
    """Record the evaluation at the end of the period; the plan becomes read-only."""
    check_active(plan, "evaluated_on")
    _check_evaluation(plan, evaluation)
    progress = clean_text("progress", evaluation.progress,
                          required_message=_l("Describe the progress the pupil made."))
    next_steps = clean_text("next_steps", evaluation.next_steps)

    plan.status = PlanStatus.EVALUATED
    plan.evaluated_on = evaluation.evaluated_on
    plan.evaluated_by_id = actor.user_id
    plan.learning_dynamics = evaluation.learning_dynamics
    plan.parents_informed_on = evaluation.parents_informed_on
    seal(plan, "progress", progress, scope=f"pupil:{plan.pupil_id}")
    seal(plan, "next_steps", next_steps, scope=f"pupil:{plan.pupil_id}")
    db.session.flush()
    record("plan.evaluate", plan, learning_dynamics=plan.learning_dynamics)
    if plan.case is not None:
        record_event(plan.case, "plan_evaluated", actor=actor, detail={"plan_id": plan.id})


def check_continuation(*, actor: Actor, plan: SupportPlan) -> Semester:
    """The semester the plan continues into, or the reason it cannot be continued."""
    _check_pupil(actor, plan.pupil, plan.school_id, "semester_id")
    semester = selectors.next_semester(plan)
    if semester is None:
        raise PlanError("semester_id", _l("The municipality's settings have no semester after this "
                                          "plan's period. An administrator can add it."))
    existing = selectors.semester_plan(plan.pupil_id, plan.school_id, semester.id)
    if existing is not None:
        raise PlanError("semester_id", _l("The pupil already has a plan for the next semester."),
                        existing_id=existing.id)
    return semester


def continue_plan(*, actor: Actor, plan: SupportPlan) -> SupportPlan:
    """Draw up the plan for the next semester with the same goals and measures (no hours)."""
    semester = check_continuation(actor=actor, plan=plan)
    colleagues = {user_id for user_id, _name in selectors.deliverers(plan.school_id)}
    case = plan.case if plan.case is not None and not plan.case.is_closed else None
    scope = f"pupil:{plan.pupil_id}"

    new = SupportPlan(municipality_id=plan.municipality_id, school_id=plan.school_id,
                      pupil_id=plan.pupil_id, case_id=case.id if case is not None else None,
                      semester_id=semester.id, starts_on=semester.starts_on, ends_on=semester.ends_on,
                      status=PlanStatus.ACTIVE, previous_id=plan.id, created_by_id=actor.user_id)
    db.session.add(new)
    db.session.flush()
    seal(new, "goals", selectors.text_of(plan, "goals"), scope=scope)
    for old in plan.measures:
        measure = PlanMeasure(plan_id=new.id, type_id=old.type_id, subject_id=old.subject_id,
                              deliverer_id=old.deliverer_id if old.deliverer_id in colleagues else None,
                              planned_hours=old.planned_hours, position=old.position)
        db.session.add(measure)
        db.session.flush()
        seal(measure, "basis", selectors.text_of(old, "basis"), scope=scope)
    db.session.flush()
    record("plan.continue", new, previous_id=plan.id, semester_id=semester.id,
           measures=len(plan.measures))
    if case is not None:
        record_event(case, "plan_continued", actor=actor,
                     detail={"plan_id": new.id, "previous_id": plan.id})
    return new
