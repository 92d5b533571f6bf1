"""Reads of referrals and of a case's closing: the case page's section, the coordinator's list,
the groups a case can go to, and what stands in the way of referring, closing or reopening."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select, tuple_
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, can, scope
from caseflow.cases.models import (
    Case,
    CaseEvent,
    CaseRiskFactor,
    CaseStatus,
    Referral,
    ReferralStatus,
)
from caseflow.cases.taxonomy import RiskItem
from caseflow.crypto import DecryptionError, unseal
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMunicipality

#: the coordinator's list: submitted first (urgent first, oldest first), then decided ones, newest first
_WAITING = when((Referral.status == ReferralStatus.SUBMITTED, 0), else_=1)
_URGENT_FIRST = when((and_(Referral.status == ReferralStatus.SUBMITTED, Referral.urgent.is_(True)), 0), else_=1)
_BY_DATE = when((Referral.status == ReferralStatus.SUBMITTED, Referral.id), else_=-Referral.id)
_LIST_ORDER = (_WAITING, _URGENT_FIRST, _BY_DATE)


@dataclass(frozen=True)
class ReferralPage:
    """A page of the coordinator's list and the referral id the next page starts after."""

    rows: list[Referral]
    next_after: int | None


def text_of(obj, field: str) -> str | None:
    """A decrypted text (None when empty or unreadable)."""
    try:
        return unseal(obj, field)
    except DecryptionError:
        return None


def load_referral(referral_id: int, **_url_args) -> Referral | None:
    """Load a referral with its case's essentials for @requires (which then asks the policy)."""
    return db.session.scalar(select(Referral).where(Referral.id == referral_id).options(
        joinedload(Referral.group), joinedload(Referral.submitted_by),
        joinedload(Referral.case).joinedload(Case.pupil), joinedload(Referral.case).joinedload(Case.school),
        joinedload(Referral.case).selectinload(Case.entries),
        joinedload(Referral.case).selectinload(Case.risk_factors).joinedload(CaseRiskFactor.item)
        .joinedload(RiskItem.group)))


def serving_groups(municipality_id: int) -> list[CooperationGroup]:
    """The active cooperation groups that serve a municipality (its own and joint ones), by name."""
    joint = exists().where(GroupMunicipality.group_id == CooperationGroup.id,
                           GroupMunicipality.municipality_id == municipality_id)
    return list(db.session.scalars(select(CooperationGroup).where(
        CooperationGroup.is_active.is_(True),
        or_(CooperationGroup.municipality_id == municipality_id, joint)).order_by(CooperationGroup.name)))


def live_referral(case: Case) -> Referral | None:
    """The case's referral that waits for the coordinator's decision, if any."""
    return db.session.scalar(select(Referral).where(
        Referral.case_id == case.id, Referral.status == ReferralStatus.SUBMITTED))


def coordinator_list(actor: Actor, *, status: str = "", after: int | None = None,
                     limit: int = 50) -> ReferralPage:
    """Referrals to the groups serving the actor's municipality (keyset pages)."""
    query = scope(select(Referral), actor, Permission.REFERRAL_DECIDE, Referral)
    if status:
        query = query.where(Referral.status == status)
    if after is not None:
        key = db.session.execute(query.with_only_columns(*_LIST_ORDER).where(Referral.id == after)).first()
        if key is not None:
            query = query.where(tuple_(*_LIST_ORDER) > tuple_(*key))
    query = query.options(joinedload(Referral.group), joinedload(Referral.case).joinedload(Case.pupil),
                          joinedload(Referral.case).joinedload(Case.school))
    rows = list(db.session.scalars(query.order_by(*_LIST_ORDER).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return ReferralPage(rows, rows[-1].id if more else None)


def refer_blocker(case: Case):
    """Why the case cannot be referred now (a message), or None."""
    if case.status == CaseStatus.CLOSED:
        return _l("The case is closed; reopen it before referring it.")
    if live_referral(case) is not None:
        return _l("The case already has a referral waiting for the coordinator's decision.")
    if case.status == CaseStatus.REFERRED:
        return _l("The cooperation group has already accepted this case's referral.")
    return None


def close_blocker(case: Case):
    """Why the case cannot be closed now (a message), or None."""
    if case.status == CaseStatus.CLOSED:
        return _l("The case is already closed.")
    if live_referral(case) is not None:
        return _l("The case has a referral waiting for the coordinator's decision; the coordinator must "
                  "accept or return it before the case can be closed.")
    return None


def _last_closing_event(case: Case) -> CaseEvent | None:
    return db.session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind.in_(["closed", "reopened"]))
        .options(joinedload(CaseEvent.user)).order_by(CaseEvent.id.desc()).limit(1))


def for_case_page(case: Case, actor: Actor) -> dict:
    """The referral-and-closing section of the case page (a constant number of statements)."""
    referrals = list(db.session.scalars(
        select(Referral).where(Referral.case_id == case.id)
        .options(joinedload(Referral.group), joinedload(Referral.submitted_by)).order_by(Referral.id.desc())))
    decidable: set[int] = set()
    if referrals and can(actor, Permission.REFERRAL_DECIDE):
        decidable = set(db.session.scalars(scope(select(Referral.id), actor, Permission.REFERRAL_DECIDE,
                                                 Referral).where(Referral.case_id == case.id)))
    waiting = any(r.status == ReferralStatus.SUBMITTED for r in referrals)
    may_refer = can(actor, Permission.CASE_REFER, case)
    may_close = can(actor, Permission.CASE_CLOSE, case)
    closing_event = _last_closing_event(case)
    return {
        "referral_items": referrals,
        "referral_return_reasons": {r.id: text_of(r, "return_reason") for r in referrals
                                    if r.return_reason_enc is not None},
        "referral_decidable": decidable,
        "referral_waiting": waiting,
        "referral_can_refer": may_refer and case.status == CaseStatus.OPEN and not waiting,
        "referral_can_close": may_close and case.status != CaseStatus.CLOSED and not waiting,
        "referral_close_waits": may_close and case.status != CaseStatus.CLOSED and waiting,
        "referral_can_reopen": may_close and case.status == CaseStatus.CLOSED,
        "referral_closing_event": closing_event,
        "referral_closing_text": text_of(closing_event, "text") if closing_event is not None else None,
    }


def risk_descriptions(case: Case) -> dict[int, str | None]:
    """The decrypted descriptions of a case's risk factors, by factor id."""
    return {f.id: text_of(f, "description") for f in case.risk_factors if f.description_enc}

