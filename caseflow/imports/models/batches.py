"""An import batch (one file, validated, previewed, then confirmed) and the problems found in it."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db


class BatchStatus(StrEnum):
    """Where a batch stands."""

    #: a big file waiting for the worker to check it
    QUEUED = "queued"
    #: the worker is checking it (progress_done of progress_total)
    VALIDATING = "validating"
    #: validated, waiting for confirmation (the preview)
    VALIDATED = "validated"
    #: refused as a whole (empty, unreadable, wrong columns …) or it had bad rows
    REJECTED = "rejected"
    #: being written (a conditional UPDATE moves a batch here once)
    IMPORTING = "importing"
    IMPORTED = "imported"
    #: the preview was abandoned; its staging rows are gone
    DISCARDED = "discarded"


class ImportBatch(db.Model):
    """One file brought into caseflow: who, what kind, its SHA-256 and what the preview counted."""

    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_institution_created", "institution_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: absences | absence_totals | grades | enrolments (formats.KINDS)
    kind: Mapped[str] = mapped_column(String(20))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    #: the uploader's institution (None when an operator ran `flask imports run`)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the role the uploader acted in (decides which schools' rows are allowed)
    role: Mapped[str | None] = mapped_column(String(40))
    #: "browser" or "cli"
    channel: Mapped[str] = mapped_column(String(10), default="browser")
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer)
    #: "utf-8", "utf-8-sig", "cp1257" or "xlsx"
    encoding: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=BatchStatus.VALIDATED)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_bad: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_changed: Mapped[int] = mapped_column(Integer, default=0)
    #: problems found (more than are stored when the cap was reached)
    problems_total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: rows actually written at confirmation
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    #: how far the worker has read the file (bytes for CSV, rows for XLSX) of progress_total
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def in_progress(self) -> bool:
        """True while the worker has yet to finish checking the file."""
        return self.status in (BatchStatus.QUEUED, BatchStatus.VALIDATING)

    @property
    def percent(self) -> int:
        """How far the check has come, 0–100."""
        if self.status == BatchStatus.QUEUED or not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def rows_fine(self) -> int:
        """Rows without a problem (new, unchanged or changed)."""
        return self.rows_new + self.rows_unchanged + self.rows_changed

    @property
    def can_confirm(self) -> bool:
        """True while the preview waits and has no bad row."""
        return self.status == BatchStatus.VALIDATED and self.rows_bad == 0 and self.problems_total == 0


class ImportProblem(db.Model):
    """One problem of a batch: row (as the spreadsheet numbers it), column and a coded reason (messages.py)."""

    __tablename__ = "import_problems"
    __table_args__ = (Index("ix_import_problems_batch_row", "batch_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    #: None for a problem of the whole file
    row_number: Mapped[int | None] = mapped_column(Integer)
    #: the column as the file names it (or caseflow's name when it is missing)
    column: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)


class ImportUploadChunk(db.Model):
    """A 1 MB piece of a big upload waiting for the worker, sealed under the batch's key "import:<id>"."""

    __tablename__ = "import_upload_chunks"
    __table_args__ = (Index("ix_import_upload_chunks_batch_number", "batch_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    #: plaintext length in bytes
    size: Mapped[int] = mapped_column(Integer)
    data_enc: Mapped[bytes] = mapped_column(LargeBinary)
