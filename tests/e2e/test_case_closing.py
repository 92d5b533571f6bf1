"""The social pedagogue closes a case because the pupil left school, with a dropout reason, and
reopens it, in a real browser."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.case_helpers import expect_refused, go_to, school_world
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

PUPIL = "Anna Bērziņa"


def test_case_closed_because_the_pupil_left_school_shows_the_dropout_reason(page, live_server, app, factory, axe):
    world = school_world(app, factory)
    case = factory.case(world.pupil.id, world.school.id, world.pedagogue.id,
                        opened_on=world.today - timedelta(days=40), summary="Kavē stundas kopš septembra.")

    sign_in(page, live_server.url, world.pedagogue, axe)
    go_to(page, "Cases", "Cases", axe)
    search = page.get_by_role("search", name="Filter")
    search.get_by_label("Pupil's name", exact=True).fill("Bērz")
    search.get_by_role("button", name="Show").click()
    cases = page.get_by_role("table", name="Cases")
    expect(cases.get_by_role("rowheader")).to_have_count(1)
    axe.check(page)
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Case \S+: {PUPIL}$"))
    axe.check(page)

    # closing: the pupil left school, but the dropout reason is forgotten
    page.get_by_role("region", name="Referral and closing").get_by_role("link", name="Close the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the case")
    expect(page.get_by_label("Closing date", exact=True)).to_have_value(world.today.isoformat())
    axe.check(page)
    page.get_by_label("Outcome", exact=True).select_option(label="Left school (dropout reason recorded)")
    page.get_by_role("radio", name="Yes, the pupil left school").check()
    page.get_by_label("Remark", exact=True).fill("The family moved to a farm; Anna works there.")
    page.get_by_role("button", name="Close the case").click()

    reason = page.get_by_label("Dropout reason", exact=True)
    expect_refused(page, reason, "Choose why the pupil left school.")
    # what was chosen is kept
    expect(page.get_by_role("radio", name="Yes, the pupil left school")).to_be_checked()
    expect(page.get_by_label("Remark", exact=True)).to_have_value("The family moved to a farm; Anna works there.")
    axe.check(page)

    reason.select_option(label="Lack of motivation")
    page.get_by_role("button", name="Close the case").click()

    expect(page).to_have_url(re.compile(rf"/cases/{case.id}#referral$"))
    expect(page.get_by_role("status")).to_contain_text("The case was closed.")
    expect(page.locator("h1 + p")).to_have_text("Closed")
    summary = page.get_by_role("region", name="Summary")
    expect(summary.get_by_role("definition").filter(has_text="Left school (dropout reason recorded)")).to_have_text(
        f"{world.today:%d.%m.%Y.} — Left school (dropout reason recorded)")
    expect(summary.get_by_role("term").filter(has_text="Dropout reason")).to_be_visible()
    expect(summary.get_by_role("definition").filter(has_text="Lack of motivation")).to_be_visible()
    closing = page.get_by_role("region", name="Referral and closing")
    expect(closing).to_contain_text(f"Closed on {world.today:%d.%m.%Y.}")
    expect(closing).to_contain_text("The family moved to a farm; Anna works there.")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Case closed")
    # a closed case is not changed, referred or given a plan; it can be reopened
    expect(page.get_by_role("link", name="Change the case")).to_have_count(0)
    expect(page.get_by_role("link", name="Refer to the cooperation group")).to_have_count(0)
    expect(page.get_by_role("link", name="New support plan")).to_have_count(0)
    axe.check(page)

    # the work list finds it among the closed cases
    go_to(page, "Cases", "Cases", axe)
    page.get_by_role("search", name="Filter").get_by_label("Status", exact=True).select_option(label="Closed")
    page.get_by_role("search", name="Filter").get_by_role("button", name="Show").click()
    row = page.get_by_role("table", name="Cases").get_by_role("row").nth(1)
    expect(row).to_contain_text("Bērziņa, Anna")
    expect(row).to_contain_text("Closed")
    axe.check(page)

    # reopening asks why
    row.get_by_role("link").click()
    closing = page.get_by_role("region", name="Referral and closing")
    closing.get_by_role("link", name="Reopen the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopen the case")
    axe.check(page)
    page.get_by_role("button", name="Reopen the case").click()
    why = page.get_by_label("Why the case is reopened", exact=True)
    expect_refused(page, why, "Write why the case is reopened.")
    axe.check(page)
    why.fill("Anna came back to school in November.")
    page.get_by_role("button", name="Reopen the case").click()

    expect(page.get_by_role("status")).to_contain_text("The case was reopened.")
    expect(page.locator("h1 + p")).to_have_text("Open")
    expect(page.get_by_role("region", name="Summary").get_by_role("term").filter(has_text="Dropout reason")).to_have_count(0)
    expect(page.get_by_role("region", name="Referral and closing")).to_contain_text(
        "Reopened on")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Case reopened")
    axe.check(page)
