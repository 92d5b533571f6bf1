"""Steps the browser tests share: choosing English and signing in as a person would."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.factories import totp_code


def choose_english(page: Page) -> None:
    """Switch the interface to English with the header's language button (shown while it is Latvian)."""
    if page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def sign_in(page: Page, base_url: str, user, axe, *, offset_steps: int = 0, with_code: bool = True) -> None:
    """Open the sign-in page, switch it to English, sign in with password and (unless told not to)
    the current one-time code. Both sign-in pages (Latvian, then English) are checked with axe-core;
    the page signed in to is the caller's to check.

    The account's own language decides the pages after signing in: tests that read English labels
    create their users with ``locale="en"``."""
    page.goto(base_url + "/sign-in")
    axe.check(page)
    choose_english(page)
    axe.check(page)
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password", exact=True).fill(user.password)
    if with_code:
        page.get_by_label("One-time code").fill(totp_code(user.totp_secret, offset_steps=offset_steps))
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))

