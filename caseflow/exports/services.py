"""The audit trail of an export, in the request's transaction: one entry naming what was exported,
and one entry per object about a child, filed under that pupil ("who saw this pupil" finds it)."""
from __future__ import annotations

from caseflow.audit import services as audit
from caseflow.exports.tables import Included


def record_export(*, kind: str, fmt: str, included: list[Included], detail: dict | None = None,
                  object_type: str | None = None, object_id: int | None = None,
                  pupil_id: int | None = None) -> None:
    """Audit an export: `export.<kind>` with what it held, and `export.<kind>.row` per child's object."""
    action = f"export.{kind}"
    audit.record(action, object_type=object_type, object_id=object_id, pupil_id=pupil_id,
                 detail={"format": fmt, "rows": len(included), **(detail or {})})
    for row in included:
        if row.pupil_id is not None:
            audit.record(f"{action}.row", object_type=row.object_type, object_id=row.object_id,
                         pupil_id=row.pupil_id, detail={"format": fmt})
