"""Production mode with several processes on one PostgreSQL and one Redis: two gunicorn processes
share sessions and the sign-in throttle, two workers deliver each outbox message once, the daily
jobs run once and the sign-in rate limit is counted across processes."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest
import redis
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from caseflow.config import PROJECT_ROOT
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.notify.models import JobLease, OutboxMessage
from caseflow.records.models import RetentionRun
from tests.factories import totp_code
from tests.production.multiprocess import SIGN_IN_LIMIT
from tests.production.stack import REDIS_URL, Browser, flask_command, wait_until

# one xdist worker runs the whole module, so its processes start once (make test: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("processes")


THROTTLED = "Too many failed attempts. Wait 15 minutes and try again, or reset your password."
WRONG = "The user name, password or one-time code is not correct."


def _latvian(app, message: str) -> str:
    with app.test_request_context("/"), force_locale("lv"):
        return _(message)


def _riga_today(app):
    with app.app_context():
        return local_today()


def _sign_in(browser: Browser, port: int, user, *, password: str | None = None, code: str | None = None):
    form = browser.get(port, "/sign-in")
    assert form.status == 200, form.text[:500]
    return browser.post(port, "/sign-in", {
        "csrf_token": form.csrf_token(), "username": user.username,
        "password": user.password if password is None else password,
        "code": totp_code(user.totp_secret) if code is None else code})


def test_a_session_started_on_one_process_is_served_and_ended_on_the_other(production, web):
    walker = production.world.walker
    browser = Browser("10.20.0.1")
    signed_in = _sign_in(browser, web.a, walker)
    assert signed_in.status == 302 and signed_in.location == "/", web.logs()
    account = browser.get(web.b, "/account")
    assert account.status == 200, web.logs()
    assert walker.username in account.text
    session_cookie = dict(browser.cookies)

    signed_out = browser.post(web.b, "/sign-out", {"csrf_token": account.csrf_token()})
    assert signed_out.status == 302 and signed_out.location.startswith("/sign-in")
    replayed = Browser("10.20.0.1")
    replayed.cookies.update(session_cookie)  # the cookie as it was before signing out
    refused = replayed.get(web.a, "/account")
    assert refused.status == 302 and refused.location.startswith("/sign-in")
    assert browser.get(web.a, "/account").status == 302


def test_failed_sign_ins_on_both_processes_count_towards_one_throttle(production, web):
    target = production.world.target
    browser = Browser("10.20.0.2")
    for port in (web.a, web.b, web.a, web.b, web.a):  # five failures, neither process saw five
        failed = _sign_in(browser, port, target, password="not the password at all", code="000000")
        assert failed.status == 200
        assert failed.sign_in_error() == _latvian(production.app, WRONG)
    for port in (web.b, web.a):  # the right password and code are refused on either process
        refused = _sign_in(browser, port, target)
        assert refused.status == 200, web.logs()
        assert refused.sign_in_error() == _latvian(production.app, THROTTLED)
    assert browser.get(web.b, "/account").status == 302


def test_two_workers_deliver_each_outbox_message_exactly_once(production, workers):
    app, sink = production.app, workers.sink

    def all_sent() -> bool:
        with app.app_context():
            waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.sent_at.is_(None)))
            db.session.rollback()
        return waiting == 0 and workers.subjects <= {m["Subject"] for m in sink.messages}

    wait_until(all_sent, seconds=40, what="the workers to deliver the outbox", logs=workers.logs)
    received = Counter(m["Subject"] for m in sink.messages if m["Subject"] in workers.subjects)
    assert received == Counter(workers.subjects), workers.logs()
    message_ids = [m["Message-ID"] for m in sink.messages]
    assert len(message_ids) == len(set(message_ids))
    # both workers took part, each claiming rows the other had locked past
    senders = Counter(m["From"].split(" <")[0] for m in sink.messages if m["Subject"] in workers.subjects)
    assert set(senders) == {"worker-a", "worker-b"}, senders
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert all(r.sent_at is not None and r.attempts == 1 and r.last_error is None for r in rows)
        db.session.rollback()


def test_the_daily_jobs_run_once_however_many_workers_run(production, workers):
    """Two workers started together, then two more single cycles at once: one daily run, by one worker."""
    app, today = production.app, _riga_today(production.app)

    def daily_leases() -> list[JobLease]:
        with app.app_context():
            rows = db.session.scalars(select(JobLease).where(JobLease.job == "daily")).all()
            db.session.expunge_all()
            db.session.rollback()
        return rows

    wait_until(daily_leases, seconds=40, what="a worker to claim the daily jobs", logs=workers.logs)
    extra = [subprocess.Popen(flask_command("worker", "--once"), cwd=PROJECT_ROOT, env=production.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [process.communicate(timeout=60)[0].decode(errors="replace") for process in extra]
    assert [process.returncode for process in extra] == [0, 0], "\n".join(outputs)
    leases = daily_leases()
    assert [lease.period for lease in leases] == [today.isoformat()]
    started_pids = {str(process.popen.pid) for process in workers.processes}
    assert leases[0].holder.rsplit(":", 1)[1] in started_pids, leases[0].holder
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 1, workers.logs()
        db.session.rollback()


def test_the_sign_in_rate_limit_is_counted_across_processes(production, web):
    """Sign-in forms from one address spread over both processes reach the one limit in Redis."""
    browser = Browser("10.20.0.3")
    token = browser.get(web.a, "/sign-in").csrf_token()
    form = {"csrf_token": token, "username": "nobody@example.lv", "password": "not a password", "code": ""}
    answered = [browser.post(port, "/sign-in", form).status for port in (web.a, web.b) * (SIGN_IN_LIMIT // 2)]
    assert answered == [200] * SIGN_IN_LIMIT, web.logs()
    for port in (web.a, web.b):
        refused = browser.post(port, "/sign-in", form)
        assert refused.status == 429 and _latvian(production.app, "Too many requests") in refused.text
    # another address keeps its own budget
    elsewhere = Browser("10.20.0.4")
    form["csrf_token"] = elsewhere.get(web.b, "/sign-in").csrf_token()
    assert elsewhere.post(web.a, "/sign-in", form).status == 200
    stored = redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*caseflow-test-{production.run_id}*")
    assert next(stored, None) is not None, "no rate-limit counters in Redis under this run's prefix"
