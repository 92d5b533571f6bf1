"""A cooperation group's whole flow in a real browser: the chair accepts a school's referral, schedules
a session, builds its agenda, sends the invitations (with calendar files), records the session with two
measures, approves the minutes; the social service and the municipal police work their actions; one goes
overdue, the reminders job tells the chair; at the evaluation date the case is proposed again."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from playwright.sync_api import Page, expect

from caseflow.db import local_today
from caseflow.extensions import db
from tests.e2e.case_helpers import expect_refused, go_to
from tests.e2e.group_helpers import (
    GROUP,
    MPOLICE,
    PUPIL,
    SOCIAL,
    add_proposal,
    fill_measure,
    group_world,
    mark_presence,
    outbox,
    pdf_text,
    person,
    refuse_end_before_start,
    schedule_session,
)

pytestmark = pytest.mark.e2e

RIGA = ZoneInfo("Europe/Riga")
PARENT = "Inga Kalniņa"
PARENT_EMAIL = "inga.kalnina@example.lv"
POLICY = "Cooperation with the youth centre"
SOCIAL_MEASURE = "Visit the family at home and assess the living conditions"
POLICE_MEASURE = "Talk to the pupil about the consequences of truancy"


def _chair_accepts_the_referral(page: Page, axe) -> None:
    """The school's referral (submitted in the tables) waits on the Referrals page; the chair accepts it."""
    go_to(page, "Referrals", "Referrals", axe)
    table = page.get_by_role("table", name=re.compile("Referrals to the cooperation groups"))
    table.get_by_role("link", name=PUPIL).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral: {PUPIL}")
    axe.check(page)
    page.get_by_role("radio", name="Accept: the case goes onto a session's agenda").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("The referral was accepted.")
    axe.check(page)


def _chair_builds_the_agenda(page: Page, axe) -> None:
    """The accepted referral is proposed; the chair adds it and a policy item (empty title refused)."""
    add_proposal(page, "Referral accepted", axe)
    expect(page.get_by_role("main")).to_contain_text("Nothing is waiting for the group.")
    page.get_by_label("Title of the policy item", exact=True).fill(POLICY)
    page.get_by_role("button", name="Add the policy item").click()
    expect(page.get_by_role("status")).to_contain_text("The policy item was added.")
    agenda = page.get_by_role("table", name="The items in the order the group hears them")
    expect(agenda.get_by_role("rowheader")).to_have_text([re.compile(PUPIL), POLICY])
    axe.check(page)


def _chair_sends_invitations(page: Page, app, world, label: str, axe) -> None:
    """A parent to be heard (no address first: refused), then the invitations with calendar entries."""
    page.get_by_role("link", name="The session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Session {label}")
    axe.check(page)
    page.get_by_role("main").get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invitations to session {label}")
    axe.check(page)

    page.get_by_label("Name", exact=True).fill(PARENT)
    page.get_by_label("Who the person is", exact=True).select_option(label="Parent or legal representative")
    page.get_by_label("Heard on the agenda item", exact=True).select_option(label="Item 1")
    page.get_by_role("button", name="Add the invitee").click()
    email = page.get_by_label("E-mail address", exact=True)
    expect_refused(page, email, "An invited person needs an e-mail address: the invitation goes by e-mail.")
    expect(page.get_by_label("Name", exact=True)).to_have_value(PARENT)
    axe.check(page)
    email.fill(PARENT_EMAIL)
    page.get_by_role("button", name="Add the invitee").click()
    expect(page.get_by_role("status")).to_contain_text("The person was added to the invitees.")
    assert outbox(app) == []

    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_role("status")).to_contain_text("Invitations sent: 7.")
    invitees = page.get_by_role("table", name="Everyone invited and whether the invitation has gone out")
    expect(invitees.get_by_role("row")).to_have_count(8)
    expect(invitees).not_to_contain_text("Not sent yet")
    axe.check(page)

    mails = outbox(app)
    assert sorted(m.to_address for m in mails) == sorted(
        [u.email for u in (world.chair, world.social_worker, world.court_member, world.inspector, world.officer,
                           world.head)] + [PARENT_EMAIL])
    uids = set()
    for mail in mails:
        # members read English (their account's language); the parent the house language
        if mail.to_address != PARENT_EMAIL:
            assert mail.subject == f"Invitation: session {label} of {GROUP}"
        assert GROUP in mail.subject and label in mail.subject
        assert PUPIL not in mail.body and PUPIL not in mail.ics
        calendar = icalendar.Calendar.from_ical(mail.ics)
        assert str(calendar["METHOD"]) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert event.decoded("dtstart") == datetime.combine(local_today(), time(14), tzinfo=RIGA)
        assert event.decoded("dtend") == datetime.combine(local_today(), time(16), tzinfo=RIGA)
        assert str(event["location"]) == "Domes zāle, Ezera iela 1"
        assert str(event["attendee"]) == f"mailto:{mail.to_address}"
        uids.add(str(event["uid"]))
    assert len(uids) == 1


def _chair_records_the_session(page: Page, axe) -> None:
    """Attendance (the parent heard), then the case item with two measures: a deadline before the
    session is refused at its field; the session is marked held."""
    page.get_by_role("link", name="The session").click()
    axe.check(page)
    page.get_by_role("navigation", name="Record and minutes").get_by_role("link", name="Record the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of the session")
    axe.check(page)
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    axe.check(page)
    for who in ("Dace Liepa", "Inese Bērziņa", "Pēteris Krūmiņš", "Andris Zariņš", "Laila Ozola", PARENT):
        mark_presence(page, who, "Present")
    mark_presence(page, "Rūta Ābele", "Excused")
    page.get_by_role("group", name=re.compile(f"^{PARENT}")).get_by_label("Heard", exact=True).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance was saved.")
    attendance = page.get_by_role("table", name="Who was invited and whether they came")
    expect(attendance.get_by_role("row").filter(has_text=PARENT)).to_contain_text("Present, heard")
    expect(attendance.get_by_role("row").filter(has_text="Rūta Ābele")).to_contain_text("Excused")
    axe.check(page)

    page.get_by_role("link", name="Record item 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Item: case \S+$"))
    axe.check(page)
    today = local_today()
    page.get_by_label(SOCIAL, exact=True).fill("The family has debts; the mother works two shifts.")
    page.get_by_label("What was heard and discussed", exact=True).fill(
        "The mother was heard; she agrees to a home visit.")
    page.get_by_role("radio", name="New measures").check()
    page.get_by_label("Next evaluation", exact=True).fill((today + timedelta(days=30)).isoformat())
    fill_measure(page, 1, text=SOCIAL_MEASURE, institution=SOCIAL, person="Inese Bērziņa",
                 due_on=today + timedelta(days=14))
    fill_measure(page, 2, text=POLICE_MEASURE, institution=MPOLICE, due_on=today - timedelta(days=1))
    page.get_by_role("button", name="Save the item").click()
    deadline = page.get_by_role("group", name="Measure 2", exact=True).get_by_label("Deadline", exact=True)
    expect_refused(page, deadline, f"The deadline cannot be before the session ({today:%d.%m.%Y}.).")
    expect(page.get_by_role("radio", name="New measures")).to_be_checked()
    axe.check(page)
    deadline.fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save the item").click()
    expect(page.get_by_role("status")).to_contain_text("The item was recorded with 2 new measures.")
    items = page.get_by_role("table", name="Items of the agenda and what the group agreed")
    expect(items.get_by_role("row").nth(1)).to_contain_text("New measures")
    axe.check(page)

    page.get_by_role("button", name="Mark the session as held").click()
    expect(page.get_by_role("status")).to_contain_text("The session is marked as held.")
    axe.check(page)


def _chair_approves_the_minutes(page: Page, label: str, axe, tmp_path) -> None:
    """The minutes drafted from the record are approved; the Latvian PDF names the group and the pupil."""
    page.get_by_role("main").get_by_role("link", name="Minutes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Minutes of session {label}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("she agrees to a home visit")
    # the group's measures are recommendations (its setting), and the minutes say so
    expect(page.get_by_role("table", name="Recommended measures")).to_contain_text(SOCIAL_MEASURE)
    axe.check(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_role("status")).to_contain_text("The minutes are approved.")
    expect(main).to_contain_text(f"Approved on {local_today():%d.%m.%Y}")
    axe.check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the minutes (PDF, Latvian)").click()
    download = download_info.value
    assert download.suggested_filename == f"protokols-{label.replace('/', '-')}.pdf"
    text = pdf_text(download, tmp_path)
    assert "protokols" in text.lower()
    assert GROUP in text
    assert PUPIL in text
    assert SOCIAL_MEASURE in text
    assert MPOLICE in text


def _open_my_action(page: Page, measure: str, axe) -> None:
    go_to(page, "Actions", "Actions of my institution", axe)
    queue = page.get_by_role("table", name="Actions assigned to your institution, earliest deadline first")
    row = queue.get_by_role("row").filter(has_text=measure)
    expect(row).to_contain_text(PUPIL)
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=measure).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Action: {GROUP}")
    axe.check(page)
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The action was accepted.")
    axe.check(page)


def _social_worker_accepts_and_logs(page: Page, axe) -> None:
    """The social service accepts its action and logs the home visit."""
    _open_my_action(page, SOCIAL_MEASURE, axe)
    page.get_by_label("What was done", exact=True).fill("Visited the family; the flat is cold.")
    page.get_by_label("Result", exact=True).last.fill("Firewood support applied for.")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_role("status")).to_contain_text("The follow-up entry was added.")
    log = page.get_by_role("table", name=re.compile("^What was done, newest first"))
    expect(log.get_by_role("row").nth(1)).to_contain_text("Firewood support applied for.")
    axe.check(page)


def _inspector_accepts_and_finishes(page: Page, axe) -> None:
    """The municipal police accepts its action and marks it done with a result."""
    _open_my_action(page, POLICE_MEASURE, axe)
    page.get_by_label("Result", exact=True).first.fill("Talked with the pupil and the mother at school.")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("The action is done.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Done")
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    axe.check(page)


def _chair_sees_the_overdue_action(page: Page, axe) -> None:
    """The reminders job's notice on the notices page, and the overdue action on the control board."""
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name=re.compile(r"^Notices"))).to_contain_text("1 new")
    go_to(page, re.compile(r"^Notices"), "Notices", axe)
    notices = page.get_by_role("table", name="Your notices, newest first")
    expect(notices.get_by_role("row").nth(1)).to_contain_text(f"An action of {GROUP} was due on")
    expect(notices.get_by_role("row").nth(1)).to_contain_text("and is overdue.")

    go_to(page, "Control board", "Control board of actions", axe)
    overdue = page.get_by_role("table", name="Open actions whose deadline has passed, earliest first")
    expect(overdue.get_by_role("row")).to_have_count(2)
    row = overdue.get_by_role("row").nth(1)
    expect(row).to_contain_text(PUPIL)
    expect(row).to_contain_text(SOCIAL)
    expect(row).to_contain_text("Inese Bērziņa")
    expect(row).to_contain_text("Accepted")


def _reminders_run(app) -> int:
    from caseflow.actions.reminders import send_reminders

    with app.app_context():
        reminded = send_reminders()
        db.session.commit()
        return reminded


def test_referral_to_session_minutes_actions_and_reminders(page, new_context, live_server, app, factory, axe,
                                                          tmp_path):
    world = group_world(app, factory)
    base = live_server.url
    today = local_today()
    chair = person(new_context, base, world.chair, axe)
    _chair_accepts_the_referral(chair, axe)

    refuse_end_before_start(chair, GROUP, today, axe)
    label = schedule_session(chair, GROUP, today, axe)
    _chair_builds_the_agenda(chair, axe)
    _chair_sends_invitations(chair, app, world, label, axe)
    _chair_records_the_session(chair, axe)
    _chair_approves_the_minutes(chair, label, axe, tmp_path)

    social_worker = person(new_context, base, world.social_worker, axe)
    _social_worker_accepts_and_logs(social_worker, axe)
    inspector = person(new_context, base, world.inspector, axe)
    _inspector_accepts_and_finishes(inspector, axe)

    # fifteen days later the social service's deadline has passed; the police's action is done
    later = datetime.combine(today + timedelta(days=15), time(7, 30), tzinfo=RIGA)
    with time_machine.travel(later, tick=True):
        assert _reminders_run(app) == 1
        overdue_mails = [m for m in outbox(app) if m.subject == "caseflow: an action is overdue"]
        assert sorted(m.to_address for m in overdue_mails) == sorted([world.chair.email, world.social_worker.email])
        chair = person(new_context, base, world.chair, axe)
        _chair_sees_the_overdue_action(chair, axe)

        # the next session falls on the evaluation date: the case is proposed again
        schedule_session(chair, GROUP, today + timedelta(days=30), axe)
        proposals = chair.get_by_role("table", name="Cases waiting for the group, with why each is proposed")
        expect(proposals.get_by_role("row").filter(has_text=PUPIL).filter(has_text="Evaluation due")).to_have_count(1)
        expect(proposals.get_by_role("row").filter(has_text=PUPIL).filter(has_text="Overdue actions")).to_have_count(1)
        add_proposal(chair, "Evaluation due", axe)
