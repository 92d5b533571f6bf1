"""A new account sets up its authenticator app on the first sign-in, in a real browser."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

QR_ALT = "QR code for your authenticator app"


def test_first_sign_in_enrols_the_authenticator_and_shows_ten_recovery_codes(page, live_server, factory, axe):
    school = factory.institution(name="Ezerkrastu 1. pamatskola")
    user = factory.user("social_pedagogue", school.id, enrolled=False, locale="en")

    sign_in(page, live_server.url, user, axe, with_code=False)

    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    qr = page.get_by_role("img", name=QR_ALT)
    expect(qr).to_be_visible()
    page.wait_for_load_state("load")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image is broken"
    axe.check(page)

    # the key typed into the app is on the page, in groups of four
    key = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", key), key
    totp = pyotp.TOTP(key.replace(" ", ""))

    # a wrong code first: the error is tied to the field and the summary takes the focus
    field = page.get_by_label("Code from the app")
    accepted = {totp.at(time.time() + 30 * step) for step in (-1, 0, 1)}
    field.fill(next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted))
    page.get_by_role("button", name="Confirm").click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("The code is not correct"))
    expect(page.locator("#error-summary")).to_be_focused()
    axe.check(page)
    assert page.locator("code.secret").inner_text() == key, "the key changed after a failed attempt"

    field.fill(totp.now())
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("status")).to_contain_text("Two-factor authentication is set up.")
    codes = page.locator("ul.codes li")
    expect(codes).to_have_count(10)
    assert len(set(codes.all_inner_texts())) == 10
    axe.check(page)

    page.get_by_role("link", name="I have stored the codes").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)

