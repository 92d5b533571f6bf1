"""The delivery worker: claims due messages (SKIP LOCKED), sends, retries with back-off."""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.notify.transport import send

log = logging.getLogger("caseflow.worker")


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def deliver_due(*, limit: int = 50) -> tuple[int, int]:
    """Send every due message once; returns (sent, failed attempts)."""
    sent = failed = 0
    max_attempts = int(current_app.config["OUTBOX_MAX_ATTEMPTS"])
    while sent + failed < limit:
        message = db.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
                   OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True))
        if message is None:
            break
        message.attempts += 1
        try:
            send(message)
        except Exception as exc:  # noqa: BLE001 — any transport failure means "retry later"
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.next_attempt_at = utcnow() + _backoff(message.attempts)
            if message.attempts >= max_attempts:
                message.failed_at = utcnow()
            log.warning("outbox message %s not delivered (attempt %s): %s",
                        message.id, message.attempts, type(exc).__name__)
        else:
            sent += 1
            message.sent_at = utcnow()
            # A sent body may hold a single-use link: keep only the envelope.
            message.body = ""
            message.ics = None
        db.session.commit()
    return sent, failed


#: the last Riga day the daily jobs ran in this process (they are idempotent: a second process is harmless)
_daily_done_on = None


def run_periodic() -> None:
    """Housekeeping jobs the worker runs between deliveries; retention once a day."""
    global _daily_done_on
    from caseflow.actions.reminders import send_reminders
    from caseflow.emergency.alerts import detect_unusual_access
    from caseflow.imports.jobs import purge_stale
    from caseflow.inforequests.reminders import send_info_request_reminders
    from caseflow.monitoring.computing import recompute_all
    from caseflow.people.auth.throttle import purge_old
    from caseflow.records.services.retention import run_retention
    from caseflow.warning.services.schedule import recompute_due

    purge_old()
    send_reminders()
    send_info_request_reminders()
    detect_unusual_access()
    db.session.commit()
    recompute_due()
    if _daily_done_on != local_today():
        purge_stale()
        run_retention()
        db.session.commit()
        recompute_all(today=local_today())
        _daily_done_on = local_today()


def run_forever(*, once: bool = False) -> None:
    """Deliver mail, check queued imports and run periodic jobs until stopped."""
    from caseflow.imports.jobs import run_queued

    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    last_periodic = 0.0
    while True:
        try:
            deliver_due()
            run_queued(limit=1)  # one queued import per cycle, so mail is not held up
            if time.monotonic() - last_periodic > 300:
                run_periodic()
                last_periodic = time.monotonic()
        except Exception:  # noqa: BLE001 — keep the worker alive, log and retry
            db.session.rollback()
            log.exception("worker cycle failed")
        finally:
            db.session.remove()
        if once:
            return
        time.sleep(poll)
