"""An account without an authenticator signs in with its password and must enrol before anything else."""
from __future__ import annotations

import base64
import html
import re

import pyotp
import pytest

from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.people.models import User
from tests.people.auth.helpers import sign_in, sign_in_error

ENROL = "/account/two-factor"
_QR = re.compile(r'<img class="qr" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
_KEY = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')
_CODES = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def _pending_secret(app, user_id: int) -> str:
    with app.app_context():
        return unseal(db.session.get(User, user_id), "totp_secret")


def _enrolled(app, user_id: int) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).mfa_enrolled


@pytest.fixture
def newcomer(app, client, factory):
    """A user without an authenticator, signed in with the password only."""
    user = factory.user("social_pedagogue", enrolled=False)
    response = sign_in(client, user.username, user.password)
    assert response.status_code == 302
    assert response.headers["Location"] == ENROL
    return user


def test_password_alone_signs_in_an_account_without_authenticator(app, client, newcomer):
    assert client.get(ENROL).status_code == 200


def test_every_other_page_sends_to_enrolment(client, newcomer):
    for path in ("/", "/account", "/account/password", "/pupils/", "/admin/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == ENROL, path


def test_changes_are_refused_before_enrolment(client, newcomer):
    response = client.post("/account/role", data={"membership_id": newcomer.membership_id})
    assert response.status_code == 302 and response.headers["Location"] == ENROL


def test_sign_out_works_before_enrolment(client, newcomer):
    response = client.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_enrolment_page_shows_a_local_qr_code_and_the_key(app, client, newcomer):
    body = client.get(ENROL).get_data(as_text=True)
    qr = _QR.search(body)
    assert qr, "QR code as an inline SVG data URI"
    svg = base64.b64decode(qr.group(1)).decode()
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg and "href" not in svg  # a plain picture, rendered locally
    secret = _pending_secret(app, newcomer.id)
    assert _KEY.search(body).group(1).replace(" ", "") == secret
    # the same secret is offered again on reload until it is confirmed
    again = client.get(ENROL).get_data(as_text=True)
    assert _KEY.search(again).group(1).replace(" ", "") == secret
    assert not _enrolled(app, newcomer.id)


def test_enrolment_with_the_first_code_shows_ten_recovery_codes(frozen, app, client, newcomer):
    client.get(ENROL)
    secret = _pending_secret(app, newcomer.id)
    totp = pyotp.TOTP(secret)
    wrong = client.post(ENROL, data={"code": "000000" if totp.now() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert 'class="error"' in wrong.get_data(as_text=True)
    assert not _enrolled(app, newcomer.id)

    response = client.post(ENROL, data={"code": totp.now()})
    assert response.status_code == 200
    codes = _CODES.findall(html.unescape(response.get_data(as_text=True)))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert _enrolled(app, newcomer.id)
    assert client.get("/").status_code == 200
    assert client.get(ENROL).headers["Location"] == "/account"

    # from now on the account needs the second factor; the code used to enrol is spent
    client.post("/sign-out")
    assert sign_in_error(sign_in(client, newcomer.username, newcomer.password, totp.now()))
    assert sign_in_error(sign_in(client, newcomer.username, newcomer.password, ""))
    assert sign_in(client, newcomer.username, newcomer.password, codes[0]).status_code == 302
    client.post("/sign-out")
    frozen.shift(30)
    assert sign_in(client, newcomer.username, newcomer.password, totp.now()).status_code == 302


def test_enrolment_page_is_only_for_signed_in_users(client):
    response = client.get(ENROL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
