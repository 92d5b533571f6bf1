"""Health check, the language switch and deny-by-default for anonymous users."""
from __future__ import annotations

import pytest

from caseflow.extensions import db
from caseflow.people.models import User
from tests.factories import totp_code


def _locale(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).locale


def _html_lang(response) -> str:
    body = response.get_data(as_text=True)
    start = body.index("<html lang=\"") + len("<html lang=\"")
    return body[start:body.index('"', start)]


def test_health_without_signing_in_says_only_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok"}
    assert len(response.get_data()) < 40
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_health_is_the_same_when_signed_in(client, factory):
    factory.login(client, factory.user("admin"))
    assert client.get("/health").get_json() == {"status": "ok"}


def test_health_reports_an_unreachable_database_without_details(app_factory, backend):
    if backend != "sqlite":
        pytest.skip("one backend is enough to show the answer")
    app_factory()  # the test's own database first, then an app whose database cannot be opened
    app = app_factory({"DATABASE_URL": "sqlite:////nonexistent-dir/for/sure/caseflow.db"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_anonymous_user_is_sent_to_sign_in_with_the_page_to_return_to(client):
    response = client.get("/account?tab=roles")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account?tab%3Droles"


def test_language_switch_for_an_anonymous_browser(client):
    assert _html_lang(client.get("/sign-in")) == "lv"
    response = client.post("/language", data={"language": "en", "next": "/sign-in"})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert _html_lang(client.get("/sign-in")) == "en"
    assert _html_lang(client.get("/password/forgot")) == "en"
    client.post("/language", data={"language": "lv"})
    assert _html_lang(client.get("/sign-in")) == "lv"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"language": "de"})
    assert _html_lang(client.get("/sign-in")) == "lv"


def test_language_is_remembered_on_the_account(app, client, factory):
    user = factory.user("teacher")
    factory.login(client, user)
    response = client.post("/language", data={"language": "en", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert _locale(app, user.id) == "en"
    assert _html_lang(client.get("/account")) == "en"
    # another browser: the account's language from the first page after signing in
    other = app.test_client()
    assert _html_lang(other.get("/sign-in")) == "lv"
    other.post("/sign-in", data={"username": user.username, "password": user.password,
                                 "code": totp_code(user.totp_secret)})
    assert _html_lang(other.get("/")) == "en"


def test_language_switch_never_leads_to_another_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example/", "/\t/evil.example/",
                   "evil.example", "javascript:alert(1)"):
        response = client.post("/language", data={"language": "en", "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
