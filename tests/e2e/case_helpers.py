"""Data and steps the case browser tests share: a school's world with a semester ending today, a
browser of each person's own, the main menu, and the checks of a refused form."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from playwright.sync_api import Page, expect

from caseflow.db import local_today
from caseflow.extensions import db
from tests.e2e.helpers import sign_in


def _name(app, user, full_name: str):
    """Give a factory user a person's name (it shows in choices and lists) and return the user."""
    from caseflow.people.models import User

    with app.app_context():
        db.session.get(User, user.id).full_name = full_name
        db.session.commit()
    user.full_name = full_name
    return user


def _semester(app, municipality_id: int, starts_on, ends_on) -> int:
    from caseflow.people.calendar import Semester

    with app.app_context():
        semester = Semester(municipality_id=municipality_id, school_year="2026/2027", number=1,
                            starts_on=starts_on, ends_on=ends_on)
        db.session.add(semester)
        db.session.commit()
        return semester.id


def school_world(app, factory) -> SimpleNamespace:
    """A municipality with the default lists and a cooperation group; a school with its social
    pedagogue and a teacher; a coordinator at the education board; a pupil in class 7.b; and the
    current semester, which ends today (so hours of today may be logged and its plans evaluated)."""
    home = factory.municipality(name="Ezerkrastu novads", code="ezerkrasti")
    factory.taxonomy(home.id)
    school = factory.institution(home.id, name="Ezerkrastu pamatskola")
    board = factory.institution(home.id, kind="education_board", name="Ezerkrastu izglītības pārvalde")
    today = local_today()
    return SimpleNamespace(
        home=home, school=school, today=today,
        pedagogue=_name(app, factory.user("social_pedagogue", school.id, locale="en"), "Ilze Kalniņa"),
        teacher=_name(app, factory.user("teacher", school.id, locale="en"), "Jānis Ozoliņš"),
        coordinator=_name(app, factory.user("coordinator", board.id, locale="en"), "Dace Liepa"),
        group=factory.group(home.id, name="Ezerkrastu sadarbības grupa"),
        pupil=factory.pupil(school.id, first_name="Anna", last_name="Bērziņa", class_name="7.b"),
        semester=_semester(app, home.id, today - timedelta(days=80), today),
    )


def signed_in_page(new_context, base_url: str, user, axe) -> Page:
    """A browser of the person's own (a new context) with the person signed in: colleagues work at
    their own computers, and each signs in once (a one-time code is accepted only once)."""
    page = new_context().new_page()
    sign_in(page, base_url, user, axe)
    return page


def go_to(page: Page, menu_item: str, heading: str | re.Pattern, axe) -> None:
    """Open a page from the main menu, see its heading and check it with axe-core."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=menu_item).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe.check(page)


def expect_refused(page: Page, field, message: str) -> None:
    """The refused form: the focused summary names the message and links to the field; the message is
    next to the field and describes it, an input is marked invalid, and following the link moves the
    focus to the field (or its group)."""
    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    expect(summary).to_be_focused()
    field_id = field.get_attribute("id")
    link = summary.locator(f'a[href="#{field_id}"]')
    expect(link).to_contain_text(message)
    expect(page.locator(f"#{field_id}-error")).to_have_text(re.compile(re.escape(message)))
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    if field.evaluate("element => element.tagName") != "FIELDSET":
        expect(field).to_have_attribute("aria-invalid", "true")
    link.click()
    expect(field).to_be_focused()
