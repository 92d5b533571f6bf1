"""The action queue and the chair's control board as XLSX and CSV: the page's permission, scope and
filters; every action, not only what the page lists; audited per pupil; formula-safe descriptions."""
from __future__ import annotations

from datetime import datetime, timedelta

from caseflow.db import local_today
from tests.exports.helpers import assert_download, audit_entries, csv_rows, detail, workbook
from tests.meetings.world import action
from tests.querycount import StatementCounter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _make(app, world) -> dict[str, int]:
    today = local_today()
    return {
        "late": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                       due_on=today - timedelta(days=3), text="=cmd|' /C calc'!A0"),
        "later": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case2.id,
                        due_on=today + timedelta(days=40)),
        "done": action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                       due_on=today - timedelta(days=20), status="done"),
        "police": action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id,
                         due_on=today + timedelta(days=2)),
        "policy": action(app, group_id=world.group, institution_id=world.social.id, case_id=None,
                         due_on=today + timedelta(days=5), text="Sagatavot pārskatu"),
        "away": action(app, group_id=world.away_group, institution_id=world.away_board.id, case_id=None,
                       due_on=today - timedelta(days=2)),
    }


def test_the_queue_holds_the_institutions_open_actions_by_deadline(app, client, factory, world):
    app.config["EXPORT_BATCH_SIZE"] = 2
    _make(app, world)
    factory.login(client, world.social_worker)
    response = client.get("/exports/actions.xlsx")
    assert_download(response, f"uzdevumi-{local_today().isoformat()}.xlsx", XLSX)
    rows = workbook(response.data)["Actions of my institution"]
    assert rows[0][:3] == ("What to do", "Case", "Pupil")
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "Sagatavot pārskatu", "Apmeklēt ģimeni"]
    late = rows[1]
    assert late[1] == f"L-{world.case.id:06d}" and late[2] == "Marta Kalniņa"
    assert late[4] == "Ezerkrastu sociālais dienests" and late[7] == "Yes" and late[9] == "New"
    assert late[6] == datetime.combine(local_today() - timedelta(days=3), datetime.min.time())
    assert rows[2][1] is None  # a policy item's action is about no case


def test_the_queue_follows_the_status_filter_and_csv_neutralises(app, client, factory, world):
    _make(app, world)
    factory.login(client, world.social_worker)
    rows = csv_rows(client.get("/exports/actions.csv?status=done").data)
    assert len(rows) == 2 and rows[1][9] == "Done"
    rows = csv_rows(client.get("/exports/actions.csv?status=all").data)
    assert len(rows) == 5
    assert "'=cmd|' /C calc'!A0" in [r[0] for r in rows]


def test_the_queue_is_audited_per_pupil(app, client, factory, world):
    made = _make(app, world)
    factory.login(client, world.social_worker)
    client.get("/exports/actions.csv")
    entries = audit_entries(app)
    assert [(e.action, detail(e)) for e in entries if e.object_type is None] == [
        ("export.action_queue", {"format": "csv", "rows": 3, "status": "open"})]
    rows = {(e.object_id, e.pupil_id) for e in entries if e.action == "export.action_queue.row"}
    assert rows == {(made["late"], world.pupil.id), (made["later"], world.pupil2.id)}


def test_the_board_holds_every_action_of_the_chairs_groups_not_only_this_week(app, client, factory, world):
    app.config["EXPORT_BATCH_SIZE"] = 2
    made = _make(app, world)
    factory.login(client, world.chair)
    response = client.get("/exports/actions/board.xlsx")
    assert_download(response, f"uzdevumu-kontrole-{local_today().isoformat()}.xlsx", XLSX)
    rows = workbook(response.data)["Control board of actions"]
    institutions = [r[4] for r in rows[1:]]
    assert len(rows) == 5  # late, police, policy and later (due in 40 days: not on the page's lists)
    assert "Kalnu izglītības pārvalde" not in institutions
    assert "Ezerkrastu pašvaldības policija" in institutions
    rows = csv_rows(client.get(f"/exports/actions/board.csv?institution_id={world.mpolice.id}&status=all").data)
    assert [r[4] for r in rows[1:]] == ["Ezerkrastu pašvaldības policija"]
    entries = audit_entries(app, "export.action_board")
    summaries = [detail(e) for e in entries if e.action == "export.action_board"]
    assert summaries[-1] == {"format": "csv", "rows": 1, "status": "all", "group_id": None,
                             "institution_id": world.mpolice.id}
    assert (made["police"], world.pupil.id) in {(e.object_id, e.pupil_id) for e in entries}


def test_another_municipalitys_chair_gets_none_of_these_actions(app, client, factory, world):
    _make(app, world)
    factory.login(client, world.away_chair)
    rows = workbook(client.get("/exports/actions/board.xlsx").data)["Control board of actions"]
    assert [r[4] for r in rows[1:]] == ["Kalnu izglītības pārvalde"]


def test_roles_without_the_pages_permission_get_its_refusal(app, client, factory, world):
    for user, allowed in ((world.teacher, set()), (factory.user("admin", world.board.id), set()),
                          (factory.user("analyst", world.board.id), set()),
                          (world.social_worker, {"/actions/", "/exports/actions.xlsx", "/exports/actions.csv"})):
        factory.login(client, user)
        for url in ("/actions/", "/exports/actions.xlsx", "/exports/actions.csv", "/actions/board",
                    "/exports/actions/board.xlsx", "/exports/actions/board.csv"):
            assert client.get(url).status_code == (200 if url in allowed else 403), (user.role, url)


def test_board_statements_grow_by_a_constant_per_batch(app, client, factory, world):
    app.config["EXPORT_BATCH_SIZE"] = 3
    factory.login(client, world.chair)

    def count() -> int:
        """Statements of one export, its audit trail included: every entry is sealed by one INSERT."""
        with StatementCounter(app) as counter:
            assert client.get("/exports/actions/board.xlsx?status=all").status_code == 200
        assert len([s for s in counter.statements if s.startswith("INSERT INTO audit_log")]) == 1
        return len(counter)

    def add(n: int) -> None:
        for i in range(n):
            action(app, group_id=world.group, institution_id=world.social.id,
                   case_id=(world.case, world.case2)[i % 2].id, due_on=local_today() + timedelta(days=i))

    count()
    add(3)
    one = count()
    add(3)
    two = count()
    add(3)
    three = count()
    assert two - one == three - two <= 2  # the actions with their people, and their data keys
