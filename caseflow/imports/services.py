"""Imports: validate a file into a preview (counts, problems, staged rows), then confirm it — all
rows in one transaction — or discard it. Services only flush; the caller commits."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, literal, select, update

from caseflow.access import Actor
from caseflow.access.permissions import SCHOOL_ROLES
from caseflow.audit import services as audit
from caseflow.crypto import shred
from caseflow.db import UTCDateTime, local_today, utcnow
from caseflow.extensions import db
from caseflow.imports import formats, values
from caseflow.imports.enrolling import write_enrolments
from caseflow.imports.models import (
    AbsenceRecord,
    AbsenceTotal,
    BatchStatus,
    GradeRecord,
    ImportBatch,
    ImportProblem,
    StagedAbsence,
    StagedEnrolment,
    StagedGrade,
    StagedTotal,
)
from caseflow.imports.reading import FileProblem, open_sheet, size_of
from caseflow.imports.validation import Context, validate
from caseflow.imports.validation.enrolments import EnrolmentChecker
from caseflow.imports.validation.kinds import AbsenceChecker, GradeChecker, TotalChecker
from caseflow.people.settings import get_setting

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
CHECKERS = {"absences": AbsenceChecker, "absence_totals": TotalChecker, "grades": GradeChecker,
            "enrolments": EnrolmentChecker}
STAGED = {"absences": StagedAbsence, "absence_totals": StagedTotal, "grades": StagedGrade,
          "enrolments": StagedEnrolment}


class ImportRefused(ValueError):
    """A batch cannot be confirmed (bad rows, already done, or the data moved since the preview)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Importer:
    """Who brings the file: a signed-in actor, or an operator on the command line."""

    municipality_id: int
    #: the school a school role imports for (None: the whole municipality)
    school_id: int | None
    institution_id: int | None = None
    user_id: int | None = None
    role: str | None = None
    channel: str = "browser"

    @classmethod
    def of_batch(cls, batch: ImportBatch) -> Importer:
        """The importer a queued batch was uploaded by."""
        school = batch.institution_id if batch.role in {str(r) for r in SCHOOL_ROLES} else None
        return cls(municipality_id=batch.municipality_id, school_id=school, institution_id=batch.institution_id,
                   user_id=batch.uploaded_by_id, role=batch.role, channel=batch.channel)

    @classmethod
    def of(cls, actor: Actor) -> Importer:
        school = actor.institution_id if actor.role in SCHOOL_ROLES else None
        return cls(municipality_id=actor.municipality_id, school_id=school, institution_id=actor.institution_id,
                   user_id=actor.user_id, role=str(actor.role))


def max_bytes() -> int:
    """The largest file accepted (config IMPORT_MAX_BYTES, 200 MB by default)."""
    return int(current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def megabytes(size: int) -> str:
    """A size in MB as a message shows it: "200", "1.5"."""
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _reject(batch: ImportBatch, problem: FileProblem) -> ImportBatch:
    db.session.add(ImportProblem(batch_id=batch.id, row_number=None, column=None, code=problem.code,
                                 params=problem.params))
    batch.status = BatchStatus.REJECTED
    batch.problems_total += 1
    return batch


def new_batch(importer: Importer, *, file_name: str, kind: str | None, size: int,
              status: BatchStatus = BatchStatus.VALIDATED) -> ImportBatch:
    """A batch for a file about to be checked (or queued for the worker)."""
    batch = ImportBatch(kind=kind or "unknown", municipality_id=importer.municipality_id,
                        institution_id=importer.institution_id, uploaded_by_id=importer.user_id,
                        role=importer.role, channel=importer.channel, file_name=(file_name or "—")[:255],
                        file_sha256="", file_size=size, status=status)
    db.session.add(batch)
    db.session.flush()
    return batch


def validate_file(importer: Importer, stream: IO[bytes], *, file_name: str, kind: str | None = None,
                  progress: Callable[[int], None] | None = None, on_open: Callable | None = None) -> ImportBatch:
    """Check every row of a file and stage what a confirmation would write (status: validated or rejected)."""
    batch = new_batch(importer, file_name=file_name, kind=kind, size=size_of(stream))
    return check(batch, importer, stream, kind=kind, progress=progress, on_open=on_open)


def refuse_oversize(batch: ImportBatch) -> bool:
    """Reject a batch whose file is over the limit (nothing of it is read); True if refused."""
    if batch.file_size <= max_bytes():
        return False
    _reject(batch, FileProblem("too_large", size=megabytes(batch.file_size), limit=megabytes(max_bytes())))
    batch.validated_at = utcnow()
    db.session.flush()
    audit.record("import.validate", object_type="ImportBatch", object_id=batch.id, detail=_summary(batch))
    return True


def check(batch: ImportBatch, importer: Importer, stream: IO[bytes], *, kind: str | None = None,
          progress: Callable[[int], None] | None = None, on_open: Callable | None = None,
          audit_user=None) -> ImportBatch:
    """Validate the batch's file into counts, problems and staged rows (see validate_file)."""
    if refuse_oversize(batch):
        return batch
    try:
        sheet = open_sheet(stream)
        batch.file_sha256, batch.encoding = sheet.sha256, sheet.encoding
        batch.kind = kind or formats.guess_kind(sheet.headers) or "unknown"
        if batch.kind not in formats.FORMATS:
            raise FileProblem("unknown_kind_of_file")
        ctx = Context(batch_id=batch.id, municipality_id=importer.municipality_id, school_id=importer.school_id,
                      today=local_today(),
                      marks=values.mark_mapping(get_setting(importer.municipality_id, "absence_mark_mapping")),
                      max_stored_problems=int(current_app.config.get("IMPORT_MAX_PROBLEMS", 1000)))
        if batch.kind in ("absences", "absence_totals", "grades") and not ctx.has_semesters:
            raise FileProblem("no_semesters")
        if on_open is not None:
            on_open(sheet)
        validate(sheet, formats.FORMATS[batch.kind], ctx, CHECKERS[batch.kind], progress)
    except FileProblem as problem:
        drop_staging(batch)
        _reject(batch, problem)
    else:
        counts = ctx.counts
        batch.rows_total, batch.rows_bad, batch.problems_total = counts.total, counts.bad, counts.problems
        batch.rows_new, batch.rows_unchanged, batch.rows_changed = counts.new, counts.unchanged, counts.changed
        batch.status = BatchStatus.VALIDATED
        if counts.bad or counts.problems:
            batch.status = BatchStatus.REJECTED
            drop_staging(batch)
    batch.validated_at = utcnow()
    db.session.flush()
    audit.record("import.validate", object_type="ImportBatch", object_id=batch.id, detail=_summary(batch),
                 user=audit_user)
    return batch


def _summary(batch: ImportBatch) -> dict:
    """What the audit trail keeps of a batch: kind, file hash and counts (no file name, no rows)."""
    return {"kind": batch.kind, "sha256": batch.file_sha256, "size": batch.file_size, "status": batch.status,
            "channel": batch.channel, "rows": batch.rows_total, "bad": batch.rows_bad, "new": batch.rows_new,
            "unchanged": batch.rows_unchanged, "changed": batch.rows_changed, "written": batch.rows_written}


def drop_staging(batch: ImportBatch) -> None:
    """Remove a batch's staged rows and destroy the key of any personal code staged with them."""
    if batch.kind in STAGED:
        db.session.execute(delete(STAGED[batch.kind]).where(STAGED[batch.kind].batch_id == batch.id))
    shred(f"import:{batch.id}")


def discard(batch: ImportBatch) -> None:
    """Abandon a preview: nothing of it will be written."""
    if batch.status != BatchStatus.VALIDATED:
        raise ImportRefused(_l("This import is no longer waiting for confirmation."))
    drop_staging(batch)
    batch.status = BatchStatus.DISCARDED
    db.session.flush()
    audit.record("import.discard", object_type="ImportBatch", object_id=batch.id, detail=_summary(batch))


def confirm(batch: ImportBatch) -> ImportBatch:
    """Write every staged row of a clean preview in this transaction, or refuse and write nothing."""
    claimed = db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id, ImportBatch.status == BatchStatus.VALIDATED,
                                  ImportBatch.rows_bad == 0, ImportBatch.problems_total == 0)
        .values(status=BatchStatus.IMPORTING).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ImportRefused(_l("This import cannot be confirmed: it has problems or was already confirmed "
                               "or discarded."))
    db.session.refresh(batch)
    if _raced(batch):
        drop_staging(batch)
        batch.status = BatchStatus.REJECTED
        db.session.flush()
        raise ImportRefused(_l("Some of these rows were imported by another file since the preview. "
                               "Upload the file again to see a fresh preview."))
    if _staged_rows(batch) != batch.rows_new + batch.rows_changed:
        # unlogged staging tables are emptied by a database restart (see models/staging.py)
        batch.status = BatchStatus.REJECTED
        db.session.flush()
        raise ImportRefused(_l("The checked rows of this preview are no longer kept (the database was "
                               "restarted). Upload the file again to see a fresh preview."))
    now = utcnow()
    _WRITERS[batch.kind](batch, now)
    drop_staging(batch)
    # the staging rows are exactly the preview's new and changed rows (a unique index refuses any clash)
    written = batch.rows_new + batch.rows_changed
    batch.status, batch.imported_at, batch.rows_written = BatchStatus.IMPORTED, now, written
    db.session.flush()
    audit.record("import.confirm", object_type="ImportBatch", object_id=batch.id, detail=_summary(batch))
    return batch


def _staged_rows(batch: ImportBatch) -> int:
    """How many rows the batch's preview staged."""
    staged = STAGED[batch.kind]
    return db.session.scalar(select(func.count()).select_from(staged).where(staged.batch_id == batch.id))


def _raced(batch: ImportBatch) -> bool:
    """True when a row staged as new is now held (another batch wrote it after the preview)."""
    staged = STAGED[batch.kind]
    if batch.kind == "absences":
        held = exists().where(AbsenceRecord.municipality_id == staged.municipality_id,
                              AbsenceRecord.source == staged.source,
                              AbsenceRecord.source_record_id == staged.source_record_id)
    elif batch.kind == "absence_totals":
        held = exists().where(AbsenceTotal.pupil_id == staged.pupil_id, AbsenceTotal.school_id == staged.school_id,
                              AbsenceTotal.semester_id == staged.semester_id)
    elif batch.kind == "grades":
        held = exists().where(GradeRecord.pupil_id == staged.pupil_id, GradeRecord.school_id == staged.school_id,
                              GradeRecord.school_year == staged.school_year, GradeRecord.period == staged.period,
                              GradeRecord.subject_key == staged.subject_key)
    else:
        return False
    return bool(db.session.scalar(select(func.count()).select_from(staged).where(
        staged.batch_id == batch.id, staged.outcome == "new", held)))


def _copy_new(batch: ImportBatch, target, staged, columns: tuple[str, ...], stamp: str, now,
              order: tuple[str, ...] = ()) -> None:
    """INSERT … SELECT the batch's new staged rows into the target table (one statement; in the order of
    the target's index, which then grows at its end instead of all over)."""
    source = select(*(getattr(staged, c) for c in columns), literal(batch.id), literal(now, UTCDateTime)).where(
        staged.batch_id == batch.id, staged.outcome == "new").order_by(*(getattr(staged, c) for c in order))
    db.session.execute(target.__table__.insert().from_select([*columns, "batch_id", stamp], source))


def _replace_changed(batch: ImportBatch, target, staged, columns: tuple[str, ...], now) -> None:
    """UPDATE the rows the batch's changed staged rows replace (one statement)."""
    mine = (staged.batch_id == batch.id, staged.outcome == "changed")
    new_values = {c: select(getattr(staged, c)).where(staged.target_id == target.id, *mine).scalar_subquery()
                  for c in columns}
    db.session.execute(
        update(target).where(target.id.in_(select(staged.target_id).where(*mine)))
        .values(**new_values, batch_id=batch.id, updated_at=now)
        .execution_options(synchronize_session=False))


def _write_absences(batch: ImportBatch, now) -> None:
    _copy_new(batch, AbsenceRecord, StagedAbsence, (
        "municipality_id", "pupil_id", "school_id", "semester_id", "class_name", "day", "lesson", "kind",
        "source", "source_record_id"), "created_at", now, order=("pupil_id", "day"))


def _write_totals(batch: ImportBatch, now) -> None:
    numbers = ("lessons_total", "unexcused", "excused")
    _copy_new(batch, AbsenceTotal, StagedTotal, ("municipality_id", "pupil_id", "school_id", "semester_id",
                                                 *numbers), "updated_at", now)
    _replace_changed(batch, AbsenceTotal, StagedTotal, numbers, now)


def _write_grades(batch: ImportBatch, now) -> None:
    grade = ("subject", "mark", "value", "failing")
    _copy_new(batch, GradeRecord, StagedGrade, ("municipality_id", "pupil_id", "school_id", "school_year", "period",
                                               "semester_id", "subject_key", *grade), "updated_at", now)
    _replace_changed(batch, GradeRecord, StagedGrade, grade, now)


_WRITERS = {"absences": _write_absences, "absence_totals": _write_totals, "grades": _write_grades,
            "enrolments": write_enrolments}

