"""The outbox worker over real SMTP: retries while the server is down, delivers each message once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from caseflow.access import public
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.notify.services import queue_email
from caseflow.notify.transport import build
from caseflow.notify.worker import deliver_due
from tests.notify.smtp import free_port, smtp_server, text_of

T0 = datetime(2031, 3, 4, 8, 0, 0, tzinfo=UTC)


def _queue(app, count: int = 1, **overrides) -> list[int]:
    """Queue and commit `count` messages to person0@…, person1@… ; returns their ids."""
    with app.app_context():
        messages = [queue_email(**{"to": f"person{n}@example.lv", "subject": f"Ziņa {n}",
                                   "body": f"Sveiki, {n}!", **overrides}) for n in range(count)]
        db.session.commit()
        return [m.id for m in messages]


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def _deliver(app) -> tuple[int, int]:
    with app.app_context():
        return deliver_due()


def _message_ids(app) -> list[str]:
    with app.app_context():
        return [build(m)["Message-ID"] for m in
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_delivers_each_message_once_over_smtp(app_factory, smtp):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    _queue(app, 3)
    assert _deliver(app) == (3, 0)
    assert _deliver(app) == (0, 0)
    assert _deliver(app) == (0, 0)
    assert len(smtp.messages) == 3
    assert [m["To"] for m in smtp.messages] == [f"person{n}@example.lv" for n in range(3)]
    assert smtp.recipients == [[f"person{n}@example.lv"] for n in range(3)]
    assert [text_of(m).strip() for m in smtp.messages] == [f"Sveiki, {n}!" for n in range(3)]
    assert smtp.messages[0]["Subject"] == "Ziņa 0"
    assert all(r.sent_at is not None and r.attempts == 1 and r.last_error is None for r in _rows(app))
    assert [m["Message-ID"] for m in smtp.messages] == _message_ids(app)


def test_messages_wait_while_the_server_is_down(app_factory):
    port = free_port()  # nothing listens here yet
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": port, "SMTP_TIMEOUT_SECONDS": 2})
    with time_machine.travel(T0, tick=False) as traveller:
        _queue(app, 2)
        ids_before = _message_ids(app)
        assert _deliver(app) == (0, 2)
        rows = _rows(app)
        assert all(r.sent_at is None and r.failed_at is None and r.attempts == 1 for r in rows)
        assert all(r.last_error and r.last_error.startswith("ConnectionRefusedError") for r in rows)
        assert all(r.next_attempt_at == T0 + timedelta(seconds=30) for r in rows)
        assert _deliver(app) == (0, 0)  # backing off: not due yet

        traveller.shift(31)
        assert _deliver(app) == (0, 2)
        assert [r.attempts for r in _rows(app)] == [2, 2]
        assert all(r.next_attempt_at == T0 + timedelta(seconds=31 + 60) for r in _rows(app))

        with smtp_server(port) as smtp:
            traveller.shift(61)
            assert _deliver(app) == (2, 0)
            assert _deliver(app) == (0, 0)
            traveller.shift(3600)
            assert _deliver(app) == (0, 0)
        assert len(smtp.messages) == 2
        assert [m["Message-ID"] for m in smtp.messages] == ids_before  # stable across retries
        rows = _rows(app)
        assert all(r.sent_at == T0 + timedelta(seconds=92) and r.attempts == 3 for r in rows)


def test_delivery_is_given_up_after_the_last_attempt(app_factory):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": free_port(), "OUTBOX_MAX_ATTEMPTS": 2})
    with time_machine.travel(T0, tick=False) as traveller:
        _queue(app, 1)
        assert _deliver(app) == (0, 1)
        traveller.shift(31)
        assert _deliver(app) == (0, 1)
        traveller.shift(3600)
        assert _deliver(app) == (0, 0)
    (row,) = _rows(app)
    assert row.attempts == 2 and row.failed_at is not None and row.sent_at is None


def test_a_locked_message_is_skipped_by_a_second_worker(app_factory, backend, smtp):
    if backend != "postgresql":
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) exist only on PostgreSQL")
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    first, second = _queue(app, 2)
    with app.app_context():
        with db.engine.connect() as other_worker:
            other_worker.execute(select(OutboxMessage.id).where(OutboxMessage.id == first).with_for_update())
            assert deliver_due() == (1, 0)  # the locked one is another worker's, not sent twice
            other_worker.rollback()
        assert deliver_due() == (1, 0)
    assert [m["To"] for m in smtp.messages] == ["person1@example.lv", "person0@example.lv"]


def test_file_transport_writes_eml_files(app_factory, tmp_path):
    folder = tmp_path / "mail"
    app = app_factory({"MAIL_TRANSPORT": "file", "MAIL_DIR": str(folder)})
    ids = _queue(app, 2)
    assert _deliver(app) == (2, 0)
    assert _deliver(app) == (0, 0)
    files = sorted(Path(folder).glob("*.eml"))
    assert [f.name for f in files] == [f"{i:08d}.eml" for i in ids]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "person0@example.lv" and parsed["Subject"] == "Ziņa 0"
    assert parsed["Message-ID"] == _message_ids(app)[0]
    assert text_of(parsed).strip() == "Sveiki, 0!"


def test_calendar_attachment_is_sent_along(app_factory, smtp):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    _queue(app, 1, ics=ics)
    _deliver(app)
    (mail,) = smtp.messages
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "invite.ics"


def _app_with_mailing_routes(app_factory, port: int):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": port})

    @public
    def mail_and_succeed():
        queue_email(to="kept@example.lv", subject="kept", body="kept")
        return "ok"

    @public
    def mail_and_fail():
        queue_email(to="lost@example.lv", subject="lost", body="lost")
        db.session.flush()
        raise RuntimeError("the change fails after queueing its e-mail")

    app.add_url_rule("/test/mail-ok", "test_mail_ok", mail_and_succeed, methods=["POST"])
    app.add_url_rule("/test/mail-fail", "test_mail_fail", mail_and_fail, methods=["POST"])
    return app


def test_mail_of_a_rolled_back_request_is_never_sent(app_factory, smtp):
    app = _app_with_mailing_routes(app_factory, smtp.port)
    client = app.test_client()
    assert client.post("/test/mail-fail").status_code == 500
    assert client.post("/test/mail-ok").status_code == 200
    assert _deliver(app) == (1, 0)
    assert [m["To"] for m in smtp.messages] == ["kept@example.lv"]
    assert [r.to_address for r in _rows(app)] == ["kept@example.lv"]


def test_mail_queued_in_a_rolled_back_transaction_is_never_sent(app_factory, smtp):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    with app.app_context():
        queue_email(to="lost@example.lv", subject="lost", body="lost")
        db.session.flush()
        db.session.rollback()
    assert _deliver(app) == (0, 0)
    assert smtp.messages == []


def test_worker_logs_no_message_content(app_factory, caplog):
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": free_port()})
    _queue(app, 1, to="secret.person@example.lv", subject="Slepens temats", body="https://x/password/set/TOKEN123")
    with caplog.at_level("DEBUG", logger="caseflow"):
        _deliver(app)
    logged = caplog.text
    assert "not delivered" in logged
    for secret in ("secret.person", "Slepens", "TOKEN123"):
        assert secret not in logged


def test_a_sent_message_keeps_no_body(app_factory, smtp):
    """Sent e-mails may hold single-use links: only the envelope stays in the database."""
    app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    _queue(app, 1, body="Open https://caseflow.example/password/set/secret-token")
    assert _deliver(app) == (1, 0)
    assert "secret-token" in text_of(smtp.messages[0])
    (row,) = _rows(app)
    assert row.sent_at is not None and row.body == "" and row.to_address == "person0@example.lv"
