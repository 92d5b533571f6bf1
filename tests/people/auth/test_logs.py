"""Logs and the audit trail of sign-in and reset never hold a password, a one-time code or a link token."""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from caseflow.notify.worker import deliver_due
from tests.factories import Factory, totp_code
from tests.notify.smtp import text_of
from tests.people.auth.helpers import sign_in

SECRET_PASSWORD = "Zilonis-Ar-Lietussargu-71"
NEW_PASSWORD = "amber meadow behind lighthouse"
_LINK = re.compile(r"https?://\S+/password/set/([A-Za-z0-9_-]+)")


def _audit_text(app) -> str:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        return "\n".join(f"{r.action} {r.username} {r.detail}" for r in rows)


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def _capture_everything(caplog) -> None:
    """Every log record, SQL statements with their bound parameters included: the plain secrets
    must not even reach the database."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")


def test_sign_in_failures_leave_no_secret_in_logs(frozen, app, factory, caplog):
    _capture_everything(caplog)
    user = factory.user("teacher")
    client = app.test_client()
    code = totp_code(user.totp_secret)
    sign_in(client, user.username, SECRET_PASSWORD, code)
    sign_in(client, user.username, user.password, _wrong(code))
    sign_in(client, "nobody@example.lv", SECRET_PASSWORD, code)
    for _ in range(4):
        sign_in(client, user.username, SECRET_PASSWORD, code)  # up to and past the throttle
    assert sign_in(app.test_client(), user.username, user.password, code,
                   address="10.9.9.9").status_code == 302
    logged, audited = caplog.text, _audit_text(app)
    assert "INSERT INTO sign_in_failures" in logged  # the capture works
    assert "auth.sign_in_failed" in audited and "auth.sign_in_throttled" in audited
    for secret in (SECRET_PASSWORD, user.password, code, _wrong(code), user.totp_secret):
        assert secret not in logged
        assert secret not in audited


def test_password_reset_leaves_no_secret_in_logs(frozen, app_factory, smtp, caplog):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    user = Factory(app).user("teacher")
    client = app.test_client()
    _capture_everything(caplog)
    client.post("/password/forgot", data={"email": user.email})
    with app.app_context():
        deliver_due()
    link = _LINK.search(text_of(smtp.messages[0]))
    token, path = link.group(1), urlsplit(link.group(0)).path
    code = totp_code(user.totp_secret)
    data = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    client.post(path, data={**data, "code": _wrong(code)})
    assert client.post(path, data={**data, "code": code}).status_code == 302
    # the SMTP server's own log (aiosmtpd, "mail.log") shows the mail it received: that is the
    # receiving side, not caseflow
    records = [r for r in caplog.records if not r.name.startswith("mail")]
    logged = "\n".join(r.getMessage() for r in records)
    # SQL parameters (only with SQL logging switched on) include the outbox row, whose body is
    # the e-mail with the link: by design, until it is sent. Every other log line is free of it.
    app_logged = "\n".join(r.getMessage() for r in records if not r.name.startswith("sqlalchemy"))
    audited = _audit_text(app)
    assert "INSERT INTO outbox" in logged  # the capture works
    assert "auth.password_link_reset" in audited and "auth.password_set_reset" in audited
    for secret in (NEW_PASSWORD, code, _wrong(code), user.password):
        assert secret not in logged
        assert secret not in audited
    assert token not in app_logged
    assert token not in audited
