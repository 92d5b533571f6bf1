"""A person signs in with two factors, switches language and signs out, in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import totp_code

pytestmark = pytest.mark.e2e


def test_sign_in_with_two_factors_language_switch_and_sign_out(page, live_server, factory, axe):
    school = factory.institution(kind="basic_school", name="Ezerkrastu 1. pamatskola")
    user = factory.user("social_pedagogue", school.id)

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    axe.check(page)

    page.get_by_label("Lietotājvārds").fill(user.username)
    page.get_by_label("Parole", exact=True).fill("wrong password entirely")
    page.get_by_label("Vienreizējais kods").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Pieteikties").click()
    expect(page.get_by_role("alert")).to_contain_text("nav pareizs")
    axe.check(page)

    page.get_by_label("Lietotājvārds").fill(user.username)
    page.get_by_label("Parole", exact=True).fill(user.password)
    page.get_by_label("Vienreizējais kods").fill(totp_code(user.totp_secret, offset_steps=1))
    page.get_by_role("button", name="Pieteikties").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sveicināti")
    axe.check(page)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_keyboard_only_sign_in_reaches_the_skip_link_first(page, live_server, factory):
    page.goto(live_server.url + "/sign-in")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
