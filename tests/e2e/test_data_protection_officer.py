"""The data-protection officer finds out who saw a pupil, in a real browser."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


def test_officer_sees_who_opened_the_pupil(page, live_server, app, factory, axe):
    school = factory.institution(name="Tukuma 2. pamatskola")
    board = factory.institution(kind="education_board", name="Tukuma izglītības pārvalde")
    pedagogue = factory.user("social_pedagogue", school.id, username="pedagogs@tukums.lv")
    officer = factory.user("dpo", board.id, locale="en")
    pupil = factory.pupil(school.id, first_name="Marta", last_name="Kalniņa", born=date(2013, 5, 17),
                          code="170513-21234")

    # the social pedagogue opens the pupil's page (a separate client, finished before the officer looks)
    client = app.test_client()
    factory.login(client, pedagogue)
    assert client.get(f"/pupils/{pupil.id}").status_code == 200

    sign_in(page, live_server.url, officer, axe)
    axe.check(page)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    axe.check(page)
    page.get_by_role("link", name="Who saw this pupil?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who saw this pupil?")
    axe.check(page)

    page.get_by_label("Personal code").fill("17051321234")
    page.get_by_role("button", name="Show who saw the pupil").click()

    expect(page).to_have_url(re.compile(r"/audit/pupil/report\?t="))
    assert "21234" not in page.url, "the personal code must not appear in the address"
    expect(page.get_by_role("definition").filter(has_text="Marta Kalniņa")).to_be_visible()
    trail = page.get_by_role("table", name=re.compile("Reads and changes of this pupil"))
    read = trail.get_by_role("row").filter(has_text="pedagogs@tukums.lv")
    expect(read).to_have_count(1)
    expect(read).to_contain_text("pupil.read")
    expect(read).to_contain_text("Social pedagogue")
    expect(read).to_contain_text("Tukuma 2. pamatskola")
    expect(read).to_contain_text("127.0.0.1")
    axe.check(page)
