"""Reads for break-the-glass: the case asked for, the grantee's banner, the officer's queues."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import joinedload

from caseflow.access import Actor
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseStatus
from caseflow.crypto import DecryptionError, blind_index, preload_keys, unseal
from caseflow.db import local_today, utcnow
from caseflow.emergency.models import AccessAlert, EmergencyGrant
from caseflow.extensions import db
from caseflow.people.models import Institution, Membership, User
from caseflow.pupils.models import Pupil
from caseflow.pupils.personal_code import PersonalCodeError, parse

#: "L-000123", "l 123", "L123": a case number as people write it
_CASE_NUMBER = re.compile(r"^\s*L\s*-?\s*(\d{1,9})\s*$", re.IGNORECASE)


def case_by_reference(actor: Actor, reference: str) -> Case | None:
    """The one case of the actor's municipality named by its number or its pupil's exact personal code."""
    match = _CASE_NUMBER.match(reference or "")
    in_municipality = Case.municipality_id == actor.municipality_id
    if match:
        return db.session.scalar(select(Case).where(Case.id == int(match.group(1)), in_municipality))
    try:
        code = parse(reference or "")
    except PersonalCodeError:
        return None
    pupil_id = select(Pupil.id).where(
        Pupil.personal_code_index == blind_index(code.value, purpose="personal_code")).scalar_subquery()
    # the pupil's open case first, then the latest one
    return db.session.scalar(select(Case).where(Case.pupil_id == pupil_id, in_municipality)
                             .order_by((Case.status == CaseStatus.CLOSED).asc(), Case.id.desc()).limit(1))


def active_grant(actor: Actor | None, case: Case) -> EmergencyGrant | None:
    """The actor's unexpired emergency grant for the case (for the case page's banner), if any."""
    if actor is None:
        return None
    return db.session.scalar(select(EmergencyGrant).where(
        EmergencyGrant.case_id == case.id, EmergencyGrant.user_id == actor.user_id,
        EmergencyGrant.institution_id == actor.institution_id, EmergencyGrant.expires_at > utcnow())
        .order_by(EmergencyGrant.expires_at.desc()).limit(1))


def _users_with_role(role: str, *, institution_id: int | None = None,
                     municipality_id: int | None = None) -> list[User]:
    today = local_today()
    memberships = select(Membership.user_id).where(
        Membership.role == role, or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
        or_(Membership.valid_to.is_(None), Membership.valid_to >= today))
    if institution_id is not None:
        memberships = memberships.where(Membership.institution_id == institution_id)
    if municipality_id is not None:
        memberships = memberships.where(Membership.institution_id.in_(
            select(Institution.id).where(Institution.municipality_id == municipality_id)))
    return list(db.session.scalars(select(User).where(User.id.in_(memberships),
                                                      User.is_active_account.is_(True)).order_by(User.id)))


def case_owners(case: Case) -> list[User]:
    """The owning school's head(s) and social pedagogue(s)."""
    people = {u.id: u for role in ("school_head", "social_pedagogue")
              for u in _users_with_role(role, institution_id=case.school_id)}
    return list(people.values())


def officers_for(municipality_id: int) -> list[User]:
    """The municipality's data-protection officers; without one, every data-protection officer."""
    return _users_with_role("dpo", municipality_id=municipality_id) or _users_with_role("dpo")


def load_grant(grant_id: int) -> EmergencyGrant | None:
    """A grant with its user, institution and case."""
    return db.session.scalar(select(EmergencyGrant).where(EmergencyGrant.id == grant_id).options(
        joinedload(EmergencyGrant.user), joinedload(EmergencyGrant.institution),
        joinedload(EmergencyGrant.case), joinedload(EmergencyGrant.reviewed_by)))


@dataclass(frozen=True)
class GrantPage:
    """Grants of one page and the id the next page starts after (None on the last page)."""

    grants: list[EmergencyGrant]
    #: grant id → the grantee's audit entries about the case's pupil during the grant
    activity: dict[int, list[AuditEntry]]
    next_after: int | None


def grants_page(*, reviewed: bool, after: int | None, limit: int) -> GrantPage:
    """Waiting grants oldest first, or reviewed ones newest first, with what each grantee did."""
    query = select(EmergencyGrant).options(
        joinedload(EmergencyGrant.user), joinedload(EmergencyGrant.institution),
        joinedload(EmergencyGrant.case), joinedload(EmergencyGrant.reviewed_by))
    if reviewed:
        query = query.where(EmergencyGrant.reviewed_at.is_not(None)).order_by(EmergencyGrant.id.desc())
        if after:
            query = query.where(EmergencyGrant.id < after)
    else:
        query = query.where(EmergencyGrant.reviewed_at.is_(None)).order_by(EmergencyGrant.id)
        if after:
            query = query.where(EmergencyGrant.id > after)
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    grants = rows[:limit]
    return GrantPage(grants, activity_during(grants), grants[-1].id if len(rows) > limit else None)


def activity_during(grants: list[EmergencyGrant]) -> dict[int, list[AuditEntry]]:
    """Each grantee's audit entries about the case's pupil between granting and expiry (one query)."""
    if not grants:
        return {}
    pairs = {(g.user_id, g.case.pupil_id) for g in grants}
    entries = db.session.scalars(select(AuditEntry).where(
        tuple_(AuditEntry.user_id, AuditEntry.pupil_id).in_(list(pairs)),
        AuditEntry.at >= min(g.granted_at for g in grants),
        AuditEntry.at <= max(g.expires_at for g in grants)).order_by(AuditEntry.seq)).all()
    return {g.id: [e for e in entries if e.user_id == g.user_id and e.pupil_id == g.case.pupil_id
                   and g.granted_at <= e.at <= g.expires_at] for g in grants}


def justifications(grants: list[EmergencyGrant]) -> dict[int, str | None]:
    """Each grant's justification in plain text (None where the pupil's key was destroyed)."""
    scopes = {f"pupil:{g.case.pupil_id}" for g in grants}
    # the pupils' data keys in one query, held here so that decrypting finds them in the session
    keys = preload_keys(scopes)
    texts = {}
    for grant in grants:
        try:
            texts[grant.id] = unseal(grant, "justification")
        except DecryptionError:
            texts[grant.id] = None
    del keys
    return texts


def alerts(*, reviewed: bool, limit: int) -> list[AccessAlert]:
    """Open alerts oldest first, or the latest reviewed ones."""
    query = select(AccessAlert).options(joinedload(AccessAlert.user), joinedload(AccessAlert.reviewed_by))
    if reviewed:
        query = query.where(AccessAlert.reviewed_at.is_not(None)).order_by(AccessAlert.id.desc())
    else:
        query = query.where(AccessAlert.reviewed_at.is_(None)).order_by(AccessAlert.id)
    return list(db.session.scalars(query.limit(limit)).unique())


def load_alert(alert_id: int) -> AccessAlert | None:
    """An alert with its user."""
    return db.session.scalar(select(AccessAlert).where(AccessAlert.id == alert_id)
                             .options(joinedload(AccessAlert.user)))
