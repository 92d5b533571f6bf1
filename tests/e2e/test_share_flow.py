"""Sharing a case across municipalities in a real browser: the home coordinator shares a referred case
with the social service of the municipality where the pupil is declared (its school and police are not
offered, a forged choice is refused at the field); the receiving social worker is told, opens the case
and writes a note; the coordinator ends the share and the case is "not found" for the worker again."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.case_helpers import expect_refused
from tests.e2e.group_helpers import person
from tests.e2e.privacy_helpers import (
    AWAY_COURT,
    AWAY_POLICE,
    AWAY_SOCIAL,
    CROSSING,
    expect_not_found,
    open_case_from_list,
    participants_of,
    sharing_world,
)

pytestmark = pytest.mark.e2e

NOTE = "Apmeklējām vecmāmiņu dzīvesvietā; bērns ir aprūpēts."
REASON = "The pupil lives with the grandmother in Kalnu novads."


def _share_form(page: Page):
    return page.locator("form").filter(has=page.get_by_role("button", name="Share the case"))


def _coordinator_opens_who_takes_part(page: Page, axe) -> str:
    """Cases → the pupil's case → its "Who takes part" section → the page of who takes part."""
    open_case_from_list(page, CROSSING, axe)
    case_url = page.url
    section = page.get_by_role("region", name="Who takes part")
    expect(section.get_by_role("rowheader").first).to_have_text("Ezerkrastu pamatskola")
    section.get_by_role("link", name="Add, share or end participation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who takes part in the case")
    expect(page.get_by_role("main")).to_contain_text("No institution was added to the case or shared with.")
    axe.check(page)
    return case_url


def _coordinator_is_refused_other_institutions(page: Page, world, axe) -> None:
    """Only the declared municipality's social service and orphans' court are offered; nothing chosen is
    refused at the field, and so is a forged choice of its police (as a hand-made request would send)."""
    choice = _share_form(page).get_by_label("Institution", exact=True)
    expect(choice.locator("option")).to_have_text(["Choose an institution", AWAY_COURT, AWAY_SOCIAL])
    # nor does adding reach across the border
    added = page.locator("form").filter(has=page.get_by_role("button", name="Add the institution"))
    offered = added.get_by_label("Institution", exact=True).locator("option")
    expect(offered.filter(has_text="Ezerkrastu sociālais dienests")).to_have_count(1)
    expect(offered.filter(has_text="Kalnu")).to_have_count(0)
    _share_form(page).get_by_role("button", name="Share the case").click()
    choice = _share_form(page).get_by_label("Institution", exact=True)
    expect_refused(page, choice, "Choose an institution.")
    axe.check(page)

    choice.evaluate("(select, args) => select.add(new Option(args[0], args[1], true, true))",
                    [AWAY_POLICE, str(world.away_police.id)])
    _share_form(page).get_by_role("button", name="Share the case").click()
    choice = _share_form(page).get_by_label("Institution", exact=True)
    expect_refused(page, choice, "A case is shared only with a social service or an orphans' court.")
    expect(choice.locator("option")).to_have_text(["Choose an institution", AWAY_COURT, AWAY_SOCIAL])
    axe.check(page)


def _coordinator_shares(page: Page, axe) -> None:
    """The social service of Kalnu novads, with a reason."""
    form = _share_form(page)
    form.get_by_label("Institution", exact=True).select_option(label=AWAY_SOCIAL)
    form.get_by_label("Why the institution takes part", exact=True).fill(REASON)
    form.get_by_role("button", name="Share the case").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The case was shared. The institution and its municipality's coordinator were told.")
    table = page.get_by_role("table", name="Institutions the coordinator added or shared the case with")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=AWAY_SOCIAL))
    expect(row).to_contain_text(f"Shared with the pupil's declared municipality: {REASON}")
    axe.check(page)


def _worker_is_told_and_writes_a_note(page: Page, case_url: str, axe) -> None:
    """The notice (no child data) leads to the case; the worker's note stays in the worker's institution."""
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name=re.compile(r"^Notices 1 new$"))).to_be_visible()
    menu.get_by_role("link", name=re.compile("^Notices")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    notices = page.get_by_role("table", name="Your notices, newest first")
    expect(notices).not_to_contain_text(CROSSING)
    axe.check(page)
    notices.get_by_role("link", name="A case was shared with your institution.").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Case L-\d+: {CROSSING}$"))
    section = page.get_by_role("region", name="Who takes part")
    row = section.get_by_role("row").filter(has=page.get_by_role("rowheader", name=AWAY_SOCIAL))
    expect(row).to_contain_text("Shared with the pupil's declared municipality")
    # the reason is the coordinators' to read
    expect(section).not_to_contain_text(REASON)
    axe.check(page)

    notes = page.get_by_role("region", name="Notes")
    notes.get_by_label("Kind", exact=True).select_option(label="General")
    notes.get_by_label("Text", exact=True).fill(NOTE)
    notes.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("status")).to_contain_text("The note was added.")
    note = page.get_by_role("region", name="Notes").get_by_role("article").first
    expect(note).to_contain_text(NOTE)
    expect(note).to_contain_text(f"Zane Kalna, {AWAY_SOCIAL}")
    axe.check(page)


def _coordinator_ends_the_share(page: Page, axe) -> None:
    """The page of who takes part: end the social service's participation."""
    page.reload()
    table = page.get_by_role("table", name="Institutions the coordinator added or shared the case with")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=AWAY_SOCIAL))
    row.get_by_role("button", name="End participation").click()
    expect(page.get_by_role("status")).to_contain_text(f"{AWAY_SOCIAL} no longer takes part in the case.")
    expect(page.get_by_role("main")).to_contain_text("No institution was added to the case or shared with.")
    axe.check(page)


def test_share_with_the_declared_municipality_note_and_end(new_context, live_server, app, factory, axe):
    world = sharing_world(app, factory)
    base = live_server.url
    coordinator = person(new_context, base, world.chair, axe)
    case_url = _coordinator_opens_who_takes_part(coordinator, axe)
    _coordinator_is_refused_other_institutions(coordinator, world, axe)
    assert participants_of(app, world.shared_case.id) == []
    _coordinator_shares(coordinator, axe)
    [shared] = participants_of(app, world.shared_case.id)
    assert (shared.institution_id, shared.why, shared.ended_at) == (world.away_social.id, "shared", None)

    worker = person(new_context, base, world.away_worker, axe)
    _worker_is_told_and_writes_a_note(worker, case_url, axe)

    _coordinator_ends_the_share(coordinator, axe)
    [ended] = participants_of(app, world.shared_case.id)
    assert ended.ended_at is not None and ended.ended_by_id == world.chair.id

    # the worker's next visit of the case page
    expect_not_found(worker, case_url, axe)
