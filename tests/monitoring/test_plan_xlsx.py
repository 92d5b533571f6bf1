"""The plan as an XLSX template: the export reads back as written, an export imports to the same plan, and a
workbook with any wrong cell is refused naming sheet, row and column, writing nothing."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.monitoring.models import ActivityYear, PlanActivity, PlanGoal, PlanTask, PlanVersion
from caseflow.monitoring.plan_xlsx import (
    PLAN_COLUMNS,
    YEAR_COLUMNS,
    PlanImportError,
    export_plan,
    import_plan,
)

KNOWN = {"Izglītības pārvalde", "Sociālais dienests", "Bāriņtiesa"}
PLAN_HEADERS = [spec[0] for spec in PLAN_COLUMNS.values()]
YEAR_HEADERS = [spec[0] for spec in YEAR_COLUMNS.values()]


def build_plan(municipality_id: int) -> PlanVersion:
    """Three goals (one without activities), three activities, two work tasks, three yearly records."""
    m = {"municipality_id": municipality_id}
    tasks = [PlanTask(**m, code="1.1.1", title="Ģimeņu aptauja", executor=["Dagdas JIC"], years=[2024],
                      deadline="2024. gada janvāris – 2024. gada decembris", position=0),
             PlanTask(**m, code="1.1.2", title="Bukleta izstrāde", responsible=["Izglītības pārvalde"],
                      supervisor=["Bāriņtiesa"], years=[2025, 2026], position=1)]
    records = [ActivityYear(**m, year=2024, status="done", achieved_value="Sasniegti 120 skolēni",
                            invested_eur=Decimal("1500.50"), impact="Kavējumu skaits samazinājās",
                            factor_analysis="Vecāku iesaiste"),
               ActivityYear(**m, year=2025, status="in_progress")]
    first = PlanActivity(**m, code="1.1", title="Atbalsts ģimenēm", responsible=["Izglītības pārvalde"],
                         involved=["Sociālais dienests", "NVO potenciālais pakalpojuma sniedzējs"],
                         executor=["Dagdas JIC"], supervisor=["Bāriņtiesa"], years=[2024, 2026],
                         financing=["Pašvaldības budžets", "ESF+"], planned_result="Vecāki zina, kur vērsties",
                         target_group="Ģimenes ar bērniem", position=0, tasks=tasks, year_records=records)
    second = PlanActivity(**m, code="1.2", title="=SUM(A1)", planned_result="-10 % kavējumu",
                          target_group="@skolēni", years=[2025], position=1)
    third = PlanActivity(**m, code="2.1", title=None, responsible=["Sociālais dienests"], years=[2026],
                         position=0, year_records=[ActivityYear(**m, year=2026, status="postponed")])
    version = PlanVersion(**m, number=1, title="Rīcības plāns PMP mazināšanai 2024.–2026. gadam",
                          years=[2024, 2025, 2026], status="approved", goals=[
                              PlanGoal(**m, code="1", level="universal", title="Universālā prevencija – ģimenes",
                                       position=0, activities=[first, second]),
                              PlanGoal(**m, code="2", level="targeted", title="Mērķtiecīgā prevencija",
                                       position=1, activities=[third]),
                              PlanGoal(**m, code="3", level=None, title="Sadarbības stiprināšana", position=2)])
    db.session.add(version)
    db.session.flush()
    return version


def shape(version: PlanVersion) -> list:
    """The plan's content without ids, positions or version details."""
    return [(g.code, g.level, g.title, [(
        a.code, a.title, a.responsible, a.involved, a.executor, a.supervisor, a.years, a.financing,
        a.planned_result, a.target_group,
        [(t.code, t.title, t.responsible, t.executor, t.supervisor, t.years, t.deadline) for t in a.tasks],
        [(r.year, r.status, r.achieved_value, r.invested_eur, r.impact, r.factor_analysis)
         for r in a.year_records]) for a in g.activities]) for g in version.goals]


def exported(app, factory) -> tuple[int, bytes]:
    municipality = factory.municipality(name="Krāslavas novads")
    with app.app_context():
        data = export_plan(build_plan(municipality.id))
        db.session.commit()
    return municipality.id, data


def sheet_values(data: bytes, sheet: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def edited(data: bytes, change) -> bytes:
    """The workbook after change(book); text stays text."""
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def put(sheet: str, row: int, header: str, value):
    def change(book):
        ws = book[sheet]
        column = next(c.column for c in ws[1] if c.value == header)
        ws.cell(row=row, column=column).value = value
    return change


def test_the_export_reads_back_with_headers_values_and_diacritics(app, factory):
    _id, data = exported(app, factory)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Plāns", "Gadu izpilde", "Norādījumi"]
    plan, years = book["Plāns"], book["Gadu izpilde"]
    assert [c.value for c in plan[1]] == PLAN_HEADERS and [c.value for c in years[1]] == YEAR_HEADERS
    assert plan.freeze_panes == "A2" and plan["A1"].font.b and years.freeze_panes == "A2"
    assert plan.column_dimensions["D"].number_format == "@"  # a code typed in stays text
    rows = sheet_values(data, "Plāns")
    assert len(rows) == 7
    row = dict(zip(PLAN_HEADERS, rows[1], strict=True))
    assert row["Mērķis"] == "Universālā prevencija – ģimenes" and row["Prevencijas līmenis"] == "universālā"
    assert row["Iesaistītie"] == "Sociālais dienests; NVO potenciālais pakalpojuma sniedzējs"
    assert row["Gadi"] == "2024, 2026" and row["Uzdevuma kods"] is None
    task = dict(zip(PLAN_HEADERS, rows[2], strict=True))
    assert (task["Aktivitātes kods"], task["Uzdevuma kods"], task["Uzdevums"]) == ("1.1", "1.1.1", "Ģimeņu aptauja")
    assert rows[6][:4] == ("3", "Sadarbības stiprināšana", None, None)
    year_rows = sheet_values(data, "Gadu izpilde")
    assert len(year_rows) == 1 + 3 * 3
    assert year_rows[1] == ("1.1", 2024, "izpildīts", "Sasniegti 120 skolēni", 1500.5,
                            "Kavējumu skaits samazinājās", "Vecāku iesaiste")
    assert year_rows[2][:3] == ("1.1", 2025, "procesā") and year_rows[4][2] is None
    guide = sheet_values(data, "Norādījumi")
    assert guide[0][:2] == ("Plāna nosaukums", "Rīcības plāns PMP mazināšanai 2024.–2026. gadam")
    assert guide[1][:2] == ("Plāna gadi", "2024, 2025, 2026")


@pytest.mark.one_backend
def test_formula_looking_text_is_written_and_kept_as_text(app, factory):
    municipality_id, data = exported(app, factory)
    cells = load_workbook(io.BytesIO(data))["Plāns"]
    assert (cells["E5"].data_type, cells["E5"].value) == ("s", "'=SUM(A1)")
    assert cells["N5"].value == "'-10 % kavējumu" and cells["O5"].value == "'@skolēni"
    with app.app_context():
        version = import_plan(municipality_id, io.BytesIO(data))
        activity = version.goals[0].activities[1]
        assert (activity.title, activity.planned_result, activity.target_group) == (
            "=SUM(A1)", "-10 % kavējumu", "@skolēni")


@pytest.mark.one_backend
def test_an_empty_plan_exports_the_headers_only(app):
    data = export_plan(None)
    assert sheet_values(data, "Plāns") == [tuple(PLAN_HEADERS)]
    assert sheet_values(data, "Gadu izpilde") == [tuple(YEAR_HEADERS)]
    with app.app_context(), pytest.raises(PlanImportError) as refused:
        import_plan(1, io.BytesIO(data))
    assert ("Norādījumi", 1, "B", "required") in {(p.sheet, p.row, p.column, p.code) for p in refused.value.problems}


def test_an_export_imports_as_the_next_draft_with_the_same_plan(app, factory):
    municipality_id, data = exported(app, factory)
    with app.app_context():
        version = import_plan(municipality_id, io.BytesIO(data), known_institutions=KNOWN)
        db.session.commit()
        original = db.session.scalar(select(PlanVersion).where(PlanVersion.municipality_id == municipality_id,
                                                                PlanVersion.number == 1))
        assert (version.number, version.status, version.years) == (2, "draft", [2024, 2025, 2026])
        assert version.title == original.title
        assert shape(version) == shape(original)
        assert db.session.scalar(select(func.count()).select_from(ActivityYear)) == 6


@pytest.mark.one_backend
def test_levels_statuses_and_amounts_are_read_as_people_write_them(app, factory):
    municipality_id, data = exported(app, factory)
    data = edited(data, lambda book: [put("Plāns", 2, "Prevencijas līmenis", "Universal")(book),
                                      put("Gadu izpilde", 3, "Statuss", "Nav izpildīts")(book),
                                      put("Gadu izpilde", 3, "Ieguldīts EUR", "1 200,5")(book),
                                      put("Gadu izpilde", 6, "Ieguldīts EUR", 300)(book),
                                      put("Plāns", 7, "Mērķa kods", 3)(book)])
    with app.app_context():
        version = import_plan(municipality_id, io.BytesIO(data))
        first, second = version.goals[0].activities
        assert version.goals[0].level == "universal" and version.goals[2].code == "3"
        assert [(r.year, r.status, r.invested_eur) for r in first.year_records] == [
            (2024, "done", Decimal("1500.50")), (2025, "not_done", Decimal("1200.50"))]
        assert [(r.year, r.status, r.invested_eur) for r in second.year_records] == [
            (2025, "planned", Decimal("300.00"))]


def drop_sheet(name):
    return lambda book: book.remove(book[name])


BAD = [
    (drop_sheet("Gadu izpilde"), None, ("Gadu izpilde", None, None, "missing_sheet")),
    (put("Plāns", 1, "Atbildīgie", "Atbildīgais"), None, ("Plāns", 1, "Atbildīgie", "missing_column")),
    (put("Gadu izpilde", 1, "Statuss", None), None, ("Gadu izpilde", 1, "Statuss", "missing_column")),
    (put("Plāns", 5, "Mērķa kods", None), None, ("Plāns", 5, "Mērķa kods", "goal_required")),
    (put("Plāns", 4, "Aktivitātes kods", "9.9"), None, ("Plāns", 4, "Aktivitātes kods", "unknown_activity")),
    (put("Gadu izpilde", 9, "Aktivitātes kods", "9.9"), None,
     ("Gadu izpilde", 9, "Aktivitātes kods", "unknown_activity")),
    (put("Plāns", 2, "Gadi", "2024, divdesmit"), None, ("Plāns", 2, "Gadi", "year")),
    (put("Plāns", 3, "Gadi", "1999"), None, ("Plāns", 3, "Gadi", "year_range")),
    (put("Gadu izpilde", 4, "Gads", 2101), None, ("Gadu izpilde", 4, "Gads", "year_range")),
    (put("Gadu izpilde", 4, "Gads", "nākamgad"), None, ("Gadu izpilde", 4, "Gads", "year")),
    (put("Gadu izpilde", 2, "Statuss", "gatavs"), None, ("Gadu izpilde", 2, "Statuss", "status")),
    (put("Gadu izpilde", 7, "Ieguldīts EUR", -5), None, ("Gadu izpilde", 7, "Ieguldīts EUR", "amount_negative")),
    (put("Gadu izpilde", 7, "Ieguldīts EUR", "daudz"), None, ("Gadu izpilde", 7, "Ieguldīts EUR", "amount")),
    (put("Plāns", 2, "Atbildīgie", "Izglītības pārvalde; Nezināmā biedrība"), KNOWN,
     ("Plāns", 2, "Atbildīgie", "unknown_institution")),
    (put("Plāns", 6, "Iesaistītie", "Policija"), KNOWN, ("Plāns", 6, "Iesaistītie", "unknown_institution")),
    (put("Plāns", 6, "Aktivitātes kods", "1.1"), None, ("Plāns", 6, "Aktivitātes kods", "duplicate")),
    (put("Plāns", 4, "Uzdevuma kods", "1.1.1"), None, ("Plāns", 4, "Uzdevuma kods", "duplicate")),
    (put("Gadu izpilde", 3, "Gads", 2024), None, ("Gadu izpilde", 3, "Gads", "duplicate")),
    (put("Plāns", 5, "Prevencijas līmenis", "pielāgotā"), None, ("Plāns", 5, "Prevencijas līmenis", "goal_mismatch")),
    (put("Plāns", 3, "Uzdevums", None), None, ("Plāns", 3, "Uzdevums", "required")),
    (put("Plāns", 2, "Aktivitātes kods", "1" * 41), None, ("Plāns", 2, "Aktivitātes kods", "too_long")),
]


@pytest.mark.one_backend
@pytest.mark.parametrize(("change", "known", "expected"), BAD, ids=[f"{c[2][3]}-{c[2][0]}-{c[2][2]}" for c in BAD])
def test_a_wrong_cell_is_named_and_nothing_is_written(app, factory, change, known, expected):
    municipality_id, data = exported(app, factory)
    with app.app_context(), pytest.raises(PlanImportError) as refused:
        import_plan(municipality_id, io.BytesIO(edited(data, change)), known_institutions=known)
    problems = refused.value.problems
    assert expected in {(p.sheet, p.row, p.column, p.code) for p in problems}
    assert all(p.reason and "%(" not in p.reason for p in problems)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanVersion)) == 1
        assert db.session.scalar(select(func.count()).select_from(PlanGoal)) == 3


@pytest.mark.one_backend
def test_a_file_that_is_no_workbook_is_refused(app):
    with app.app_context(), pytest.raises(PlanImportError) as refused:
        import_plan(1, io.BytesIO("Plāns;Gads\n1;2024\n".encode()))
    assert [(p.sheet, p.row, p.column, p.code) for p in refused.value.problems] == [(None, None, None, "bad_xlsx")]
