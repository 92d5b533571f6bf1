"""The administrator adds an institution and opens an account with a role there, in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


def test_administrator_adds_an_institution_and_an_account_with_a_role(page, live_server, app, factory, axe):
    home = factory.municipality(name="Tukuma novads", code="tukums")
    factory.municipality(name="Krāslavas novads", code="kraslava")
    board = factory.institution(home.id, kind="education_board", name="Tukuma izglītības pārvalde")
    admin = factory.user("admin", board.id, locale="en")

    sign_in(page, live_server.url, admin, axe)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    axe.check(page)

    # Administration → Institutions → Add an institution
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    axe.check(page)
    page.get_by_role("main").get_by_role("link", name="Institutions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Institutions")
    axe.check(page)
    page.get_by_role("link", name="Add an institution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an institution")
    axe.check(page)

    # an empty name and a malformed e-mail: errors next to the fields, the summary links to them
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(r"\S"))
    expect(page.locator("#name-error")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_attribute("aria-invalid", "true")
    link = summary.locator('a[href="#name"]')
    expect(link).to_contain_text("Name")
    axe.check(page)
    link.click()
    expect(name).to_be_focused()

    name.fill("Krāslavas Varavīksnes vidusskola")
    page.get_by_label("Municipality").select_option(label="Krāslavas novads")
    page.get_by_label("Kind").select_option(label="Secondary school")
    page.get_by_label("Founded by").select_option(label="Municipal")
    page.get_by_label("Registration number").fill("4213900123")
    page.get_by_label("E-mail address").fill("varaviksne@kraslava.lv")
    page.get_by_label("Opened on").fill("1995-09-01")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("The institution has been added.")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Krāslavas Varavīksnes vidusskola"))
    expect(row).to_contain_text("Krāslavas novads")
    expect(row).to_contain_text("Secondary school")
    expect(row).to_contain_text("4213900123")
    axe.check(page)

    # Administration → User accounts → Open an account
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Administration").click()
    page.get_by_role("main").get_by_role("link", name="User accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("User accounts")
    axe.check(page)
    page.get_by_role("link", name="Open an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open an account")
    axe.check(page)
    page.get_by_label("Full name").fill("Ilze Kalniņa")
    page.get_by_label("User name").fill("ilze.kalnina@kraslava.lv")
    page.get_by_label("E-mail address").fill("ilze.kalnina@kraslava.lv")
    page.get_by_label("Language").select_option("lv")
    page.get_by_role("button", name="Open the account and send the invitation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ilze Kalniņa")
    expect(page.get_by_role("status")).to_contain_text("invitation sent to ilze.kalnina@kraslava.lv")
    axe.check(page)

    # a role at the new institution: first show the institutions of its municipality
    page.get_by_label("Municipality").select_option(label="Krāslavas novads")
    page.get_by_role("button", name="Show its institutions").click()
    expect(page.get_by_label("Institution", exact=True)).to_contain_text("Krāslavas Varavīksnes vidusskola")
    axe.check(page)
    page.get_by_label("Role").select_option(label="Social pedagogue")
    page.get_by_label("Institution", exact=True).select_option(label="Krāslavas Varavīksnes vidusskola")
    page.get_by_label("Position").fill("sociālais pedagogs")
    page.get_by_role("button", name="Add the role").click()

    expect(page.get_by_role("status")).to_contain_text("The role has been added.")
    roles = page.get_by_role("table", name=re.compile("Roles of Ilze Kalniņa"))
    row = roles.get_by_role("row").filter(has_text="Krāslavas Varavīksnes vidusskola")
    expect(row).to_contain_text("Social pedagogue")
    # the row's "Last day" and "End" say which role they end
    expect(row.get_by_role("button", name="End")).to_have_accessible_description(
        "Social pedagogue Krāslavas Varavīksnes vidusskola")
    expect(row.get_by_label("Last day")).to_have_accessible_description(
        "Social pedagogue Krāslavas Varavīksnes vidusskola")
    axe.check(page)

    # the invitation waits in the outbox (looked at after the requests, never during one)
    from caseflow.extensions import db
    from caseflow.notify.models import OutboxMessage

    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address == "ilze.kalnina@kraslava.lv")).all()
        assert len(messages) == 1
        assert "/password/set/" in messages[0].body


def test_municipal_settings_show_each_default_with_its_field(page, live_server, factory, axe):
    home = factory.municipality(name="Tukuma novads", code="tukums")
    board = factory.institution(home.id, kind="education_board", name="Tukuma izglītības pārvalde")
    admin = factory.user("admin", board.id, locale="en")

    sign_in(page, live_server.url, admin, axe)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Administration").click()
    axe.check(page)
    page.get_by_role("row", name=re.compile("Tukuma novads")).get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings of Tukuma novads")
    axe.check(page)

    # the default shown under each field is part of the field's description
    fields = page.locator("main form [aria-describedby]")
    assert fields.count() > 0
    for i in range(fields.count()):
        expect(fields.nth(i)).to_have_accessible_description(re.compile(r"Default:"))

    # a number out of range: the error is at the field, and the default is still read with it
    number = page.get_by_role("spinbutton").first
    number.fill("-5")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_accessible_description(re.compile(r"Default:"))
    axe.check(page)
