"""A social pedagogue adds a pupil to the registry and finds them again, in a real browser."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from caseflow.pupils.personal_code import make_old_format
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


def test_social_pedagogue_adds_a_pupil_and_finds_them_by_name(page, live_server, factory, axe):
    school = factory.institution(name="Ezerkrastu 1. pamatskola")
    pedagogue = factory.user("social_pedagogue", school.id, locale="en")
    factory.pupil(school.id, first_name="Pēteris", last_name="Ozols")
    code = make_old_format(date(2012, 3, 14), 123)
    mistyped = code[:-1] + str((int(code[-1]) + 1) % 10)

    sign_in(page, live_server.url, pedagogue, axe)
    axe.check(page)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Pupils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupils")
    axe.check(page)
    page.get_by_role("link", name="Add a pupil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a pupil")
    axe.check(page)

    # school staff enrol at their own school: shown as a term and its value, not a choice
    enrolment = page.get_by_role("group", name="Enrolment")
    expect(enrolment.get_by_role("term")).to_have_text("School")
    expect(enrolment.get_by_role("definition")).to_have_text("Ezerkrastu 1. pamatskola")

    page.get_by_label("First name").fill("Anna")
    page.get_by_label("Last name").fill("Bērziņa")
    page.get_by_label("Birth date").fill("2012-03-14")
    page.get_by_label("Personal code").fill(mistyped)
    page.get_by_label("Class").fill("7.b")
    page.get_by_label("Enrolled from").fill("2024-09-02")
    page.get_by_role("button", name="Add the pupil").click()

    # the checksum rule's message is next to the field and in its description
    personal_code = page.get_by_label("Personal code")
    expect(personal_code).to_have_attribute("aria-invalid", "true")
    rule = "The last digit (check digit) does not match"
    expect(page.locator("#personal_code-error")).to_contain_text(rule)
    expect(personal_code).to_have_accessible_description(re.compile(re.escape(rule)))
    expect(page.get_by_role("alert").get_by_role("link", name=re.compile(re.escape(rule)))).to_have_attribute(
        "href", "#personal_code")
    # what was typed is kept
    expect(page.get_by_label("First name")).to_have_value("Anna")
    axe.check(page)

    personal_code.fill(code)
    page.get_by_role("button", name="Add the pupil").click()

    expect(page).to_have_url(re.compile(r"/pupils/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bērziņa")
    expect(page.get_by_role("status")).to_contain_text("The pupil was added to the registry.")
    expect(page.get_by_role("definition").filter(has_text=code)).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Enrolment history")).get_by_role("row").nth(1)).to_contain_text(
        "Ezerkrastu 1. pamatskola")
    axe.check(page)

    page.get_by_role("link", name="Back to the list").click()
    search = page.get_by_role("search", name="Search")
    search.get_by_label("Name").fill("Bērz")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"name=B"))
    results = page.get_by_role("table", name="Pupils found")
    expect(results.get_by_role("rowheader")).to_have_count(1)
    expect(results.get_by_role("link", name="Bērziņa, Anna")).to_be_visible()
    axe.check(page)

    results.get_by_role("link", name="Bērziņa, Anna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anna Bērziņa")
    axe.check(page)

    # on the edit page each open enrolment's "End the enrolment" says which enrolment it ends
    page.get_by_role("link", name="Edit the pupil").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Anna Bērziņa")
    expect(page.get_by_role("button", name="End the enrolment")).to_have_accessible_description(
        "Ezerkrastu 1. pamatskola 7.b")
    axe.check(page)
