"""Own account: password change (other sessions end) and switching between one's own roles."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from caseflow.crypto.passwords import verify_password
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from tests.factories import totp_code
from tests.people.auth.helpers import is_sign_in_redirect, session_of, sign_in, sign_in_error

NEW_PASSWORD = "plum orchard under lantern"


def _password_ok(app, user_id: int, password: str) -> bool:
    with app.app_context():
        return verify_password(db.session.get(User, user_id).password_hash, password)


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/account/password", data={"current": current, "new_password": new,
                                                   "confirm": new if confirm is None else confirm})


@pytest.fixture
def user(factory):
    return factory.user("teacher", locale="en")


def test_password_page_shows_the_form(client, factory, user):
    factory.login(client, user)
    body = client.get("/account/password").get_data(as_text=True)
    assert 'name="current"' in body and 'name="new_password"' in body and 'name="confirm"' in body


def test_wrong_current_password_is_refused(app, client, factory, user):
    factory.login(client, user)
    response = _change(client, "not my password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert _password_ok(app, user.id, user.password)


WEAK = [
    ("short pw", "Use at least 12 characters."),
    ("password1234", "This password is too common or too easy to guess."),  # breach corpus
    ("Latvija12345", "This password is too common or too easy to guess."),  # local list
    ("aaaaaaaaaaaaaaa", "This password is too common or too easy to guess."),
]


def test_weak_new_password_is_refused(app, client, factory, user):
    factory.login(client, user)
    for new, message in WEAK:
        response = _change(client, user.password, new)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), new
    assert _password_ok(app, user.id, user.password)


def test_new_password_must_not_contain_the_user_name(app, client, factory, user):
    factory.login(client, user)
    response = _change(client, user.password, f"my {user.username} place")
    assert "must not contain your name" in response.get_data(as_text=True)
    assert _password_ok(app, user.id, user.password)


def test_new_password_must_be_repeated(app, client, factory, user):
    factory.login(client, user)
    response = _change(client, user.password, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert "The passwords do not match." in response.get_data(as_text=True)
    assert _password_ok(app, user.id, user.password)


def test_password_change_ends_the_other_sessions(app, factory, user):
    here, elsewhere = app.test_client(), app.test_client()
    factory.login(here, user)
    factory.login(elsewhere, user)
    response = _change(here, user.password, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _password_ok(app, user.id, NEW_PASSWORD)
    assert not _password_ok(app, user.id, user.password)
    assert here.get("/").status_code == 200
    assert is_sign_in_redirect(elsewhere.get("/"))
    with app.app_context():
        assert db.session.get(User, user.id).password_changed_at is not None


def test_new_password_signs_in_and_old_one_does_not(frozen, app, client, factory, user):
    factory.login(client, user)
    _change(client, user.password, NEW_PASSWORD)
    fresh = app.test_client()
    old = sign_in(fresh, user.username, user.password, totp_code(user.totp_secret))
    assert sign_in_error(old)
    assert sign_in(fresh, user.username, NEW_PASSWORD, totp_code(user.totp_secret)).status_code == 302


def test_anonymous_password_change_is_refused(client):
    assert is_sign_in_redirect(client.get("/account/password"))
    assert client.post("/account/password", data={"current": "x"}).status_code == 401


# --- roles -----------------------------------------------------------------------------------

@pytest.fixture
def two_roles(app, factory):
    """A user who is a teacher at one school and the social pedagogue at another."""
    first = factory.user("teacher", locale="en")
    second_school = factory.institution()
    second = factory.membership(first.id, second_school.id, "social_pedagogue")
    return first, second


def test_switch_to_another_own_role(app, client, factory, two_roles):
    user, second = two_roles
    factory.login(client, user)
    assert session_of(app, client).membership_id == user.membership_id
    response = client.post("/account/role", data={"membership_id": second})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert session_of(app, client).membership_id == second
    assert "Social pedagogue" in client.get("/").get_data(as_text=True)


def test_cannot_switch_to_someone_elses_role(app, client, factory, two_roles):
    user, _ = two_roles
    stranger = factory.user("admin")
    factory.login(client, user)
    for value in (stranger.membership_id, 999999, "", "abc"):
        response = client.post("/account/role", data={"membership_id": value})
        assert response.status_code == 404
    assert session_of(app, client).membership_id == user.membership_id


def test_cannot_switch_to_an_ended_role(app, client, factory, two_roles):
    user, second = two_roles
    with app.app_context():
        db.session.get(Membership, second).valid_to = local_today() - timedelta(days=1)
        db.session.commit()
    factory.login(client, user)
    assert client.post("/account/role", data={"membership_id": second}).status_code == 404
    assert session_of(app, client).membership_id == user.membership_id


def test_switching_roles_needs_a_post_and_a_session(client):
    assert client.get("/account/role").status_code == 405
    assert client.post("/account/role", data={"membership_id": 1}).status_code == 401


def test_wrong_current_passwords_are_throttled(frozen, app, client, factory, user):
    factory.login(client, user)
    for _ in range(5):
        _change(client, "a guessed password", NEW_PASSWORD)
    response = _change(client, user.password, NEW_PASSWORD)
    assert "Too many failed attempts." in response.get_data(as_text=True)
    assert _password_ok(app, user.id, user.password)
    frozen.shift(timedelta(minutes=14))
    client.get("/")  # stay active
    frozen.shift(timedelta(minutes=2))  # the failures are 16 minutes old: out of the window
    assert _change(client, user.password, NEW_PASSWORD).status_code == 302


def test_switch_to_a_role_that_began_after_signing_in(frozen, app, client, factory, two_roles):
    user, second = two_roles
    frozen.move_to(datetime(2031, 3, 4, 21, 50, tzinfo=UTC))  # 23:50 in Riga (UTC+2 in March)
    with app.app_context():
        db.session.get(Membership, second).valid_from = date(2031, 3, 5)
        db.session.commit()
    assert sign_in(client, user.username, user.password, totp_code(user.totp_secret)).status_code == 302
    assert client.post("/account/role", data={"membership_id": second}).status_code == 404
    frozen.shift(timedelta(minutes=14))  # past midnight in Riga, in the same session
    assert client.post("/account/role", data={"membership_id": second}).status_code == 302
    assert session_of(app, client).membership_id == second


# --- recovery codes --------------------------------------------------------------------------

_CODES = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def test_new_recovery_codes_need_the_second_factor(frozen, app, client, factory, user):
    factory.login(client, user)
    refused = client.post("/account/recovery-codes", data={"code": "000000"})
    assert refused.status_code == 302 and refused.headers["Location"] == "/account"
    response = client.post("/account/recovery-codes", data={"code": totp_code(user.totp_secret)})
    assert response.status_code == 200
    first = _CODES.findall(response.get_data(as_text=True))
    assert len(first) == 10
    frozen.shift(30)
    second = _CODES.findall(client.post("/account/recovery-codes",
                                        data={"code": totp_code(user.totp_secret)}).get_data(as_text=True))
    assert len(second) == 10 and not set(first) & set(second)
    client.post("/sign-out")
    assert sign_in_error(sign_in(client, user.username, user.password, first[0]))  # replaced
    assert sign_in(client, user.username, user.password, second[0]).status_code == 302


def test_recovery_code_guessing_is_throttled(frozen, app, client, factory, user):
    factory.login(client, user)
    for n in range(5):
        client.post("/account/recovery-codes", data={"code": f"{n:06d}"})
    response = client.post("/account/recovery-codes", data={"code": totp_code(user.totp_secret)})
    assert response.status_code == 302  # refused although right: back to the account page
    assert "Too many failed attempts." in client.get("/account").get_data(as_text=True)
