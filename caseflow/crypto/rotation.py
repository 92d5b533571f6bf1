"""Re-wrap every data key under the newest master key, in batches that commit one by one."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from caseflow.crypto.envelope import unwrap, wrap
from caseflow.crypto.keyring import keyring
from caseflow.crypto.models import DataKey
from caseflow.extensions import db


def pending_count() -> int:
    """How many live data keys are still wrapped by an older master key."""
    active = keyring().active_version
    return db.session.scalar(
        select(func.count()).select_from(DataKey)
        .where(DataKey.master_version != active, DataKey.wrapped.is_not(None))
    )


def rotate(*, batch_size: int = 500, on_batch: Callable[[int], None] | None = None) -> int:
    """Re-wrap data keys batch by batch; safe to interrupt and run again. Returns keys done."""
    active = keyring().active_version
    done = 0
    while True:
        batch = db.session.scalars(
            select(DataKey)
            .where(DataKey.master_version != active, DataKey.wrapped.is_not(None))
            .order_by(DataKey.id).limit(batch_size).with_for_update(skip_locked=True)
        ).all()
        if not batch:
            return done
        for key in batch:
            raw = unwrap(key)
            key.wrapped = wrap(raw, scope=key.scope, version=active)
            key.master_version = active
        db.session.commit()
        done += len(batch)
        if on_batch:
            on_batch(len(batch))
