"""Write the demo into an empty database in one transaction (all or nothing)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseflow.audit import services as audit
from caseflow.crypto import blind_index, seal
from caseflow.crypto.passwords import hash_password
from caseflow.db import local_today
from caseflow.demo.cases import load_cases
from caseflow.demo.institutions import (
    ACCOUNTS,
    CLOSURE,
    DEMO_PASSWORD,
    GROUP,
    GROUP_TERM_FROM,
    MERGER,
    MUNICIPALITIES,
    SEATS,
)
from caseflow.demo.meetings import load_meetings
from caseflow.demo.monitoring import load_monitoring, seed_municipalities
from caseflow.demo.pupils import PupilPlan, history_dates, plan_pupils, school_year_start
from caseflow.demo.schooldata import load_school_data
from caseflow.extensions import db
from caseflow.meetings.models import (
    CooperationGroup,
    GroupLevel,
    GroupMember,
    GroupMunicipality,
    MeasuresAre,
)
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution, Membership, Municipality, User
from caseflow.pupils.models import Enrolment, Pupil

BATCH = 100


class DemoAlreadyLoaded(RuntimeError):
    """The database already has data; the demo is only loaded into an empty one."""


@dataclass(frozen=True)
class AccountRow:
    username: str
    full_name: str
    role: str
    institution: str


@dataclass
class DemoSummary:
    """What the demo loaded."""

    seed: int
    municipalities: int = 0
    institutions: int = 0
    schools: int = 0
    users: int = 0
    memberships: int = 0
    groups: int = 0
    group_members: int = 0
    semesters: int = 0
    pupils: int = 0
    enrolments: int = 0
    moved_pupils: int = 0
    declared_elsewhere: int = 0
    new_format_codes: int = 0
    pupils_by_municipality: dict[str, int] = field(default_factory=dict)
    #: cases, support plans, notes and concerns
    cases_made: dict[str, int] = field(default_factory=dict)
    accounts: list[AccountRow] = field(default_factory=list)
    password: str = DEMO_PASSWORD

    def counts(self) -> dict[str, int]:
        """The numbers, for the audit trail and the command's output."""
        return {name: getattr(self, name) for name in (
            "municipalities", "institutions", "schools", "users", "memberships", "groups",
            "group_members", "semesters", "pupils", "enrolments", "moved_pupils", "declared_elsewhere",
            "new_format_codes")} | self.cases_made


def has_data() -> bool:
    """True if any municipality exists."""
    return db.session.scalar(select(Municipality.id).limit(1)) is not None


def load_demo(*, seed: int, today: date | None = None,
              on_pupil: Callable[[int], object] | None = None) -> DemoSummary:
    """Fill an empty database with the demo and commit once; roll everything back on error."""
    if has_data():
        raise DemoAlreadyLoaded("database already has data; demo not loaded")
    today = today or local_today()
    summary = DemoSummary(seed=seed)
    try:
        municipalities, institutions = _institutions(summary, school_year_start(today))
        password_hash = hash_password(DEMO_PASSWORD)  # once: every demo account shares it
        users = _accounts(summary, institutions, password_hash, school_year_start(today))
        analysts: list = []
        municipalities |= seed_municipalities(password_hash=password_hash, today=today, accounts=analysts)
        summary.accounts += [AccountRow(*row) for row in analysts]
        summary.users += len(analysts)
        summary.municipalities = len(municipalities)
        _semesters(summary, municipalities, school_year_start(today))
        _group(summary, municipalities, institutions, users)
        _pupils(summary, plan_pupils(seed=seed, today=today), municipalities, institutions,
                on_pupil or (lambda _n: None))
        summary.cases_made = load_cases(seed=seed, today=today, municipalities=municipalities,
                                        institutions=institutions, users=users)
        summary.cases_made |= load_meetings(today=today, institutions=institutions, users=users)
        summary.cases_made |= load_school_data(seed=seed, today=today)
        summary.cases_made |= load_monitoring(municipalities=municipalities, today=today)
        audit.record("demo.loaded", detail={"seed": seed, **summary.counts()})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def _institutions(summary: DemoSummary, year: int):
    municipalities: dict[str, Municipality] = {}
    institutions: dict[str, Institution] = {}
    for spec in MUNICIPALITIES:
        municipality = Municipality(name=spec.name, code=spec.code)
        db.session.add(municipality)
        municipalities[spec.code] = municipality
        for item in spec.institutions:
            institution = Institution(
                municipality=municipality, name=item.name, kind=item.kind.value,
                ownership=item.ownership.value, registration_number=item.registration_number,
                email=f"{item.key.rsplit('.', 1)[-1]}@{spec.email_domain}", opened_on=item.opened)
            db.session.add(institution)
            institutions[item.key] = institution
    merged_on, closed_on = history_dates(year)
    merged, into, _ = MERGER
    institutions[merged].merged_on = merged_on
    institutions[merged].merged_into = institutions[into]
    institutions[CLOSURE[0]].closed_on = closed_on
    db.session.flush()
    summary.municipalities = len(municipalities)
    summary.institutions = len(institutions)
    summary.schools = sum(1 for i in institutions.values() if i.is_school)
    return municipalities, institutions


def _accounts(summary: DemoSummary, institutions: dict[str, Institution], password_hash: str,
              year: int) -> dict[str, User]:
    users: dict[str, User] = {}
    for spec in ACCOUNTS:
        user = User(username=spec.username, full_name=spec.full_name, email=spec.username,
                    password_hash=password_hash, locale="lv")
        for n, (key, role, title) in enumerate(spec.memberships):
            # the second post of a person who works at two schools began this school year
            started = date(year - 2 if n == 0 else year, 9, 1)
            user.memberships.append(Membership(institution=institutions[key], role=role.value,
                                               title=title, valid_from=started))
            summary.accounts.append(AccountRow(spec.username, spec.full_name, role.value,
                                               institutions[key].name))
            summary.memberships += 1
        db.session.add(user)
        users[spec.login] = user
    db.session.flush()
    summary.users = len(users)
    return users


#: (month, day) of the first and last day of each semester; a school year starts in September
SEMESTER_DATES = (((9, 1), (12, 22)), ((1, 5), (5, 29)))


def _semesters(summary: DemoSummary, municipalities: dict[str, Municipality], year: int) -> None:
    """The previous, current and next school years' semesters in every demo municipality."""
    for municipality in municipalities.values():
        for first in (year - 1, year, year + 1):
            for number, ((m1, d1), (m2, d2)) in enumerate(SEMESTER_DATES, start=1):
                calendar_year = first if number == 1 else first + 1
                db.session.add(Semester(
                    municipality=municipality, school_year=f"{first}/{first + 1}", number=number,
                    starts_on=date(calendar_year, m1, d1), ends_on=date(calendar_year, m2, d2)))
                summary.semesters += 1
    db.session.flush()


def _group(summary: DemoSummary, municipalities: dict[str, Municipality],
           institutions: dict[str, Institution], users: dict[str, User]) -> None:
    group = CooperationGroup(
        name=GROUP.name, municipality=municipalities[GROUP.municipality], level=GroupLevel.SINGLE,
        measures_are=MeasuresAre.RECOMMENDED, founding_decision_date=GROUP.founding_decision_date,
        founding_decision_number=GROUP.founding_decision_number)
    group.municipalities = [GroupMunicipality(municipality=municipalities[code])
                            for code in GROUP.served]
    group.members = [
        GroupMember(institution=institutions[seat.institution], office=seat.office,
                    user=users[seat.user] if seat.user else None, kind=seat.kind.value,
                    is_chair=seat.is_chair, term_from=GROUP_TERM_FROM)
        for seat in SEATS]
    db.session.add(group)
    db.session.flush()
    summary.groups = 1
    summary.group_members = len(group.members)


def _pupils(summary: DemoSummary, plans: list[PupilPlan], municipalities: dict[str, Municipality],
            institutions: dict[str, Institution], on_pupil: Callable[[int], object]) -> None:
    for start in range(0, len(plans), BATCH):
        batch = plans[start:start + BATCH]
        rows = [_pupil_row(plan, municipalities, institutions) for plan in batch]
        db.session.add_all(rows)
        db.session.flush()  # ids first: each code is sealed under its own pupil's key
        for plan, pupil in zip(batch, rows, strict=True):
            seal(pupil, "personal_code", plan.personal_code, scope=f"pupil:{pupil.id}")
            pupil.personal_code_index = blind_index(plan.personal_code, purpose="personal_code")
            on_pupil(1)
        db.session.flush()
    for plan in plans:
        summary.pupils += 1
        summary.enrolments += len(plan.enrolments)
        summary.moved_pupils += plan.moved
        summary.declared_elsewhere += plan.declared != plan.studies_in
        summary.new_format_codes += plan.personal_code.startswith("32")
        name = municipalities[plan.studies_in].name
        summary.pupils_by_municipality[name] = summary.pupils_by_municipality.get(name, 0) + 1


def _pupil_row(plan: PupilPlan, municipalities: dict[str, Municipality],
               institutions: dict[str, Institution]) -> Pupil:
    first = institutions[plan.enrolments[0].school]
    pupil = Pupil(first_name=plan.first_name, last_name=plan.last_name, birth_date=plan.birth_date,
                  declared_municipality=municipalities[plan.declared],
                  created_by_institution_id=first.id)
    for item in plan.enrolments:
        pupil.enrolments.append(Enrolment(school=institutions[item.school],
                                          class_name=item.class_name, grade=item.grade,
                                          start_date=item.start, end_date=item.end))
    return pupil

