"""The interface language is chosen in the header and remembered on the account, in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import totp_code

pytestmark = pytest.mark.e2e


def _sign_in_in_latvian(page, base_url, user, axe, *, offset_steps):
    """Sign in on the Latvian sign-in page (a browser without a language choice of its own)."""
    page.goto(base_url + "/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    axe.check(page)
    page.get_by_label("Lietotājvārds").fill(user.username)
    page.get_by_label("Parole", exact=True).fill(user.password)
    page.get_by_label("Vienreizējais kods").fill(totp_code(user.totp_secret, offset_steps=offset_steps))
    page.get_by_role("button", name="Pieteikties").click()
    expect(page).to_have_url(base_url + "/")


def test_the_chosen_language_follows_the_account_to_the_next_sign_in(page, live_server, app, factory, axe):
    school = factory.institution(name="Ezerkrastu 1. pamatskola")
    user = factory.user("social_pedagogue", school.id, locale="lv")

    _sign_in_in_latvian(page, live_server.url, user, axe, offset_steps=0)
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sveicināti")
    axe.check(page)

    english = page.get_by_role("button", name="English")
    expect(english).to_have_attribute("lang", "en")
    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    axe.check(page)

    # a browser that remembers nothing: the sign-in page is Latvian, the account's pages English
    page.context.clear_cookies()
    _sign_in_in_latvian(page, live_server.url, user, axe, offset_steps=1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)

    # and back to Latvian, again stored on the account
    latvian = page.get_by_role("button", name="Latviešu")
    expect(latvian).to_have_attribute("lang", "lv")
    latvian.click()
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sveicināti")
    axe.check(page)

    from caseflow.extensions import db
    from caseflow.people.models import User

    with app.app_context():
        assert db.session.get(User, user.id).locale == "lv"
