"""What the administration pages list. Every read takes the viewer and refuses without ADMIN_MANAGE.

Large lists (institutions, accounts) are paged by key — (name, id) after the last row shown — never
by OFFSET.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from caseflow.access import Actor, Permission, scope
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMunicipality
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution, Membership, Municipality, User


@dataclass
class Page:
    """One page of a keyset-paged list; `next_after` is the id of the last row when more follow."""

    rows: list = field(default_factory=list)
    next_after: int | None = None


def _allowed(query: Select, actor: Actor | None) -> Select:
    """The policy's scope for the administered model the query selects."""
    model = query.column_descriptions[0]["entity"]
    return scope(query, actor, Permission.ADMIN_MANAGE, model)


def _page(query: Select, model, sort_column, after: int | None, size: int) -> Page:
    if after:
        last = db.session.execute(select(sort_column, model.id).where(model.id == after)).first()
        if last is not None:
            query = query.where(or_(sort_column > last[0], and_(sort_column == last[0], model.id > last[1])))
    rows = db.session.scalars(query.order_by(sort_column, model.id).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows=list(rows), next_after=rows[-1].id if more else None)


def municipalities(actor: Actor | None) -> list[Municipality]:
    """Every municipality by name (there are 43 in Latvia: no paging)."""
    return list(db.session.scalars(_allowed(select(Municipality), actor).order_by(Municipality.name)))


def institutions_page(actor: Actor | None, *, municipality_id: int | None = None,
                      kind: str | None = None, after: int | None = None, size: int = 50) -> Page:
    """Institutions by name, optionally of one municipality and one kind."""
    query = _allowed(select(Institution), actor)
    if municipality_id:
        query = query.where(Institution.municipality_id == municipality_id)
    if kind:
        query = query.where(Institution.kind == kind)
    query = query.options(selectinload(Institution.municipality))
    return _page(query, Institution, Institution.name, after, size)


def institutions_in(actor: Actor | None, municipality_ids, *, exclude_id: int | None = None,
                    active_only: bool = False) -> list[Institution]:
    """Institutions of some municipalities by name, for choosing one in a form."""
    query = _allowed(select(Institution), actor).where(Institution.municipality_id.in_(list(municipality_ids)))
    if exclude_id:
        query = query.where(Institution.id != exclude_id)
    if active_only:
        query = query.where(Institution.closed_on.is_(None), Institution.merged_on.is_(None))
    return list(db.session.scalars(query.order_by(Institution.name, Institution.id)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def users_page(actor: Actor | None, *, q: str | None = None, after: int | None = None,
               size: int = 50) -> Page:
    """Accounts by name, optionally those whose name or user name contains the search text."""
    query = _allowed(select(User), actor)
    if q:
        pattern = f"%{_escape_like(q.strip())}%"
        query = query.where(or_(User.full_name.ilike(pattern, escape="\\"),
                                User.username.ilike(pattern, escape="\\")))
    query = query.options(selectinload(User.memberships).selectinload(Membership.institution))
    return _page(query, User, User.full_name, after, size)


def groups_for(actor: Actor | None, municipality_id: int | None) -> list[CooperationGroup]:
    """Groups founded by or serving a municipality (every group when none is given)."""
    query = _allowed(select(CooperationGroup), actor)
    if municipality_id:
        serves = exists().where(GroupMunicipality.group_id == CooperationGroup.id,
                                GroupMunicipality.municipality_id == municipality_id)
        query = query.where(or_(CooperationGroup.municipality_id == municipality_id, serves))
    query = query.options(selectinload(CooperationGroup.municipality),
                          selectinload(CooperationGroup.escalates_to))
    return list(db.session.scalars(query.order_by(CooperationGroup.name, CooperationGroup.id)))


def escalation_targets(actor: Actor | None, municipality_id: int | None,
                       exclude_id: int | None) -> list[CooperationGroup]:
    """Groups a group may escalate to: the others of the same founding municipality."""
    query = _allowed(select(CooperationGroup), actor).where(
        CooperationGroup.municipality_id == (municipality_id or 0))
    if exclude_id:
        query = query.where(CooperationGroup.id != exclude_id)
    return list(db.session.scalars(query.order_by(CooperationGroup.name)))


def semesters(actor: Actor | None, municipality_id: int) -> list[Semester]:
    """A municipality's semesters, latest first."""
    return list(db.session.scalars(_allowed(select(Semester), actor).where(
        Semester.municipality_id == municipality_id).order_by(Semester.starts_on.desc())))
