"""Who works an institution's actions, and who chairs a group: assignees and reminder recipients."""
from __future__ import annotations

from sqlalchemy import or_, select

from caseflow.access.permissions import ROLE_PERMISSIONS, Permission, Role
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Institution, Membership, User

#: roles whose holders work their institution's actions
WORKING_ROLES = tuple(str(r) for r, perms in ROLE_PERMISSIONS.items() if Permission.ACTION_WORK in perms)


def _valid_today():
    today = local_today()
    return (or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
            or_(Membership.valid_to.is_(None), Membership.valid_to >= today))


def assignable_users(institution_id: int) -> list[User]:
    """Active people of the institution whose membership today lets them work its actions, by name."""
    working = select(Membership.user_id).where(
        Membership.institution_id == institution_id, Membership.role.in_(WORKING_ROLES), *_valid_today())
    return list(db.session.scalars(select(User).where(User.id.in_(working), User.is_active_account.is_(True))
                                   .order_by(User.full_name, User.id)))


def work_institution_ids(user_id: int) -> set[int]:
    """The institutions whose actions the person may work today."""
    return set(db.session.scalars(select(Membership.institution_id).where(
        Membership.user_id == user_id, Membership.role.in_(WORKING_ROLES), *_valid_today())))


def chair_users(group_id: int, municipality_id: int) -> list[User]:
    """The people in the group's chair seat(s); without one, the coordinators of its municipality."""
    from caseflow.meetings.models import GroupMember

    today = local_today()
    chair_seats = select(GroupMember.user_id).where(
        GroupMember.group_id == group_id, GroupMember.is_chair.is_(True),
        or_(GroupMember.term_from.is_(None), GroupMember.term_from <= today),
        or_(GroupMember.term_to.is_(None), GroupMember.term_to >= today))
    seated = _active(chair_seats)
    if seated:
        return seated
    coordinators = select(Membership.user_id).join(Institution, Institution.id == Membership.institution_id).where(
        Institution.municipality_id == municipality_id, Membership.role == str(Role.COORDINATOR), *_valid_today())
    return _active(coordinators)


def _active(user_ids) -> list[User]:
    return list(db.session.scalars(select(User).where(User.id.in_(user_ids), User.is_active_account.is_(True))
                                   .order_by(User.id)))
