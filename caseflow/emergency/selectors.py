"""Reads for break-the-glass: the case asked for, the grantee's banner, the officer's queues."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import false, or_, select, tuple_
from sqlalchemy.orm import joinedload

from caseflow.access import Actor
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseStatus
from caseflow.crypto import DecryptionError, blind_index, preload_keys, unseal
from caseflow.db import local_today, utcnow
from caseflow.emergency.models import AccessAlert, EmergencyGrant
from caseflow.extensions import db
from caseflow.people.directory import people_with_role
from caseflow.people.models import Institution, Membership, Municipality, User
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


def _memberships_in_force(role: str):
    """SQL: (user id, institution id) of the role's memberships in force today, of active accounts."""
    today = local_today()
    return (select(Membership.user_id, Membership.institution_id).join(User, User.id == Membership.user_id)
            .where(Membership.role == role, User.is_active_account.is_(True),
                   or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
                   or_(Membership.valid_to.is_(None), Membership.valid_to >= today)))


def case_owners(case: Case) -> list[User]:
    """The owning school's head(s) and social pedagogue(s)."""
    people = {u.id: u for role in ("school_head", "social_pedagogue")
              for u in people_with_role(role, institution_id=case.school_id)}
    return list(people.values())


def officers_for(municipality_id: int | None) -> list[User]:
    """The municipality's data-protection officers; without one, every data-protection officer
    (exactly the officers whose `officer_reach` takes the municipality in)."""
    found = people_with_role("dpo", municipality_id=municipality_id) if municipality_id is not None else []
    return found or people_with_role("dpo")


def _municipalities_with_officers():
    """SQL: ids of the municipalities that have a data-protection officer today."""
    memberships = _memberships_in_force("dpo").subquery()
    return select(Institution.municipality_id).where(Institution.id.in_(select(memberships.c.institution_id)))


def officer_reach(actor: Actor | None, municipality_column, *, nowhere_too: bool = False):
    """SQL: the municipalities a data-protection officer answers for — their own, and every one without
    an officer of its own (officers_for tells the officers of the others about it); `nowhere_too` takes in
    rows of no municipality, which officers_for(None) tells every officer about."""
    if actor is None or actor.municipality_id is None:
        return false()
    reach = or_(municipality_column == actor.municipality_id,
                municipality_column.not_in(_municipalities_with_officers()))
    return or_(reach, municipality_column.is_(None)) if nowhere_too else reach


def reach_municipalities(actor: Actor | None) -> list[Municipality]:
    """The municipalities the officer answers for, by name."""
    return list(db.session.scalars(select(Municipality).where(officer_reach(actor, Municipality.id))
                                   .order_by(Municipality.name)))


def load_grant(actor: Actor | None, grant_id: int) -> EmergencyGrant | None:
    """A grant of a case the officer answers for, with its user, institution and case."""
    return db.session.scalar(
        select(EmergencyGrant).join(Case, Case.id == EmergencyGrant.case_id)
        .where(EmergencyGrant.id == grant_id, officer_reach(actor, Case.municipality_id)).options(
            joinedload(EmergencyGrant.user), joinedload(EmergencyGrant.institution),
            joinedload(EmergencyGrant.case), joinedload(EmergencyGrant.reviewed_by)))


@dataclass(frozen=True)
class GrantPage:
    """Grants of one page and the id the next page starts after (None on the last page)."""

    grants: list[EmergencyGrant]
    #: grant id → the grantee's audit entries about the case's pupil during the grant
    activity: dict[int, list[AuditEntry]]
    next_after: int | None


def grants_page(actor: Actor | None, *, reviewed: bool, after: int | None, limit: int) -> GrantPage:
    """Waiting grants oldest first, or reviewed ones newest first, of the cases the officer answers for,
    with what each grantee did."""
    query = select(EmergencyGrant).join(Case, Case.id == EmergencyGrant.case_id).where(
        officer_reach(actor, Case.municipality_id)).options(
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


def alerts(actor: Actor | None, *, reviewed: bool, limit: int) -> list[AccessAlert]:
    """Open alerts oldest first, or the latest reviewed ones, of the municipalities the officer answers for."""
    query = select(AccessAlert).where(officer_reach(actor, AccessAlert.municipality_id, nowhere_too=True)) \
        .options(joinedload(AccessAlert.user), joinedload(AccessAlert.reviewed_by))
    if reviewed:
        query = query.where(AccessAlert.reviewed_at.is_not(None)).order_by(AccessAlert.id.desc())
    else:
        query = query.where(AccessAlert.reviewed_at.is_(None)).order_by(AccessAlert.id)
    return list(db.session.scalars(query.limit(limit)).unique())


def load_alert(actor: Actor | None, alert_id: int) -> AccessAlert | None:
    """An alert of a municipality the officer answers for, with its user."""
    return db.session.scalar(select(AccessAlert).where(
        AccessAlert.id == alert_id, officer_reach(actor, AccessAlert.municipality_id, nowhere_too=True))
        .options(joinedload(AccessAlert.user)))
