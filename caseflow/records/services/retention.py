"""Anonymise closed cases whose retention period has passed, unless a legal hold stops it.

The period is the municipal setting `retention_case_years` (0 = not set: nothing is anonymised).
A case keeps its row, municipality, school, dates, categories, outcome and risk items, so the
aggregates stay true; its texts and the identifiers of the people around it are blanked, and the
pupil's data key is destroyed when nothing else about the pupil is still within its period.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update

from caseflow.audit import services as audit
from caseflow.crypto import shred
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.records.models import LegalHold, RetentionRecord, RetentionRun

CASE_YEARS = "retention_case_years"
#: what a blanked name reads as
BLANK_NAME = "—"


def retention_years(municipality_id: int) -> int:
    """The municipality's retention period in years; 0 while the setting is not registered or not set."""
    from caseflow.people.settings import get_setting

    try:
        return max(int(get_setting(municipality_id, CASE_YEARS) or 0), 0)
    except KeyError:
        return 0


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass
class RetentionPlan:
    """What a run will do on a day: the cases to anonymise and those a legal hold keeps."""

    today: date
    to_anonymise: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    years: dict[int, int] = field(default_factory=dict)

    def expired(self, municipality_id: int, day: date | None) -> bool:
        """True if a record of this day is past the municipality's period (never while it is not set)."""
        if municipality_id not in self.years:
            self.years[municipality_id] = retention_years(municipality_id)
        years = self.years[municipality_id]
        return bool(years and day is not None and add_years(day, years) < self.today)


def plan_retention(*, today: date | None = None) -> RetentionPlan:
    """The closed cases past their period that are not yet anonymised, split by legal hold."""
    from caseflow.cases.models import Case, CaseStatus

    plan = RetentionPlan(today=today or local_today())
    rows = db.session.execute(
        select(Case.id, Case.municipality_id, Case.closed_on)
        .where(Case.status == CaseStatus.CLOSED, Case.closed_on.is_not(None),
               Case.id.not_in(select(RetentionRecord.case_id)))
        .order_by(Case.id)).all()
    due = [case_id for case_id, municipality_id, closed_on in rows if plan.expired(municipality_id, closed_on)]
    held = set(db.session.scalars(select(LegalHold.case_id).where(
        LegalHold.released_at.is_(None), LegalHold.case_id.in_(due)))) if due else set()
    plan.to_anonymise = [c for c in due if c not in held]
    plan.held = [c for c in due if c in held]
    return plan


def _pupil_still_kept(plan: RetentionPlan, pupil_id: int, released: set[int]) -> bool:
    """True if a case, plan or concern of the pupil is still within its period (its key must stay)."""
    from caseflow.cases.models import Case
    from caseflow.concerns.models import Concern
    from caseflow.plans.models import SupportPlan

    if any(c not in released for c in db.session.scalars(select(Case.id).where(Case.pupil_id == pupil_id))):
        return True
    for case_id, municipality_id, ends_on in db.session.execute(
            select(SupportPlan.case_id, SupportPlan.municipality_id, SupportPlan.ends_on)
            .where(SupportPlan.pupil_id == pupil_id)):
        if (case_id not in released) if case_id else not plan.expired(municipality_id, ends_on):
            return True
    for case_id, municipality_id, reported_at in db.session.execute(
            select(Concern.case_id, Concern.municipality_id, Concern.reported_at)
            .where(Concern.pupil_id == pupil_id)):
        if (case_id not in released) if case_id else not plan.expired(municipality_id, reported_at.date()):
            return True
    return False


def _blank(model, where, **values) -> None:
    db.session.execute(update(model).where(where).values(**values).execution_options(synchronize_session=False))


def _blank_case(case_id: int) -> None:
    """Blank the case's texts and the identifiers of the people around it; keep codes, dates and ids."""
    from caseflow.actions.models import Action, FollowUp
    from caseflow.cases.models import Case, CaseEvent, CaseParty, CaseRiskFactor, Note, Referral
    from caseflow.concerns.models import Concern
    from caseflow.emergency.models import EmergencyGrant
    from caseflow.inforequests.models import InfoRequest
    from caseflow.meetings.models import AgendaItem, Attendance, ItemReport, SessionRequest
    from caseflow.plans.models import PlanMeasure, SupportPlan
    from caseflow.sharing.models import CaseParticipant

    items = select(AgendaItem.id).where(AgendaItem.case_id == case_id)
    actions = select(Action.id).where(Action.case_id == case_id)
    plans = select(SupportPlan.id).where(SupportPlan.case_id == case_id)
    _blank(Case, Case.id == case_id, summary_enc=None)
    _blank(CaseRiskFactor, CaseRiskFactor.case_id == case_id, description_enc=None)
    _blank(CaseParty, CaseParty.case_id == case_id, full_name=BLANK_NAME, contact_enc=None)
    _blank(CaseEvent, CaseEvent.case_id == case_id, text_enc=None)
    _blank(Note, Note.case_id == case_id, body_enc=None)
    _blank(Referral, Referral.case_id == case_id, tried_enc=None, request_enc=None, return_reason_enc=None)
    _blank(SessionRequest, SessionRequest.case_id == case_id, reasons_enc=None, decline_reason_enc=None,
           requested_for=None)
    _blank(AgendaItem, AgendaItem.case_id == case_id, discussion_enc=None)
    _blank(ItemReport, ItemReport.item_id.in_(items), text_enc=None)
    _blank(Attendance, Attendance.item_id.in_(items), name=BLANK_NAME, email=None)
    _blank(Action, Action.case_id == case_id, description_enc=None, cannot_reason_enc=None, result_enc=None)
    _blank(FollowUp, FollowUp.action_id.in_(actions), text_enc=None)
    _blank(SupportPlan, SupportPlan.case_id == case_id, goals_enc=None, progress_enc=None, next_steps_enc=None)
    _blank(PlanMeasure, PlanMeasure.plan_id.in_(plans), basis_enc=None)
    _blank(EmergencyGrant, EmergencyGrant.case_id == case_id, justification_enc=None)
    _blank(CaseParticipant, CaseParticipant.case_id == case_id, reason_enc=None)
    _blank(InfoRequest, InfoRequest.case_id == case_id, question_enc=None, purpose_enc=None, answer_enc=None)
    _blank(Concern, Concern.case_id == case_id, pupil_described_enc=None, noticed_enc=None, response_enc=None,
           forward_remark_enc=None)


def execute_retention(plan: RetentionPlan, *, on_case: Callable[[], None] | None = None) -> RetentionRun:
    """Anonymise the plan's cases (flushes, never commits) and record and audit the run."""
    from caseflow.cases.models import Case

    run = RetentionRun(started_at=utcnow(), held=len(plan.held), anonymised=0, keys_destroyed=0)
    db.session.add(run)
    db.session.flush()
    released = set(plan.to_anonymise) | set(db.session.scalars(select(RetentionRecord.case_id)))
    for case_id in plan.to_anonymise:
        pupil_id = db.session.scalar(select(Case.pupil_id).where(Case.id == case_id))
        _blank_case(case_id)
        destroyed = not _pupil_still_kept(plan, pupil_id, released) and shred(f"pupil:{pupil_id}")
        db.session.add(RetentionRecord(case_id=case_id, run_id=run.id, anonymised_at=utcnow(),
                                       key_destroyed=destroyed))
        audit.record("retention.anonymise", object_type="Case", object_id=case_id, pupil_id=pupil_id,
                     detail={"run_id": run.id, "key_destroyed": destroyed})
        run.anonymised += 1
        run.keys_destroyed += int(destroyed)
        if on_case is not None:
            on_case()
    run.finished_at = utcnow()
    db.session.flush()
    audit.record("retention.run", object_type="RetentionRun", object_id=run.id,
                 detail={"anonymised": run.anonymised, "held": run.held, "keys_destroyed": run.keys_destroyed,
                         "day": plan.today.isoformat()})
    return run


def run_retention(*, today: date | None = None) -> RetentionRun:
    """Plan and execute a run (the worker's entry point; the caller commits)."""
    return execute_retention(plan_retention(today=today))
