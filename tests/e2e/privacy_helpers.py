"""Data and steps the privacy browser tests share: a case shared across municipalities, break-the-glass
people, one-time codes (the sign-in spends the current one) and the database's view of a case."""
from __future__ import annotations

import re
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import select

from caseflow.extensions import db
from tests.e2e.case_helpers import _name
from tests.meetings.world import build_world

RIGA = ZoneInfo("Europe/Riga")
CROSSING = "Līga Robežniece"
OTHER_PUPIL = "Ilze Liepa"
AWAY_SOCIAL = "Kalnu sociālais dienests"
AWAY_COURT = "Kalnu bāriņtiesa"
AWAY_POLICE = "Kalnu pašvaldības policija"
AWAY_SCHOOL = "Kalnu pamatskola"


def case_number(case_id: int) -> str:
    """A case's number as the pages show it."""
    return f"L-{case_id:06d}"


def sharing_world(app, factory) -> SimpleNamespace:
    """The meetings world plus Kalnu novads' social service, orphans' court, police and school, and a
    pupil of the home school declared in Kalnu novads whose case is referred (as tests/sharing)."""
    w = build_world(app, factory)
    w.away_social = factory.institution(w.away.id, kind="social_service", name=AWAY_SOCIAL)
    w.away_court = factory.institution(w.away.id, kind="orphans_court", name=AWAY_COURT)
    w.away_police = factory.institution(w.away.id, kind="municipal_police", name=AWAY_POLICE)
    w.away_school = factory.institution(w.away.id, kind="basic_school", name=AWAY_SCHOOL)
    w.away_worker = _name(app, factory.user("social_worker", w.away_social.id, locale="en"), "Zane Kalna")
    _name(app, w.chair, "Dace Liepa")
    _name(app, w.away_chair, "Māris Kalns")
    w.crossing = factory.pupil(w.school.id, declared_municipality_id=w.away.id, first_name="Līga",
                               last_name="Robežniece", class_name="6.a")
    w.shared_case = factory.case(w.crossing.id, w.school.id, w.pedagogue.id, summary="Dzīvo pie vecmāmiņas")
    factory.referral(w.shared_case.id, w.group, w.pedagogue.id)
    return w


def break_glass_world(app, factory) -> SimpleNamespace:
    """The meetings world with named people and the home municipality's data-protection officer."""
    w = build_world(app, factory)
    _name(app, w.inspector, "Pēteris Krūmiņš")
    w.dpo = _name(app, factory.user("dpo", w.board.id, locale="en"), "Anita Sargā")
    return w


def fresh_code(secret: str) -> str:
    """A code the server still accepts after the sign-in spent the current time-step's: the next one."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def wrong_code(secret: str) -> str:
    """Six digits that are no code of the secret's neighbouring time-steps."""
    totp, now = pyotp.TOTP(secret), time.time()
    taken = {totp.at(now + 30 * step) for step in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(123456, 1_000_000, 111)) if code not in taken)


def open_case_from_list(page: Page, pupil: str, axe) -> None:
    """Cases (main menu) → the pupil's case page."""
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    axe.check(page)
    first, last = pupil.rsplit(" ", 1)
    row = page.get_by_role("table", name="Cases").get_by_role("row").filter(has_text=f"{last}, {first}")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Case L-\d+: {re.escape(pupil)}$"))
    axe.check(page)


def expect_not_found(page: Page, url: str, axe) -> None:
    """The page answers 404 with the generic "not found" page (a refused object is not found)."""
    assert page.goto(url).status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe.check(page)


def grant_of(app, user_id: int):
    """The user's only emergency grant as the database holds it."""
    from caseflow.emergency.models import EmergencyGrant

    with app.app_context():
        grant = db.session.scalars(select(EmergencyGrant).where(EmergencyGrant.user_id == user_id)).one()
        db.session.expunge(grant)
        return grant


def participants_of(app, case_id: int) -> list:
    """The case's participations (active and ended), oldest first."""
    from caseflow.sharing.models import CaseParticipant

    with app.app_context():
        rows = db.session.scalars(select(CaseParticipant).where(CaseParticipant.case_id == case_id)
                                  .order_by(CaseParticipant.id)).all()
        db.session.expunge_all()
        return rows
