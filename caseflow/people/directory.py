"""Who holds a role today: the people notices and e-mails go to."""
from __future__ import annotations

from sqlalchemy import or_, select

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Institution, Membership, User


def people_with_role(role: str, *, institution_id: int | None = None,
                     municipality_id: int | None = None) -> list[User]:
    """Active accounts holding the role today, at an institution or in a municipality (by id order)."""
    today = local_today()
    members = select(Membership.user_id).where(
        Membership.role == str(role),
        or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
        or_(Membership.valid_to.is_(None), Membership.valid_to >= today))
    if institution_id is not None:
        members = members.where(Membership.institution_id == institution_id)
    if municipality_id is not None:
        members = members.where(Membership.institution_id.in_(
            select(Institution.id).where(Institution.municipality_id == municipality_id)))
    return list(db.session.scalars(select(User).where(
        User.id.in_(members), User.is_active_account.is_(True)).order_by(User.id)))
