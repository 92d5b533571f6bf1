"""Data and steps the cooperation-group browser tests share: the meetings world with people's names,
a session scheduled and recorded through the pages, the outbox and a downloaded PDF's text."""
from __future__ import annotations

import re
import subprocess
from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select

from caseflow.extensions import db
from tests.e2e.case_helpers import _name, expect_refused, go_to, signed_in_page
from tests.meetings.world import build_world

PUPIL = "Marta Kalniņa"
GROUP = "Ezerkrastu sadarbības grupa"
MANAGEMENT = "Ezerkrastu vadības grupa"
SOCIAL = "Ezerkrastu sociālais dienests"
MPOLICE = "Ezerkrastu pašvaldības policija"


def group_world(app, factory):
    """The meetings world (tests/meetings/world.py) whose people have names that show in lists."""
    w = build_world(app, factory)
    for user, full_name in ((w.chair, "Dace Liepa"), (w.social_worker, "Inese Bērziņa"),
                            (w.court_member, "Rūta Ābele"), (w.inspector, "Pēteris Krūmiņš"),
                            (w.officer, "Andris Zariņš"), (w.head, "Laila Ozola"),
                            (w.pedagogue, "Ilze Kalniņa")):
        _name(app, user, full_name)
    return w


def person(new_context, base_url: str, user, axe) -> Page:
    """A browser of the person's own, signed in; a step that cannot go on fails within ten seconds."""
    page = signed_in_page(new_context, base_url, user, axe)
    page.set_default_timeout(10_000)
    return page


def open_group(page: Page, group_name: str, axe) -> None:
    """Cooperation groups (main menu) → the group's page."""
    go_to(page, "Cooperation groups", "Cooperation groups", axe)
    page.get_by_role("main").get_by_role("link", name=group_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group_name)
    axe.check(page)


def schedule_session(page: Page, group_name: str, day: date, axe, *, start: str = "14:00",
                     end: str = "16:00", place: str = "Domes zāle, Ezera iela 1") -> str:
    """From the group's page, schedule a regular session; lands on its agenda. Returns the label."""
    open_group(page, group_name, axe)
    page.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a session")
    axe.check(page)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Starts at", exact=True).fill(start)
    page.get_by_label("Ends at", exact=True).fill(end)
    page.get_by_label("Place", exact=True).fill(place)
    page.get_by_role("button", name="Schedule the session").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Agenda of session \d{4}/\d+$"))
    label = heading.inner_text().rsplit(" ", 1)[-1]
    expect(page.get_by_role("status")).to_contain_text(f"Session {label} was scheduled.")
    axe.check(page)
    return label


def refuse_end_before_start(page: Page, group_name: str, day: date, axe) -> None:
    """A session ending before it starts is refused next to its end time (the other fields kept)."""
    open_group(page, group_name, axe)
    page.get_by_role("link", name="Schedule a session").click()
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Starts at", exact=True).fill("14:00")
    page.get_by_label("Ends at", exact=True).fill("13:00")
    page.get_by_label("Place", exact=True).fill("Domes zāle, Ezera iela 1")
    page.get_by_role("button", name="Schedule the session").click()
    expect_refused(page, page.get_by_label("Ends at", exact=True), "The session must end after it starts.")
    expect(page.get_by_label("Place", exact=True)).to_have_value("Domes zāle, Ezera iela 1")
    axe.check(page)


def add_proposal(page: Page, reason: str, axe) -> None:
    """On the agenda page: tick the pupil's proposed item given for `reason` and add it."""
    proposals = page.get_by_role("table", name="Cases waiting for the group, with why each is proposed")
    row = proposals.get_by_role("row").filter(has_text=PUPIL).filter(has_text=reason)
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Add the chosen items").click()
    expect(page.get_by_role("status")).to_contain_text("Items added to the agenda: 1.")
    agenda = page.get_by_role("table", name="The items in the order the group hears them")
    expect(agenda.get_by_role("rowheader").filter(has_text=PUPIL)).to_have_count(1)
    axe.check(page)


def mark_presence(page: Page, who: str, presence: str) -> None:
    """On the attendance sheet: the presence of the line whose legend starts with `who`."""
    line = page.get_by_role("group", name=re.compile(rf"^{re.escape(who)}"))
    line.get_by_role("radio", name=presence, exact=True).check()


def fill_measure(page: Page, number: int, *, text: str, institution: str, due_on: date,
                 person: str | None = None) -> None:
    """Fill the item page's measure row `number` (1-based)."""
    row = page.get_by_role("group", name=f"Measure {number}", exact=True)
    row.get_by_label("What is to be done", exact=True).fill(text)
    row.get_by_label("Institution", exact=True).select_option(label=institution)
    if person:
        row.get_by_label("Person (optional)", exact=True).select_option(label=f"{person} ({institution})")
    row.get_by_label("Deadline", exact=True).fill(due_on.isoformat())


def outbox(app) -> list:
    """The queued e-mails, oldest first."""
    from caseflow.notify.models import OutboxMessage

    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def pdf_text(download, tmp_path) -> str:
    """The text of a downloaded PDF as pdftotext reads it, its line breaks (table cells wrap) as spaces."""
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return " ".join(text.split())
