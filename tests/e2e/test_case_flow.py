"""The school's whole flow in a real browser: a teacher reports a concern, the social pedagogue opens a
case with risk factors and a support plan, the teacher logs delivered hours, the plan is evaluated,
the case is referred to the cooperation group and the coordinator accepts the referral."""
from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.case_helpers import expect_refused, go_to, school_world, signed_in_page
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

PUPIL = "Anna Bērziņa"
OTHER_RISK = "Grandmother looks after her since the spring"


def _teacher_reports_a_concern(page: Page, world, axe) -> None:
    """Class step, then the pupil step; an empty description is refused at its field."""
    go_to(page, "My reports", "My reports", axe)
    expect(page.get_by_role("main")).to_contain_text("You have not reported any concern yet.")
    page.get_by_role("link", name="Report a concern").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Step 1 of 2: the pupil's class")
    axe.check(page)
    page.get_by_label("Class", exact=True).select_option("7.b")
    page.get_by_role("button", name="Next: choose the pupil").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Step 2 of 2: the pupil and what you noticed")
    axe.check(page)

    page.get_by_label("Pupil", exact=True).select_option(label="Bērziņa, Anna")
    page.get_by_label("Noticed since", exact=True).fill((world.today - timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Send the report").click()
    noticed = page.get_by_label("What was noticed", exact=True)
    expect_refused(page, noticed, "Write what you noticed.")
    expect(page.get_by_label("Pupil", exact=True)).to_have_value(str(world.pupil.id))
    axe.check(page)

    noticed.fill("Anna has missed most Monday lessons for three weeks and falls asleep in class.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My reports")
    expect(page.get_by_role("status")).to_contain_text("The concern was sent to your school's social pedagogue.")
    row = page.get_by_role("table", name="Concerns you reported, newest first").get_by_role("row").nth(1)
    expect(row.get_by_role("rowheader")).to_have_text(PUPIL)
    expect(row).to_contain_text("New")
    axe.check(page)


def _pedagogue_opens_a_case(page: Page, axe) -> str:
    """Inbox → the concern → open a case with categories, how noticed and two risk factors (one
    "other", first without its description). Returns the case page's address."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=re.compile("Concerns")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns inbox")
    expect(page.get_by_role("main").get_by_role("status").first).to_have_text("New concerns waiting: 1")
    axe.check(page)
    inbox = page.get_by_role("table", name=re.compile("Concerns: new first"))
    inbox.get_by_role("link", name=PUPIL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Concern: {PUPIL}")
    expect(page.get_by_role("main")).to_contain_text("falls asleep in class")
    axe.check(page)

    page.get_by_role("link", name=f"Open a case for {PUPIL}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a case")
    axe.check(page)
    page.get_by_role("group", name=re.compile("^Categories")).get_by_label("Unexcused absence", exact=True).check()
    page.get_by_label("Summary", exact=True).fill("Misses Mondays; tired in class.")
    page.get_by_role("group", name="Learning and school environment").get_by_label(
        "Unexcused absences", exact=True).check()
    family = page.get_by_role("group", name="Family", exact=True)
    family.get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Open the case").click()

    # how the risk was noticed is required, and says so
    noticed_via = page.get_by_role("group", name="How the risk was noticed (required)")
    expect_refused(page, noticed_via, "Choose how the risk was noticed.")
    axe.check(page)
    noticed_via.get_by_label("Absences", exact=True).check()
    noticed_via.get_by_label("Observation by a teacher or support staff", exact=True).check()
    page.get_by_role("button", name="Open the case").click()

    describe = page.get_by_label("Describe: Family — other", exact=True)
    expect_refused(page, describe, "Describe the other risk factor.")
    # what was ticked is kept
    expect(page.get_by_role("group", name=re.compile("^Categories")).get_by_label(
        "Unexcused absence", exact=True)).to_be_checked()
    expect(family.get_by_label("Other", exact=True)).to_be_checked()
    axe.check(page)

    describe.fill(OTHER_RISK)
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Case \S+: {PUPIL}$"))
    expect(page.get_by_role("status")).to_contain_text("The case was opened.")
    risks = page.get_by_role("region", name="Risk factors")
    expect(risks).to_contain_text("Unexcused absences")
    expect(risks).to_contain_text(f"Other: {OTHER_RISK}")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Unexcused absence")
    expect(summary).to_contain_text("Observation by a teacher or support staff")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Case opened")
    axe.check(page)
    return page.url.split("#")[0]


def _pedagogue_draws_up_a_plan(page: Page, world, axe, tmp_path) -> None:
    """A semester plan with a subject consultation the teacher delivers (the subject forgotten
    first); the plan downloads as a PDF that names the pupil."""
    plans = page.get_by_role("region", name="Support plans")
    plans.get_by_role("link", name="New support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"New support plan for {PUPIL}")
    axe.check(page)
    page.get_by_role("radio", name="For a semester").check()
    expect(page.get_by_label("Begins on", exact=True)).to_be_hidden()
    expect(page.get_by_label("Semester", exact=True)).to_have_value(str(world.semester))
    page.get_by_label("Goals", exact=True).fill("Attend every Monday; catch up in mathematics.")
    page.get_by_role("button", name="Draw up the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Support plan: {PUPIL}")
    expect(page.get_by_role("status")).to_contain_text("The support plan was drawn up.")
    axe.check(page)

    page.get_by_role("link", name="Add a measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a measure")
    axe.check(page)
    page.get_by_label("Type of support", exact=True).select_option(label="Subject consultation")
    page.get_by_label("Delivered by", exact=True).select_option(label=f"{world.teacher.full_name} (Teacher)")
    page.get_by_label("Planned hours", exact=True).fill("12")
    page.get_by_label("Specialist opinion it rests on", exact=True).fill("Mathematics teacher's assessment, October.")
    page.get_by_role("button", name="Add the measure").click()
    subject = page.get_by_label("Subject", exact=True)
    expect_refused(page, subject, "Choose the subject of the consultations.")
    expect(page.get_by_label("Planned hours", exact=True)).to_have_value("12")
    axe.check(page)

    subject.select_option(label="Mathematics")
    page.get_by_role("button", name="Add the measure").click()
    expect(page.get_by_role("status")).to_contain_text("The measure was added.")
    measures = page.get_by_role("table", name="Measures with planned and delivered hours")
    row = measures.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Subject consultation: Mathematics"))
    expect(row).to_contain_text(world.teacher.full_name)
    expect(row.get_by_role("cell").nth(1)).to_have_text("12")
    axe.check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert PUPIL in text
    assert "Matemātika" in text


def _teacher_logs_hours(page: Page, world, axe) -> None:
    """My reports show only the status; My measures takes the hours (too many first, then the right
    number with the keyboard alone)."""
    go_to(page, "My reports", "My reports", axe)
    row = page.get_by_role("table", name="Concerns you reported, newest first").get_by_role("row").nth(1)
    expect(row).to_contain_text("A case was opened")
    expect(row.get_by_role("link")).to_have_count(0)

    go_to(page, "My measures", "My measures", axe)
    mine = page.get_by_role("table", name="Measures I deliver, by pupil")
    expect(mine.get_by_role("rowheader")).to_have_text([PUPIL])
    measure = page.get_by_role("region", name=f"{PUPIL}, 7.b — Subject consultation: Mathematics")
    expect(measure.get_by_label("Date", exact=True)).to_have_value(world.today.isoformat())
    measure.get_by_label("Hours", exact=True).fill("9")
    measure.get_by_role("button", name="Log the hours").click()

    hours = page.get_by_label("Hours", exact=True)
    expect_refused(page, hours, "At most 8 hours a day can be logged for one measure.")
    axe.check(page)
    # the keyboard alone: a decimal comma, "Remote" with the arrow key, Enter sends the form
    hours.fill("1,5")
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="In person")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Remote")).to_be_checked()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("My measures")
    expect(page.get_by_role("status")).to_contain_text("The hours were logged.")
    expect(measure).to_contain_text("Planned 12 h, delivered 1.5 h.")
    axe.check(page)


def _pedagogue_evaluates_the_plan(page: Page, case_url: str, world, axe) -> None:
    """The plan's evaluation: the learning dynamics forgotten, then a future date for the parents,
    each refused at its field; then saved, and the plan is read-only."""
    page.goto(case_url)
    plans = page.get_by_role("table", name="Support plans of the case, latest first")
    expect(plans.get_by_role("row").nth(1).get_by_role("cell").last).to_have_text("1.5")
    plans.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Support plan: {PUPIL}")
    axe.check(page)
    page.get_by_role("link", name="Evaluate the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Evaluate the plan for {PUPIL}")
    axe.check(page)

    expect(page.get_by_label("Evaluated on", exact=True)).to_have_value(world.today.isoformat())
    page.get_by_label("Progress", exact=True).fill("Attends on Mondays since October; maths test passed.")
    informed = page.get_by_label("Parents informed on", exact=True)
    informed.fill((world.today + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save the evaluation").click()
    dynamics = page.get_by_role("group", name="Learning dynamics (required)")
    expect_refused(page, dynamics, "Choose how the pupil's learning went.")
    axe.check(page)

    page.get_by_role("radio", name="Improved").check()
    page.get_by_role("button", name="Save the evaluation").click()
    expect_refused(page, informed, "The date the parents were informed cannot be in the future.")
    expect(page.get_by_role("radio", name="Improved")).to_be_checked()
    axe.check(page)

    informed.fill(world.today.isoformat())
    page.get_by_label("Next steps", exact=True).fill("Refer to the cooperation group for the family's situation.")
    page.get_by_role("button", name="Save the evaluation").click()
    expect(page.get_by_role("status")).to_contain_text("The evaluation was saved. The plan is now read-only.")
    expect(page.locator("h1 + p")).to_have_text("Evaluated")
    expect(page.get_by_role("link", name="Evaluate the plan")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("maths test passed")
    axe.check(page)


def _pedagogue_adds_a_note_and_refers(page: Page, case_url: str, axe) -> None:
    """A note for the case team, then the referral (what was tried is required), urgent."""
    page.goto(case_url)
    notes = page.get_by_role("region", name="Notes")
    notes.get_by_label("Kind", exact=True).select_option(label="Conversation")
    notes.get_by_label("Who may read it", exact=True).select_option(label="The whole case team")
    notes.get_by_label("Text", exact=True).fill("Talked with the grandmother; she agrees to a meeting.")
    notes.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("status")).to_contain_text("The note was added.")
    expect(page.get_by_role("region", name="Notes").get_by_role("article")).to_contain_text(
        "she agrees to a meeting")
    axe.check(page)

    page.get_by_role("link", name="Refer to the cooperation group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to the cooperation group")
    expect(page.get_by_label("Cooperation group", exact=True)).to_have_value(re.compile(r"\d+"))
    axe.check(page)
    page.get_by_label("Urgent: the group should meet at once", exact=True).check()
    page.get_by_role("button", name="Submit the referral").click()
    tried = page.get_by_label("What the school tried, and with what result", exact=True)
    expect_refused(page, tried, "Write what the school tried and with what result.")
    expect(page.get_by_label("Urgent: the group should meet at once", exact=True)).to_be_checked()
    axe.check(page)

    tried.fill("A semester support plan with maths consultations: attendance improved, the family "
               "situation did not.")
    page.get_by_label("What the school asks the group for", exact=True).fill("A meeting with the social service.")
    page.get_by_role("button", name="Submit the referral").click()
    expect(page.get_by_role("status")).to_contain_text("The case was referred to the cooperation group.")
    expect(page.locator("h1 + p")).to_have_text("Referred Urgent")
    referral = page.get_by_role("region", name="Referral and closing")
    expect(referral).to_contain_text("Submitted, waiting for the coordinator")
    expect(referral).to_contain_text("The case can be closed once the coordinator has accepted or returned")
    axe.check(page)


def _coordinator_accepts(page: Page, axe) -> None:
    """The coordinator finds the urgent referral first and accepts it (choosing nothing is refused)."""
    go_to(page, "Referrals", "Referrals", axe)
    table = page.get_by_role("table", name=re.compile("Referrals to the cooperation groups"))
    row = table.get_by_role("row").nth(1)
    expect(row).to_contain_text("Ezerkrastu pamatskola")
    expect(row).to_contain_text("Urgent")
    expect(row).to_contain_text("Submitted, waiting for the coordinator")
    row.get_by_role("link", name=PUPIL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral: {PUPIL}")
    expect(page.get_by_role("main")).to_contain_text("attendance improved")
    expect(page.get_by_role("main")).to_contain_text(OTHER_RISK)
    axe.check(page)

    page.get_by_role("button", name="Save the decision").click()
    decision = page.get_by_role("group", name=re.compile("^Decision"))
    expect_refused(page, decision, "Choose accept or return.")
    axe.check(page)
    page.get_by_role("radio", name="Accept: the case goes onto a session's agenda").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("The urgent referral was accepted")
    expect(page.get_by_role("main")).to_contain_text("Accepted by the coordinator")
    axe.check(page)


def test_concern_to_case_plan_hours_evaluation_and_referral(page, new_context, live_server, app, factory, axe,
                                                           tmp_path):
    world = school_world(app, factory)
    base = live_server.url
    teacher = page
    sign_in(teacher, base, world.teacher, axe)
    _teacher_reports_a_concern(teacher, world, axe)

    pedagogue = signed_in_page(new_context, base, world.pedagogue, axe)
    case_url = _pedagogue_opens_a_case(pedagogue, axe)
    _pedagogue_draws_up_a_plan(pedagogue, world, axe, tmp_path)

    _teacher_logs_hours(teacher, world, axe)
    # a teacher sees the concern's status and their measures, never the case
    assert teacher.goto(case_url).status == 404
    axe.check(teacher)

    _pedagogue_evaluates_the_plan(pedagogue, case_url, world, axe)
    _pedagogue_adds_a_note_and_refers(pedagogue, case_url, axe)

    coordinator = signed_in_page(new_context, base, world.coordinator, axe)
    _coordinator_accepts(coordinator, axe)

    # back at the school, the case page shows the decision
    pedagogue.goto(case_url)
    referral = pedagogue.get_by_role("region", name="Referral and closing")
    expect(referral).to_contain_text("Accepted on")
    expect(pedagogue.get_by_role("region", name="Timeline")).to_contain_text("Referral accepted")
    axe.check(pedagogue)
