"""Monitoring metrics from caseflow's own data: exact figures on a small municipality (and a neighbour whose
data must never count), local days at midnight, and statement counts that do not grow with the data."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from caseflow.actions.models import Action
from caseflow.cases.models import Case, CaseEntry, CaseRiskFactor, Referral
from caseflow.cases.taxonomy import RiskGroup, RiskItem
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.imports.models import AbsenceRecord, AbsenceTotal, ImportBatch
from caseflow.meetings.models import AgendaItem
from caseflow.monitoring.metrics import METRICS, MetricError, compute
from caseflow.monitoring.suppression import suppress
from caseflow.people.calendar import school_year_of
from caseflow.warning.models import WarningSignal
from tests.meetings.world import action, item, riga, session
from tests.plans.helpers import delivered, measure, plan, semester, set_setting
from tests.querycount import StatementCounter

YEAR, NEXT_YEAR = "2024/2025", "2025/2026"
_ids = count(1)


def run(app, metric: str, municipality_id: int, school_year: str = YEAR, semester_number: int | None = None):
    with app.app_context():
        return compute(metric, municipality_id, school_year, semester_number)


def new_case(app, w, pupil, school, *, opened_on: date, closed_on: date | None = None,
             noticed: tuple[str, ...] = (), risks: tuple[tuple[str, date], ...] = ()) -> int:
    """A case straight in the tables with its ways of noticing and risk factors (closed when closed_on)."""
    municipality_id = school.municipality_id
    entries = [w.factory.entry(municipality_id, "noticed_via", code) for code in noticed]
    with app.app_context():
        items = {code: db.session.scalar(select(RiskItem.id).join(RiskGroup).where(
            RiskGroup.municipality_id == municipality_id, RiskItem.code == code)) for code, _day in risks}
        c = Case(municipality_id=municipality_id, school_id=school.id, pupil_id=pupil.id, opened_on=opened_on,
                 opened_by_id=w.user.id, status="closed" if closed_on else "open", closed_on=closed_on)
        db.session.add(c)
        db.session.flush()
        db.session.add_all(CaseEntry(case_id=c.id, entry_id=entry_id) for entry_id in entries)
        db.session.add_all(CaseRiskFactor(case_id=c.id, item_id=items[code], added_on=day, added_by_id=w.user.id)
                           for code, day in risks)
        db.session.commit()
        return c.id


def referral(app, w, case_id: int, group_id: int, submitted_at: datetime) -> int:
    with app.app_context():
        r = Referral(case_id=case_id, group_id=group_id, submitted_by_id=w.user.id, submitted_at=submitted_at,
                     status="accepted")
        db.session.add(r)
        db.session.commit()
        return r.id


def set_rows(app, model, row_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(update(model).where(model.id == row_id).values(**values))
        db.session.commit()


def absences(app, w, pupil, school, semester_id: int, *, total: int | None = None, records: int = 0,
             kind: str = "unexcused") -> None:
    """A pupil's semester total and/or daily records of missed lessons."""
    with app.app_context():
        if total is not None:
            db.session.add(AbsenceTotal(municipality_id=school.municipality_id, pupil_id=pupil.id,
                                        school_id=school.id, semester_id=semester_id, lessons_total=300,
                                        unexcused=total, excused=0, batch_id=w.batches[school.municipality_id]))
        for n in range(records):
            db.session.add(AbsenceRecord(
                municipality_id=school.municipality_id, pupil_id=pupil.id, school_id=school.id,
                semester_id=semester_id, class_name="7.b", day=date(2024, 10, 1) + timedelta(days=n // 6),
                lesson=n % 6 + 1, kind=kind, source="eklase", source_record_id=f"r{next(_ids)}",
                batch_id=w.batches[school.municipality_id]))
        db.session.commit()


def signal(app, municipality_id: int, pupil, rule: str, semester_id: int | None, computed_at: datetime) -> None:
    with app.app_context():
        db.session.add(WarningSignal(municipality_id=municipality_id, pupil_id=pupil.id, rule=rule,
                                     semester_id=semester_id, value=1, threshold=1, computed_at=computed_at))
        db.session.commit()


@pytest.fixture
def w(app, factory):
    """`home` (default lists, threshold 15) with a basic school, a secondary school and a social service;
    `away` with the same kinds of data, none of which may count for home. Semesters s1, s2 of 2024/2025
    and s3 of 2025/2026."""
    home, away = factory.municipality(), factory.municipality()
    for m in (home, away):
        factory.taxonomy(m.id)
    set_setting(app, home.id, "unexcused_lessons_per_semester", 15)
    w = SimpleNamespace(factory=factory, home=home, away=away,
                        school=factory.institution(home.id, kind="basic_school"),
                        school2=factory.institution(home.id, kind="secondary_school"),
                        social=factory.institution(home.id, kind="social_service"),
                        away_school=factory.institution(away.id, kind="basic_school"))
    w.user = factory.user("social_pedagogue", w.school.id)
    w.p1, w.p2, w.p4 = (factory.pupil(w.school.id) for _ in range(3))
    w.p3, w.p5 = (factory.pupil(w.school2.id) for _ in range(2))
    w.pz = factory.pupil(w.away_school.id)
    w.s1 = semester(app, home.id, YEAR, 1, date(2024, 9, 1), date(2024, 12, 31))
    w.s2 = semester(app, home.id, YEAR, 2, date(2025, 1, 1), date(2025, 5, 31))
    w.s3 = semester(app, home.id, NEXT_YEAR, 1, date(2025, 9, 1), date(2025, 12, 31))
    w.zs1 = semester(app, away.id, YEAR, 1, date(2024, 9, 1), date(2024, 12, 31))
    with app.app_context():
        batches = {m.id: ImportBatch(kind="absences", municipality_id=m.id, file_name="x.csv",
                                     file_sha256="0" * 64, file_size=1, status="imported") for m in (home, away)}
        db.session.add_all(batches.values())
        db.session.commit()
        w.batches = {mid: b.id for mid, b in batches.items()}
    # cases: p1 has two (the first closed), p4's closed before the year, p3's opened the next year
    w.case_a = new_case(app, w, w.p1, w.school, opened_on=date(2024, 9, 10), closed_on=date(2025, 3, 1),
                        noticed=("absences", "report_social_service"),
                        risks=(("curriculum_difficulty", date(2024, 9, 10)), ("heavy_load", date(2024, 9, 12))))
    w.case_b = new_case(app, w, w.p1, w.school, opened_on=date(2025, 3, 5), noticed=("report_social_service",),
                        risks=(("family_conflict", date(2025, 3, 5)),))
    w.case_c = new_case(app, w, w.p2, w.school, opened_on=date(2024, 10, 1), noticed=("report_police",),
                        risks=(("curriculum_difficulty", date(2024, 10, 1)), ("basic_needs", date(2025, 10, 1))))
    w.case_d = new_case(app, w, w.p3, w.school2, opened_on=date(2025, 9, 15), noticed=("grades",))
    w.case_e = new_case(app, w, w.p4, w.school, opened_on=date(2023, 11, 1), closed_on=date(2024, 6, 1),
                        noticed=("other",), risks=(("curriculum_difficulty", date(2023, 11, 1)),))
    w.case_f = new_case(app, w, w.p5, w.school2, opened_on=date(2025, 2, 1))
    w.case_z = new_case(app, w, w.pz, w.away_school, opened_on=date(2024, 10, 1), noticed=("report_police",),
                        risks=(("curriculum_difficulty", date(2024, 10, 1)),))
    w.group, w.away_group = factory.group(home.id), factory.group(away.id)
    return w


@pytest.fixture
def sessions(app, w):
    """Held, approved, planned and next-year sessions of home's group, one of away's; their referrals."""
    s1 = session(app, w.group, day=date(2024, 10, 20), status="held", number=1)
    s2 = session(app, w.group, day=date(2025, 3, 20), status="approved", number=2)
    planned = session(app, w.group, day=date(2025, 4, 10), status="planned", number=3)
    s4 = session(app, w.group, day=date(2025, 5, 10), status="held", number=4)
    s5 = session(app, w.group, day=date(2025, 10, 5), status="held", number=5)
    away = session(app, w.away_group, day=date(2024, 11, 1), status="held", number=1)
    # submitted half an hour after local midnight: 2 local days before the session (3 by UTC dates)
    ra = referral(app, w, w.case_a, w.group, riga(date(2024, 10, 18), 0, 30))
    rc = referral(app, w, w.case_c, w.group, riga(date(2024, 10, 10), 12))
    rb = referral(app, w, w.case_b, w.group, riga(date(2025, 3, 6), 9))
    rf = referral(app, w, w.case_f, w.group, riga(date(2025, 4, 1), 9))
    rz = referral(app, w, w.case_z, w.away_group, riga(date(2024, 10, 2), 9))
    item(app, s1, case_id=w.case_a, referral_id=ra)
    item(app, s1, case_id=w.case_c, referral_id=rc, position=1)
    item(app, s1, title="Gada plāns", position=2)
    item(app, s2, case_id=w.case_b, referral_id=rb)
    item(app, planned, case_id=w.case_f, referral_id=rf)
    carried = item(app, s4, case_id=w.case_f, referral_id=rf)
    set_rows(app, AgendaItem, carried, outcome="carry_over")
    item(app, s5, case_id=w.case_d)
    item(app, away, case_id=w.case_z, referral_id=rz)


def test_group_reviewed_pupils_counts_each_pupil_once_and_closed_cases_in_their_year(app, w, sessions):
    result = run(app, "group_reviewed_pupils", w.home.id)
    assert result.value == 2  # p1 (two cases, the first closed since) and p2; not planned, carried over or away
    assert result.breakdowns == {"school_kind": (("basic_school", 2),)}
    assert run(app, "group_reviewed_pupils", w.home.id, YEAR, 2).value == 1
    assert run(app, "group_reviewed_pupils", w.home.id, NEXT_YEAR).breakdowns == {
        "school_kind": (("secondary_school", 1),)}
    assert run(app, "group_reviewed_pupils", w.away.id).value == 1


def test_days_from_referral_to_session_count_local_days(app, w, sessions):
    result = run(app, "days_referral_to_session", w.home.id)
    assert (result.value, result.denominator, result.figures) == (
        Decimal("10.00"), 3, {"mean": Decimal("8.67"), "referrals": 3})  # 2, 10 and 14 days
    assert result.breakdowns == {"days": (("0_7", 1), ("8_14", 2), ("15_30", 0), ("31_plus", 0))}
    assert run(app, "days_referral_to_session", w.home.id, YEAR, 1).value == Decimal("6.00")
    assert run(app, "days_referral_to_session", w.home.id, NEXT_YEAR).value is None


def test_cases_opened_and_by_the_institution_that_found_the_risk(app, w):
    opened = run(app, "cases_opened", w.home.id)
    assert opened.value == 4
    assert opened.breakdowns == {"school_kind": (("basic_school", 3), ("secondary_school", 1))}
    assert run(app, "cases_opened", w.home.id, YEAR, 1).value == 2
    found = run(app, "cases_by_finding_institution", w.home.id)
    assert found.value == 4
    assert found.breakdowns == {"finding_institution": (
        ("school", 1), ("police", 1), ("social_service", 2), ("not_recorded", 1))}
    assert run(app, "cases_by_finding_institution", w.home.id, NEXT_YEAR).breakdowns == {
        "finding_institution": (("school", 1),)}


def test_risk_distribution_of_the_cases_open_in_the_period(app, w):
    result = run(app, "risk_distribution", w.home.id)
    assert result.value == 3  # case a (closed in March), b, c; e closed before the year
    assert result.breakdowns == {
        "risk_group": (("learning", 2), ("family", 1)),
        "risk_item": (("curriculum_difficulty", 2), ("heavy_load", 1), ("family_conflict", 1)),
    }
    assert run(app, "risk_distribution", w.home.id, NEXT_YEAR).breakdowns["risk_group"] == (
        ("learning", 1), ("economic", 1), ("family", 1))


@pytest.fixture
def actions(app, w):
    due = [date(2024, 11, 1), date(2024, 11, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1),
           date(2025, 10, 1)]
    ids = [action(app, group_id=w.group, institution_id=i.id, case_id=w.case_c, due_on=d, status=s)
           for i, d, s in zip((w.social, w.social, w.school, w.school, w.social, w.social), due,
                              ("done", "done", "in_progress", "done", "cannot", "new"), strict=True)]
    set_rows(app, Action, ids[0], closed_at=riga(date(2024, 10, 30), 10))
    set_rows(app, Action, ids[1], closed_at=riga(date(2024, 11, 2), 0, 30))  # the day after, by local time
    set_rows(app, Action, ids[3], closed_at=riga(date(2025, 3, 1), 23, 30))  # 21:30 UTC on the day
    away_id = action(app, group_id=w.away_group, institution_id=w.away_school.id, case_id=w.case_z,
                     due_on=date(2024, 12, 1), status="done")
    set_rows(app, Action, away_id, closed_at=riga(date(2024, 11, 30), 10))
    w.pending_due = local_today() + timedelta(days=30)
    action(app, group_id=w.group, institution_id=w.social.id, case_id=None, due_on=w.pending_due)


def test_actions_on_time_share_by_institution_kind(app, w, actions):
    result = run(app, "actions_on_time_share", w.home.id)
    assert (result.value, result.numerator, result.denominator) == (Decimal("50.00"), 2, 4)
    assert result.breakdowns == {"state": (("on_time", 2), ("late", 1), ("overdue", 1), ("pending", 0),
                                           ("cannot", 1))}
    assert result.table.row_keys == ("basic_school", "social_service")
    assert result.table.column_keys == ("on_time", "late", "overdue")
    assert result.table.as_lists() == [[1, 0, 1], [1, 1, 0]]
    assert [len(row) for row in suppress(result.table.as_lists()).grid()] == [4, 4, 4]
    assert run(app, "actions_on_time_share", w.away.id).numerator == 1
    pending_year = school_year_of(w.pending_due)
    pending = run(app, "actions_on_time_share", w.home.id, f"{pending_year}/{pending_year + 1}")
    assert dict(pending.breakdowns["state"])["pending"] == 1 and pending.value is None


@pytest.fixture
def plans(app, w):
    psychologist = w.factory.entry(w.home.id, "measure_type", "psychologist")
    consultation = w.factory.entry(w.home.id, "measure_type", "subject_consultation")
    speech = w.factory.entry(w.home.id, "measure_type", "speech_therapist")
    maths, latvian = (w.factory.entry(w.home.id, "subject", code) for code in ("mathematics", "latvian"))
    by = w.user.id
    p1 = plan(app, pupil_id=w.p1.id, school_id=w.school.id, created_by_id=by, semester_id=w.s1, case_id=w.case_a)
    m = measure(app, p1, psychologist, deliverer_id=by, planned="10")
    delivered(app, m, by, on=date(2024, 10, 1), hours="2")
    delivered(app, m, by, on=date(2024, 10, 8), hours="3")
    m = measure(app, p1, consultation, deliverer_id=by, planned="8", subject_id=maths)
    delivered(app, m, by, on=date(2024, 10, 2), hours="4")
    p2 = plan(app, pupil_id=w.p1.id, school_id=w.school.id, created_by_id=by, semester_id=w.s2)
    m = measure(app, p2, consultation, deliverer_id=by, planned="6", subject_id=latvian)
    delivered(app, m, by, on=date(2025, 2, 2), hours="6")
    p3 = plan(app, pupil_id=w.p2.id, school_id=w.school.id, created_by_id=by, semester_id=w.s2)
    measure(app, p3, psychologist, deliverer_id=by, planned="4")
    p4 = plan(app, pupil_id=w.p5.id, school_id=w.school2.id, created_by_id=by, starts_on=date(2025, 2, 10),
              ends_on=date(2025, 4, 10))
    m = measure(app, p4, speech, deliverer_id=by, planned="5")
    delivered(app, m, by, on=date(2025, 3, 1), hours="1.5")
    p5 = plan(app, pupil_id=w.p3.id, school_id=w.school2.id, created_by_id=by, semester_id=w.s3)
    measure(app, p5, psychologist, deliverer_id=by, planned="20")
    away = plan(app, pupil_id=w.pz.id, school_id=w.away_school.id, created_by_id=by, semester_id=w.zs1)
    measure(app, away, w.factory.entry(w.away.id, "measure_type", "psychologist"), deliverer_id=by, planned="7")


def test_support_plans_and_their_pupils_per_semester(app, w, plans):
    year = run(app, "support_plans", w.home.id)
    assert year.value == 4
    assert year.breakdowns == {"semester": (("1", 1), ("2", 2), ("when_needed", 1))}
    spring = run(app, "support_plans", w.home.id, YEAR, 2)
    assert spring.value == 3 and spring.breakdowns == {"semester": (("2", 2), ("when_needed", 1))}
    pupils = run(app, "support_plan_pupils", w.home.id)
    assert (pupils.value, pupils.figures) == (3, {"plans": 4})  # p1 has plans in both semesters
    assert pupils.breakdowns == {"semester": (("1", 1), ("2", 2), ("when_needed", 1))}
    assert run(app, "support_plans", w.away.id).value == 1


def test_support_hours_by_measure_type_and_subject(app, w, plans):
    planned = run(app, "support_hours_planned", w.home.id)
    assert planned.value == Decimal("33.00")
    assert planned.breakdowns == {
        "measure_type": (("subject_consultation", Decimal("14.00")), ("psychologist", Decimal("14.00")),
                         ("speech_therapist", Decimal("5.00"))),
        "subject": (("mathematics", Decimal("8.00")), ("latvian", Decimal("6.00")))}
    done = run(app, "support_hours_delivered", w.home.id)
    assert done.value == Decimal("16.50")
    assert done.breakdowns == {
        "measure_type": (("subject_consultation", Decimal("10.00")), ("psychologist", Decimal("5.00")),
                         ("speech_therapist", Decimal("1.50"))),
        "subject": (("mathematics", Decimal("4.00")), ("latvian", Decimal("6.00")))}
    assert run(app, "support_hours_planned", w.home.id, NEXT_YEAR).value == Decimal("20.00")


def test_unexcused_absence_share_reads_the_threshold_and_the_larger_count(app, w):
    absences(app, w, w.p1, w.school, w.s1, total=15)  # exactly the threshold: counts
    absences(app, w, w.p2, w.school, w.s1, total=14, records=15)  # the daily records say more
    absences(app, w, w.p2, w.school, w.s1, records=4, kind="illness")
    absences(app, w, w.p3, w.school2, w.s1, total=3)
    absences(app, w, w.p4, w.school, w.s1, total=0)
    absences(app, w, w.p1, w.school, w.s2, total=2)
    absences(app, w, w.p5, w.school2, w.s2, total=30)
    absences(app, w, w.pz, w.away_school, w.zs1, total=40)
    year = run(app, "unexcused_absence_share", w.home.id)
    assert (year.value, year.numerator, year.denominator, year.figures) == (
        Decimal("60.00"), 3, 5, {"threshold": 15})
    assert year.table.row_keys == ("basic_school", "secondary_school")
    assert year.table.as_lists() == [[2, 1], [1, 1]]
    autumn = run(app, "unexcused_absence_share", w.home.id, YEAR, 1)
    assert (autumn.value, autumn.numerator, autumn.denominator) == (Decimal("50.00"), 2, 4)
    away = run(app, "unexcused_absence_share", w.away.id)
    assert (away.numerator, away.denominator, away.figures) == (1, 1, {"threshold": 20})


def test_pupils_with_warning_signals(app, w):
    at = datetime(2025, 1, 15, 6, tzinfo=UTC)
    signal(app, w.home.id, w.p1, "unexcused_lessons", w.s1, at)
    signal(app, w.home.id, w.p1, "missed_share", w.s1, at)
    signal(app, w.home.id, w.p2, "failing_grades", w.s2, at)
    signal(app, w.home.id, w.p3, "grade_repetition", None, at)
    signal(app, w.home.id, w.p4, "unenrolled", None, datetime(2025, 10, 1, 6, tzinfo=UTC))
    signal(app, w.home.id, w.p5, "unexcused_lessons", w.s3, at)
    signal(app, w.away.id, w.pz, "unexcused_lessons", w.zs1, at)
    result = run(app, "pupils_with_warning_signals", w.home.id)
    assert result.value == 3
    assert result.breakdowns == {"rule": (("failing_grades", 1), ("grade_repetition", 1), ("missed_share", 1),
                                          ("unexcused_lessons", 1))}
    assert run(app, "pupils_with_warning_signals", w.home.id, YEAR, 1).value == 1


def test_an_empty_period_gives_zeros_and_no_shares(app, w):
    for name in METRICS:
        result = run(app, name, w.home.id, "2010/2011")
        assert result.value in (0, None), name
        assert result.numerator in (0, None) and result.denominator in (0, None), name


@pytest.mark.one_backend
@pytest.mark.parametrize(("school_year", "semester_number", "message"), [
    ("2024-2025", None, "not a school year"),
    ("2024/2026", None, "not a school year"),
    (YEAR, 3, "a semester is 1 or 2"),
    ("2030/2031", 1, "no semester 1 of 2030/2031"),
])
def test_a_period_that_does_not_exist_is_refused(app, w, school_year, semester_number, message):
    with pytest.raises(MetricError, match=message):
        run(app, "cases_opened", w.home.id, school_year, semester_number)
    with pytest.raises(MetricError, match="unknown metric"):
        run(app, "dropouts", w.home.id)


def test_statements_per_metric_do_not_grow_with_the_data(app, w, sessions, actions, plans):
    def statements() -> dict[str, int]:
        found = {}
        for name in METRICS:
            with StatementCounter(app) as counter:
                run(app, name, w.home.id)
            found[name] = len(counter)
        return found

    before = statements()
    for n in range(6):
        pupil = w.factory.pupil(w.school.id)
        case_id = new_case(app, w, pupil, w.school, opened_on=date(2024, 11, 1 + n), noticed=("behaviour",),
                           risks=(("heavy_load", date(2024, 11, 1)), ("family_conflict", date(2024, 11, 2))))
        held = session(app, w.group, day=date(2024, 12, 1 + n), status="held", number=10 + n)
        item(app, held, case_id=case_id, referral_id=referral(app, w, case_id, w.group, riga(date(2024, 11, 20))))
        action(app, group_id=w.group, institution_id=w.social.id, case_id=case_id, due_on=date(2025, 1, 1 + n))
        plan_id = plan(app, pupil_id=pupil.id, school_id=w.school.id, created_by_id=w.user.id, semester_id=w.s1)
        measure_id = measure(app, plan_id, w.factory.entry(w.home.id, "measure_type", "psychologist"),
                             deliverer_id=w.user.id)
        delivered(app, measure_id, w.user.id, on=date(2024, 12, 1))
        absences(app, w, pupil, w.school, w.s1, total=n, records=n)
        signal(app, w.home.id, pupil, "unexcused_lessons", w.s1, datetime(2024, 12, 1, tzinfo=UTC))
    after = statements()
    assert after == before
    assert max(after.values()) <= 5
    assert run(app, "group_reviewed_pupils", w.home.id).value == 8
