"""Periodic jobs run once across every worker: the first worker to claim a period runs it, the others
skip it; a job that fails gives its claim back; old claims are purged by the daily job."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.notify import leases, worker
from caseflow.notify.models import JobLease

#: 23:58 in Riga on 4 March 2031 (21:58 UTC)
LATE_EVENING = datetime(2031, 3, 4, 21, 58, 0, tzinfo=UTC)


@pytest.fixture
def counted(monkeypatch):
    """Count the real runs of the five-minute and the daily jobs (each still does its work, slowly
    enough that two workers running it would overlap)."""
    runs = {"five": 0, "daily": 0}
    lock = threading.Lock()

    def counting(name, job):
        def run(*args, **kwargs):
            with lock:
                runs[name] += 1
            time.sleep(0.2)
            return job(*args, **kwargs)
        return run

    monkeypatch.setattr(worker, "_five_minute_jobs", counting("five", worker._five_minute_jobs))
    monkeypatch.setattr(worker, "_daily_jobs", counting("daily", worker._daily_jobs))
    return runs


def _leases(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.job, r.period) for r in db.session.scalars(select(JobLease).order_by(JobLease.job))]


def _run_together(apps) -> list[BaseException]:
    """Call run_periodic in every app at the same moment, each in its own thread like a worker."""
    start, problems = threading.Barrier(len(apps)), []

    def work(app):
        try:
            with app.app_context():
                start.wait()
                worker.run_periodic()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            problems.append(exc)

    threads = [threading.Thread(target=work, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return problems


def test_two_workers_at_the_same_moment_run_each_job_once(app_factory, counted):
    workers = [app_factory(), app_factory()]
    with time_machine.travel(LATE_EVENING, tick=False):
        assert _run_together(workers) == []
    assert counted == {"five": 1, "daily": 1}
    assert _leases(workers[0]) == [("daily", "2031-03-04"), ("every-5-minutes", "2031-03-04T21:55")]


def test_the_next_slot_and_the_next_riga_day_run_again(app_factory, counted):
    workers = [app_factory(), app_factory()]
    with time_machine.travel(LATE_EVENING, tick=False) as clock:
        assert _run_together(workers) == []
        clock.shift(60)  # 23:59 in Riga, the same slot and day: nothing to do
        assert _run_together(workers) == []
        assert counted == {"five": 1, "daily": 1}
        clock.shift(120)  # 00:01 in Riga: a new slot and a new day
        assert _run_together(workers) == []
    assert counted == {"five": 2, "daily": 2}
    assert ("daily", "2031-03-05") in _leases(workers[0])


def test_a_failed_daily_job_gives_its_claim_back(app, monkeypatch):
    calls = []

    def failing(today):
        calls.append(today)
        raise RuntimeError("the retention run broke")

    monkeypatch.setattr(worker, "_daily_jobs", failing)
    with time_machine.travel(LATE_EVENING, tick=False), app.app_context():
        with pytest.raises(RuntimeError):
            worker.run_periodic()
        assert _leases(app) == [("every-5-minutes", "2031-03-04T21:55")]
        monkeypatch.setattr(worker, "_daily_jobs", lambda today: calls.append(today))
        worker.run_periodic()  # the same slot: only the daily job is tried again
    assert len(calls) == 2
    assert _leases(app) == [("daily", "2031-03-04"), ("every-5-minutes", "2031-03-04T21:55")]


def test_claims_older_than_a_week_are_purged_by_the_daily_job(app):
    with time_machine.travel(LATE_EVENING - timedelta(days=8), tick=False), app.app_context():
        assert leases.claim("every-5-minutes", "2031-02-24T21:55")
    with time_machine.travel(LATE_EVENING, tick=False), app.app_context():
        worker.run_periodic()
    assert ("every-5-minutes", "2031-02-24T21:55") not in _leases(app)
    assert ("daily", "2031-03-04") in _leases(app)


def test_a_claim_is_won_once(app):
    with app.app_context():
        assert leases.claim("daily", "2031-03-04") is True
        assert leases.claim("daily", "2031-03-04") is False
        assert leases.claim("daily", "2031-03-05") is True
    assert leases.five_minute_slot(datetime(2031, 3, 4, 9, 14, 59, tzinfo=UTC)) == "2031-03-04T09:10"
    assert leases.five_minute_slot(datetime(2031, 3, 4, 9, 15, 0, tzinfo=UTC)) == "2031-03-04T09:15"
