"""Security headers on every answer (pages, 404, 405, 413, 500), generic error pages, HSTS in
production only, CSRF, no state change on GET and the request size limit."""
from __future__ import annotations

import json
import re

import pytest

from caseflow.access import public
from caseflow.crypto.keyring import new_key_document
from tests.factories import Factory, totp_code

_REFERENCE = re.compile(r"<code>([0-9a-f]{16})</code>")
_CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response) -> None:
    """The headers every caseflow answer carries."""
    csp = _csp(response)
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert response.headers["Cache-Control"] == "no-store"


def _boom_app(app_factory, extra: dict | None = None):
    app = app_factory(extra)

    @public
    def boom():
        raise RuntimeError("database password is hunter2 — must never reach the browser")

    app.add_url_rule("/test/boom", "test_boom", boom)
    return app


def test_normal_page_is_hardened(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert_hardened(response)
    assert "Strict-Transport-Security" not in response.headers


def test_signed_in_page_is_hardened(client, factory):
    factory.login(client, factory.user("teacher"))
    response = client.get("/")
    assert response.status_code == 200
    assert_hardened(response)


def test_not_found_page_is_hardened_and_generic(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_hardened(response)
    assert response.mimetype == "text/html"
    assert _REFERENCE.search(response.get_data(as_text=True))


def test_server_error_page_has_a_reference_and_no_traceback(app_factory, caplog):
    app = _boom_app(app_factory)
    response = app.test_client().get("/test/boom")
    assert response.status_code == 500
    assert_hardened(response)
    body = response.get_data(as_text=True)
    reference = _REFERENCE.search(body).group(1)
    for leak in ("Traceback", "RuntimeError", "hunter2", "test_hardening.py", 'File "'):
        assert leak not in body
    # the log has the details under the same reference, for the support team
    (record,) = [r for r in caplog.records if r.name == "caseflow.errors"]
    assert reference in record.getMessage() and record.exc_info is not None


def test_error_references_differ_per_request(app_factory):
    client = _boom_app(app_factory).test_client()
    first = _REFERENCE.search(client.get("/test/boom").get_data(as_text=True)).group(1)
    second = _REFERENCE.search(client.get("/test/boom").get_data(as_text=True)).group(1)
    assert first != second


def test_hsts_only_in_production(app_factory, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(new_key_document()))
    production = app_factory({"ENV_MODE": "production", "SECRET_KEY": "p" * 48, "KEY_FILE": str(keys),
                              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    client = production.test_client()
    for response in (client.get("/health"), client.get("/sign-in"), client.get("/no/such/page")):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/health").headers


def test_pages_have_no_inline_script_or_event_handlers(client, factory):
    """The CSP forbids inline script; the pages must not need any."""
    user = factory.user("admin")
    anonymous = [client.get(p).get_data(as_text=True) for p in ("/sign-in", "/password/forgot", "/nope")]
    factory.login(client, user)
    signed_in = [client.get(p).get_data(as_text=True) for p in ("/", "/account", "/account/password")]
    for body in anonymous + signed_in:
        for attributes, content in re.findall(r"<script\b([^>]*)>(.*?)</script>", body, re.S):
            assert "src=" in attributes and not content.strip()
        assert not re.search(r"\son[a-z]+\s*=", body, re.I)  # no onclick= and the like
        assert "javascript:" not in body


# --- CSRF ------------------------------------------------------------------------------------

@pytest.fixture
def csrf_app(app_factory):
    return app_factory({"WTF_CSRF_ENABLED": True})


def _token(page) -> str:
    found = _CSRF_INPUT.search(page.get_data(as_text=True))
    return found.group(1) or found.group(2)


def test_post_without_csrf_token_is_refused(csrf_app):
    user = Factory(csrf_app).user("teacher")
    client = csrf_app.test_client()
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": user.username, "password": user.password,
                                             "code": totp_code(user.totp_secret)})
    assert response.status_code == 400
    assert_hardened(response)
    body = response.get_data(as_text=True)
    assert _REFERENCE.search(body) and 'name="password"' not in body
    assert client.get("/").status_code == 302  # not signed in


def test_post_with_the_forms_csrf_token_works(csrf_app):
    user = Factory(csrf_app).user("teacher")
    client = csrf_app.test_client()
    token = _token(client.get("/sign-in"))
    response = client.post("/sign-in", data={"username": user.username, "password": user.password,
                                             "code": totp_code(user.totp_secret), "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    # the sign-out form on the page carries a token too; without it signing out is refused
    assert client.post("/sign-out").status_code == 400
    assert client.get("/").status_code == 200
    assert client.post("/sign-out", data={"csrf_token": _token(home)}).status_code == 302
    assert client.get("/").status_code == 302


def test_csrf_token_of_another_browser_is_refused(csrf_app):
    other = csrf_app.test_client()
    foreign_token = _token(other.get("/sign-in"))
    client = csrf_app.test_client()
    client.get("/sign-in")
    response = client.post("/language", data={"language": "en", "csrf_token": foreign_token})
    assert response.status_code == 400


def test_language_switch_needs_the_token_too(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/sign-in")
    assert client.post("/language", data={"language": "en"}).status_code == 400
    assert 'lang="lv"' in client.get("/sign-in").get_data(as_text=True)
    response = client.post("/language", data={"language": "en", "csrf_token": _token(page)})
    assert response.status_code == 302


# --- methods and sizes -----------------------------------------------------------------------

def test_sign_out_by_get_is_not_allowed(client, factory):
    factory.login(client, factory.user("teacher"))
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert_hardened(response)
    assert client.get("/").status_code == 200  # still signed in


def test_state_changing_endpoints_refuse_get(client, factory):
    factory.login(client, factory.user("teacher"))
    for path in ("/language", "/account/role", "/account/recovery-codes", "/sign-out"):
        assert client.get(path).status_code == 405, path


def test_too_large_request_gets_the_413_page(client):
    response = client.post("/sign-in", data={"username": "x" * (6 * 1024 * 1024), "password": "p"})
    assert response.status_code == 413
    assert_hardened(response)
    assert _REFERENCE.search(response.get_data(as_text=True))


def test_request_size_limit_is_a_setting(app_factory):
    client = app_factory({"MAX_CONTENT_LENGTH": 2000}).test_client()
    assert client.post("/password/forgot", data={"email": "a" * 100}).status_code == 200
    assert client.post("/password/forgot", data={"email": "a" * 3000}).status_code == 413


def test_anonymous_post_to_a_protected_page_is_refused(client):
    response = client.post("/account/password", data={"current": "x"})
    assert response.status_code == 401
    assert_hardened(response)
