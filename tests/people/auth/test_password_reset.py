"""Password reset by an e-mailed single-use link, delivered through the outbox over real SMTP."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from caseflow.crypto.passwords import verify_password
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.notify.worker import deliver_due
from caseflow.people.auth import services
from caseflow.people.auth.models import PasswordToken
from caseflow.people.models import User
from tests.factories import Factory, totp_code
from tests.notify.smtp import text_of
from tests.people.auth.helpers import is_sign_in_redirect, session_rows, sign_in, sign_in_error

NEW_PASSWORD = "violet ferry above granite"
_LINK = re.compile(r"https?://\S+/password/set/[A-Za-z0-9_-]+")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"|name="csrf_token" value="[^"]*"')


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _queued_link(app) -> str:
    """The path of the newest reset link waiting in the outbox."""
    with app.app_context():
        body = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    return urlsplit(_LINK.search(body).group(0)).path


def _set(client, path: str, password: str = NEW_PASSWORD, code: str = ""):
    return client.post(path, data={"new_password": password, "confirm": password, "code": code})


def _password_ok(app, user_id: int, password: str) -> bool:
    with app.app_context():
        return verify_password(db.session.get(User, user_id).password_hash, password)


@pytest.fixture
def mail_app(app_factory, smtp):
    """The application sending mail to the test's SMTP server."""
    return app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})


def test_same_answer_for_known_and_unknown_addresses(app, client, factory):
    user = factory.user("teacher")
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.lv"})
    assert known.status_code == unknown.status_code == 200
    normalise = lambda r: _CSRF.sub("", r.get_data(as_text=True))  # noqa: E731
    assert normalise(known) == normalise(unknown)
    with app.app_context():
        (message,) = db.session.scalars(select(OutboxMessage)).all()
        assert message.to_address == user.email and message.user_id == user.id
        assert message.sent_at is None
        assert db.session.scalar(select(func.count()).select_from(PasswordToken)) == 1


def test_reset_can_be_asked_by_user_name_too(app, client, factory):
    user = factory.user("teacher", username="Anna.Berzina")
    client.post("/password/forgot", data={"email": " anna.berzina "})
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.to_address)).all() == [user.email]
    assert _queued_link(app)


def test_inactive_account_gets_no_mail(app, client, factory):
    user = factory.user("teacher")
    with app.app_context():
        db.session.get(User, user.id).is_active_account = False
        db.session.commit()
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 200
    assert _count(app, OutboxMessage) == 0


def test_mail_and_link_are_written_in_one_transaction(app, client, factory, monkeypatch):
    user = factory.user("teacher")
    original = services.queue_email

    def queue_then_fail(**kwargs):
        original(**kwargs)
        raise RuntimeError("the request fails after queueing")

    monkeypatch.setattr(services, "queue_email", queue_then_fail)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 500
    assert _count(app, OutboxMessage) == 0
    assert _count(app, PasswordToken) == 0


def test_full_reset_by_e_mail(frozen, mail_app, smtp):
    app = mail_app
    user = Factory(app).user("teacher")
    old_browser = app.test_client()
    assert sign_in(old_browser, user.username, user.password, totp_code(user.totp_secret)).status_code == 302
    frozen.shift(30)

    client = app.test_client()
    client.post("/password/forgot", data={"email": user.email})
    with app.app_context():
        assert deliver_due() == (1, 0)
    (mail,) = smtp.messages
    assert mail["To"] == user.email
    path = urlsplit(_LINK.search(text_of(mail)).group(0)).path

    page = client.get(path)
    assert page.status_code == 200
    assert 'name="code"' in page.get_data(as_text=True)

    # an enrolled user must give the second factor; a wrong or missing code keeps the link usable
    for code in ("", "000000" if totp_code(user.totp_secret) != "000000" else "111111"):
        refused = _set(client, path, code=code)
        assert refused.status_code == 200
        assert 'class="error"' in refused.get_data(as_text=True)
        assert _password_ok(app, user.id, user.password)
    assert client.get(path).status_code == 200

    done = _set(client, path, code=totp_code(user.totp_secret))
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    assert _password_ok(app, user.id, NEW_PASSWORD)

    # the link works once
    assert client.get(path).status_code == 404
    assert _set(client, path, password="another fine passphrase", code=totp_code(user.totp_secret,
                                                                               offset_steps=1)).status_code == 404
    assert _password_ok(app, user.id, NEW_PASSWORD)

    # every earlier session is over; the new password works, the old one does not
    assert is_sign_in_redirect(old_browser.get("/"))
    assert session_rows(app, user.id)[0].end_reason == "password_reset"
    frozen.shift(30)
    fresh = app.test_client()
    assert sign_in_error(sign_in(fresh, user.username, user.password, totp_code(user.totp_secret)))
    assert sign_in(fresh, user.username, NEW_PASSWORD, totp_code(user.totp_secret)).status_code == 302


def test_account_without_authenticator_resets_without_a_code(frozen, app, client, factory):
    user = factory.user("teacher", enrolled=False)
    client.post("/password/forgot", data={"email": user.email})
    path = _queued_link(app)
    assert 'name="code"' not in client.get(path).get_data(as_text=True)
    assert _set(client, path).status_code == 302
    assert _password_ok(app, user.id, NEW_PASSWORD)


def test_a_recovery_code_can_stand_in_for_the_app(frozen, app, client, factory):
    user = factory.user("teacher")
    with app.app_context():
        codes = services.new_recovery_codes(db.session.get(User, user.id))
        db.session.commit()
    client.post("/password/forgot", data={"email": user.email})
    assert _set(client, _queued_link(app), code=codes[0]).status_code == 302
    assert _password_ok(app, user.id, NEW_PASSWORD)


def test_weak_password_is_refused_and_the_link_stays(frozen, app, client, factory):
    user = factory.user("teacher")
    client.post("/password/forgot", data={"email": user.email})
    path = _queued_link(app)
    refused = _set(client, path, password="short", code=totp_code(user.totp_secret))
    assert refused.status_code == 200 and 'class="error"' in refused.get_data(as_text=True)
    assert _password_ok(app, user.id, user.password)
    # the code typed with the refused password may be typed again with a good one
    assert _set(client, path, code=totp_code(user.totp_secret)).status_code == 302


def test_link_expires_after_60_minutes(frozen, app, client, factory):
    user = factory.user("teacher", enrolled=False)
    client.post("/password/forgot", data={"email": user.email})
    path = _queued_link(app)
    frozen.shift(timedelta(minutes=59))
    assert client.get(path).status_code == 200
    frozen.shift(timedelta(minutes=1, seconds=1))
    assert client.get(path).status_code == 404
    assert _set(client, path).status_code == 404
    assert _password_ok(app, user.id, user.password)


def test_unknown_link_is_refused(client):
    assert client.get("/password/set/not-a-real-token").status_code == 404
    assert _set(client, "/password/set/not-a-real-token").status_code == 404


def test_a_new_link_does_not_revive_after_use_and_others_are_spent(frozen, app, client, factory):
    user = factory.user("teacher", enrolled=False)
    client.post("/password/forgot", data={"email": user.email})
    first = _queued_link(app)
    client.post("/password/forgot", data={"email": user.email})
    second = _queued_link(app)
    assert first != second
    assert _set(client, second).status_code == 302
    assert client.get(first).status_code == 404  # using one link spends every open one


def test_at_most_three_links_an_hour(frozen, app, client, factory):
    user = factory.user("teacher")
    for _ in range(5):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 200
    assert _count(app, OutboxMessage) == 3
    frozen.shift(timedelta(minutes=61))
    client.post("/password/forgot", data={"email": user.email})
    assert _count(app, OutboxMessage) == 4


def test_wrong_codes_on_the_link_are_throttled(frozen, app, client, factory):
    user = factory.user("teacher")
    client.post("/password/forgot", data={"email": user.email})
    path = _queued_link(app)
    for _ in range(5):
        _set(client, path, code="000000" if totp_code(user.totp_secret) != "000000" else "111111")
    refused = _set(client, path, code=totp_code(user.totp_secret))
    assert refused.status_code == 200
    assert _password_ok(app, user.id, user.password)


def test_the_mail_holds_the_link_and_nothing_about_children(frozen, mail_app, smtp):
    app = mail_app
    factory = Factory(app)
    user = factory.user("social_pedagogue")
    pupil = factory.pupil(user.institution_id, first_name="Elza", last_name="Kalniņa")
    app.test_client().post("/password/forgot", data={"email": user.email})
    with app.app_context():
        deliver_due()
    (mail,) = smtp.messages
    body = text_of(mail)
    assert _LINK.search(body)
    for secret in (pupil.first_name, pupil.last_name, pupil.personal_code, user.password):
        assert secret not in body and secret not in mail["Subject"]
    assert mail.get_content_type() == "text/plain" and not mail.is_multipart()
