"""The delivery worker: claims due messages (SKIP LOCKED), sends, retries with back-off."""
from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.notify import leases
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


#: how often a worker offers to run the periodic jobs; the leases decide who runs them
PERIODIC_CHECK_SECONDS = 60


def run_periodic() -> None:
    """Housekeeping jobs the worker runs between deliveries: every five minutes and once a Riga day,
    each by one worker only (whichever claims the period first)."""
    slot = leases.five_minute_slot(utcnow())
    if _claimed("every-5-minutes", slot):
        _run_released_on_failure("every-5-minutes", slot, _five_minute_jobs)
    today = local_today()
    if _claimed("daily", today.isoformat()):
        _run_released_on_failure("daily", today.isoformat(), lambda: _daily_jobs(today))


def _claimed(job: str, period: str) -> bool:
    won = leases.claim(job, period)
    if not won:
        log.debug("periodic job %s for %s already claimed by another worker", job, period)
    return won


def _run_released_on_failure(job: str, period: str, work) -> None:
    """Run a claimed job; if it fails, give the claim back so a later cycle tries again."""
    try:
        work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        leases.release(job, period)
        raise


def _five_minute_jobs() -> None:
    from caseflow.actions.reminders import send_reminders
    from caseflow.emergency.alerts import detect_unusual_access
    from caseflow.inforequests.reminders import send_info_request_reminders
    from caseflow.people.auth.throttle import purge_old
    from caseflow.warning.services.schedule import recompute_due

    purge_old()
    send_reminders()
    send_info_request_reminders()
    detect_unusual_access()
    db.session.commit()
    recompute_due()


def _daily_jobs(today) -> None:
    from caseflow.imports.jobs import purge_stale
    from caseflow.monitoring.computing import recompute_all
    from caseflow.records.services.retention import run_retention

    purge_stale()
    run_retention()
    leases.purge_old()
    db.session.commit()
    recompute_all(today=today)


def run_forever(*, once: bool = False) -> None:
    """Deliver mail, check queued imports and run periodic jobs until stopped."""
    from caseflow.imports.jobs import run_queued

    poll = float(current_app.config["WORKER_POLL_SECONDS"])
    last_periodic: float | None = None  # the first cycle offers the periodic jobs at once
    while True:
        try:
            deliver_due()
            run_queued(limit=1)  # one queued import per cycle, so mail is not held up
            if last_periodic is None or time.monotonic() - last_periodic > PERIODIC_CHECK_SECONDS:
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
