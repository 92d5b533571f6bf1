"""The case work list as XLSX and CSV: every case the page's scope and filters allow (not one page),
nothing out of sight, Latvian headers, real dates, formula-safe text, audited per pupil, and a
constant number of statements per batch."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseEntry
from caseflow.extensions import db
from tests.exports.helpers import assert_download, audit_entries, csv_rows, detail, workbook
from tests.querycount import StatementCounter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _more_cases(factory, world, n: int, *, last_name: str = "Zariņš") -> list:
    made = []
    for i in range(n):
        pupil = factory.pupil(world.school.id, first_name=f"Pēteris{i:03d}", last_name=f"{last_name}{i:03d}")
        made.append(factory.case(pupil.id, world.school.id, world.pedagogue.id))
    return made


def _numbers(rows) -> set[str]:
    return {r[0] for r in rows[1:]}


def test_school_list_holds_every_case_of_the_school_in_latvian_and_not_another_schools(app, client, factory, world):
    app.config["PAGE_SIZE"], app.config["EXPORT_BATCH_SIZE"] = 2, 2
    extra = _more_cases(factory, world, 3)
    with time_machine.travel(datetime(2027, 1, 31, 23, 30, tzinfo=UTC), tick=False):  # 1 February in Riga
        factory.login(client, world.pedagogue_lv)
        response = client.get("/exports/cases.xlsx?view=school&status=")
    assert_download(response, "lietas-2027-02-01.xlsx", XLSX)
    sheets = workbook(response.data)
    assert list(sheets) == ["Lietas"]
    rows = sheets["Lietas"]
    assert rows[0][:3] == ("Lieta", "Izglītojamais", "Klase")
    expected = {f"L-{c.id:06d}" for c in (world.case, world.case2, *extra)}
    assert _numbers(rows) == expected  # five cases through three batches, not the page's two
    assert f"L-{world.case_other.id:06d}" not in _numbers(rows)
    marta = next(r for r in rows if r[0] == f"L-{world.case.id:06d}")
    assert marta[1] == "Kalniņa, Marta" and marta[2] == "7.b" and marta[3] == "Ezerkrastu pamatskola"
    assert marta[5] == "Nodota grupai"
    assert marta[8] == datetime(2026, 9, 15)  # opened: a real date cell
    assert isinstance(marta[10], datetime)  # last change, Riga time


def test_filters_and_view_are_those_of_the_page(app, client, factory, world):
    _more_cases(factory, world, 2, last_name="Bērziņš")
    factory.login(client, world.pedagogue)
    rows = csv_rows(client.get("/exports/cases.csv?view=school&status=referred").data)
    assert _numbers(rows) == {f"L-{world.case.id:06d}"}
    rows = csv_rows(client.get("/exports/cases.csv?view=school&search=berzins").data)
    assert len(rows) == 3 and all(r[1].startswith("Bērziņš") for r in rows[1:])


def test_csv_is_utf8_with_bom_semicolons_and_latvian_dates(app, client, factory, world):
    factory.login(client, world.pedagogue_lv)
    response = client.get("/exports/cases.csv?view=school")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="lietas-')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    rows = csv_rows(response.data)
    assert rows[0][:2] == ["Lieta", "Izglītojamais"]
    marta = next(r for r in rows if r[0] == f"L-{world.case.id:06d}")
    assert marta[1] == "Kalniņa, Marta" and marta[8] == "15.09.2026"


def test_the_coordinator_gets_only_referred_cases_of_the_municipality(app, client, factory, world):
    factory.login(client, world.chair)
    rows = workbook(client.get("/exports/cases.xlsx").data)["Cases"]
    assert rows[0][0] == "Case"  # the chair reads English
    assert _numbers(rows) == {f"L-{world.case.id:06d}"}
    away = workbook(_as(client, factory, world.away_chair).get("/exports/cases.xlsx").data)["Cases"]
    assert away[1:] == []


def _as(client, factory, user):
    factory.login(client, user)
    return client


def test_names_that_look_like_formulas_are_neutralised(app, client, factory, world):
    pupil = factory.pupil(world.school.id, first_name="@SUM(A1)", last_name="=HYPERLINK(\"http://x\")")
    factory.case(pupil.id, world.school.id, world.pedagogue.id)
    factory.login(client, world.pedagogue)
    xlsx = workbook(client.get("/exports/cases.xlsx?view=school").data)["Cases"]
    assert "'=HYPERLINK(\"http://x\"), @SUM(A1)" in [r[1] for r in xlsx]
    rows = csv_rows(client.get("/exports/cases.csv?view=school").data)
    assert "'=HYPERLINK(\"http://x\"), @SUM(A1)" in [r[1] for r in rows]


def test_every_exported_pupil_is_in_the_audit_trail_with_one_summary_entry(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.get("/exports/cases.xlsx?view=school&status=active")
    entries = audit_entries(app)
    summary = [e for e in entries if e.action == "export.cases"]
    assert len(summary) == 1
    assert detail(summary[0]) == {"format": "xlsx", "rows": 2, "view": "school", "filters": ["status"]}
    rows = [e for e in entries if e.action == "export.cases.row"]
    assert {(e.object_id, e.pupil_id) for e in rows} == {(world.case.id, world.pupil.id),
                                                        (world.case2.id, world.pupil2.id)}
    assert {e.request_id for e in entries} == {summary[0].request_id}
    assert all(e.user_id == world.pedagogue.id for e in entries)


def test_a_pupils_trail_shows_the_export(app, client, factory, world):
    from caseflow.access.permissions import Role
    from caseflow.access.policy import Actor
    from caseflow.audit.selectors import pupil_trail

    factory.login(client, world.pedagogue)
    client.get("/exports/cases.csv?view=school")
    with app.test_request_context():
        dpo = Actor(0, "dpo", Role.DPO, None, None, None)
        actions = [r.action for r in pupil_trail(dpo, world.pupil2.id).rows]
    assert "export.cases.row" in actions


def test_invalid_filters_go_back_to_the_page_which_says_what_is_wrong(app, client, factory, world):
    factory.login(client, world.pedagogue)
    response = client.get("/exports/cases.xlsx?view=school&class_name=" + "7" * 30 + "")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cases/?view=school")
    assert audit_entries(app) == []


def test_roles_without_the_list_get_the_pages_refusal(app, client, factory, world):
    for user in (world.teacher, world.social_worker, factory.user("admin", world.board.id),
                 factory.user("analyst", world.board.id)):
        factory.login(client, user)
        for url in ("/exports/cases.xlsx", "/exports/cases.csv", "/cases/"):
            assert client.get(url).status_code == 403, (user.role, url)
    denials = audit_entries(app, "access.denied")
    assert {detail(d)["endpoint"] for d in denials} >= {"exports.cases_xlsx", "exports.cases_csv"}


def test_statements_grow_by_a_constant_per_batch_not_per_row(app, client, factory, world):
    app.config["EXPORT_BATCH_SIZE"] = 5
    with app.app_context():
        category = factory.entry(world.home.id, "category")
    factory.login(client, world.pedagogue)

    def count() -> int:
        """Statements of one export, its audit trail included: every entry is sealed by one INSERT."""
        with StatementCounter(app) as counter:
            assert client.get("/exports/cases.xlsx?view=school").status_code == 200
        assert len([s for s in counter.statements if s.startswith("INSERT INTO audit_log")]) == 1
        return len(counter)

    def add(n: int) -> None:
        for case in _more_cases(factory, world, n):
            with app.app_context():
                db.session.add(CaseEntry(case_id=case.id, entry_id=category))
                db.session.commit()

    count()  # the audit trail's very first entry creates its head row: not part of the budget
    add(3)  # 5 cases: one batch
    one = count()
    add(5)  # 10 cases: two batches
    two = count()
    add(5)  # 15 cases: three batches
    three = count()
    assert two - one == three - two  # a fixed cost per batch
    assert two - one <= 2  # the rows with their people, and their categories
    with app.app_context():
        assert db.session.query(AuditEntry).filter(AuditEntry.action == "export.cases.row").count() == 32
        assert db.session.get(Case, world.case.id).opened_on == date(2026, 9, 15)
