"""Monitoring in a real browser: the coordinator opens the dashboard of the municipality's plan (Daugavpils'
seed), opens an indicator, is refused a figure that is not a number, records one and sees it in the trend
and its table; opens the indicator's figures by school; records how a plan activity went in a year; reads the plan's statistics with small counts
hidden; starts the annual report, writes it, marks it reviewed and downloads its PDF. axe-core checks
every page."""
from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import expect

from caseflow.extensions import db
from caseflow.monitoring.fixtures import load_into, load_profile
from tests.e2e.case_helpers import expect_refused, go_to, school_world, signed_in_page

pytestmark = pytest.mark.e2e

INDICATOR = re.compile(r"^2\.4-6 ")


def test_dashboard_indicator_plan_activity_statistics(app, factory, live_server, new_context, axe):
    w = school_world(app, factory)
    with app.app_context():
        load_into(w.home.id, load_profile("daugavpils"))
        db.session.commit()
    page = signed_in_page(new_context, live_server.url, w.coordinator, axe)
    go_to(page, "Monitoring", "Monitoring of the prevention plan", axe)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=INDICATOR))
    expect(row).to_contain_text("No data")

    row.get_by_role("link", name=INDICATOR).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2.4-6")
    axe.check(page)
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Value", exact=True).fill("trīsdesmit")
    page.get_by_label("Source", exact=True).fill("Sadarbības grupas protokoli")
    page.get_by_role("button", name="Record the figure").click()
    expect_refused(page, page.get_by_label("Value", exact=True), "Enter a number, e.g. 1.5")
    page.get_by_label("Value", exact=True).fill("30")
    page.get_by_role("button", name="Record the figure").click()
    expect(page.get_by_role("status")).to_contain_text("The figure was recorded.")
    expect(page.get_by_role("img", name=re.compile("group", re.I))).to_be_visible()
    values = page.get_by_role("table", name=re.compile("Values and targets by year"))
    expect(values.get_by_role("row", name=re.compile("^2025"))).to_contain_text("30")
    expect(page.get_by_role("table", name=re.compile("Every recorded figure"))).to_contain_text(
        "Sadarbības grupas protokoli")
    axe.check(page)

    page.get_by_role("link", name="figures by school").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by school")
    expect(page.get_by_role("img", name=re.compile("by school"))).to_be_visible()
    by_school = page.get_by_role("table", name="Figures by school and school year")
    expect(by_school.get_by_role("row", name=re.compile(re.escape(w.school.name)))).to_be_visible()
    expect(by_school.get_by_role("row", name=re.compile("^Municipality"))).to_be_visible()
    axe.check(page)

    page.get_by_role("navigation", name="Monitoring").get_by_role("link", name="Implementation plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Implementation plan")
    axe.check(page)
    page.get_by_role("link", name=re.compile(r"Record a year \(1\.1\)")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activity 1.1")
    axe.check(page)
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_label("Invested (EUR)").fill("1200,50")
    page.get_by_label("Achieved value").fill("Notikušas 10 sēdes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The activity's year was recorded.")
    expect(page.locator("tr", has_text="1.1").first).to_contain_text("Done")

    page.get_by_role("navigation", name="Monitoring").get_by_role("link", name="Statistics of the plan").click()
    expect(page.get_by_role("table", name=re.compile("Pumpurs"))).to_contain_text("8702")
    axe.check(page)

    page.get_by_role("navigation", name="Monitoring").get_by_role("link", name="Annual reports").click()
    axe.check(page)
    page.get_by_label("Year of the report").fill("2025")
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report 2025")
    page.get_by_label("Conclusions of the working group").fill("Ģimeņu atbalsts jāstiprina; sadarbība uzlabojusies.")
    page.get_by_role("button", name="Save the text").click()
    expect(page.get_by_role("status")).to_contain_text("The report's text was saved.")
    axe.check(page)
    page.get_by_role("button", name="Mark as reviewed by the working group").click()
    expect(page.get_by_role("main")).to_contain_text("Reviewed by the working group")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    text = subprocess.run(["pdftotext", download.value.path(), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "Gada pārskats 2025" in text and "Ģimeņu atbalsts jāstiprina" in text
