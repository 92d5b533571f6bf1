"""TOTP codes are single-use and short-lived; passwords are Argon2id, re-hashed when the parameters
rise, and must pass the password policy."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from flask_babel import force_locale
from sqlalchemy import select

from caseflow.crypto.passwords import hash_password, needs_rehash, verify_password
from caseflow.extensions import db
from caseflow.people.auth.models import UserSession
from caseflow.people.auth.services import check_second_factor
from caseflow.people.models import User
from caseflow.people.passwords import password_problem
from tests.factories import totp_code

#: the middle of a 30-second TOTP step, so that neighbouring steps are exactly ±30 s away
NOW = datetime(2026, 11, 23, 10, 0, 15, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _check(app, user_id: int, code: str) -> bool:
    """Check a code the way sign-in does, and keep what it records (the last used time-step)."""
    with app.app_context():
        accepted = check_second_factor(db.session.get(User, user_id), code)
        db.session.commit()
        return accepted


def test_a_totp_code_is_accepted_once_and_refused_the_second_time(app, factory, clock):
    user = factory.user()
    code = totp_code(user.totp_secret)
    assert _check(app, user.id, code) is True
    assert _check(app, user.id, code) is False
    clock.shift(30)
    assert _check(app, user.id, code) is False, "still inside the window, but already used"
    assert _check(app, user.id, totp_code(user.totp_secret)) is True, "the next step's code works"


def test_a_code_from_two_steps_ago_is_refused(app, factory, clock):
    user = factory.user()
    assert _check(app, user.id, totp_code(user.totp_secret, offset_steps=-2)) is False
    assert _check(app, user.id, totp_code(user.totp_secret, offset_steps=2)) is False


def test_a_code_from_the_previous_step_is_accepted_for_clock_drift(app, factory, clock):
    user = factory.user()
    assert _check(app, user.id, totp_code(user.totp_secret, offset_steps=-1)) is True


def test_an_older_code_is_refused_after_a_newer_one_was_used(app, factory, clock):
    user = factory.user()
    assert _check(app, user.id, totp_code(user.totp_secret)) is True
    assert _check(app, user.id, totp_code(user.totp_secret, offset_steps=-1)) is False


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "000000"])
def test_malformed_or_wrong_codes_are_refused(app, factory, clock, code):
    user = factory.user()
    if code == "000000" and totp_code(user.totp_secret) == code:
        pytest.skip("the random secret's code happens to be 000000")
    assert _check(app, user.id, code) is False


def test_a_replayed_code_cannot_sign_in_again(app, client, factory, clock):
    user = factory.user("social_pedagogue")
    data = {"username": user.username, "password": user.password, "code": totp_code(user.totp_secret)}
    assert client.post("/sign-in", data=data).status_code == 302
    client.post("/sign-out")
    response = client.post("/sign-in", data=data)
    assert response.status_code == 200, "the form again, not a session"
    with app.app_context():
        assert db.session.scalar(select(UserSession).where(UserSession.ended_at.is_(None))) is None


# --- Argon2id ------------------------------------------------------------------------------------

def test_passwords_are_hashed_with_argon2id_under_the_configured_parameters(app):
    with app.app_context():
        stored = hash_password("correct horse battery staple")
        assert stored.startswith("$argon2id$")
        assert "m=8192,t=1,p=1" in stored  # config/testing.toml
        assert verify_password(stored, "correct horse battery staple")
        assert not verify_password(stored, "correct horse battery stapler")
        assert not verify_password(None, "anything")
        assert not needs_rehash(stored)


def test_needs_rehash_after_the_parameters_rise(app):
    with app.app_context():
        stored = hash_password("correct horse battery staple")
    app.config["ARGON2_TIME_COST"] = 2
    with app.app_context():
        assert needs_rehash(stored)
        assert needs_rehash("not an argon2 hash")


def test_signing_in_rehashes_an_outdated_hash(app, client, factory):
    user = factory.user("social_pedagogue")
    with app.app_context():
        old = db.session.get(User, user.id).password_hash
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST=16384)

    response = client.post("/sign-in", data={"username": user.username, "password": user.password,
                                             "code": totp_code(user.totp_secret)})

    assert response.status_code == 302
    with app.app_context():
        new = db.session.get(User, user.id).password_hash
        assert new != old
        assert "m=16384,t=2,p=1" in new
        assert verify_password(new, user.password)
        assert not needs_rehash(new)


def test_a_failed_sign_in_does_not_rehash(app, client, factory):
    user = factory.user("social_pedagogue")
    with app.app_context():
        old = db.session.get(User, user.id).password_hash
    app.config["ARGON2_TIME_COST"] = 2
    client.post("/sign-in", data={"username": user.username, "password": "wrong password entirely",
                                  "code": totp_code(user.totp_secret)})
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == old


# --- password policy -----------------------------------------------------------------------------

@pytest.fixture
def request_context(bare_app):
    with bare_app.test_request_context(), force_locale("en"):
        yield


@pytest.mark.parametrize("password", ["", "short", "elevenchars"])
def test_a_password_under_twelve_characters_is_refused(request_context, password):
    assert password_problem(password) == "Use at least 12 characters."


@pytest.mark.parametrize("password", ["qwerty123456", "Q1W2E3R4T5Y6", "latvija12345", "aaaaaaaaaaaaaaaa",
                                      "abababababababab"])
def test_a_common_or_trivial_password_is_refused(request_context, password):
    assert password_problem(password) == "This password is too common or too easy to guess. Choose another."


@pytest.mark.parametrize("password", ["my anna.berzina@skola.lv pw", "ANNA.BERZINA@SKOLA.LV!!"])
def test_a_password_containing_the_user_name_is_refused(request_context, password):
    problem = password_problem(password, user_words=("anna.berzina@skola.lv", "Anna Bērziņa", None))
    assert problem == "The password must not contain your name or user name."


def test_a_good_password_passes_and_no_composition_rules_apply(request_context):
    assert password_problem("correct horse battery staple", user_words=("anna.berzina@skola.lv",)) is None
    assert password_problem("zaļā laiva pie krasta") is None


def test_the_minimum_length_follows_the_configuration(bare_app, monkeypatch):
    monkeypatch.setitem(bare_app.config, "PASSWORD_MIN_LENGTH", 16)
    with bare_app.test_request_context(), force_locale("en"):
        assert password_problem("fifteen chars!!") == "Use at least 16 characters."
