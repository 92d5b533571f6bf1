"""Break-the-glass in a real browser: a municipal police inspector who takes no part in a case finds it
"not found", asks for emergency access (a too-short justification and a wrong code are refused at their
fields), opens the case under the banner "Emergency access until …"; the data-protection officer reads
the grant in the review queue with its justification and what was done, finds it justified with a note,
and it moves to the reviewed list."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.case_helpers import expect_refused, go_to
from tests.e2e.group_helpers import person
from tests.e2e.privacy_helpers import (
    OTHER_PUPIL,
    RIGA,
    break_glass_world,
    case_number,
    expect_not_found,
    fresh_code,
    grant_of,
    wrong_code,
)

pytestmark = pytest.mark.e2e

REASON = "Risk to the child's life or health"
JUSTIFICATION = "Kaimiņi ziņo, ka bērns viens pats dzīvoklī otro dienu; jāatrod radinieki."
REVIEW_NOTE = "The inspector acted on a call the same hour; only the case page was opened."


def _inspector_asks_in_vain(page: Page, world, axe) -> None:
    """A too-short justification is refused at its field; then a wrong code at the code's field."""
    go_to(page, "Emergency access", "Emergency access to a case", axe)
    page.get_by_label("Case number or the pupil's personal code", exact=True).fill(
        case_number(world.case_other.id))
    page.get_by_role("radio", name=REASON).check()
    page.get_by_label("Justification", exact=True).fill("Steidzami.")
    page.get_by_label("Code from your authenticator app", exact=True).fill(wrong_code(world.inspector.totp_secret))
    page.get_by_role("button", name="Open the case in an emergency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a case")
    expect_refused(page, page.get_by_label("Justification", exact=True),
                   "The justification is too short: write at least 30 characters")
    axe.check(page)

    expect(page.get_by_role("radio", name=REASON)).to_be_checked()
    page.get_by_label("Justification", exact=True).fill(JUSTIFICATION)
    page.get_by_label("Code from your authenticator app", exact=True).fill(wrong_code(world.inspector.totp_secret))
    page.get_by_role("button", name="Open the case in an emergency").click()
    code = page.get_by_label("Code from your authenticator app", exact=True)
    expect_refused(page, code, "The code is not right. Enter the current code from your authenticator app.")
    expect(code).to_have_value("")
    expect(page.get_by_label("Justification", exact=True)).to_have_value(JUSTIFICATION)
    axe.check(page)


def _inspector_breaks_the_glass(page: Page, world, axe) -> str:
    """The right code opens the case with the banner; returns the time the banner names."""
    page.get_by_label("Code from your authenticator app", exact=True).fill(fresh_code(world.inspector.totp_secret))
    page.get_by_role("button", name="Open the case in an emergency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Case {case_number(world.case_other.id)}: {OTHER_PUPIL}")
    banner = page.locator("#emergency-banner")
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text(re.compile(r"Emergency access until \d\d:\d\d"))
    until = re.search(r"until (\d\d:\d\d)", banner.inner_text()).group(1)
    expect(page.get_by_role("status").filter(has_text="Emergency access granted")).to_contain_text(
        f"Emergency access granted until {until}. The school and the data-protection officer have been told.")
    axe.check(page)
    return until


def _officer_reviews(page: Page, world, axe) -> None:
    """The queue shows the grant with its justification and the case read; the officer finds it justified."""
    number = case_number(world.case_other.id)
    go_to(page, "Emergency access to review", "Emergency access to review", axe)
    grant = page.get_by_role("region", name=f"Case {number}: Pēteris Krūmiņš")
    expect(grant).to_contain_text("Ezerkrastu pašvaldības policija")
    expect(grant).to_contain_text(REASON)
    expect(grant).to_contain_text(JUSTIFICATION)
    done = grant.get_by_role("table", name=f"What Pēteris Krūmiņš did during the access to case {number}")
    expect(done.get_by_role("row").filter(has_text="case.read")).to_have_count(1)
    axe.check(page)

    grant.get_by_role("link", name="Review this access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review of emergency access to case {number}")
    expect(page.get_by_role("main")).to_contain_text(JUSTIFICATION)
    axe.check(page)
    page.get_by_role("radio", name="Justified", exact=True).check()
    page.get_by_label("Note", exact=True).fill(REVIEW_NOTE)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("status").filter(has_text="The review was saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to review")
    expect(page.get_by_role("main")).to_contain_text("No emergency access waits for review.")
    axe.check(page)

    page.get_by_role("main").get_by_role("link", name="Reviewed", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviewed emergency access")
    reviewed = page.get_by_role("region", name=f"Case {number}: Pēteris Krūmiņš")
    expect(reviewed).to_contain_text("Justified")
    expect(reviewed).to_contain_text(REVIEW_NOTE)
    expect(reviewed).to_contain_text("Anita Sargā")
    expect(reviewed.get_by_role("link", name="Review this access")).to_have_count(0)
    axe.check(page)


def test_break_the_glass_and_the_officers_review(new_context, live_server, app, factory, axe):
    world = break_glass_world(app, factory)
    base = live_server.url
    case_url = f"{base}/cases/{world.case_other.id}"
    inspector = person(new_context, base, world.inspector, axe)
    expect_not_found(inspector, case_url, axe)

    _inspector_asks_in_vain(inspector, world, axe)
    until = _inspector_breaks_the_glass(inspector, world, axe)
    grant = grant_of(app, world.inspector.id)
    assert grant.case_id == world.case_other.id and grant.reason == "life_or_health"
    assert grant.expires_at.astimezone(RIGA).strftime("%H:%M") == until
    assert (grant.expires_at - grant.granted_at).total_seconds() == 60 * 60
    # one case only: another case of the municipality stays not found
    expect_not_found(inspector, f"{base}/cases/{world.case2.id}", axe)

    officer = person(new_context, base, world.dpo, axe)
    _officer_reviews(officer, world, axe)
    grant = grant_of(app, world.inspector.id)
    assert (grant.outcome, grant.reviewed_by_id, grant.review_note) == ("justified", world.dpo.id, REVIEW_NOTE)
