"""The data categories retention knows: each one's municipal setting, the day its period runs from,
which rows are due, and what anonymising blanks (codes, dates and ids stay for the aggregates).

Parts of a case (its session items, actions, plans, concerns, information requests, emergency
justifications) go with the case at the latest; their own category may anonymise them earlier.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from caseflow.extensions import db
from caseflow.records.models import RetentionRecord

#: what a blanked name reads as
BLANK_NAME = "—"


@dataclass(frozen=True)
class Candidate:
    """A row that may be due: its id, pupil, the case whose legal hold keeps it, its period's first day."""

    object_id: int
    pupil_id: int | None
    case_id: int | None
    start: date


@dataclass(frozen=True)
class Category:
    """One kind of record with its own retention period."""

    code: str
    #: the municipal setting (years; 0 = not set = kept)
    setting: str
    label: object
    starts: object
    blanked: object
    kept: object
    #: (municipality id, first day that cannot be due yet) → the rows not yet anonymised that may be due
    candidates: Callable[[int, date], list[Candidate]]
    #: blank the rows with these ids (flushes nothing itself; bulk UPDATEs)
    blank: Callable[[list[int]], None]
    #: the audit trail's object type
    object_type: str


def anonymised(category: str, id_column):
    """SQL: the row of this category already has a retention record."""
    return exists().where(RetentionRecord.category == category, RetentionRecord.object_id == id_column) \
        .correlate_except(RetentionRecord)


def local_day(moment: datetime) -> date:
    """The Riga day of a stored UTC moment."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _before(bound: date) -> datetime:
    """A UTC moment safely after every moment whose Riga day is before `bound`."""
    return datetime.combine(bound, time.min, tzinfo=UTC)


def _blank(model, where, **values) -> None:
    db.session.execute(update(model).where(where).values(**values).execution_options(synchronize_session=False))


# --- closed cases --------------------------------------------------------------------------------

def _case_candidates(municipality_id: int, bound: date) -> list[Candidate]:
    from caseflow.cases.models import Case, CaseStatus

    rows = db.session.execute(select(Case.id, Case.pupil_id, Case.closed_on).where(
        Case.municipality_id == municipality_id, Case.status == CaseStatus.CLOSED, Case.closed_on.is_not(None),
        Case.closed_on < bound, ~anonymised(CASE, Case.id)).order_by(Case.id))
    return [Candidate(case_id, pupil_id, case_id, closed_on) for case_id, pupil_id, closed_on in rows]


def _blank_cases(case_ids: list[int]) -> None:
    """Blank the cases' texts and the identifiers of the people around them; keep codes, dates and ids."""
    from caseflow.actions.models import Action, FollowUp
    from caseflow.cases.models import Case, CaseEvent, CaseParty, CaseRiskFactor, Note, Referral
    from caseflow.concerns.models import Concern
    from caseflow.emergency.models import EmergencyGrant
    from caseflow.inforequests.models import InfoRequest
    from caseflow.meetings.models import AgendaItem, Attendance, ItemReport, SessionRequest
    from caseflow.plans.models import SupportPlan
    from caseflow.sharing.models import CaseParticipant

    items = select(AgendaItem.id).where(AgendaItem.case_id.in_(case_ids))
    actions = select(Action.id).where(Action.case_id.in_(case_ids))
    _blank(Case, Case.id.in_(case_ids), summary_enc=None)
    _blank(CaseRiskFactor, CaseRiskFactor.case_id.in_(case_ids), description_enc=None)
    _blank(CaseParty, CaseParty.case_id.in_(case_ids), full_name=BLANK_NAME, contact_enc=None)
    _blank(CaseEvent, CaseEvent.case_id.in_(case_ids), text_enc=None)
    _blank(Note, Note.case_id.in_(case_ids), body_enc=None)
    _blank(Referral, Referral.case_id.in_(case_ids), tried_enc=None, request_enc=None, return_reason_enc=None)
    _blank(SessionRequest, SessionRequest.case_id.in_(case_ids), reasons_enc=None, decline_reason_enc=None,
           requested_for=None)
    _blank(AgendaItem, AgendaItem.case_id.in_(case_ids), discussion_enc=None)
    _blank(ItemReport, ItemReport.item_id.in_(items), text_enc=None)
    _blank(Attendance, Attendance.item_id.in_(items), name=BLANK_NAME, email=None)
    _blank(Action, Action.case_id.in_(case_ids), description_enc=None, cannot_reason_enc=None, result_enc=None)
    _blank(FollowUp, FollowUp.action_id.in_(actions), text_enc=None)
    _blank_plans_where(SupportPlan.case_id.in_(case_ids))
    _blank(EmergencyGrant, EmergencyGrant.case_id.in_(case_ids), justification_enc=None)
    _blank(CaseParticipant, CaseParticipant.case_id.in_(case_ids), reason_enc=None)
    _blank(InfoRequest, InfoRequest.case_id.in_(case_ids), question_enc=None, purpose_enc=None, answer_enc=None)
    _blank_concerns_where(Concern.case_id.in_(case_ids))


# --- concerns that never became a case -----------------------------------------------------------

def _concern_candidates(municipality_id: int, bound: date) -> list[Candidate]:
    from caseflow.concerns.models import Concern, ConcernStatus

    rows = db.session.execute(select(Concern.id, Concern.pupil_id, Concern.handled_at).where(
        Concern.municipality_id == municipality_id, Concern.case_id.is_(None),
        Concern.status.in_([ConcernStatus.NO_ACTION, ConcernStatus.FORWARDED]), Concern.handled_at.is_not(None),
        Concern.handled_at < _before(bound), ~anonymised(CONCERN, Concern.id)).order_by(Concern.id))
    return [Candidate(concern_id, pupil_id, None, local_day(handled_at)) for concern_id, pupil_id, handled_at in rows]


def _blank_concerns_where(where) -> None:
    from caseflow.concerns.models import Concern

    _blank(Concern, where, pupil_described_enc=None, noticed_enc=None, response_enc=None,
           forward_remark_enc=None)


def _blank_concerns(concern_ids: list[int]) -> None:
    from caseflow.concerns.models import Concern

    _blank_concerns_where(Concern.id.in_(concern_ids))


# --- support plans without a case ----------------------------------------------------------------

def _plan_candidates(municipality_id: int, bound: date) -> list[Candidate]:
    from caseflow.plans.models import SupportPlan

    rows = db.session.execute(select(SupportPlan.id, SupportPlan.pupil_id, SupportPlan.ends_on,
                                     SupportPlan.evaluated_on).where(
        SupportPlan.municipality_id == municipality_id, SupportPlan.case_id.is_(None), SupportPlan.ends_on < bound,
        ~anonymised(PLAN, SupportPlan.id)).order_by(SupportPlan.id))
    return [Candidate(plan_id, pupil_id, None, max(ends_on, evaluated_on or ends_on))
            for plan_id, pupil_id, ends_on, evaluated_on in rows]


def _blank_plans_where(where) -> None:
    from caseflow.plans.models import PlanMeasure, SupportPlan

    _blank(SupportPlan, where, goals_enc=None, progress_enc=None, next_steps_enc=None)
    _blank(PlanMeasure, PlanMeasure.plan_id.in_(select(SupportPlan.id).where(where)), basis_enc=None)


def _blank_plans(plan_ids: list[int]) -> None:
    from caseflow.plans.models import SupportPlan

    _blank_plans_where(SupportPlan.id.in_(plan_ids))


# --- information requests and their answers ------------------------------------------------------

def _request_candidates(municipality_id: int, bound: date) -> list[Candidate]:
    from caseflow.cases.models import Case
    from caseflow.inforequests.models import InfoRequest, InfoRequestStatus

    rows = db.session.execute(
        select(InfoRequest.id, Case.pupil_id, InfoRequest.case_id, InfoRequest.answered_at)
        .join(Case, Case.id == InfoRequest.case_id).where(
            InfoRequest.municipality_id == municipality_id, InfoRequest.status == InfoRequestStatus.ANSWERED,
            InfoRequest.answered_at.is_not(None), InfoRequest.answered_at < _before(bound),
            ~anonymised(INFO_REQUEST, InfoRequest.id), ~anonymised(CASE, InfoRequest.case_id))
        .order_by(InfoRequest.id))
    return [Candidate(request_id, pupil_id, case_id, local_day(answered_at))
            for request_id, pupil_id, case_id, answered_at in rows]


def _blank_requests(request_ids: list[int]) -> None:
    from caseflow.inforequests.models import InfoRequest

    _blank(InfoRequest, InfoRequest.id.in_(request_ids), question_enc=None, purpose_enc=None, answer_enc=None)


# --- justifications of reviewed emergency access -------------------------------------------------

def _grant_candidates(municipality_id: int, bound: date) -> list[Candidate]:
    from caseflow.cases.models import Case
    from caseflow.emergency.models import EmergencyGrant

    rows = db.session.execute(
        select(EmergencyGrant.id, Case.pupil_id, EmergencyGrant.case_id, EmergencyGrant.reviewed_at)
        .join(Case, Case.id == EmergencyGrant.case_id).where(
            Case.municipality_id == municipality_id, EmergencyGrant.reviewed_at.is_not(None),
            EmergencyGrant.reviewed_at < _before(bound), ~anonymised(GRANT, EmergencyGrant.id),
            ~anonymised(CASE, EmergencyGrant.case_id))
        .order_by(EmergencyGrant.id))
    return [Candidate(grant_id, pupil_id, case_id, local_day(reviewed_at))
            for grant_id, pupil_id, case_id, reviewed_at in rows]


def _blank_grants(grant_ids: list[int]) -> None:
    from caseflow.emergency.models import EmergencyGrant

    _blank(EmergencyGrant, EmergencyGrant.id.in_(grant_ids), justification_enc=None)


CASE, CONCERN, PLAN, INFO_REQUEST, GRANT = "case", "concern", "plan", "info_request", "emergency_grant"
#: the record of a pupil whose data key was destroyed and registry entry blanked
PUPIL = "pupil"

CATEGORIES: tuple[Category, ...] = (
    Category(CASE, "retention_case_years", _l("Closed cases"),
             starts=_l("the day the case was closed"),
             blanked=_l("the summary, risk descriptions, notes, the timeline's remarks, parties' names and "
                        "contacts, referrals, hearing requests, the case's session items (discussion, reports, "
                        "people invited), actions and follow-up, the case's support plans, concerns, "
                        "information requests, emergency justifications and sharing reasons"),
             kept=_l("municipality, school, dates, categories, risk items, outcome, dropout reason, hours"),
             candidates=_case_candidates, blank=_blank_cases, object_type="Case"),
    Category(CONCERN, "retention_concern_years", _l("Concerns that did not become a case"),
             starts=_l("the day it was answered with no action"),
             blanked=_l("who the child is as the reporter described them, what was noticed, the answer, the "
                        "coordinator's remark"),
             kept=_l("municipality, school, reporting institution, dates, status"),
             candidates=_concern_candidates, blank=_blank_concerns, object_type="Concern"),
    Category(PLAN, "retention_plan_years", _l("Support plans without a case"),
             starts=_l("the end of the plan's period, or its evaluation if later"),
             blanked=_l("goals, progress, next steps, the bases of measures"),
             kept=_l("school, semester, dates, measure types, planned and delivered hours, learning dynamics"),
             candidates=_plan_candidates, blank=_blank_plans, object_type="SupportPlan"),
    Category(INFO_REQUEST, "retention_info_request_years", _l("Information requests and their answers"),
             starts=_l("the day the request was answered"),
             blanked=_l("the question, its purpose and the answer"),
             kept=_l("who asked whom, dates, status"),
             candidates=_request_candidates, blank=_blank_requests, object_type="InfoRequest"),
    Category(GRANT, "retention_emergency_years", _l("Justifications of emergency access"),
             starts=_l("the day the officer reviewed the access"),
             blanked=_l("the written justification"),
             kept=_l("who opened which case, when, the reason chosen and the officer's finding"),
             candidates=_grant_candidates, blank=_blank_grants, object_type="EmergencyGrant"),
)
BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
