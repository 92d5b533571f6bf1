"""The relationship rules: can(actor, permission, obj) and the same rules as SQL in scope()."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import Select, and_, exists, false, or_, select, true

from caseflow.access.permissions import (
    MUNICIPAL_ROLES,
    ROLE_PERMISSIONS,
    SCHOOL_ROLES,
    Permission,
    Role,
)
from caseflow.db import local_today


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user in one of their memberships."""

    user_id: int
    username: str
    role: Role | None
    membership_id: int | None
    institution_id: int | None
    municipality_id: int | None

    @property
    def permissions(self) -> frozenset[Permission]:
        """The role's permissions (empty without a role)."""
        return ROLE_PERMISSIONS.get(self.role, frozenset()) if self.role else frozenset()


def current_actor() -> Actor | None:
    """The actor of the current request, or None when nobody is signed in."""
    if not has_request_context():
        return None
    return g.get("actor")


def can(actor: Actor | None, permission: Permission | str, obj=None) -> bool:
    """True if the actor may use the permission (on obj, when given)."""
    if actor is None:
        return False
    permission = Permission(permission)
    if permission is Permission.SIGNED_IN:
        return True
    if permission not in actor.permissions:
        return False
    if obj is None:
        return True
    rule = _OBJECT_RULES.get(type(obj).__name__)
    return bool(rule and rule(actor, permission, obj))


def scope(query: Select, actor: Actor | None, permission: Permission, model) -> Select:
    """Restrict a SELECT of `model` rows to those the actor may use the permission on."""
    if actor is None or Permission(permission) not in actor.permissions:
        return query.where(false())
    permission = Permission(permission)
    rule = _SCOPE_RULES.get((model.__name__, permission)) or _SCOPE_RULES.get(model.__name__)
    if rule is None:
        return query.where(false())
    return query.where(rule(actor))


# --- pupils -------------------------------------------------------------------------------------

def _pupil_condition(actor: Actor):
    """SQL condition: the pupils an actor's institution is responsible for."""
    from caseflow.people.models import Institution
    from caseflow.pupils.models import Enrolment, Pupil

    today = local_today()
    current = and_(Enrolment.pupil_id == Pupil.id, Enrolment.start_date <= today,
                   or_(Enrolment.end_date.is_(None), Enrolment.end_date >= today))
    if actor.role in SCHOOL_ROLES:
        return exists().where(current, Enrolment.school_id == actor.institution_id)
    if actor.role in MUNICIPAL_ROLES:
        in_municipality = select(Institution.id).where(
            Institution.municipality_id == actor.municipality_id).scalar_subquery()
        return or_(Pupil.declared_municipality_id == actor.municipality_id,
                   exists().where(current, Enrolment.school_id.in_(in_municipality)))
    return false()


def _pupil_rule(actor: Actor, permission: Permission, pupil) -> bool:
    from caseflow.extensions import db
    from caseflow.pupils.models import Pupil

    return bool(db.session.scalar(
        select(Pupil.id).where(Pupil.id == pupil.id, _pupil_condition(actor))))


def _enrolling_school_condition(actor: Actor):
    """SQL condition: the schools where an actor may enrol pupils (own school / municipality's)."""
    from caseflow.people.models import SCHOOL_KINDS, Institution

    is_school = Institution.kind.in_([str(k) for k in SCHOOL_KINDS])
    if actor.role in SCHOOL_ROLES:
        return and_(is_school, Institution.id == actor.institution_id)
    if actor.role in MUNICIPAL_ROLES:
        return and_(is_school, Institution.municipality_id == actor.municipality_id)
    return false()


def _whole_installation(actor: Actor):
    """SQL condition: every row (administrators manage the structure of every municipality)."""
    return true()


#: the structure administrators manage; none of it is a child's data
ADMINISTERED_MODELS = ("Municipality", "Institution", "User", "CooperationGroup", "Semester")

_OBJECT_RULES = {"Pupil": _pupil_rule}
#: scope rules by model, or by (model, permission) where one model has several
_SCOPE_RULES = {
    "Pupil": _pupil_condition,
    ("Institution", Permission.PUPIL_CREATE): _enrolling_school_condition,
    **{(name, Permission.ADMIN_MANAGE): _whole_installation for name in ADMINISTERED_MODELS},
}


def load_actor(user, membership) -> Actor:
    """Build the Actor for a user acting in a membership (or with none)."""
    if membership is None:
        return Actor(user.id, user.username, None, None, None, None)
    return Actor(user.id, user.username, Role(membership.role), membership.id,
                 membership.institution_id, membership.institution.municipality_id)


def set_request_actor(actor: Actor | None) -> None:
    """Remember the actor for the rest of the request."""
    g.actor = actor
