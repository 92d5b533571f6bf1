"""Reads of concerns: the reporter's own list, the inboxes, the new-concern count and the choices
(classes, pupils, schools, the pupil's open case); every list goes through the access policy's scope()."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, or_, select, tuple_
from sqlalchemy.orm import aliased, joinedload

from caseflow.access import Actor, Permission, can, scope
from caseflow.cases.models import Case, CaseStatus
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.crypto import DecryptionError, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import SCHOOL_KINDS, Institution
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.selectors import current_on

#: an inbox shows new concerns first, then the handled ones; newest first within each
_HANDLED = case((Concern.status == ConcernStatus.NEW, 0), else_=1)
_INBOX_ORDER = (_HANDLED, -Concern.id)


@dataclass(frozen=True)
class ConcernPage:
    """A page of concerns and the concern id the next page starts after (None on the last page)."""

    rows: list[Concern]
    next_after: int | None
    #: concern id → who the child is, as an outside reporter described them (decrypted)
    described: dict[int, str]


def load_concern(concern_id: int, **_url_args) -> Concern | None:
    """Load a concern with its pupil, school and reporter for @requires (which then asks the policy)."""
    return db.session.scalar(select(Concern).where(Concern.id == concern_id).options(
        joinedload(Concern.pupil), joinedload(Concern.school), joinedload(Concern.reported_by),
        joinedload(Concern.reported_by_institution), joinedload(Concern.handled_by),
        joinedload(Concern.forwarded_by)))


def text_of(concern: Concern, field: str) -> str | None:
    """A decrypted text of a concern (None when empty or unreadable)."""
    try:
        return unseal(concern, field)
    except DecryptionError:
        return None


def _page(query, *, order, after: int | None, limit: int) -> ConcernPage:
    """One keyset page of a scoped query: the cursor is a concern id, its key read through the scope."""
    if after is not None:
        key = db.session.execute(query.with_only_columns(*order).where(Concern.id == after)).first()
        if key is not None:
            query = query.where(tuple_(*order) > tuple_(*key))
    query = query.options(joinedload(Concern.pupil), joinedload(Concern.reported_by),
                          joinedload(Concern.reported_by_institution), joinedload(Concern.school))
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    described = {c.id: text_of(c, "pupil_described") or "" for c in rows if c.pupil_described_enc}
    return ConcernPage(rows, rows[-1].id if more else None, described)


def my_reports(actor: Actor, *, after: int | None = None, limit: int = 50) -> ConcernPage:
    """The concerns the actor reported, newest first."""
    query = scope(select(Concern), actor, Permission.CONCERN_REPORT, Concern)
    return _page(query, order=(-Concern.id,), after=after, limit=limit)


def inbox(actor: Actor, *, status: str = "", after: int | None = None, limit: int = 50) -> ConcernPage:
    """The inbox the actor works (school's or coordinator's): new first, then handled, newest first."""
    query = scope(select(Concern), actor, Permission.CONCERN_HANDLE, Concern)
    if status:
        query = query.where(Concern.status == status)
    return _page(query, order=_INBOX_ORDER, after=after, limit=limit)


def new_count(actor: Actor | None) -> int:
    """How many new concerns wait in the inbox the actor works (0 without one)."""
    if not can(actor, Permission.CONCERN_HANDLE):
        return 0
    query = scope(select(func.count(Concern.id)), actor, Permission.CONCERN_HANDLE, Concern)
    return db.session.scalar(query.where(Concern.status == ConcernStatus.NEW)) or 0


# --- choices ----------------------------------------------------------------------------------------

def _class_order(name: str) -> tuple:
    """Classes by grade, then by letter ("2.a" before "10.a")."""
    digits = ""
    for ch in name:
        if not ch.isdigit():
            break
        digits += ch
    return (int(digits) if digits else 99, name.casefold())


def school_classes(actor: Actor, permission: Permission) -> list[str]:
    """The classes of the pupils the actor may choose (current enrolments at the actor's school)."""
    # an alias, so that the policy's own EXISTS over enrolments stays a subquery of its own
    enrolment = aliased(Enrolment)
    today = local_today()
    query = scope(select(enrolment.class_name).join(Pupil, Pupil.id == enrolment.pupil_id),
                  actor, permission, Pupil)
    query = query.where(enrolment.school_id == actor.institution_id, enrolment.start_date <= today,
                        or_(enrolment.end_date.is_(None), enrolment.end_date >= today))
    return sorted(set(db.session.scalars(query.distinct())), key=_class_order)


def class_pupils(actor: Actor, permission: Permission, class_name: str) -> list[Pupil]:
    """The pupils of one class at the actor's school whom the actor may choose, by name."""
    in_class = exists().where(Enrolment.pupil_id == Pupil.id, Enrolment.school_id == actor.institution_id,
                              Enrolment.class_name == class_name, current_on(local_today()))
    query = scope(select(Pupil), actor, permission, Pupil).where(in_class)
    return list(db.session.scalars(query.order_by(Pupil.last_name_key, Pupil.first_name_key, Pupil.id)))


def choosable_pupil(actor: Actor, permission: Permission, pupil_id: int | None) -> Pupil | None:
    """The pupil, if the actor may choose them (enrolled at the actor's school now)."""
    if pupil_id is None:
        return None
    in_school = exists().where(Enrolment.pupil_id == Pupil.id, Enrolment.school_id == actor.institution_id,
                               current_on(local_today()))
    return db.session.scalar(scope(select(Pupil), actor, permission, Pupil)
                             .where(Pupil.id == pupil_id, in_school))


def forward_schools(concern: Concern) -> list[Institution]:
    """The working schools of the concern's municipality, by name."""
    today = local_today()
    query = select(Institution).where(Institution.municipality_id == concern.municipality_id,
                                      Institution.kind.in_([str(k) for k in SCHOOL_KINDS]))
    return [s for s in db.session.scalars(query.order_by(Institution.name)) if s.is_active_on(today)]


def open_case_to_add(actor: Actor, pupil_id: int, school_id: int) -> Case | None:
    """The pupil's open (or referred) case at the school, if the actor may change it."""
    query = scope(select(Case), actor, Permission.CASE_EDIT, Case)
    return db.session.scalar(query.where(Case.pupil_id == pupil_id, Case.school_id == school_id,
                                         Case.status != CaseStatus.CLOSED))


def case_of(concern: Concern, actor: Actor) -> Case | None:
    """The case the concern led to, when the actor may see it (never shown to the reporter)."""
    if concern.case_id is None:
        return None
    found = db.session.get(Case, concern.case_id)
    return found if found is not None and can(actor, Permission.CASE_VIEW, found) else None
