"""A small municipality for the pupil-registry tests: two schools, a board, a school elsewhere."""
from __future__ import annotations

import html
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from tests.querycount import StatementCounter  # noqa: F401 — shared by the tests that import it from here

PUPIL_LINK = re.compile(r'href="/pupils/(\d+)"')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def world(factory):
    """Municipality `home` (schools `school`, `other_school`, the education board) and `away`."""
    home = factory.municipality()
    away = factory.municipality()
    school = factory.institution(home.id, kind="basic_school")
    other_school = factory.institution(home.id, kind="secondary_school")
    board = factory.institution(home.id, kind="education_board")
    far_school = factory.institution(away.id, kind="basic_school")
    return SimpleNamespace(
        home=home, away=away, school=school, other_school=other_school, board=board, far_school=far_school,
        pedagogue=factory.user("social_pedagogue", school.id, locale="en"),
        coordinator=factory.user("coordinator", board.id, locale="en"))


def pupil_ids(page: str) -> list[int]:
    """Pupil ids linked from a page, in order."""
    return [int(i) for i in PUPIL_LINK.findall(page)]


def next_link(page: str) -> str | None:
    found = NEXT_LINK.search(page)
    return html.unescape(found.group(1)) if found else None


def count_rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def end_enrolments(app, pupil_id: int, day) -> None:
    """End every enrolment of a pupil on a day (the factory only makes open ones)."""
    from caseflow.pupils.models import Enrolment

    with app.app_context():
        for e in db.session.scalars(select(Enrolment).where(Enrolment.pupil_id == pupil_id)):
            e.end_date = day
        db.session.commit()
