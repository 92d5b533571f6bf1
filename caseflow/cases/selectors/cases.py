"""Reads of cases: the loader for @requires, the work lists (which a role has; filters, sorting,
keyset pages)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from caseflow.access import Actor, Permission, can, scope
from caseflow.cases.models import Case, CaseEntry, CaseRiskFactor, CaseStatus, CaseTeamMember
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.crypto import DecryptionError, unseal
from caseflow.extensions import db
from caseflow.people.calendar import Semester
from caseflow.pupils.models import Pupil, name_key
from caseflow.pupils.selectors import class_key

#: work-list views
MINE, SCHOOL, ALL = "mine", "school", "all"
#: sort orders → (columns of the keyset, descending?, how to read each cursor value back)
SORTS = {
    "updated": ((Case.updated_at, Case.id), True, (datetime.fromisoformat, int)),
    "opened": ((Case.opened_on, Case.id), True, (date.fromisoformat, int)),
    "name": ((Pupil.last_name_key, Pupil.first_name_key, Case.id), False, (str, str, int)),
}


@dataclass(frozen=True)
class Filters:
    """What a work list is narrowed to; empty values do not narrow."""

    view: str = ALL
    status: str = ""
    category_id: int | None = None
    risk_group_id: int | None = None
    class_name: str = ""
    semester_id: int | None = None
    urgent: bool = False
    search: str = ""
    sort: str = "updated"


@dataclass(frozen=True)
class CasePage:
    """A page of a work list and the cursor of the next page (None on the last page)."""

    rows: list[Case]
    next_cursor: str | None


def views_of(actor: Actor) -> list[tuple[str, str]]:
    """The work lists a role has: its own cases, its school's, or (coordinator) all in sight."""
    if actor.institution_id and can(actor, Permission.CASE_OPEN):
        return [(MINE, _("My cases")), (SCHOOL, _("My school's cases"))]
    return [(MINE, _("My cases")), (ALL, _("All cases I can see"))]


def chosen_view(views: list[tuple[str, str]], requested: str | None) -> str:
    """The requested work list when the role has it, otherwise its widest one."""
    return requested if requested in dict(views) else views[-1][0]


def load_case(case_id: int, **_url_args) -> Case | None:
    """Load a case with its pupil, school and lists for @requires (which then asks the policy)."""
    return db.session.scalar(select(Case).where(Case.id == case_id).options(
        joinedload(Case.pupil), joinedload(Case.school), joinedload(Case.lead),
        joinedload(Case.outcome), joinedload(Case.dropout_reason),
        selectinload(Case.entries), selectinload(Case.risk_factors).joinedload(CaseRiskFactor.item)
        .joinedload(RiskItem.group)))


def _encode(values) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, readers) -> tuple | None:
    """The keyset values of a cursor, or None when it is not one of ours."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(readers):
            return None
        return tuple(read(value) for read, value in zip(readers, values, strict=True))
    except (ValueError, TypeError):
        return None


def _filtered(query, actor: Actor, filters: Filters):
    if filters.view == MINE:
        on_team = exists().where(CaseTeamMember.case_id == Case.id,
                                 CaseTeamMember.user_id == actor.user_id,
                                 CaseTeamMember.removed_at.is_(None))
        query = query.where(or_(Case.lead_user_id == actor.user_id, on_team))
    elif filters.view == SCHOOL:
        query = query.where(Case.school_id == actor.institution_id)
    if filters.status in set(CaseStatus):
        query = query.where(Case.status == filters.status)
    elif filters.status == "active":
        query = query.where(Case.status != CaseStatus.CLOSED)
    if filters.category_id:
        query = query.where(exists().where(CaseEntry.case_id == Case.id,
                                           CaseEntry.entry_id == filters.category_id))
    if filters.risk_group_id:
        query = query.where(exists().where(
            CaseRiskFactor.case_id == Case.id, CaseRiskFactor.item_id == RiskItem.id,
            RiskItem.group_id == filters.risk_group_id))
    if filters.class_name and class_key(filters.class_name):
        query = query.where(func.replace(func.lower(Case.class_name), " ", "") == class_key(filters.class_name))
    if filters.semester_id:
        semester = db.session.get(Semester, filters.semester_id)
        if semester is not None:
            query = query.where(Case.opened_on <= semester.ends_on,
                                or_(Case.closed_on.is_(None), Case.closed_on >= semester.starts_on))
    if filters.urgent:
        query = query.where(Case.urgent.is_(True), Case.status != CaseStatus.CLOSED)
    if filters.search:
        words = name_key(filters.search).split()
        for word in words:
            query = query.where(or_(Pupil.last_name_key.startswith(word, autoescape=True),
                                    Pupil.first_name_key.startswith(word, autoescape=True)))
    return query


def visible_cases(actor: Actor, filters: Filters = Filters(), *, cursor: str | None = None,
                  limit: int = 50) -> CasePage:
    """A page of the cases the actor may see, narrowed and sorted, after a cursor (keyset)."""
    columns, descending, readers = SORTS.get(filters.sort, SORTS["updated"])
    query = scope(select(Case).join(Pupil, Pupil.id == Case.pupil_id), actor, Permission.CASE_LIST, Case)
    query = _filtered(query, actor, filters)
    if cursor:
        key = _decode(cursor, readers)
        if key is not None:
            query = query.where(tuple_(*columns) < key if descending else tuple_(*columns) > key)
    order = [c.desc() for c in columns] if descending else list(columns)
    query = query.options(
        joinedload(Case.pupil), joinedload(Case.school), joinedload(Case.lead),
        selectinload(Case.entries)).order_by(*order).limit(limit + 1)
    cases = list(db.session.scalars(query).unique())
    more = len(cases) > limit
    cases = cases[:limit]
    next_cursor = None
    if more:
        last = cases[-1]
        values = {"updated": (last.updated_at, last.id), "opened": (last.opened_on, last.id),
                  "name": (last.pupil.last_name_key, last.pupil.first_name_key, last.id)}
        next_cursor = _encode(values.get(filters.sort, values["updated"]))
    return CasePage(cases, next_cursor)


def open_case_of(pupil_id: int, school_id: int) -> Case | None:
    """The pupil's open (or referred) case at the school, if any."""
    return db.session.scalar(select(Case).where(
        Case.pupil_id == pupil_id, Case.school_id == school_id, Case.status != CaseStatus.CLOSED))


def cases_of_pupil(actor: Actor, pupil_id: int) -> list[Case]:
    """The pupil's cases the actor may see, newest first."""
    query = scope(select(Case), actor, Permission.CASE_VIEW, Case).where(Case.pupil_id == pupil_id)
    return list(db.session.scalars(query.options(joinedload(Case.school)).order_by(Case.id.desc())))


def entries(municipality_id: int, kind: str, *, include: set[int] = frozenset()) -> list[ListEntry]:
    """A municipality's active entries of a list (plus retired ones still in use), in order."""
    return list(db.session.scalars(select(ListEntry).where(
        ListEntry.municipality_id == municipality_id, ListEntry.kind == str(kind),
        or_(ListEntry.is_active.is_(True), ListEntry.id.in_(list(include))))
        .order_by(ListEntry.position, ListEntry.id)))


def risk_groups(municipality_id: int, *, include: set[int] = frozenset()) -> list[RiskGroup]:
    """A municipality's risk taxonomy: active groups (and groups of retired items still in use), in order."""
    in_use = select(RiskItem.group_id).where(RiskItem.id.in_(list(include)))
    return list(db.session.scalars(select(RiskGroup).where(
        RiskGroup.municipality_id == municipality_id,
        or_(RiskGroup.is_active.is_(True), RiskGroup.id.in_(in_use)))
        .options(selectinload(RiskGroup.items)).order_by(RiskGroup.position, RiskGroup.id)))


def filter_choices(actor: Actor) -> dict:
    """Choices of the work-list filters for the actor's municipality."""
    municipality_id = actor.municipality_id
    semesters = db.session.scalars(select(Semester).where(Semester.municipality_id == municipality_id)
                                   .order_by(Semester.starts_on.desc()))
    return {
        "categories": [(e.id, e.label) for e in entries(municipality_id, ListKind.CATEGORY)],
        "risk_groups": [(g.id, g.label) for g in risk_groups(municipality_id)],
        "semesters": [(s.id, s.label) for s in semesters],
    }


def summary_of(case: Case) -> str | None:
    """The decrypted summary (None when empty or unreadable)."""
    try:
        return unseal(case, "summary")
    except DecryptionError:
        return None


def risk_description(factor: CaseRiskFactor) -> str | None:
    """The decrypted description of a recorded risk factor."""
    try:
        return unseal(factor, "description")
    except DecryptionError:
        return None
