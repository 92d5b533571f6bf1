"""The chair's control board: overdue, due this week, counts by institution and by case, filters,
an accessible chart with its table twin; the chair's only, a constant number of statements."""
from __future__ import annotations

import re
from datetime import timedelta

from caseflow.db import local_today
from tests.actions.helpers import audit_actions, detail
from tests.meetings.world import action
from tests.querycount import StatementCounter

ACTION_LINK = re.compile(r'href="/actions/(\d+)"')


def section(page: str, heading: str) -> str:
    """The page's text from a heading to the next h2."""
    start = page.index(f'id="{heading}"')
    end = page.find("<h2", start + 1)
    return page[start:end if end != -1 else None]


def _make(app, world):
    today = local_today()
    week_end = today + timedelta(days=6 - today.weekday())
    made = {
        "late": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                       due_on=today - timedelta(days=3)),
        "late_police": action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case2.id,
                              due_on=today - timedelta(days=1), status="in_progress"),
        "week": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                       due_on=week_end),
        "later": action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id,
                        due_on=week_end + timedelta(days=10)),
        "done": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                       due_on=today - timedelta(days=20), status="done"),
        "management": action(app, group_id=world.management, institution_id=world.social.id, case_id=None,
                             due_on=today - timedelta(days=2)),
        "away": action(app, group_id=world.away_group, institution_id=world.away_board.id, case_id=None,
                       due_on=today - timedelta(days=2)),
    }
    return made


def test_the_chair_sees_overdue_due_this_week_and_counts(app, client, factory, world):
    made = _make(app, world)
    factory.login(client, world.chair)
    page = client.get("/actions/board")
    assert page.status_code == 200
    text = page.text
    overdue = [int(i) for i in ACTION_LINK.findall(section(text, "overdue-heading"))]
    assert overdue == [made["late"], made["management"], made["late_police"]]
    assert [int(i) for i in ACTION_LINK.findall(section(text, "week-heading"))] == [made["week"]]
    assert made["away"] not in overdue
    by_institution = section(text, "institutions-heading")
    social_row = re.search(r'<th scope="row">Ezerkrastu sociālais dienests</th>\s*(.*?)</tr>', by_institution, re.S)
    assert re.findall(r"<td>(\d+)</td>", social_row.group(1)) == ["3", "2", "0", "0", "3"]
    assert "Kalnu izglītības pārvalde" not in text
    by_case = section(text, "cases-heading")
    assert f"L-{world.case2.id:06d}, Jānis Ozols" in by_case and f"L-{world.case.id:06d}, Marta Kalniņa" in by_case
    (entry,) = [e for e in audit_actions(app) if e.action == "action.board"]
    assert sorted(detail(entry)["shown"]) == sorted([made["late"], made["management"], made["late_police"],
                                                     made["week"]])

    # the chart: an accessible image with its numbers in the table that follows
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in by_institution
    assert '<title id="chart-title">Open and overdue actions by institution</title>' in by_institution
    assert '<desc id="chart-desc">' in by_institution
    assert "3 open" in by_institution and "2 overdue" in by_institution
    assert by_institution.index("<svg") < by_institution.index("<table")


def test_the_board_filters_by_group_institution_and_status(app, client, factory, world):
    made = _make(app, world)
    factory.login(client, world.chair)
    page = client.get(f"/actions/board?group_id={world.management}").text
    assert [int(i) for i in ACTION_LINK.findall(section(page, "overdue-heading"))] == [made["management"]]
    page = client.get(f"/actions/board?institution_id={world.mpolice.id}").text
    assert [int(i) for i in ACTION_LINK.findall(page)] == [made["late_police"]]
    page = client.get("/actions/board?status=done").text
    assert "No action is overdue." in page and "Ezerkrastu sociālais dienests" in section(page, "institutions-heading")
    page = client.get(f"/actions/board?group_id={world.away_group}&status=bogus").text  # not offered: ignored
    assert made["late"] in [int(i) for i in ACTION_LINK.findall(page)]


def test_only_the_chair_has_a_board(app, client, factory, world):
    _make(app, world)
    for user in (world.social_worker, world.pedagogue, world.inspector):
        factory.login(client, user)
        assert client.get("/actions/board").status_code == 403
    factory.login(client, world.away_chair)
    page = client.get("/actions/board").text
    assert "Ezerkrastu" not in page and "Kalnu izglītības pārvalde" in page


def test_the_board_runs_a_constant_number_of_statements(app, client, factory, world):
    _make(app, world)
    factory.login(client, world.chair)
    client.get("/actions/board")

    def page_count() -> int:
        with StatementCounter(app) as counter:
            assert client.get(f"/actions/board?group_id={world.group}").status_code == 200
        return len(counter)

    small = page_count()
    for i in range(4):
        pupil = factory.pupil(world.school.id, first_name=f"Skolēns{i}")
        case = factory.case(pupil.id, world.school.id, world.pedagogue.id)
        for institution in (world.court, world.spolice):
            action(app, group_id=world.group, institution_id=institution.id, case_id=case.id,
                   due_on=local_today() - timedelta(days=i))
    large = page_count()
    print(f"board: {small} statements")
    assert large == small, (small, large)
