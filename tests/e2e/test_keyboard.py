"""Signing in with the keyboard alone, with the focus visible at every step, in a real browser."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import totp_code

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {id: el.id, tag: el.tagName.toLowerCase(), type: el.getAttribute('type'),
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
          focusVisible: el.matches(':focus-visible')};
}"""


def _tab(page) -> dict:
    """Press Tab and describe the focused element; its focus indicator must be visible."""
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] != "body", "Tab left the page's controls"
    assert focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2, f"focus not visible on {focused}"
    return focused


def test_sign_in_with_the_keyboard_only_and_a_visible_focus(page, live_server, factory, axe):
    school = factory.institution(name="Ezerkrastu 1. pamatskola")
    user = factory.user("social_pedagogue", school.id, locale="en")

    page.goto(live_server.url + "/sign-in")
    axe.check(page)

    first = _tab(page)
    assert "skip-link" in page.evaluate("document.activeElement.className"), first
    expect(page.locator(".skip-link")).to_be_in_viewport()

    # through the header (every stop with a visible focus) to the user name
    for _ in range(10):
        if _tab(page)["id"] == "username":
            break
    else:
        pytest.fail("Tab never reached the user name field")
    page.keyboard.type(user.username)
    assert _tab(page)["id"] == "password"
    page.keyboard.type(user.password)
    assert _tab(page)["id"] == "code"
    page.keyboard.type(totp_code(user.totp_secret))
    button = _tab(page)
    assert button["tag"] == "button" and button["type"] == "submit", button
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)

    # on the signed-in page too: the skip link first, leading past the header to the main content,
    # whose links then show their focus
    page.keyboard.press("Tab")
    assert "skip-link" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    stops = [_tab(page) for _ in range(3)]
    assert all(stop["tag"] in ("a", "button") for stop in stops), stops
