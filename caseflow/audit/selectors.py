"""Reads of the audit trail for the data-protection officer: search and "who saw this pupil"."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, false, func, select

from caseflow.access import Actor, Permission, can
from caseflow.audit.models import AuditEntry
from caseflow.crypto import blind_index
from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality


@dataclass(frozen=True)
class TrailFilters:
    """What the officer narrows the trail by; every field is optional."""

    username: str | None = None
    #: an action or the start of one, e.g. "pupil." or "auth.sign_in"
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    institution_id: int | None = None

    def used(self) -> dict:
        """The filters in use, as JSON-ready values (for the officer's own audit entry)."""
        values = {"username": self.username, "action": self.action,
                  "date_from": self.date_from.isoformat() if self.date_from else None,
                  "date_to": self.date_to.isoformat() if self.date_to else None,
                  "institution_id": self.institution_id}
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass(frozen=True)
class TrailRow:
    """One audit entry as the officer sees it."""

    seq: int
    at: datetime
    username: str | None
    role: str | None
    institution_name: str | None
    action: str
    object_type: str | None
    object_id: int | None
    ip: str | None


@dataclass
class TrailPage:
    """A page of entries, newest first, and the key of the next (older) page if there is one."""

    rows: list[TrailRow] = field(default_factory=list)
    next_before: int | None = None


@dataclass(frozen=True)
class PupilIdentity:
    """Just enough to recognise a pupil: never any other data about the child."""

    id: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _visible(query: Select, actor: Actor | None) -> Select:
    """The entries the actor may see: the whole trail for a data-protection officer."""
    # The role → permission table decides who reads the trail; there is no per-municipality
    # rule for audit entries in access/policy.py yet, so an officer sees the installation's trail.
    if not can(actor, Permission.AUDIT_VIEW):
        return query.where(false())
    return query


def _riga_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


def _base_query() -> Select:
    return (select(AuditEntry.seq, AuditEntry.at, AuditEntry.username, AuditEntry.role,
                   Institution.name.label("institution_name"), AuditEntry.action,
                   AuditEntry.object_type, AuditEntry.object_id, AuditEntry.ip)
            .outerjoin(Institution, Institution.id == AuditEntry.institution_id))


def _page(query: Select, *, before: int | None, limit: int) -> TrailPage:
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    rows = [TrailRow(**row._mapping) for row in
            db.session.execute(query.order_by(AuditEntry.seq.desc()).limit(limit + 1))]
    page = TrailPage(rows=rows[:limit])
    if len(rows) > limit:
        page.next_before = page.rows[-1].seq
    return page


def search_trail(actor: Actor | None, filters: TrailFilters, *, before: int | None = None,
                 limit: int = 50) -> TrailPage:
    """Entries matching the filters, newest first, keyed on seq (no OFFSET)."""
    query = _visible(_base_query(), actor)
    if filters.username:
        query = query.where(func.lower(AuditEntry.username).contains(filters.username.strip().lower(),
                                                                     autoescape=True))
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action.strip(), autoescape=True))
    if filters.date_from:
        query = query.where(AuditEntry.at >= _riga_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEntry.at < _riga_midnight(filters.date_to + timedelta(days=1)))
    if filters.institution_id:
        query = query.where(AuditEntry.institution_id == filters.institution_id)
    return _page(query, before=before, limit=limit)


def institution_choices(actor: Actor | None) -> list[tuple[int, str]]:
    """Institutions to filter by: "name (municipality)", ordered by municipality and name."""
    if not can(actor, Permission.AUDIT_VIEW):
        return []
    rows = db.session.execute(
        select(Institution.id, Institution.name, Municipality.name)
        .join(Municipality, Municipality.id == Institution.municipality_id)
        .order_by(Municipality.name, Institution.name)).all()
    return [(id_, f"{name} ({municipality})") for id_, name, municipality in rows]


def pupil_by_personal_code(actor: Actor | None, code: str) -> PupilIdentity | None:
    """The pupil whose personal code this is (exact match through the blind index), name only."""
    from caseflow.pupils.models import Pupil

    if not can(actor, Permission.AUDIT_VIEW):
        return None
    row = db.session.execute(
        select(Pupil.id, Pupil.first_name, Pupil.last_name)
        .where(Pupil.personal_code_index == blind_index(code, purpose="personal_code"))).first()
    return PupilIdentity(*row) if row else None


def pupil_identity(actor: Actor | None, pupil_id: int) -> PupilIdentity | None:
    """The name of a pupil the officer already found by personal code."""
    from caseflow.pupils.models import Pupil

    if not can(actor, Permission.AUDIT_VIEW):
        return None
    row = db.session.execute(select(Pupil.id, Pupil.first_name, Pupil.last_name)
                             .where(Pupil.id == pupil_id)).first()
    return PupilIdentity(*row) if row else None


def pupil_trail(actor: Actor | None, pupil_id: int, *, before: int | None = None,
                limit: int = 50) -> TrailPage:
    """Every entry about one pupil (reads, changes, refusals), newest first."""
    query = _visible(_base_query(), actor).where(AuditEntry.pupil_id == pupil_id)
    return _page(query, before=before, limit=limit)
