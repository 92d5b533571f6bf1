"""Loaders with the object rules of information requests (the policy has none for them), the
queue, the asker's list and the institutions one may ask."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, can, current_actor
from caseflow.access.permissions import ROLE_PERMISSIONS
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.inforequests.models import InfoRequest, InfoRequestStatus
from caseflow.people.models import Institution, Membership, User

#: roles whose holders answer their institution's information requests
ANSWERING_ROLES = tuple(str(r) for r, perms in ROLE_PERMISSIONS.items() if Permission.INFO_ANSWER in perms)
#: the longest time an institution may be given to answer
MAX_DAYS = 90


def _load(request_id: int) -> InfoRequest | None:
    return db.session.scalar(select(InfoRequest).where(InfoRequest.id == request_id).options(
        joinedload(InfoRequest.case).joinedload(Case.pupil), joinedload(InfoRequest.institution),
        joinedload(InfoRequest.asker_institution), joinedload(InfoRequest.asked_by),
        joinedload(InfoRequest.answered_by)))


def askable_case(case_id: int, **_url_args) -> Case | None:
    """The case for @requires, if the current actor sees it (CASE_VIEW); else None (404)."""
    case = db.session.get(Case, case_id)
    return case if case is not None and can(current_actor(), Permission.CASE_VIEW, case) else None


def readable_request(actor: Actor, request_id: int) -> InfoRequest | None:
    """The request, if addressed to the actor's institution or asked by it; else None."""
    info = _load(request_id)
    if info is None or not can(actor, Permission.INFO_ANSWER):
        return None
    return info if actor.institution_id in (info.institution_id, info.asker_institution_id) else None


def answerable_request(actor: Actor, request_id: int) -> InfoRequest | None:
    """The request, if addressed to the actor's institution; else None."""
    info = readable_request(actor, request_id)
    return info if info is not None and info.institution_id == actor.institution_id else None


def askable_institutions(actor: Actor) -> list[Institution]:
    """The institutions of the actor's municipality still working, except the actor's own, by name."""
    today = local_today()
    return list(db.session.scalars(select(Institution).where(
        Institution.municipality_id == actor.municipality_id, Institution.id != actor.institution_id,
        or_(Institution.closed_on.is_(None), Institution.closed_on >= today),
        or_(Institution.merged_on.is_(None), Institution.merged_on > today)).order_by(Institution.name)))


def queue(actor: Actor) -> list[InfoRequest]:
    """The open requests addressed to the actor's institution, earliest deadline first."""
    if not can(actor, Permission.INFO_ANSWER):
        return []
    return list(db.session.scalars(select(InfoRequest).where(
        InfoRequest.institution_id == actor.institution_id, InfoRequest.status == InfoRequestStatus.OPEN)
        .options(joinedload(InfoRequest.case).joinedload(Case.pupil), joinedload(InfoRequest.asker_institution))
        .order_by(InfoRequest.due_on, InfoRequest.id)))


def asked(actor: Actor) -> list[InfoRequest]:
    """The requests the actor's institution asked, open ones first, newest first."""
    if not can(actor, Permission.INFO_REQUEST):
        return []
    return list(db.session.scalars(select(InfoRequest).where(
        InfoRequest.asker_institution_id == actor.institution_id)
        .options(joinedload(InfoRequest.case).joinedload(Case.pupil), joinedload(InfoRequest.institution))
        .order_by(InfoRequest.status.desc(), InfoRequest.id.desc())))


def answering_users(institution_id: int) -> list[User]:
    """Active people of the institution whose membership today lets them answer its requests."""
    today = local_today()
    members = select(Membership.user_id).where(
        Membership.institution_id == institution_id, Membership.role.in_(ANSWERING_ROLES),
        or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
        or_(Membership.valid_to.is_(None), Membership.valid_to >= today))
    return list(db.session.scalars(select(User).where(User.id.in_(members), User.is_active_account.is_(True))
                                   .order_by(User.id)))


def is_overdue(info: InfoRequest, today: date | None = None) -> bool:
    """An open request whose deadline has passed."""
    return info.status == InfoRequestStatus.OPEN and info.due_on < (today or local_today())


def text_of(info: InfoRequest, field: str) -> str | None:
    """A sealed text of the request (None if empty or its key was shredded)."""
    try:
        return unseal(info, field)
    except DecryptionError:
        return None


def for_case_page(case: Case, actor: Actor) -> dict:
    """The case page's section: the case's requests the actor's institution asked or was asked."""
    if not (can(actor, Permission.INFO_REQUEST) or can(actor, Permission.INFO_ANSWER)):
        return {"info_requests": []}
    return {"info_requests": list(db.session.scalars(select(InfoRequest).where(
        InfoRequest.case_id == case.id, or_(InfoRequest.institution_id == actor.institution_id,
                                            InfoRequest.asker_institution_id == actor.institution_id))
        .options(joinedload(InfoRequest.institution), joinedload(InfoRequest.asker_institution))
        .order_by(InfoRequest.id.desc())))}
