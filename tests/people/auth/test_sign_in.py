"""Sign-in with user name, password and one-time code; one answer for every failure."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.crypto.tokens import digest
from caseflow.extensions import db
from caseflow.people.auth import services
from caseflow.people.auth.models import UserSession
from caseflow.people.models import User
from tests.factories import totp_code
from tests.people.auth.helpers import (
    GENERIC_ERROR,
    T0,
    is_sign_in_redirect,
    session_of,
    session_rows,
    sid,
    sign_in,
    sign_in_error,
    update_user,
    use_english,
)


def test_sign_in_with_password_and_code_starts_a_server_side_session(app, client, factory):
    user = factory.user("social_pedagogue")
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    token = sid(client)
    rows = session_rows(app, user.id)
    assert len(rows) == 1
    assert rows[0].token_digest == digest(token)  # the table keeps only the digest
    assert rows[0].ended_at is None and rows[0].ip == "127.0.0.1"
    assert rows[0].membership_id == user.membership_id
    home = client.get("/")
    assert home.status_code == 200
    assert "Lietotājs" in home.get_data(as_text=True)


def test_user_name_is_case_insensitive_and_trimmed(client, factory):
    user = factory.user("teacher")
    response = sign_in(client, f"  {user.username.upper()} ", user.password, totp_code(user.totp_secret))
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_sign_in_renews_the_session_id(frozen, app, client, factory):
    user = factory.user("teacher")
    with client.session_transaction() as sess:
        sess["sid"] = "chosen-by-an-attacker"
        sess["stale"] = "value from before signing in"
    assert sid(client) == "chosen-by-an-attacker"
    sign_in(client, user.username, user.password, totp_code(user.totp_secret))
    first = sid(client)
    assert first and first != "chosen-by-an-attacker"
    with client.session_transaction() as sess:
        assert "stale" not in sess  # the old cookie contents are dropped
    client.post("/sign-out")
    frozen.shift(30)
    sign_in(client, user.username, user.password, totp_code(user.totp_secret))
    second = sid(client)
    assert second not in (first, "chosen-by-an-attacker")
    rows = session_rows(app, user.id)
    assert [r.token_digest for r in rows] == [digest(first), digest(second)]
    assert rows[0].end_reason == "sign_out" and rows[1].ended_at is None


def test_every_failure_gives_the_same_answer(frozen, app, client, factory):
    user = factory.user("teacher")
    code = totp_code(user.totp_secret)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    unknown = sign_in(client, "nobody@example.lv", user.password, code)
    bad_password = sign_in(client, user.username, "not the password at all", code)
    bad_code = sign_in(client, user.username, user.password, wrong_code)
    no_code = sign_in(client, user.username, user.password, "")
    answers = {(r.status_code, sign_in_error(r)) for r in (unknown, bad_password, bad_code, no_code)}
    assert len(answers) == 1
    status, message = answers.pop()
    assert status == 200 and message
    assert sid(client) is None
    assert session_rows(app, user.id) == []


def test_failure_message_text(client, factory):
    use_english(client)
    response = sign_in(client, "nobody@example.lv", "whatever it is", "123456")
    assert sign_in_error(response) == GENERIC_ERROR


def test_a_code_is_accepted_only_once(frozen, app, factory):
    user = factory.user("teacher")
    code = totp_code(user.totp_secret)
    first, second = app.test_client(), app.test_client()
    assert sign_in(first, user.username, user.password, code).status_code == 302
    replay = sign_in(second, user.username, user.password, code)
    assert replay.status_code == 200
    assert sign_in_error(replay) == sign_in_error(sign_in(second, "nobody", "x", code))
    # the previous time-step's code is older than the one used: refused as well
    older = sign_in(second, user.username, user.password, totp_code(user.totp_secret, offset_steps=-1))
    assert sign_in_error(older) is not None
    # the next step's code is newer: accepted
    newer = sign_in(second, user.username, user.password, totp_code(user.totp_secret, offset_steps=1))
    assert newer.status_code == 302
    assert len(session_rows(app, user.id)) == 2


def test_a_wrong_password_does_not_spend_the_code(frozen, app, client, factory):
    user = factory.user("teacher")
    code = totp_code(user.totp_secret)
    assert sign_in(client, user.username, "wrong password here", code).status_code == 200
    assert sign_in(client, user.username, user.password, code).status_code == 302


def _recovery_codes(app, user_id: int) -> list[str]:
    with app.app_context():
        codes = services.new_recovery_codes(db.session.get(User, user_id))
        db.session.commit()
        return codes


def test_a_recovery_code_works_once(app, factory):
    user = factory.user("teacher")
    codes = _recovery_codes(app, user.id)
    client = app.test_client()
    assert sign_in(client, user.username, user.password, codes[0]).status_code == 302
    client.post("/sign-out")
    again = sign_in(client, user.username, user.password, codes[0])
    assert again.status_code == 200 and sign_in_error(again)
    # typed differently (upper case, no dashes): still the same code, another one of the set
    other = codes[1].replace("-", "").upper()
    assert sign_in(client, user.username, user.password, other).status_code == 302
    with app.app_context():
        assert services.unused_recovery_codes(db.session.get(User, user.id)) == 8


def test_recovery_codes_of_another_user_do_not_work(app, factory):
    owner, other = factory.user("teacher"), factory.user("teacher")
    codes = _recovery_codes(app, owner.id)
    response = sign_in(app.test_client(), other.username, other.password, codes[0])
    assert response.status_code == 200 and sign_in_error(response)


def test_deactivated_account_cannot_sign_in(app, client, factory):
    user = factory.user("teacher")
    update_user(app, user.id, is_active_account=False)
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret))
    assert response.status_code == 200
    assert sign_in_error(response) == sign_in_error(sign_in(client, "nobody", "x", "000000"))
    assert session_rows(app, user.id) == []


def test_deactivation_ends_an_open_session(app, client, factory):
    user = factory.user("teacher")
    factory.login(client, user)
    assert client.get("/").status_code == 200
    update_user(app, user.id, is_active_account=False)
    assert is_sign_in_redirect(client.get("/"))


def test_signed_in_user_visiting_sign_in_goes_home(client, factory):
    user = factory.user("teacher")
    factory.login(client, user)
    response = client.get("/sign-in")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_takes_the_user_back_to_the_page_asked_for(client, factory):
    user = factory.user("teacher")
    asked = client.get("/account")
    assert asked.headers["Location"] == "/sign-in?next=/account"
    response = sign_in(client, user.username, user.password, totp_code(user.totp_secret), next="/account")
    assert response.headers["Location"] == "/account"


OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",  # browsers drop tabs and newlines: "//evil.example/"
    "/\n/evil.example/",
    "javascript:alert(1)",
    "http:/evil.example",
    "evil.example",
]


def test_next_never_leads_to_another_site(frozen, app, factory):
    user = factory.user("teacher")
    for target in OFF_SITE:
        frozen.shift(30)  # a fresh one-time code for each sign-in
        client = app.test_client()
        response = sign_in(client, user.username, user.password, totp_code(user.totp_secret), next=target)
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/", target


def test_sign_in_page_offers_the_three_fields_and_a_reset_link(client):
    body = client.get("/sign-in").get_data(as_text=True)
    for name in ('name="username"', 'name="password"', 'name="code"', 'href="/password/forgot"'):
        assert name in body
    assert 'autocomplete="one-time-code"' in body and 'type="password"' in body


def test_sign_in_writes_the_last_sign_in_time(frozen, app, client, factory):
    user = factory.user("teacher")
    sign_in(client, user.username, user.password, totp_code(user.totp_secret))
    with app.app_context():
        assert db.session.get(User, user.id).last_sign_in_at == T0
        assert db.session.scalar(select(UserSession.created_at)) == T0
    assert session_of(app, client).user_id == user.id


def test_empty_form_shows_the_fields_errors(app, client):
    response = client.post("/sign-in", data={"username": "", "password": "", "code": ""})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="username-error"' in body and 'id="password-error"' in body
    assert 'aria-invalid="true"' in body
    assert sid(client) is None
