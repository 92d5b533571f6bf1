"""Failed sign-ins are throttled per account and address, per address and per account; a known
device keeps its own budget so a flood of guesses never locks the real user out."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caseflow.extensions import db
from caseflow.people.auth.throttle import purge_old
from tests.factories import totp_code
from tests.people.auth.helpers import (
    GENERIC_ERROR,
    THROTTLED_ERROR,
    failures,
    sign_in,
    sign_in_error,
    use_english,
)

T0_DEVICE = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)
HOME = "10.0.0.1"
OFFICE = "10.0.0.2"


def _fail(client, username: str, times: int, address: str) -> None:
    for _ in range(times):
        response = sign_in(client, username, "a wrong password", "000000", address=address)
        assert sign_in_error(response) == GENERIC_ERROR


def test_sixth_attempt_from_one_address_is_refused_even_when_right(frozen, app, factory):
    user = factory.user("teacher")
    client = app.test_client()
    use_english(client)
    _fail(client, user.username, 5, HOME)
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret), address=HOME)
    assert response.status_code == 200
    assert sign_in_error(response) == THROTTLED_ERROR
    # the user name's spelling does not give a fresh budget
    response = sign_in(client, user.username.upper(), user.password, totp_code(user.totp_secret),
                       address=HOME)
    assert sign_in_error(response) == THROTTLED_ERROR


def test_another_address_can_still_sign_in(frozen, app, factory):
    user = factory.user("teacher")
    attacker, owner = app.test_client(), app.test_client()
    _fail(attacker, user.username, 5, HOME)
    response = sign_in(owner, user.username, user.password, totp_code(user.totp_secret), address=OFFICE)
    assert response.status_code == 302


def test_failures_are_stored_as_digests_under_each_key(frozen, app, factory):
    user = factory.user("teacher")
    client = app.test_client()
    _fail(client, user.username, 2, HOME)
    assert failures(app, f"acct_addr:{user.username}|{HOME}") == 2
    assert failures(app, f"addr:{HOME}") == 2
    assert failures(app, f"acct:{user.username}") == 2
    assert failures(app) == 6
    # unknown accounts are counted the same way (no hint which names exist)
    _fail(client, "nobody@example.lv", 1, HOME)
    assert failures(app, "acct:nobody@example.lv") == 1


def test_success_forgets_the_failures_from_that_address(frozen, app, factory):
    user = factory.user("teacher")
    client = app.test_client()
    _fail(client, user.username, 4, HOME)
    assert sign_in(client, user.username, user.password, totp_code(user.totp_secret), address=HOME).status_code == 302
    assert failures(app, f"acct_addr:{user.username}|{HOME}") == 0
    assert failures(app, f"acct:{user.username}") == 4  # the account-wide count stays


def test_the_window_expires(frozen, app, factory):
    user = factory.user("teacher")
    client = app.test_client()
    use_english(client)
    _fail(client, user.username, 5, HOME)
    frozen.shift(timedelta(minutes=14))
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret), address=HOME)
    assert sign_in_error(response) == THROTTLED_ERROR
    frozen.shift(timedelta(minutes=1, seconds=30))
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret), address=HOME)
    assert response.status_code == 302


def test_the_window_is_a_setting(frozen, app_factory):
    from tests.factories import Factory

    app = app_factory({"THROTTLE_WINDOW_MINUTES": 2, "THROTTLE_ACCOUNT_ADDRESS": 2})
    user = Factory(app).user("teacher")
    client = app.test_client()
    use_english(client)
    _fail(client, user.username, 2, HOME)
    code = totp_code(user.totp_secret)
    assert sign_in_error(sign_in(client, user.username, user.password, code, address=HOME)) == THROTTLED_ERROR
    frozen.shift(timedelta(minutes=2, seconds=1))
    assert sign_in(client, user.username, user.password, totp_code(user.totp_secret),
                   address=HOME).status_code == 302


def test_known_device_signs_in_while_the_account_is_flooded(frozen, app, factory):
    user = factory.user("teacher")
    owner = app.test_client()
    use_english(owner)
    assert sign_in(owner, user.username, user.password, totp_code(user.totp_secret),
                   address=HOME).status_code == 302
    assert owner.get_cookie("caseflow_device") is not None
    owner.post("/sign-out")

    # guesses from many addresses, none over its own limit, use up the account's 20
    for n in range(4):
        _fail(app.test_client(), user.username, 5, f"203.0.113.{n + 10}")
    assert failures(app, f"acct:{user.username}") == 20
    frozen.shift(60)
    stranger = app.test_client()
    use_english(stranger)
    refused = sign_in(stranger, user.username, user.password, totp_code(user.totp_secret), address=OFFICE)
    assert sign_in_error(refused) == THROTTLED_ERROR

    # the owner's browser, even from a new address, has its own budget
    response = sign_in(owner, user.username, user.password, totp_code(user.totp_secret), address="198.51.100.7")
    assert response.status_code == 302
    assert owner.get("/").status_code == 200


def test_a_device_cookie_only_counts_for_its_own_account(frozen, app, factory):
    user, other = factory.user("teacher"), factory.user("teacher")
    browser = app.test_client()
    use_english(browser)
    assert sign_in(browser, user.username, user.password, totp_code(user.totp_secret)).status_code == 302
    browser.post("/sign-out")
    _fail(browser, other.username, 5, HOME)
    response = sign_in(browser, other.username, other.password, totp_code(other.totp_secret), address=HOME)
    assert sign_in_error(response) == THROTTLED_ERROR


def test_a_forged_device_cookie_is_ignored(frozen, app, factory):
    user = factory.user("teacher")
    browser = app.test_client()
    use_english(browser)
    browser.set_cookie("caseflow_device", "eyJ1IjoiYSIsIm4iOiJiIn0.forged")
    _fail(browser, user.username, 5, HOME)
    response = sign_in(browser, user.username, user.password, totp_code(user.totp_secret), address=HOME)
    assert sign_in_error(response) == THROTTLED_ERROR


def test_known_device_has_a_budget_of_its_own(frozen, app, factory):
    user = factory.user("teacher")
    browser = app.test_client()
    use_english(browser)
    sign_in(browser, user.username, user.password, totp_code(user.totp_secret))
    browser.post("/sign-out")
    _fail(browser, user.username, 10, HOME)
    frozen.shift(30)
    response = sign_in(browser, user.username, user.password, totp_code(user.totp_secret), address=HOME)
    assert sign_in_error(response) == THROTTLED_ERROR
    assert failures(app, f"acct:{user.username}") == 0  # a known device's mistakes do not count for the account


def test_old_failures_are_purged(frozen, app, factory):
    user = factory.user("teacher")
    _fail(app.test_client(), user.username, 3, HOME)
    frozen.shift(timedelta(minutes=10))
    _fail(app.test_client(), user.username, 1, HOME)
    frozen.shift(timedelta(minutes=6))
    with app.app_context():
        assert purge_old() == 9
        db.session.commit()
    assert failures(app) == 3


def test_a_device_cookie_expires_after_180_days(app):
    import time_machine

    from caseflow.people.auth import views

    start = T0_DEVICE
    with time_machine.travel(start, tick=False), app.test_request_context():
        cookie = views._device_serializer().dumps({"u": "anna@example.lv", "n": "abc"})
    for days, known in ((179, "abc"), (181, None)):
        with time_machine.travel(start + timedelta(days=days), tick=False), app.test_request_context(
                headers={"Cookie": f"{views.DEVICE_COOKIE}={cookie}"}):
            assert views._known_device("anna@example.lv") == known
