"""The monitoring pages: dashboard, an indicator with its figures, the plan, statistics; who may see
and change them; bad input; small counts hidden; a constant number of statements."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.monitoring.fixtures import load_into, load_profile
from caseflow.monitoring.models import ActivityYear, Indicator, IndicatorValue, PlanActivity
from tests.querycount import StatementCounter


@pytest.fixture
def town(app, factory):
    """Daugavpils' seed plan in a municipality with a coordinator, an analyst and a social pedagogue."""
    m = factory.municipality("Daugavpils", "daugavpils")
    board = factory.institution(m.id, kind="education_board")
    school = factory.institution(m.id)
    other = factory.municipality("Citur", "citur")
    users = {role: factory.user(role, board.id) for role in ("coordinator", "analyst")}
    users["social_pedagogue"] = factory.user("social_pedagogue", school.id)
    users["other_coordinator"] = factory.user("coordinator", factory.institution(other.id, kind="education_board").id)
    with app.app_context():
        load_into(m.id, load_profile("daugavpils"))
        db.session.commit()
    return m, users


def _indicator(app, m, code: str) -> Indicator:
    with app.app_context():
        return db.session.scalar(select(Indicator).where(Indicator.municipality_id == m.id, Indicator.code == code))


def test_dashboard_shows_indicators_by_goal_with_status(client, factory, town):
    m, users = town
    factory.login(client, users["analyst"])
    page = client.get("/monitoring/").get_data(as_text=True)
    assert "2.4-6 Izglītojamo skaits, kuru lietas mācību gada laikā tika skatītas Sadarb" in page
    assert page.count('class="status status-') == 15
    assert "Aprēķināt rādītājus tagad" not in page  # the analyst reads only


def test_who_may_see_and_change_monitoring(client, factory, town, app):
    m, users = town
    indicator = _indicator(app, m, "2.4-6")
    factory.login(client, users["social_pedagogue"])
    assert client.get("/monitoring/").status_code == 403
    factory.login(client, users["other_coordinator"])
    assert client.get(f"/monitoring/indicators/{indicator.id}").status_code == 404  # not in sight
    factory.login(client, users["analyst"])
    page = client.get(f"/monitoring/indicators/{indicator.id}").get_data(as_text=True)
    assert "Reģistrēt vērtību" not in page  # no form for the analyst
    response = client.post(f"/monitoring/indicators/{indicator.id}", data={"year": 2025, "value": "3"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 0
    assert response.status_code in (200, 403)


def test_recording_a_figure_and_refusing_bad_ones(client, factory, town, app):
    m, users = town
    indicator = _indicator(app, m, "2.4-6")
    factory.login(client, users["coordinator"])
    url = f"/monitoring/indicators/{indicator.id}"
    page = client.post(url, data={"year": 2025, "value": "-3", "source": "Sadarbības grupa"}).get_data(as_text=True)
    assert "Rādītājs nevar būt negatīvs." in page
    page = client.post(url, data={"year": 2025, "value": "2,5", "source": "Sadarbības grupa"}).get_data(as_text=True)
    assert "Skaits ir vesels skaitlis." in page
    page = client.post(url, data={"year": 2025, "value": "", "source": ""}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    response = client.post(url, data={"year": 2025, "value": "30", "source": "Sadarbības grupa",
                                      "evidence": "2025. gada sēžu protokoli"})
    assert response.status_code == 302
    with app.app_context():
        figure = db.session.scalar(select(IndicatorValue))
        assert (figure.year, figure.value, figure.origin) == (2025, Decimal("30"), "entered")
    page = client.get(url).get_data(as_text=True)
    assert "2025. gada sēžu protokoli" in page and "<svg" in page


def test_a_share_over_100_is_refused(client, factory, town, app):
    m, users = town
    share = next(i for i in _all(app, m) if i.value_kind == "share")
    factory.login(client, users["coordinator"])
    data = {"year": 2025, "value": "120", "source": "VIIS"}
    if share.breakdowns:
        data["stage"] = share.breakdowns[0]
    page = client.post(f"/monitoring/indicators/{share.id}", data=data).get_data(as_text=True)
    assert "nevar būt lielāks par 100 %" in page


def _all(app, m) -> list[Indicator]:
    with app.app_context():
        return list(db.session.scalars(select(Indicator).where(Indicator.municipality_id == m.id)))


def test_small_counts_are_never_shown(client, factory, town, app):
    m, users = town
    indicator = _indicator(app, m, "2.4-6")
    factory.login(client, users["coordinator"])
    client.post(f"/monitoring/indicators/{indicator.id}", data={"year": 2026, "value": "3", "source": "grupa"})
    page = client.get(f"/monitoring/indicators/{indicator.id}").get_data(as_text=True)
    assert "&lt;5" in page
    assert ">3<" not in page


def test_plan_activity_year_is_recorded(client, factory, town, app):
    m, users = town
    with app.app_context():
        activity = db.session.scalar(select(PlanActivity).where(PlanActivity.municipality_id == m.id)
                                     .order_by(PlanActivity.id).limit(1))
        year = (activity.years or [2024])[0]
    factory.login(client, users["coordinator"])
    assert f"/monitoring/plan/activities/{activity.id}" in client.get("/monitoring/plan").get_data(as_text=True)
    page = client.post(f"/monitoring/plan/activities/{activity.id}",
                       data={"year": year, "status": "done", "invested_eur": "-5"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    response = client.post(f"/monitoring/plan/activities/{activity.id}",
                           data={"year": year, "status": "done", "invested_eur": "1200,50",
                                 "achieved_value": "Notikušas 10 sēdes"})
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalar(select(ActivityYear).where(ActivityYear.activity_id == activity.id))
        assert (record.status, record.invested_eur) == ("done", Decimal("1200.50"))
    factory.login(client, users["analyst"])
    assert client.get(f"/monitoring/plan/activities/{activity.id}").status_code == 404


def test_statistics_show_the_seed_tables(client, factory, town):
    _m, users = town
    factory.login(client, users["analyst"])
    page = client.get("/monitoring/statistics").get_data(as_text=True)
    assert "<table" in page and "Pumpurs" in page


def test_the_dashboard_reads_a_constant_number_of_statements(client, factory, town, app):
    m, users = town
    factory.login(client, users["coordinator"])
    client.get("/monitoring/")
    with StatementCounter(app) as few:
        client.get("/monitoring/")
    for indicator in _all(app, m):
        for year in (2024, 2025):
            client.post(f"/monitoring/indicators/{indicator.id}", data={
                "year": year, "value": "10", "source": "x", "stage": (indicator.breakdowns or [""])[0]})
    with StatementCounter(app) as many:
        assert client.get("/monitoring/").status_code == 200
    assert len(many) == len(few)


def test_the_dashboard_says_when_the_figures_were_last_computed(client, factory, town, app):
    m, users = town
    factory.login(client, users["analyst"])
    page = client.get("/monitoring/").get_data(as_text=True)
    assert "No caseflow datiem vēl nav aprēķināts neviens rādītājs." in page
    indicator = _indicator(app, m, "2.4-6")
    with app.app_context():
        for hour in (8, 10):  # the latest computation counts; an entered figure later on does not
            db.session.add(IndicatorValue(municipality_id=m.id, indicator_id=indicator.id, year=2025 + hour % 3,
                                          value=Decimal(12), origin="computed", source="caseflow",
                                          recorded_at=datetime(2026, 3, 2, hour, 5, tzinfo=UTC)))
        db.session.add(IndicatorValue(municipality_id=m.id, indicator_id=indicator.id, year=2024,
                                      value=Decimal(9), origin="entered", source="protokoli",
                                      recorded_at=datetime(2026, 3, 5, 9, 0, tzinfo=UTC)))
        db.session.commit()
    page = client.get("/monitoring/").get_data(as_text=True)
    assert "No caseflow datiem iegūtie rādītāji pēdējoreiz aprēķināti 02.03.2026. 12:05" in page  # Riga time
