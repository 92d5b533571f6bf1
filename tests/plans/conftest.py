"""A municipality for the support plan tests: a school with its staff, another school, semesters
around today, a pupil (and a pupil of the other school), the default lists."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.plans.helpers import TODAY, allow_evaluation_days_before_end, semester


@pytest.fixture
def world(app, factory):
    """`school` with pedagogue, head, two teachers and a support specialist; `other_school` with its
    pedagogue; semesters `past`, `current` (ends in 10 days) and `next`; `pupil` at `school`."""
    home = factory.municipality()
    factory.taxonomy(home.id)
    allow_evaluation_days_before_end(app, home.id, 14)
    school = factory.institution(home.id, kind="basic_school", name="Ābeļu pamatskola")
    other_school = factory.institution(home.id, kind="basic_school")
    pedagogue = factory.user("social_pedagogue", school.id, locale="en")
    world = SimpleNamespace(
        home=home, school=school, other_school=other_school, pedagogue=pedagogue,
        head=factory.user("school_head", school.id, locale="en"),
        teacher=factory.user("teacher", school.id, locale="en"),
        teacher2=factory.user("teacher", school.id, locale="en"),
        specialist=factory.user("support_specialist", school.id, locale="en"),
        other_pedagogue=factory.user("social_pedagogue", other_school.id, locale="en"),
        other_teacher=factory.user("teacher", other_school.id, locale="en"),
        coordinator=factory.user("coordinator", factory.institution(home.id, kind="education_board").id,
                                 locale="en"),
        pupil=factory.pupil(school.id, first_name="Žanis", last_name="Ķirsis", class_name="7.b"),
        other_pupil=factory.pupil(other_school.id, class_name="5.a"),
        past=semester(app, home.id, "2025/2026", 1, TODAY - timedelta(days=200), TODAY - timedelta(days=81)),
        current=semester(app, home.id, "2025/2026", 2, TODAY - timedelta(days=80), TODAY + timedelta(days=10)),
        next=semester(app, home.id, "2026/2027", 1, TODAY + timedelta(days=11), TODAY + timedelta(days=120)),
        psychologist=factory.entry(home.id, "measure_type", "psychologist"),
        consultation=factory.entry(home.id, "measure_type", "subject_consultation"),
        maths=factory.entry(home.id, "subject", "mathematics"),
    )
    return world
