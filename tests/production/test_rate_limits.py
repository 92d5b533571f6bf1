"""Request rate limits shared by every process through Redis: a limit used up on one process holds on
the other; signed-in requests are counted per user, not per address; /health is never limited."""
from __future__ import annotations

import pytest

from caseflow import create_app
from caseflow.config import ConfigError
from tests.factories import totp_code
from tests.people.auth.helpers import GENERIC_ERROR, session_rows, sign_in, sign_in_error

TOO_MANY = "Too many requests. Wait a moment and try again."
TOO_MANY_LV = "Pārāk daudz pieprasījumu. Brīdi pagaidiet un mēģiniet vēlreiz."


def test_sign_in_limit_used_up_on_one_process_holds_on_the_other(app_factory, factory, shared_limits):
    first = app_factory({**shared_limits, "RATELIMIT_SIGN_IN": "3 per minute"})
    second = app_factory({**shared_limits, "RATELIMIT_SIGN_IN": "3 per minute"})
    user = factory.user("social_pedagogue")
    for _ in range(3):
        answer = sign_in(first.test_client(), user.username, "not the password", address="10.0.0.7")
        assert answer.status_code == 200 and sign_in_error(answer) == GENERIC_ERROR

    refused = sign_in(second.test_client(), user.username, user.password, totp_code(user.totp_secret),
                      address="10.0.0.7")
    assert refused.status_code == 429
    assert TOO_MANY in refused.text
    assert session_rows(second, user.id) == []

    # another address has its own budget, on either process
    other = sign_in(second.test_client(), user.username, user.password, totp_code(user.totp_secret),
                    address="10.0.0.8")
    assert other.status_code == 302 and len(session_rows(second, user.id)) == 1


def test_password_reset_requests_are_limited_per_address_across_processes(app_factory, shared_limits):
    first = app_factory({**shared_limits, "RATELIMIT_PASSWORD_RESET": "2 per minute"})
    second = app_factory({**shared_limits, "RATELIMIT_PASSWORD_RESET": "2 per minute"})
    for application in (first, second):
        answer = application.test_client().post("/password/forgot", data={"email": "nobody@example.lv"},
                                                environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert answer.status_code == 200
    refused = first.test_client().post("/password/forgot", data={"email": "nobody@example.lv"},
                                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert refused.status_code == 429 and TOO_MANY_LV in refused.text
    # reading the form is not a request for a link
    assert first.test_client().get("/password/forgot", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_signed_in_requests_count_per_user_not_per_address(app_factory, factory, shared_limits):
    first = app_factory({**shared_limits, "RATELIMIT_DEFAULT": "4 per minute"})
    second = app_factory({**shared_limits, "RATELIMIT_DEFAULT": "4 per minute"})
    alice, bob = factory.user("social_pedagogue"), factory.user("social_pedagogue")
    alice_browser, bob_browser = first.test_client(), second.test_client()
    factory.login(alice_browser, alice)
    factory.login(bob_browser, bob)

    # both from the same loopback address, as a load test or an office behind one NAT
    assert [alice_browser.get("/").status_code for _ in range(4)] == [200] * 4
    assert alice_browser.get("/").status_code == 429
    assert [bob_browser.get("/").status_code for _ in range(4)] == [200] * 4
    # alice's budget is spent on the other process too
    alice_elsewhere = second.test_client()
    with alice_browser.session_transaction() as mine, alice_elsewhere.session_transaction() as theirs:
        theirs.update(mine)
    assert alice_elsewhere.get("/").status_code == 429


def test_health_and_static_files_are_never_limited(app_factory, shared_limits):
    application = app_factory({**shared_limits, "RATELIMIT_DEFAULT": "2 per minute"})
    client = application.test_client()
    assert [client.get("/health").status_code for _ in range(6)] == [200] * 6
    assert [client.get("/static/css/app.css").status_code for _ in range(4)] == [200] * 4
    assert [client.get("/sign-in").status_code for _ in range(3)] == [200, 200, 429]


def test_the_limit_keys_take_the_address_behind_the_trusted_proxy(app_factory, factory, shared_limits):
    application = app_factory({**shared_limits, "RATELIMIT_SIGN_IN": "2 per minute", "TRUSTED_PROXY_COUNT": 1})
    user = factory.user("teacher")

    def through_proxy(client_address: str):
        return application.test_client().post(
            "/sign-in", data={"username": user.username, "password": "wrong", "code": ""},
            environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": client_address})

    assert [through_proxy("198.51.100.1").status_code for _ in range(2)] == [200, 200]
    assert through_proxy("198.51.100.1").status_code == 429
    assert through_proxy("198.51.100.2").status_code == 200  # another client behind the same proxy


def test_production_refuses_counters_that_only_one_process_sees(tmp_path):
    settings = {"ENV_MODE": "production", "SECRET_KEY": "s" * 40, "KEY_FILE": str(tmp_path / "keys.json"),
                "INSTANCE_PATH": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app({**settings, "RATELIMIT_STORAGE_URI": "memory://"}, testing=True)
    with pytest.raises(ConfigError, match="RATELIMIT_SIGN_IN"):
        create_app({**settings, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                    "RATELIMIT_SIGN_IN": "twenty a minute"}, testing=True)
