"""What the worker recomputes: a municipality after a new import, and every municipality once a day."""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.imports.models import BatchStatus, ImportBatch
from caseflow.people.models import Municipality
from caseflow.warning.models import WarningRun
from caseflow.warning.services.compute import compute_signals


def due_municipalities() -> list[int]:
    """Municipalities whose signals are older than their latest import, or not yet computed today."""
    last_run = dict(db.session.execute(select(WarningRun.municipality_id, func.max(WarningRun.computed_at))
                                       .group_by(WarningRun.municipality_id)).all())
    last_day = dict(db.session.execute(select(WarningRun.municipality_id, func.max(WarningRun.as_of))
                                       .group_by(WarningRun.municipality_id)).all())
    last_import = dict(db.session.execute(
        select(ImportBatch.municipality_id, func.max(ImportBatch.imported_at))
        .where(ImportBatch.status == BatchStatus.IMPORTED).group_by(ImportBatch.municipality_id)).all())
    today = local_today()
    due = []
    for municipality_id in db.session.scalars(select(Municipality.id).order_by(Municipality.id)):
        ran = last_run.get(municipality_id)
        imported = last_import.get(municipality_id)
        if ran is None or last_day.get(municipality_id) != today or (imported is not None and imported > ran):
            due.append(municipality_id)
    return due


def recompute_due() -> int:
    """Recompute every municipality that is due, each in its own commit; how many were."""
    due = due_municipalities()
    for municipality_id in due:
        compute_signals(municipality_id)
        db.session.commit()
    return len(due)
