"""Server-side sessions: idle and absolute timeouts (settings), sign-out ends the session for good."""
from __future__ import annotations

from datetime import timedelta

from tests.factories import Factory, totp_code
from tests.people.auth.helpers import (
    T0,
    is_sign_in_redirect,
    session_of,
    session_rows,
    sid,
    sign_in,
)


def _signed_in(app, client, role: str = "teacher"):
    user = Factory(app).user(role)
    assert sign_in(client, user.username, user.password, totp_code(user.totp_secret)).status_code == 302
    return user


def test_idle_session_ends_after_15_minutes(frozen, app, client):
    _signed_in(app, client)
    frozen.shift(timedelta(minutes=15, seconds=1))
    response = client.get("/account")
    assert is_sign_in_redirect(response)
    assert "expired=1" in response.headers["Location"]
    assert "next=/account" in response.headers["Location"]
    row = session_of(app, client)
    assert row is None  # the cookie no longer names a session
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<p class="flash flash-info" role="status">' in page  # "Your session has ended …"


def test_idle_timeout_marks_the_session_ended(frozen, app, client):
    _signed_in(app, client)
    token_row = session_of(app, client)
    frozen.shift(timedelta(minutes=16))
    client.get("/")
    (row,) = session_rows(app, token_row.user_id)
    assert row.end_reason == "idle" and row.ended_at == T0 + timedelta(minutes=16)


def test_activity_keeps_the_session_alive(frozen, app, client):
    _signed_in(app, client)
    for _ in range(6):  # 84 minutes in all, never 15 idle
        frozen.shift(timedelta(minutes=14))
        assert client.get("/").status_code == 200
    frozen.shift(timedelta(minutes=14, seconds=59))
    assert client.get("/").status_code == 200


def test_absolute_timeout_ends_the_session_despite_activity(frozen, app, client):
    user = _signed_in(app, client)
    elapsed = timedelta()
    while elapsed + timedelta(minutes=14) < timedelta(hours=12):
        frozen.shift(timedelta(minutes=14))
        elapsed += timedelta(minutes=14)
        assert client.get("/").status_code == 200, elapsed
    frozen.shift(timedelta(hours=12) - elapsed + timedelta(seconds=1))
    assert is_sign_in_redirect(client.get("/"))
    assert session_rows(app, user.id)[0].end_reason == "absolute"


def test_timeouts_are_settings(frozen, app_factory):
    app = app_factory({"IDLE_TIMEOUT_MINUTES": 5, "ABSOLUTE_TIMEOUT_HOURS": 1})
    idle, busy = app.test_client(), app.test_client()
    _signed_in(app, idle)
    _signed_in(app, busy)
    frozen.shift(timedelta(minutes=4))
    assert busy.get("/").status_code == 200
    frozen.shift(timedelta(minutes=2))
    assert is_sign_in_redirect(idle.get("/"))  # 6 minutes idle > 5
    for _ in range(13):  # up to 58 minutes after signing in, active every 4 minutes
        assert busy.get("/").status_code == 200
        frozen.shift(timedelta(minutes=4))
    frozen.shift(timedelta(minutes=2, seconds=1))  # 1 hour and a second after signing in
    assert is_sign_in_redirect(busy.get("/"))


def test_sign_out_ends_the_server_side_session(frozen, app, client):
    user = _signed_in(app, client)
    stolen = client.get_cookie("caseflow_session").value
    replay = app.test_client()
    replay.set_cookie("caseflow_session", stolen)
    assert replay.get("/").status_code == 200  # a copied cookie works while the session lives
    response = client.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert is_sign_in_redirect(client.get("/"))
    (row,) = session_rows(app, user.id)
    assert row.end_reason == "sign_out" and row.ended_at is not None
    # the old cookie, replayed by someone who copied it, no longer opens anything
    replay = app.test_client()
    replay.set_cookie("caseflow_session", stolen)
    assert is_sign_in_redirect(replay.get("/"))
    assert is_sign_in_redirect(replay.get("/account"))


def test_each_browser_has_its_own_session(frozen, app):
    user = Factory(app).user("teacher")
    first, second = app.test_client(), app.test_client()
    sign_in(first, user.username, user.password, totp_code(user.totp_secret))
    frozen.shift(30)
    sign_in(second, user.username, user.password, totp_code(user.totp_secret))
    assert sid(first) != sid(second)
    first.post("/sign-out")
    assert is_sign_in_redirect(first.get("/"))
    assert second.get("/").status_code == 200
