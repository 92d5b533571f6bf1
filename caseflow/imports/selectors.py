"""Reads of import batches: each batch is seen by the institution that brought it (a school's batches
by that school, the education board's by the board); an operator's batches by nobody in the browser."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from caseflow.access import Actor, Permission, can
from caseflow.access.permissions import SCHOOL_ROLES
from caseflow.extensions import db
from caseflow.imports.messages import message
from caseflow.imports.models import ImportBatch, ImportProblem
from caseflow.people.models import SCHOOL_KINDS, Institution


def batch_condition(actor: Actor):
    """SQL condition: the batches of the actor's institution."""
    return ImportBatch.institution_id == actor.institution_id


def load_batch(actor: Actor, batch_id: int) -> ImportBatch | None:
    """One batch the actor may see, or None (shown as 404)."""
    if not can(actor, Permission.IMPORT_RUN) or actor.institution_id is None:
        return None
    return db.session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id, batch_condition(actor)))


def recent_batches(actor: Actor, *, limit: int = 20) -> list[ImportBatch]:
    """The institution's latest batches, newest first."""
    if actor.institution_id is None:
        return []
    return list(db.session.scalars(select(ImportBatch).where(batch_condition(actor))
                                   .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(limit)))


@dataclass(frozen=True)
class ProblemRow:
    """A problem as the preview lists it."""

    row_number: int | None
    column: str | None
    text: str


@dataclass(frozen=True)
class ProblemPage:
    rows: list[ProblemRow]
    stored: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.stored else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset else None


def problems(batch: ImportBatch, *, offset: int = 0, limit: int = 100) -> ProblemPage:
    """A page of a batch's problems by row, file-level problems first, in the reader's language."""
    stored = db.session.scalar(select(func.count()).select_from(ImportProblem)
                               .where(ImportProblem.batch_id == batch.id)) or 0
    rows = db.session.scalars(
        select(ImportProblem).where(ImportProblem.batch_id == batch.id)
        .order_by(ImportProblem.row_number.is_not(None), ImportProblem.row_number, ImportProblem.id)
        .offset(max(offset, 0)).limit(limit))
    return ProblemPage([ProblemRow(p.row_number, p.column, message(p.code, p.params)) for p in rows],
                       stored, max(offset, 0), limit)


def importable_schools(actor: Actor) -> list[Institution]:
    """The schools whose data the actor may import."""
    query = select(Institution).where(Institution.kind.in_([str(k) for k in SCHOOL_KINDS]))
    if actor.role in SCHOOL_ROLES:
        query = query.where(Institution.id == actor.institution_id)
    else:
        query = query.where(Institution.municipality_id == actor.municipality_id)
    return list(db.session.scalars(query.order_by(Institution.name)))
