"""Reads for the data-protection officer's records pages: find a pupil, legal holds, retention runs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import false, select

from caseflow.access import Actor, Permission, can
from caseflow.crypto import blind_index
from caseflow.extensions import db
from caseflow.records.models import LegalHold, RetentionRun

#: the most rows a list page shows (the newest first)
LIST_LIMIT = 200


def find_pupil(actor: Actor | None, *, personal_code: str | None = None, pupil_id: int | None = None):
    """The pupil with this exact personal code (blind index) or id, or None. Officers see the whole
    installation's registry, as the audit pages do."""
    from caseflow.pupils.models import Pupil

    if not can(actor, Permission.SUBJECT_ACCESS):
        return None
    query = select(Pupil)
    if personal_code:
        query = query.where(Pupil.personal_code_index == blind_index(personal_code, purpose="personal_code"))
    elif pupil_id:
        query = query.where(Pupil.id == pupil_id)
    else:
        query = query.where(false())
    return db.session.scalar(query)


@dataclass(frozen=True)
class HoldRow:
    """A legal hold as the officer lists it: the case by number and place, never its content."""

    id: int
    case_number: str
    school: str
    case_status: str
    closed_on: date | None
    reason: str
    placed_by: str
    placed_at: datetime
    released_at: datetime | None


def legal_holds(actor: Actor | None) -> list[HoldRow]:
    """Holds in force first, then released ones, newest first."""
    from caseflow.cases.models import Case
    from caseflow.people.models import Institution, User

    if not can(actor, Permission.LEGAL_HOLD):
        return []
    rows = db.session.execute(
        select(LegalHold.id, Case.id, Institution.name, Case.status, Case.closed_on, LegalHold.reason,
               User.full_name, LegalHold.placed_at, LegalHold.released_at)
        .join(Case, Case.id == LegalHold.case_id).join(Institution, Institution.id == Case.school_id)
        .join(User, User.id == LegalHold.placed_by_id)
        .order_by(LegalHold.released_at.is_not(None), LegalHold.id.desc()).limit(LIST_LIMIT)).all()
    return [HoldRow(hold_id, f"L-{case_id:06d}", school, status, closed_on, reason, by, at, released)
            for hold_id, case_id, school, status, closed_on, reason, by, at, released in rows]


def hold(actor: Actor | None, hold_id: int) -> LegalHold | None:
    """One hold, for the officer."""
    return db.session.get(LegalHold, hold_id) if can(actor, Permission.LEGAL_HOLD) else None


def retention_runs(actor: Actor | None) -> list[RetentionRun]:
    """The latest retention runs, newest first."""
    if not can(actor, Permission.RETENTION_VIEW):
        return []
    return list(db.session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(LIST_LIMIT)))
