"""Reads of the pupil registry; every list goes through the access policy's scope()."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import joinedload, load_only, selectinload

from caseflow.access import Actor, Permission, scope
from caseflow.crypto import DecryptionError, blind_index, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality
from caseflow.pupils.models import Enrolment, Pupil, name_key
from caseflow.pupils.personal_code import PersonalCode

#: the list's order, and the key of its keyset pagination
_ORDER = (Pupil.last_name_key, Pupil.first_name_key, Pupil.id)


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; empty values do not narrow."""

    name: str = ""
    class_name: str = ""
    school_id: int | None = None


@dataclass(frozen=True)
class PupilRow:
    """One line of the pupil list: no personal code, no history."""

    id: int
    first_name: str
    last_name: str
    birth_date: date | None
    #: (school name, class) of each enrolment in force today, latest first
    enrolments: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PupilPage:
    """A page of the list and the pupil id the next page starts after (None on the last page)."""

    rows: list[PupilRow]
    next_after: int | None


def current_on(day: date):
    """SQL condition: the enrolment is in force on the day."""
    return and_(Enrolment.start_date <= day, or_(Enrolment.end_date.is_(None), Enrolment.end_date >= day))


def class_key(value: str) -> str:
    """A class name compared without case and spaces ("7. B" → "7.b")."""
    return "".join((value or "").lower().split())


def _name_condition(text: str):
    """Each word begins the first or the last name (or a part of it after a space or a dash)."""
    def begins(column, word):
        return or_(column.startswith(word, autoescape=True),
                   column.contains(f" {word}", autoescape=True),
                   column.contains(f"-{word}", autoescape=True))

    words = name_key(text).split()
    return and_(*(or_(begins(Pupil.last_name_key, w), begins(Pupil.first_name_key, w)) for w in words))


def _filtered(query, filters: Filters, today: date):
    if filters.name and name_key(filters.name):
        query = query.where(_name_condition(filters.name))
    if filters.class_name and class_key(filters.class_name):
        query = query.where(exists().where(
            Enrolment.pupil_id == Pupil.id, current_on(today),
            func.replace(func.lower(Enrolment.class_name), " ", "") == class_key(filters.class_name)))
    if filters.school_id is not None:
        query = query.where(exists().where(
            Enrolment.pupil_id == Pupil.id, current_on(today), Enrolment.school_id == filters.school_id))
    return query


def visible_pupils(actor: Actor | None, *, filters: Filters = Filters(), after: int | None = None,
                   limit: int = 50) -> PupilPage:
    """A page of the pupils the actor may see, by last and first name, after a pupil (keyset)."""
    today = local_today()
    query = _filtered(scope(select(Pupil), actor, Permission.PUPIL_VIEW, Pupil), filters, today)
    if after is not None:
        # The cursor is a pupil id (no names in addresses); its key is read through the same scope.
        key = db.session.execute(scope(select(*_ORDER).where(Pupil.id == after), actor,
                                       Permission.PUPIL_VIEW, Pupil)).first()
        if key is not None:
            query = query.where(tuple_(*_ORDER) > tuple_(*key))
    query = query.options(load_only(Pupil.id, Pupil.first_name, Pupil.last_name, Pupil.birth_date))
    pupils = db.session.scalars(query.order_by(*_ORDER).limit(limit + 1)).all()
    more = len(pupils) > limit
    pupils = pupils[:limit]
    return PupilPage(rows=_rows(pupils, today), next_after=pupils[-1].id if more else None)


def _rows(pupils: list[Pupil], today: date) -> list[PupilRow]:
    """List rows with each pupil's current enrolments, read in one statement for the whole page."""
    if not pupils:
        return []
    current: dict[int, list[tuple[str, str]]] = {}
    found = db.session.execute(
        select(Enrolment.pupil_id, Institution.name, Enrolment.class_name)
        .join(Institution, Institution.id == Enrolment.school_id)
        .where(Enrolment.pupil_id.in_([p.id for p in pupils]), current_on(today))
        .order_by(Enrolment.pupil_id, Enrolment.start_date.desc(), Enrolment.id.desc()))
    for pupil_id, school, class_name in found:
        current.setdefault(pupil_id, []).append((school, class_name))
    return [PupilRow(p.id, p.first_name, p.last_name, p.birth_date, current.get(p.id, []))
            for p in pupils]


def visible_pupil_by_code(actor: Actor | None, code: PersonalCode) -> PupilRow | None:
    """The pupil with exactly this personal code, if the actor may see them."""
    index = blind_index(code.value, purpose="personal_code")
    pupil = db.session.scalar(scope(select(Pupil), actor, Permission.PUPIL_VIEW, Pupil)
                              .where(Pupil.personal_code_index == index))
    return _rows([pupil], local_today())[0] if pupil is not None else None


def enrolment_schools(actor: Actor | None, *, closed_too: bool = False) -> list[Institution]:
    """Schools where the actor may enrol pupils: school staff their own, the coordinator the
    municipality's; by name, working schools only unless closed_too (to end old enrolments)."""
    query = scope(select(Institution), actor, Permission.PUPIL_CREATE, Institution)
    today = local_today()
    return [i for i in db.session.scalars(query.order_by(Institution.name))
            if closed_too or i.is_active_on(today)]


def filter_schools(actor: Actor | None) -> list[tuple[int, str]]:
    """Schools the list can be narrowed to: those in the actor's reach, when there is a choice."""
    query = scope(select(Institution.id, Institution.name), actor, Permission.PUPIL_CREATE, Institution)
    rows = [(i, name) for i, name in db.session.execute(query.order_by(Institution.name))]
    return rows if len(rows) > 1 else []


def municipality_choices() -> list[tuple[int, str]]:
    """Every municipality, by name (declared municipality is any of them)."""
    return [(i, name) for i, name in db.session.execute(
        select(Municipality.id, Municipality.name).order_by(Municipality.name))]


def load_pupil(pupil_id: int, **_url_args) -> Pupil | None:
    """Load a pupil with enrolments and schools for @requires (which then asks the policy)."""
    return db.session.scalar(select(Pupil).where(Pupil.id == pupil_id).options(
        selectinload(Pupil.enrolments).joinedload(Enrolment.school),
        joinedload(Pupil.declared_municipality)))


def personal_code_of(pupil: Pupil) -> str | None:
    """The decrypted personal code, or None when there is none or it cannot be decrypted."""
    try:
        return unseal(pupil, "personal_code")
    except DecryptionError:
        return None
