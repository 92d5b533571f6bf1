"""Reads for the data-protection officer's records pages: find a pupil, legal holds, retention. Each
reaches only the municipalities the officer answers for (emergency.selectors.officer_reach)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, false, or_, select

from caseflow.access import Actor, Permission, can
from caseflow.crypto import blind_index
from caseflow.emergency.selectors import officer_reach
from caseflow.extensions import db
from caseflow.records.models import LegalHold, RetentionRun
from caseflow.records.services.retention_categories import CATEGORIES, Category

#: the most rows a list page shows (the newest first)
LIST_LIMIT = 200


def related_pupil(actor: Actor | None):
    """SQL: the pupil is related to a municipality the officer answers for — declared there, ever
    enrolled at one of its schools, or with a case, concern or support plan of it."""
    from caseflow.cases.models import Case
    from caseflow.concerns.models import Concern
    from caseflow.people.models import Institution
    from caseflow.plans.models import SupportPlan
    from caseflow.pupils.models import Enrolment, Pupil

    enrolled = exists().where(Enrolment.pupil_id == Pupil.id, Enrolment.school_id.in_(
        select(Institution.id).where(officer_reach(actor, Institution.municipality_id))))
    return or_(officer_reach(actor, Pupil.declared_municipality_id), enrolled,
               *(exists().where(model.pupil_id == Pupil.id, officer_reach(actor, model.municipality_id))
                 for model in (Case, Concern, SupportPlan)))


def find_pupil(actor: Actor | None, *, personal_code: str | None = None, pupil_id: int | None = None):
    """The pupil with this exact personal code (blind index) or id, related to a municipality the
    officer answers for, or None."""
    from caseflow.pupils.models import Pupil

    if not can(actor, Permission.SUBJECT_ACCESS):
        return None
    query = select(Pupil).where(related_pupil(actor))
    if personal_code:
        query = query.where(Pupil.personal_code_index == blind_index(personal_code, purpose="personal_code"))
    elif pupil_id:
        query = query.where(Pupil.id == pupil_id)
    else:
        query = query.where(false())
    return db.session.scalar(query)


@dataclass(frozen=True)
class HoldRow:
    """A legal hold as the officer lists it: the case by number and place, never its content."""

    id: int
    case_number: str
    school: str
    case_status: str
    closed_on: date | None
    reason: str
    placed_by: str
    placed_at: datetime
    released_at: datetime | None


def legal_holds(actor: Actor | None) -> list[HoldRow]:
    """Holds in force first, then released ones, newest first."""
    from caseflow.cases.models import Case
    from caseflow.people.models import Institution, User

    if not can(actor, Permission.LEGAL_HOLD):
        return []
    rows = db.session.execute(
        select(LegalHold.id, Case.id, Institution.name, Case.status, Case.closed_on, LegalHold.reason,
               User.full_name, LegalHold.placed_at, LegalHold.released_at)
        .join(Case, Case.id == LegalHold.case_id).join(Institution, Institution.id == Case.school_id)
        .join(User, User.id == LegalHold.placed_by_id).where(officer_reach(actor, Case.municipality_id))
        .order_by(LegalHold.released_at.is_not(None), LegalHold.id.desc()).limit(LIST_LIMIT)).all()
    return [HoldRow(hold_id, f"L-{case_id:06d}", school, status, closed_on, reason, by, at, released)
            for hold_id, case_id, school, status, closed_on, reason, by, at, released in rows]


def hold(actor: Actor | None, hold_id: int) -> LegalHold | None:
    """One hold on a case of a municipality the officer answers for."""
    from caseflow.cases.models import Case

    if not can(actor, Permission.LEGAL_HOLD):
        return None
    return db.session.scalar(select(LegalHold).join(Case, Case.id == LegalHold.case_id).where(
        LegalHold.id == hold_id, officer_reach(actor, Case.municipality_id)))


def holdable_case(actor: Actor | None, case_id: int | None):
    """The case with this id, if it belongs to a municipality the officer answers for."""
    from caseflow.cases.models import Case

    if not case_id or not can(actor, Permission.LEGAL_HOLD):
        return None
    return db.session.scalar(select(Case).where(Case.id == case_id, officer_reach(actor, Case.municipality_id)))


@dataclass(frozen=True)
class RunRow:
    """A retention run as an officer sees it: the part of their municipalities."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    #: category code → (anonymised, held)
    part: dict[str, tuple[int, int]]


def retention_runs(actor: Actor | None, municipality_ids: list[int]) -> list[RunRow]:
    """The latest retention runs, newest first, each with the officer's municipalities' part only."""
    if not can(actor, Permission.RETENTION_VIEW):
        return []
    runs = db.session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(LIST_LIMIT))
    return [RunRow(r.id, r.started_at, r.finished_at, r.part(municipality_ids)) for r in runs]


@dataclass(frozen=True)
class CategoryOutlook:
    """One data category in one municipality: its period and what the next run would do."""

    category: Category
    years: int
    due: int
    held: int


def retention_outlook(actor: Actor | None, municipalities) -> dict[int, list[CategoryOutlook]]:
    """Municipality id → each category's period (0 = not set) and the next run's work there, today."""
    from caseflow.records.services.retention import plan_retention

    if not can(actor, Permission.RETENTION_VIEW):
        return {}
    ids = [m.id for m in municipalities]
    plan = plan_retention(municipality_ids=ids)
    result = {}
    for municipality_id in ids:
        counts = plan.counts(municipality_id)
        result[municipality_id] = [CategoryOutlook(c, plan.years.get((municipality_id, c.code), 0),
                                                   *counts[c.code]) for c in CATEGORIES]
    return result
