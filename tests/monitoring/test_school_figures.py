"""Figures per school: the metrics that count pupils or cases add up to the municipality's figure, in a
constant number of statements; the page shows them suppressed to the roles that see monitoring."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from caseflow.extensions import db
from caseflow.monitoring.drilldown import school_figures
from caseflow.monitoring.metrics import BY_SCHOOL, METRICS, MetricError, compute, compute_by_school
from caseflow.monitoring.models import Indicator
from caseflow.monitoring.suppression import SuppressedList, audit
from caseflow.warning.models import WarningSignal
from tests.monitoring.test_metrics import (  # noqa: F401 — fixtures
    NEXT_YEAR,
    YEAR,
    new_case,
    plans,
    sessions,
    signal,
    w,
)
from tests.plans.helpers import set_setting
from tests.querycount import StatementCounter


def by_school(app, metric: str, municipality_id: int, school_year: str = YEAR) -> dict:
    with app.app_context():
        return compute_by_school(metric, municipality_id, school_year)


def test_the_schools_add_up_to_the_municipality(app, w, sessions, plans):  # noqa: F811
    for metric in BY_SCHOOL:
        for school_year in (YEAR, NEXT_YEAR):
            with app.app_context():
                total = compute(metric, w.home.id, school_year).value
            assert sum(by_school(app, metric, w.home.id, school_year).values()) == total, (metric, school_year)
    assert by_school(app, "cases_opened", w.home.id) == {w.school.id: 3, w.school2.id: 1}
    assert by_school(app, "group_reviewed_pupils", w.home.id) == {w.school.id: 2}
    assert by_school(app, "group_reviewed_pupils", w.home.id, NEXT_YEAR) == {w.school2.id: 1}
    assert by_school(app, "support_plans", w.home.id) == {w.school.id: 3, w.school2.id: 1}
    assert by_school(app, "support_plan_pupils", w.home.id) == {w.school.id: 2, w.school2.id: 1}
    assert by_school(app, "risk_distribution", w.home.id) == {w.school.id: 3}
    assert by_school(app, "cases_opened", w.away.id) == {w.away_school.id: 1}


def test_a_pupil_seen_at_two_schools_counts_once_at_the_latest(app, w):  # noqa: F811
    new_case(app, w, w.p1, w.school2, opened_on=date(2025, 4, 1))  # p1 moved on to the secondary school
    with app.app_context():
        assert compute("cases_opened", w.home.id, YEAR).value == 5
    assert by_school(app, "cases_opened", w.home.id) == {w.school.id: 3, w.school2.id: 2}  # cases: each
    for n, school in enumerate((w.school, w.school2)):
        with app.app_context():
            db.session.add(WarningSignal(municipality_id=w.home.id, pupil_id=w.p1.id, school_id=school.id,
                                         rule="unexcused_lessons", semester_id=w.s1, value=1, threshold=1,
                                         computed_at=datetime(2024, 10, 1 + n, tzinfo=UTC)))
            db.session.commit()
    signal(app, w.home.id, w.p2, "unexcused_lessons", w.s1, datetime(2024, 10, 5, tzinfo=UTC))  # no school
    assert by_school(app, "pupils_with_warning_signals", w.home.id) == {w.school2.id: 1, None: 1}


def test_metrics_without_figures_per_school_are_refused(app, w):  # noqa: F811
    assert set(BY_SCHOOL) < set(METRICS)
    with pytest.raises(MetricError, match="no figures per school"):
        by_school(app, "support_hours_planned", w.home.id)


def test_statements_per_school_do_not_grow_with_the_data(app, w, sessions, plans):  # noqa: F811
    def statements() -> dict[str, int]:
        found = {}
        for metric in BY_SCHOOL:
            with StatementCounter(app) as counter:
                by_school(app, metric, w.home.id)
            found[metric] = len(counter)
        return found

    before = statements()
    for n in range(5):
        school = w.factory.institution(w.home.id, kind="basic_school")
        pupil = w.factory.pupil(school.id)
        new_case(app, w, pupil, school, opened_on=date(2024, 11, 1 + n), risks=(("heavy_load", date(2024, 11, 1)),))
        signal(app, w.home.id, pupil, "unexcused_lessons", w.s1, datetime(2024, 12, 1, tzinfo=UTC))
    assert statements() == before
    assert max(before.values()) <= 3


@pytest.fixture
def staff(app, w):  # noqa: F811
    """An indicator of home computed from the cases opened; home's coordinator, analyst and a school's
    social pedagogue; away's coordinator."""
    board = w.factory.institution(w.home.id, kind="education_board")
    with app.app_context():
        indicator = Indicator(municipality_id=w.home.id, code="S-1", title_lv="Atvērtās lietas",
                              value_kind="count", computed_metric="cases_opened")
        entered = Indicator(municipality_id=w.home.id, code="S-2", title_lv="Aptauja", value_kind="share")
        db.session.add_all([indicator, entered])
        db.session.commit()
        ids = {"computed": indicator.id, "entered": entered.id}
    users = {role: w.factory.user(role, board.id) for role in ("coordinator", "analyst")}
    users["social_pedagogue"] = w.user
    users["away"] = w.factory.user("coordinator", w.factory.institution(w.away.id, kind="education_board").id)
    return ids, users


def test_the_page_shows_each_school_suppressed(client, app, w, staff):  # noqa: F811
    ids, users = staff
    set_setting(app, w.home.id, "small_cell_threshold", 3)
    w.factory.login(client, users["analyst"])
    indicator_page = client.get(f"/monitoring/indicators/{ids['computed']}").get_data(as_text=True)
    assert f'/monitoring/indicators/{ids["computed"]}/schools' in indicator_page
    response = client.get(f"/monitoring/indicators/{ids['computed']}/schools")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and "<title" in page and "<desc" in page
    assert w.school.name in page and w.school2.name in page and w.away_school.name not in page
    assert YEAR in page and NEXT_YEAR in page
    assert "&lt;3" in page  # school2's single case of the year
    with app.app_context():
        figures = school_figures(db.session.get(Indicator, ids["computed"]), unknown_label="?")
    assert figures.years == (YEAR, NEXT_YEAR)
    for n in range(len(figures.years)):
        published = SuppressedList(tuple(row.cells[n] for row in figures.rows), figures.totals[n], 3)
        ranges = audit(published)
        for key, (low, high) in ranges.items():
            cell = published.cells[key] if key < len(published.cells) else published.total
            if cell.is_hidden:
                assert high is None or low < high, (n, key)  # no hidden count can be worked out
    shown_year = {row.label: row.cells[0] for row in figures.rows}
    assert shown_year[w.school.name].text == "3"  # 3 of 4 shown, so the school2 count and the total are hidden
    assert shown_year[w.school2.name].text == "<3" and figures.totals[0].is_hidden


def test_who_may_see_the_schools(client, app, w, staff):  # noqa: F811
    ids, users = staff
    url = f"/monitoring/indicators/{ids['computed']}/schools"
    w.factory.login(client, users["coordinator"])
    assert client.get(url).status_code == 200
    assert client.get(f"/monitoring/indicators/{ids['entered']}/schools").status_code == 404  # not computed
    w.factory.login(client, users["social_pedagogue"])
    assert client.get(url).status_code == 404
    w.factory.login(client, users["away"])
    assert client.get(url).status_code == 404


def test_the_page_reads_a_constant_number_of_statements(client, app, w, staff):  # noqa: F811
    ids, users = staff
    w.factory.login(client, users["coordinator"])
    url = f"/monitoring/indicators/{ids['computed']}/schools"
    client.get(url)
    with StatementCounter(app) as few:
        client.get(url)
    for n in range(4):
        school = w.factory.institution(w.home.id, kind="basic_school")
        new_case(app, w, w.factory.pupil(school.id), school, opened_on=date(2024, 11, 1 + n))
    with StatementCounter(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
