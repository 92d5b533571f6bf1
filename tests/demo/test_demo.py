"""`flask demo load`: an empty database gets two municipalities, every role and valid pupils."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from caseflow.access.permissions import Role
from caseflow.crypto import blind_index, unseal
from caseflow.db import local_today
from caseflow.demo import loader
from caseflow.demo.institutions import ACCOUNTS, DEMO_PASSWORD, PUPIL_TOTAL
from caseflow.demo.names import has_latvian_letters
from caseflow.demo.pupils import plan_pupils
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMember
from caseflow.monitoring.fixtures import available_profiles
from caseflow.monitoring.models import Indicator, IndicatorValue
from caseflow.people.calendar import Semester, semester_on
from caseflow.people.models import Institution, Membership, Municipality, User
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import parse

TABLES = (Municipality, Institution, User, Membership, CooperationGroup, GroupMember, Semester,
          Pupil, Enrolment)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _load(runner, *args: str):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result


def test_load_fills_an_empty_database_once(app, runner):
    result = _load(runner)
    assert "admin@demo.caseflow.lv" in result.output
    assert "sp.skola1@demo.caseflow.lv" in result.output
    assert DEMO_PASSWORD in result.output
    assert "two-factor authentication" in result.output
    with app.app_context():
        before = _counts()
        # the two demo municipalities and the five whose plans are the seed fixtures
        assert before["Municipality"] == 2 + len(available_profiles())
        assert db.session.scalar(select(func.count(func.distinct(Indicator.municipality_id)))) == 6
        computed = set(db.session.scalars(select(Municipality.code).join(
            IndicatorValue, IndicatorValue.municipality_id == Municipality.id).where(IndicatorValue.origin == "computed")))
        assert computed == {"ezerkrasti"}
        assert before["Pupil"] == PUPIL_TOTAL
        # nobody is enrolled in TOTP: each demo user enrols at first sign-in
        assert db.session.scalar(select(func.count()).select_from(User)
                                 .where(User.totp_enrolled_at.is_not(None))) == 0

    again = _load(runner)
    assert "database already has data; demo not loaded" in again.output
    with app.app_context():
        assert _counts() == before


def test_loaded_demo_is_complete_and_valid(app, runner):
    _load(runner, "--seed", "7")
    with app.app_context():
        roles = set(db.session.scalars(select(Membership.role)))
        assert roles == {role.value for role in Role}
        two_posts = db.session.scalars(
            select(Membership.user_id).group_by(Membership.user_id)
            .having(func.count() > 1)).all()
        assert len(two_posts) >= 1

        pupils = db.session.scalars(select(Pupil).order_by(Pupil.id)).all()
        codes = [parse(unseal(p, "personal_code")).value for p in pupils]
        assert len(set(codes)) == len(codes) == PUPIL_TOTAL
        assert all(p.personal_code_index == blind_index(c, purpose="personal_code")
                   for p, c in zip(pupils, codes, strict=True))
        for pupil, code in zip(pupils, codes, strict=True):
            born = parse(code).birth_date
            assert born is None or born == pupil.birth_date

        gymnasium = db.session.scalar(select(Institution).where(Institution.kind == "state_gymnasium"))
        assert gymnasium.ownership == "state"
        assert db.session.scalar(select(func.count()).select_from(Institution)
                                 .where(Institution.ownership == "private")) >= 1
        assert db.session.scalar(select(Institution).where(Institution.merged_into_id.is_not(None)))
        assert db.session.scalar(select(Institution).where(Institution.closed_on.is_not(None)))

        today = local_today()
        elsewhere = 0
        for pupil in pupils:
            current = pupil.current_enrolment(today)
            assert current is not None, pupil.full_name
            if pupil.declared_municipality_id != current.school.municipality_id:
                elsewhere += 1
        assert elsewhere >= 10
        assert sum(len(p.enrolments) > 1 for p in pupils) >= 5

        names = [p.full_name for p in pupils]
        assert sum(has_latvian_letters(n) for n in names) > len(names) // 2
        # the database holds exactly the plan the seed gives
        assert names == [f"{p.first_name} {p.last_name}" for p in plan_pupils(seed=7, today=today)]

        group = db.session.scalar(select(CooperationGroup))
        assert group.measures_are == "recommended"
        assert {gm.municipality.code for gm in group.municipalities} == {"ezerkrasti", "upmala"}
        chairs = [m for m in group.members if m.is_chair]
        assert len(chairs) == 1 and chairs[0].institution.kind == "education_board"
        assert {m.kind for m in group.members} == {"member", "advisory"}


def test_same_seed_gives_the_same_pupils():
    day = date(2026, 11, 23)
    first, second = plan_pupils(seed=2026, today=day), plan_pupils(seed=2026, today=day)
    assert [(p.first_name, p.last_name, p.birth_date, p.personal_code) for p in first] == \
        [(p.first_name, p.last_name, p.birth_date, p.personal_code) for p in second]
    other = plan_pupils(seed=2027, today=day)
    assert [p.last_name for p in other] != [p.last_name for p in first]


@pytest.mark.parametrize("seed", [1, 2026])
def test_plan_birth_dates_match_grades(seed):
    day = date(2026, 11, 23)
    for plan in plan_pupils(seed=seed, today=day):
        current = plan.current
        age = 2026 - plan.birth_date.year  # age reached in the calendar year the school year began
        if current.grade == 0:
            assert age in (5, 6)
        else:
            assert age - 6 - current.grade in (0, 1), (plan, age)
        assert plan.enrolments[0].start <= current.start <= day
        for earlier, later in zip(plan.enrolments, plan.enrolments[1:], strict=False):
            assert earlier.end is not None and earlier.end < later.start
        code = parse(plan.personal_code)
        assert code.birth_date in (None, plan.birth_date)


def test_demo_password_passes_the_password_policy(app):
    from caseflow.people.passwords import password_problem

    with app.app_context():
        for account in ACCOUNTS:
            words = (account.username, *account.full_name.split())
            assert password_problem(DEMO_PASSWORD, user_words=words) is None


def test_a_failed_load_writes_nothing(app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_pupils", broken)
    with app.app_context():
        with pytest.raises(RuntimeError):
            loader.load_demo(seed=1)
        db.session.remove()
        assert not loader.has_data()
        assert _counts()["User"] == 0


def test_every_demo_municipality_has_this_years_semesters(app, runner):
    _load(runner)
    with app.app_context():
        for municipality in db.session.scalars(select(Municipality)):
            semesters = db.session.scalars(select(Semester).where(
                Semester.municipality_id == municipality.id).order_by(Semester.starts_on)).all()
            assert len(semesters) == 6
            assert all(s.starts_on < s.ends_on for s in semesters)
            assert all(a.ends_on < b.starts_on for a, b in zip(semesters, semesters[1:], strict=False))
            autumn = date(local_today().year if local_today().month >= 9 else local_today().year - 1, 10, 15)
            assert semester_on(municipality.id, autumn).number == 1
