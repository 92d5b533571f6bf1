"""Reads of support plans: loaders for @requires, choices for the forms, the case page's section,
"My measures" and hour totals. Lists go through the access policy's scope()."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from caseflow.access import Actor, Permission, can, scope
from caseflow.access.permissions import ROLE_LABELS, Role
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.calendar import Semester
from caseflow.people.models import Membership, User
from caseflow.people.settings import get_setting
from caseflow.plans.models import DeliveredHours, PlanMeasure, PlanStatus, SupportPlan
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.selectors import current_on

ZERO = Decimal("0")
#: roles at the plan's school whose members may deliver a measure
DELIVERER_ROLES = (Role.TEACHER, Role.SUPPORT_SPECIALIST, Role.SOCIAL_PEDAGOGUE, Role.SCHOOL_HEAD)


# --- loaders for @requires ------------------------------------------------------------------------

def load_plan(plan_id: int, **_url_args) -> SupportPlan | None:
    """A plan with everything its page shows, in a fixed number of statements."""
    return db.session.scalar(select(SupportPlan).where(SupportPlan.id == plan_id).options(
        joinedload(SupportPlan.pupil).selectinload(Pupil.enrolments),
        joinedload(SupportPlan.school), joinedload(SupportPlan.semester), joinedload(SupportPlan.case),
        selectinload(SupportPlan.measures).joinedload(PlanMeasure.deliverer),
        selectinload(SupportPlan.measures).selectinload(PlanMeasure.deliveries)
        .joinedload(DeliveredHours.logged_by)))


def load_measure(plan_id: int, measure_id: int, **_url_args) -> PlanMeasure | None:
    """A measure, only through the plan it belongs to (another plan's id in the address: none)."""
    return db.session.scalar(select(PlanMeasure).where(
        PlanMeasure.id == measure_id, PlanMeasure.plan_id == plan_id).options(
        joinedload(PlanMeasure.plan).joinedload(SupportPlan.pupil).selectinload(Pupil.enrolments),
        selectinload(PlanMeasure.deliveries).joinedload(DeliveredHours.logged_by)))


def measure_of(plan: SupportPlan, measure_id: int) -> PlanMeasure | None:
    """One of the plan's own measures."""
    return next((m for m in plan.measures if m.id == measure_id), None)


# --- texts ----------------------------------------------------------------------------------------

def text_of(obj, field: str) -> str | None:
    """A decrypted text field (None when empty or when its key is gone)."""
    try:
        return unseal(obj, field)
    except DecryptionError:
        return None


def plan_texts(plan: SupportPlan) -> dict[str, str | None]:
    """The plan's goals and evaluation texts, decrypted."""
    return {name: text_of(plan, name) for name in ("goals", "progress", "next_steps")}


def measure_bases(plan: SupportPlan) -> dict[int, str | None]:
    """Each measure's basis (the specialist opinion), decrypted, by measure id."""
    return {m.id: text_of(m, "basis") for m in plan.measures if m.basis_enc is not None}


# --- choices --------------------------------------------------------------------------------------

def semesters(municipality_id: int) -> list[Semester]:
    """The municipality's semesters, by start date."""
    return list(db.session.scalars(select(Semester).where(Semester.municipality_id == municipality_id)
                                   .order_by(Semester.starts_on, Semester.id)))


def default_semester(choices: list[Semester], today: date | None = None) -> Semester | None:
    """The semester a new plan is for by default: the current one, else the next to begin."""
    today = today or local_today()
    current = next((s for s in choices if s.contains(today)), None)
    return current or next((s for s in choices if s.starts_on > today), None)


def next_semester(plan: SupportPlan) -> Semester | None:
    """The municipality's semester that follows the plan's period (by start date)."""
    after = plan.semester.starts_on if plan.semester is not None else plan.ends_on
    return db.session.scalar(select(Semester).where(
        Semester.municipality_id == plan.municipality_id, Semester.starts_on > after)
        .order_by(Semester.starts_on, Semester.id).limit(1))


def plans_every_semester(municipality_id: int) -> bool:
    """The municipal setting: plans are written per semester (else when needed)."""
    return bool(get_setting(municipality_id, "plan_every_semester"))


def deliverers(school_id: int, *, include: set[int] = frozenset()) -> list[tuple[int, str]]:
    """Colleagues with a current membership at the school who may deliver a measure, by name."""
    today = local_today()
    valid = ((Membership.valid_from.is_(None) | (Membership.valid_from <= today))
             & (Membership.valid_to.is_(None) | (Membership.valid_to >= today)))
    rows = db.session.execute(
        select(User.id, User.full_name, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.institution_id == school_id, User.is_active_account.is_(True),
               Membership.role.in_([str(r) for r in DELIVERER_ROLES]), valid)
        .order_by(User.full_name, User.id, Membership.role))
    roles: dict[int, tuple[str, list[str]]] = {}
    for user_id, name, role in rows:
        roles.setdefault(user_id, (name, []))[1].append(str(ROLE_LABELS[Role(role)]))
    choices = [(user_id, f"{name} ({', '.join(labels)})") for user_id, (name, labels) in roles.items()]
    missing = set(include) - set(roles)
    if missing:
        choices += [(u.id, u.full_name) for u in db.session.scalars(select(User).where(User.id.in_(missing)))]
    return choices


def class_at(pupil: Pupil, school_id: int, day: date | None = None) -> str | None:
    """The pupil's class at the school on a day (today by default), from loaded enrolments."""
    day = day or local_today()
    return next((e.class_name for e in pupil.enrolments if e.school_id == school_id and e.is_current(day)),
                None)


def semester_plan(pupil_id: int, school_id: int, semester_id: int) -> SupportPlan | None:
    """The pupil's plan at the school for a semester, if there is one."""
    return db.session.scalar(select(SupportPlan).where(
        SupportPlan.pupil_id == pupil_id, SupportPlan.school_id == school_id,
        SupportPlan.semester_id == semester_id))


# --- totals ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    """Planned and delivered hours of a plan."""

    planned: Decimal
    delivered: Decimal


def plan_totals(plan: SupportPlan) -> Totals:
    """The plan's hours from its loaded measures and deliveries."""
    return Totals(sum((m.planned_hours for m in plan.measures), ZERO),
                  sum((m.delivered_hours for m in plan.measures), ZERO))


def _totals_by_plan(plan_ids: list[int]) -> dict[int, Totals]:
    """Planned and delivered hours of several plans, in two statements."""
    if not plan_ids:
        return {}
    planned = dict(db.session.execute(
        select(PlanMeasure.plan_id, func.sum(PlanMeasure.planned_hours))
        .where(PlanMeasure.plan_id.in_(plan_ids)).group_by(PlanMeasure.plan_id)).all())
    # a sum per measure on the measure index: a join lets the planner scan every delivered row when
    # statistics are stale, and under row security that check then runs once per row
    per_measure = (select(func.coalesce(func.sum(DeliveredHours.hours), 0))
                   .where(DeliveredHours.measure_id == PlanMeasure.id).correlate(PlanMeasure).scalar_subquery())
    delivered = dict(db.session.execute(
        select(PlanMeasure.plan_id, func.sum(per_measure))
        .where(PlanMeasure.plan_id.in_(plan_ids)).group_by(PlanMeasure.plan_id)).all())
    return {i: Totals(Decimal(planned.get(i) or 0), Decimal(delivered.get(i) or 0)) for i in plan_ids}


@dataclass(frozen=True)
class PlanRow:
    """One plan in a list: its period, status and hours."""

    plan: SupportPlan
    totals: Totals


def _plan_rows(query) -> list[PlanRow]:
    plans = list(db.session.scalars(query.options(joinedload(SupportPlan.semester))
                                    .order_by(SupportPlan.starts_on.desc(), SupportPlan.id.desc())))
    totals = _totals_by_plan([p.id for p in plans])
    return [PlanRow(p, totals[p.id]) for p in plans]


def for_case_page(case: Case, actor: Actor) -> dict:
    """The case page's "Support plans" section: the case's plans in sight and whether to offer a new one."""
    query = scope(select(SupportPlan), actor, Permission.PLAN_VIEW, SupportPlan).where(
        SupportPlan.case_id == case.id)
    may_create = (not case.is_closed and case.school_id == actor.institution_id
                  and can(actor, Permission.PLAN_EDIT, case))
    return {"plans_rows": _plan_rows(query), "plans_can_create": may_create}


def for_pupil_page(pupil: Pupil, actor: Actor) -> dict:
    """A pupil page's "Support plans" section: the pupil's plans in sight, and a new plan link."""
    query = scope(select(SupportPlan), actor, Permission.PLAN_VIEW, SupportPlan).where(
        SupportPlan.pupil_id == pupil.id)
    may_create = can(actor, Permission.PLAN_EDIT, pupil) and class_at(pupil, actor.institution_id) is not None
    return {"plans_rows": _plan_rows(query), "plans_can_create": may_create}


# --- "My measures" --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MyMeasure:
    """A measure the actor delivers, with what the deliverer needs to log hours and nothing more."""

    measure: PlanMeasure
    pupil_name: str
    class_name: str | None
    starts_on: date
    ends_on: date
    delivered: Decimal


def my_measures(actor: Actor) -> list[MyMeasure]:
    """The measures the actor delivers in active plans, by pupil: three statements however many."""
    query = (scope(select(PlanMeasure), actor, Permission.HOURS_LOG, PlanMeasure)
             .join(PlanMeasure.plan).join(SupportPlan.pupil)
             .where(PlanMeasure.deliverer_id == actor.user_id, SupportPlan.status == PlanStatus.ACTIVE)
             .options(contains_eager(PlanMeasure.plan).contains_eager(SupportPlan.pupil))
             .order_by(Pupil.last_name_key, Pupil.first_name_key, SupportPlan.starts_on,
                       PlanMeasure.position, PlanMeasure.id))
    measures = list(db.session.scalars(query).unique())
    if not measures:
        return []
    ids = [m.id for m in measures]
    delivered = dict(db.session.execute(
        select(DeliveredHours.measure_id, func.sum(DeliveredHours.hours))
        .where(DeliveredHours.measure_id.in_(ids)).group_by(DeliveredHours.measure_id)).all())
    classes = {(pupil_id, school_id): name for pupil_id, school_id, name in db.session.execute(
        select(Enrolment.pupil_id, Enrolment.school_id, Enrolment.class_name)
        .where(Enrolment.pupil_id.in_({m.plan.pupil_id for m in measures}), current_on(local_today()))
        .order_by(Enrolment.start_date))}
    return [MyMeasure(m, m.plan.pupil.full_name, classes.get((m.plan.pupil_id, m.plan.school_id)),
                      m.plan.starts_on, m.plan.ends_on, Decimal(delivered.get(m.id) or 0))
            for m in measures]


def loggable_measures(actor: Actor, plan: SupportPlan) -> set[int]:
    """Ids of the plan's measures whose hours the actor may log (one statement)."""
    return set(db.session.scalars(scope(select(PlanMeasure.id), actor, Permission.HOURS_LOG, PlanMeasure)
                                  .where(PlanMeasure.plan_id == plan.id)))


def day_total(measure_id: int, day: date) -> Decimal:
    """Hours already logged for a measure on a day."""
    return Decimal(db.session.scalar(select(func.coalesce(func.sum(DeliveredHours.hours), 0)).where(
        DeliveredHours.measure_id == measure_id, DeliveredHours.on == day)) or 0)


def person_day_total(deliverer_id: int, day: date) -> Decimal:
    """Hours already logged on a day for every measure one person delivers."""
    return Decimal(db.session.scalar(
        select(func.coalesce(func.sum(DeliveredHours.hours), 0))
        .join(PlanMeasure, PlanMeasure.id == DeliveredHours.measure_id)
        .where(PlanMeasure.deliverer_id == deliverer_id, DeliveredHours.on == day)) or 0)


def entry_of(measure: PlanMeasure, entry_id: int) -> DeliveredHours | None:
    """One of the measure's own delivery entries."""
    return next((d for d in measure.deliveries if d.id == entry_id), None)
