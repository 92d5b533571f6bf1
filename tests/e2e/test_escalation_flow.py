"""Riga's two levels in a real browser: the specialists' group cannot resolve a case and escalates it;
the management group's chair finds the escalated request among the proposed items of their session
and puts it on the agenda."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, SessionRequest
from tests.e2e.case_helpers import _name, expect_refused, go_to
from tests.e2e.group_helpers import (
    GROUP,
    MANAGEMENT,
    PUPIL,
    add_proposal,
    group_world,
    open_group,
    person,
    schedule_session,
)
from tests.meetings.recording_helpers import todays_session

pytestmark = pytest.mark.e2e


def _specialists_chair_escalates(page: Page, label: str, axe) -> None:
    """The specialists' group's session of today: the case item, its outcome forgotten first, escalated."""
    open_group(page, GROUP, axe)
    page.get_by_role("main").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session {label}")
    axe.check(page)
    page.get_by_role("navigation", name="Record and minutes").get_by_role("link", name="Record the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of the session")
    axe.check(page)
    page.get_by_role("link", name="Record item 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Item: case \S+$"))
    axe.check(page)

    page.get_by_label("What was heard and discussed", exact=True).fill(
        "The family refuses every service; the specialists ask the management group to step in.")
    page.get_by_role("button", name="Save the item").click()
    expect_refused(page, page.get_by_role("group", name="Outcome"), "Choose the outcome of the item.")
    expect(page.get_by_label("What was heard and discussed", exact=True)).to_have_value(
        re.compile("the specialists ask the management group"))
    axe.check(page)

    page.get_by_role("radio", name="Escalate to the next group").check()
    page.get_by_role("button", name="Save the item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of the session")
    messages = page.get_by_role("status")
    expect(messages.filter(has_text="The item was recorded")).to_have_count(1)
    expect(messages.filter(has_text=f"The case was sent to {MANAGEMENT} as a request to be heard.")).to_have_count(1)
    items = page.get_by_role("table", name="Items of the agenda and what the group agreed")
    expect(items.get_by_role("row").nth(1)).to_contain_text("Escalate to the next group")
    axe.check(page)


def _management_chair_adds_the_request(page: Page, axe) -> None:
    """The management group's open requests show the escalated one; a session's proposed items offer it
    (with its request) and the chair adds it; the request then stands on that session's agenda."""
    open_group(page, MANAGEMENT, axe)
    requests = page.get_by_role("table", name=re.compile("^Requests waiting for your decision"))
    expect(requests.get_by_role("row")).to_have_count(2)
    expect(requests.get_by_role("row").nth(1)).to_contain_text("A case of Ezerkrastu pamatskola")
    expect(requests.get_by_role("row").nth(1)).to_contain_text("A member of the group")

    later = local_today() + timedelta(days=7)
    session_label = schedule_session(page, MANAGEMENT, later, axe, start="10:00", end="12:00")
    proposals = page.get_by_role("table", name="Cases waiting for the group, with why each is proposed")
    row = proposals.get_by_role("row").filter(has_text="Session request")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PUPIL)
    add_proposal(page, "Session request", axe)
    agenda = page.get_by_role("table", name="The items in the order the group hears them")
    expect(agenda.get_by_role("row").nth(1)).to_contain_text("Session request")
    expect(page.get_by_role("main")).to_contain_text("Nothing is waiting for the group.")

    go_to(page, "Cooperation groups", "Cooperation groups", axe)
    page.get_by_role("main").get_by_role("link", name=MANAGEMENT).click()
    expect(page.get_by_role("main")).to_contain_text("No request is waiting.")
    axe.check(page)
    page.get_by_role("main").get_by_role("link", name=session_label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session {session_label}")
    agenda_list = page.get_by_role("main").get_by_role("list").filter(has_text="Session request")
    expect(agenda_list).to_contain_text(PUPIL)
    axe.check(page)


def test_the_specialists_escalate_and_the_management_group_hears_the_case(page, new_context, live_server, app,
                                                                         factory, axe):
    world = group_world(app, factory)
    head = _name(app, factory.user("coordinator", world.board.id, locale="en"), "Aija Vītola")
    todays_session(app, world)
    label = f"{local_today().year}/1"
    base = live_server.url

    specialists_chair = person(new_context, base, world.chair, axe)
    _specialists_chair_escalates(specialists_chair, label, axe)
    management_chair = person(new_context, base, head, axe)
    _management_chair_adds_the_request(management_chair, axe)

    with app.app_context():
        request = db.session.scalars(select(SessionRequest)).one()
        item = db.session.scalars(select(AgendaItem).where(AgendaItem.request_id == request.id)).one()
        assert (request.group_id, request.case_id, request.status) == (world.management, world.case.id, "scheduled")
        assert (item.session.group_id, item.case_id, item.reason) == (world.management, world.case.id, "request")
