"""Big files go to the worker: the upload is kept as sealed 1 MB pieces in the database (never in the
clear at rest), the worker checks it with progress the page polls, then the pieces are deleted."""
from __future__ import annotations

import base64
import io
import logging
from datetime import timedelta
from types import SimpleNamespace
from typing import IO

from flask import current_app
from sqlalchemy import delete, select

from caseflow.audit import services as audit
from caseflow.crypto import seal, unseal
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.imports import services
from caseflow.imports.models import BatchStatus, ImportBatch, ImportProblem, ImportUploadChunk
from caseflow.imports.reading import size_of
from caseflow.people.models import User

log = logging.getLogger("caseflow.imports")
PIECE = 1 << 20
DEFAULT_SYNC_BYTES = 2 * 1024 * 1024


def sync_limit() -> int:
    """Files up to this size are checked at once; bigger ones go to the worker (IMPORT_SYNC_MAX_BYTES)."""
    return int(current_app.config.get("IMPORT_SYNC_MAX_BYTES", DEFAULT_SYNC_BYTES))


def enqueue(importer: services.Importer, stream: IO[bytes], *, file_name: str, kind: str | None) -> ImportBatch:
    """Keep the file sealed for the worker and queue its check (over-limit files are refused unread)."""
    batch = services.new_batch(importer, file_name=file_name, kind=kind, size=size_of(stream),
                               status=BatchStatus.QUEUED)
    if services.refuse_oversize(batch):
        return batch
    stream.seek(0)
    number = 0
    while piece := stream.read(PIECE):
        row = ImportUploadChunk(batch_id=batch.id, number=number, size=len(piece), data_enc=b"")
        db.session.add(row)
        db.session.flush()
        seal(row, "data", base64.b64encode(piece).decode("ascii"), scope=f"import:{batch.id}")
        number += 1
    batch.progress_total = batch.file_size
    db.session.flush()
    audit.record("import.queue", object_type="ImportBatch", object_id=batch.id,
                 detail={"kind": kind or "unknown", "size": batch.file_size})
    return batch


class SealedUpload(io.RawIOBase):
    """A queued upload read back piece by piece, seekable (for the encoding scan and XLSX)."""

    def __init__(self, batch_id: int):
        super().__init__()
        self.batch_id = batch_id
        rows = db.session.execute(select(ImportUploadChunk.number, ImportUploadChunk.size)
                                  .where(ImportUploadChunk.batch_id == batch_id)
                                  .order_by(ImportUploadChunk.number)).all()
        self.starts, self.size, start = [], 0, 0
        for _number, size in rows:
            self.starts.append(start)
            start += size
        self.size = start
        self.position = 0
        self._piece: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _load(self, number: int) -> bytes:
        if self._piece is None or self._piece[0] != number:
            row = db.session.scalar(select(ImportUploadChunk).where(
                ImportUploadChunk.batch_id == self.batch_id, ImportUploadChunk.number == number))
            self._piece = (number, base64.b64decode(unseal(row, "data")))
            db.session.expunge(row)
        return self._piece[1]

    def readinto(self, buffer) -> int:
        if self.position >= self.size:
            return 0
        number = max(i for i, start in enumerate(self.starts) if start <= self.position)
        piece = self._load(number)
        at = self.position - self.starts[number]
        data = piece[at:at + len(buffer)]
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


def _uploader(batch: ImportBatch):
    if batch.uploaded_by_id is None:
        return None
    user = db.session.get(User, batch.uploaded_by_id)
    return SimpleNamespace(id=user.id, username=user.username) if user else None


def run_next() -> bool:
    """Check the oldest queued upload (claimed with SKIP LOCKED); False when none waits."""
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.status == BatchStatus.QUEUED)
                              .order_by(ImportBatch.id).limit(1).with_for_update(skip_locked=True))
    if batch is None:
        return False
    batch_id = batch.id
    batch.status = BatchStatus.VALIDATING
    db.session.commit()
    try:
        _check(db.session.get(ImportBatch, batch_id))
    except Exception:  # noqa: BLE001 — the batch must never stay "validating"; the reason goes to the log
        db.session.rollback()
        log.exception("import batch %s failed", batch_id)
        _fail(db.session.get(ImportBatch, batch_id))
    return True


def _check(batch: ImportBatch) -> None:
    upload = io.BufferedReader(SealedUpload(batch.id), buffer_size=PIECE)

    def progress(position: int) -> None:
        batch.progress_done = position
        db.session.commit()  # staged rows and problems so far are committed with it: staging, not data

    def opened(sheet) -> None:
        batch.progress_total = max(sheet.total, 1)
        db.session.commit()

    services.check(batch, services.Importer.of_batch(batch), upload, kind=None if batch.kind == "unknown"
                   else batch.kind, progress=progress, on_open=opened, audit_user=_uploader(batch))
    batch.progress_done = batch.progress_total
    db.session.execute(delete(ImportUploadChunk).where(ImportUploadChunk.batch_id == batch.id))
    db.session.commit()


def _fail(batch: ImportBatch) -> None:
    services.drop_staging(batch)
    db.session.execute(delete(ImportUploadChunk).where(ImportUploadChunk.batch_id == batch.id))
    db.session.execute(delete(ImportProblem).where(ImportProblem.batch_id == batch.id))
    db.session.add(ImportProblem(batch_id=batch.id, row_number=None, column=None, code="check_failed", params={}))
    batch.status, batch.problems_total = BatchStatus.REJECTED, 1
    audit.record("import.validate", object_type="ImportBatch", object_id=batch.id, user=_uploader(batch),
                 detail={"kind": batch.kind, "status": "failed"})
    db.session.commit()


def run_queued(*, limit: int = 10) -> int:
    """Check queued uploads, one after another (the worker calls this); returns how many."""
    done = 0
    while done < limit and run_next():
        done += 1
    return done


#: a preview nobody confirmed or discarded is discarded after this long
STALE_AFTER = timedelta(days=2)


def purge_stale() -> int:
    """Discard previews left waiting longer than STALE_AFTER (their staged rows and sealed codes go)."""
    stale = list(db.session.scalars(select(ImportBatch).where(
        ImportBatch.status == BatchStatus.VALIDATED, ImportBatch.validated_at < utcnow() - STALE_AFTER)))
    for batch in stale:
        services.discard(batch)
    return len(stale)
