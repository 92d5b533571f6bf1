"""A support plan as XLSX: what its page shows (measures, deliverers, planned and delivered hours as
numbers, the delivery log with real dates, the evaluation), to exactly those who may open the page."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from caseflow.extensions import db
from tests.exports.helpers import assert_download, audit_entries, detail, workbook
from tests.plans.helpers import TODAY, delivered, measure, plan, semester

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def made(app, factory, world):
    """A semester plan on the referred case of `pupil`: a psychologist measure that `world.specialist`
    delivers (10 h planned, 1.5 h delivered) and a consultation of the pedagogue."""
    from caseflow.plans.models import SupportPlan

    world.specialist = factory.user("support_specialist", world.school.id, locale="en")
    term = semester(app, world.home.id, "2026/2027", 1, TODAY - timedelta(days=60), TODAY + timedelta(days=60))
    plan_id = plan(app, pupil_id=world.pupil.id, school_id=world.school.id, created_by_id=world.pedagogue.id,
                   semester_id=term, case_id=world.case.id, goals="=1+1 uzlabot lasītprasmi")
    psychologist = measure(app, plan_id, factory.entry(world.home.id, "measure_type", "psychologist"),
                           deliverer_id=world.specialist.id, planned="10", basis="Psihologa atzinums")
    measure(app, plan_id, factory.entry(world.home.id, "measure_type", "subject_consultation"),
            deliverer_id=world.pedagogue.id, planned="4.5",
            subject_id=factory.entry(world.home.id, "subject", "mathematics"))
    delivered(app, psychologist, world.specialist.id, on=TODAY - timedelta(days=2), hours="1.5")
    with app.app_context():
        p = db.session.get(SupportPlan, plan_id)
        p.learning_dynamics, p.evaluated_on = "improved", TODAY
        db.session.commit()
    return plan_id


def _url(plan_id: int) -> str:
    return f"/exports/plans/{plan_id}.xlsx"


def test_the_plan_in_latvian_with_hours_as_numbers_and_dates_as_dates(app, client, factory, world, made):
    factory.login(client, world.pedagogue_lv)
    response = client.get(_url(made))
    assert_download(response, f"atbalsta-plans-{made}.xlsx", XLSX)
    sheets = workbook(response.data)
    plan_sheet, measures, log = sheets.values()
    assert list(sheets)[0] == "Atbalsta plāns"
    facts = dict(plan_sheet)
    assert facts["Izglītojamais"] == "Marta Kalniņa" and facts["Lieta"] == f"L-{world.case.id:06d}"
    assert facts["Mērķi"] == "'=1+1 uzlabot lasītprasmi"  # never a formula
    assert facts["Izvērtēšanas datums"] == datetime.combine(TODAY, datetime.min.time())
    assert measures[0][:4] == ("Atbalsta veids", "Atbalsta sniedzējs", "Plānotās stundas", "Sniegtās stundas")
    assert sorted(r[2:4] for r in measures[1:-1]) == [(4.5, 0), (10, 1.5)]  # equal positions: any order
    assert measures[-1][:4] == ("Kopā", None, 14.5, 1.5)
    assert next(r for r in measures if r[2] == 10)[4] == "Psihologa atzinums"
    assert log[1][1] == datetime.combine(TODAY - timedelta(days=2), datetime.min.time()) and log[1][2] == 1.5


def test_a_deliverer_gets_the_plan_as_on_its_page_without_the_case(app, client, factory, world, made):
    factory.login(client, world.specialist)  # delivers the psychologist measure; not on the case's team
    page = client.get(f"/plans/{made}")
    assert page.status_code == 200 and f'href="/exports/plans/{made}.xlsx"' in page.text
    facts = dict(workbook(client.get(_url(made)).data)["Support plan"])
    assert "Case" not in facts and facts["Pupil"] == "Marta Kalniņa"


def test_the_export_is_audited_under_the_pupil(app, client, factory, world, made):
    factory.login(client, world.chair)  # the coordinator: the plan's case is referred to the group
    assert client.get(_url(made)).status_code == 200
    entries = audit_entries(app, "")
    reads = [e for e in entries if e.pupil_id == world.pupil.id]
    assert [e.action for e in reads] == ["supportplan.read", "export.plan.row"]
    summary = next(e for e in entries if e.action == "export.plan")
    assert summary.object_id == made and detail(summary) == {"format": "xlsx", "rows": 1, "measures": 2}


@pytest.mark.parametrize("who", ["pedagogue2", "teacher", "social_worker", "away_chair", "admin", "dpo"])
def test_who_may_not_open_the_plan_gets_the_pages_answer(app, client, factory, world, made, who):
    user = getattr(world, who, None) or factory.user(who, world.board.id)
    factory.login(client, user)
    page = client.get(f"/plans/{made}").status_code
    assert page == 404
    assert client.get(_url(made)).status_code == page
    assert client.get(_url(made + 1000)).status_code == 404
    assert [e.action for e in audit_entries(app)] == []
