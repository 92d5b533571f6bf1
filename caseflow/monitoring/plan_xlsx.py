"""The implementation plan as an XLSX template a municipality fills in: export, and an import that checks
every cell before it writes a new draft version of the plan."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import func, select

from caseflow.exports.writers import FORMULA_STARTS, Column, XlsxBook
from caseflow.extensions import db
from caseflow.monitoring.models import (
    ActivityStatus,
    ActivityYear,
    PlanActivity,
    PlanGoal,
    PlanStatus,
    PlanTask,
    PlanVersion,
)

PLAN_SHEET, YEARS_SHEET, GUIDE_SHEET = "Plāns", "Gadu izpilde", "Norādījumi"
LEVEL_LABELS = {"universal": "universālā", "targeted": "mērķtiecīgā", "individual": "pielāgotā",
                "system": "sistēmas"}
STATUS_LABELS = {ActivityStatus.PLANNED: "plānots", ActivityStatus.IN_PROGRESS: "procesā",
                 ActivityStatus.DONE: "izpildīts", ActivityStatus.NOT_DONE: "nav izpildīts",
                 ActivityStatus.POSTPONED: "atlikts"}
FIRST_YEAR, LAST_YEAR = 2000, 2100
CODE_MAX = 40
EUR_MAX = Decimal("9999999999.99")
AMOUNT = re.compile(r"-?\d+(\.\d+)?")
#: a list cell holds one name a line or names separated by semicolons
LIST_SEPARATOR = re.compile(r"[;\n]")
YEAR_SEPARATOR = re.compile(r"[,;\s]+")
#: an institution written as a placeholder ("potenciālais pakalpojuma sniedzējs") is not checked
PLACEHOLDER = re.compile(r"(^|\s)potenciāl", re.IGNORECASE)

#: key → (header, width, what to write); the order is the sheet's
PLAN_COLUMNS = {
    "goal_code": ("Mērķa kods", 10, "Mērķa kods, piemēram, 1. Aizpilda katrā aktivitātes rindā."),
    "goal_title": ("Mērķis", 36, "Mērķa nosaukums (pietiek vienā mērķa rindā)."),
    "level": ("Prevencijas līmenis", 16, "universālā, mērķtiecīgā, pielāgotā vai sistēmas."),
    "activity_code": ("Aktivitātes kods", 12, "Aktivitātes kods, piemēram, 1.1; plānā katrs kods ir vienreiz."),
    "activity_title": ("Aktivitāte", 40, "Aktivitātes nosaukums."),
    "task_code": ("Uzdevuma kods", 12, "Tikai darba uzdevuma rindā; Aktivitātes kods norāda tā aktivitāti."),
    "task_title": ("Uzdevums", 40, "Uzdevuma nosaukums (uzdevuma rindā obligāts)."),
    "responsible": ("Atbildīgie", 26, "Atbildīgās institūcijas, atdalītas ar semikolu, nosauktas kā caseflow sarakstā."),
    "involved": ("Iesaistītie", 26, "Iesaistītās institūcijas, kā Atbildīgie (tikai aktivitātei)."),
    "executor": ("Izpildītājs", 22, "Izpildītāji, atdalīti ar semikolu."),
    "supervisor": ("Pārraugs", 22, "Pārraugi, atdalīti ar semikolu."),
    "years": ("Gadi", 16, "Gadi, kuros īsteno, piemēram, 2024, 2026."),
    "financing": ("Finansējuma avoti", 24, "Finansējuma avoti, atdalīti ar semikolu (tikai aktivitātei)."),
    "planned_result": ("Plānotais rezultāts", 34, "Plānotais rezultāts (tikai aktivitātei)."),
    "target_group": ("Mērķa grupa", 24, "Mērķa grupa (tikai aktivitātei)."),
    "deadline": ("Termiņš", 24, "Uzdevuma termiņš, kā plānā rakstīts (tikai uzdevumam)."),
}
YEAR_COLUMNS = {
    "activity_code": ("Aktivitātes kods", 12, "Aktivitātes kods no lapas Plāns."),
    "year": ("Gads", 8, "Gads, piemēram, 2025."),
    "status": ("Statuss", 14, "plānots, procesā, izpildīts, nav izpildīts vai atlikts (tukšs – plānots)."),
    "achieved_value": ("Sasniegtā vērtība", 30, "Kas sasniegts gadā."),
    "invested_eur": ("Ieguldīts EUR", 14, "Ieguldītā summa eiro, piemēram, 1500,50."),
    "impact": ("Ietekmes novērtējums", 34, "Ietekmes novērtējums."),
    "factor_analysis": ("Faktoru analīze", 34, "Kāpēc gāja tā, kā gāja."),
}
OPTIONAL_COLUMNS = {"deadline"}
CODE_COLUMNS = {"goal_code", "activity_code", "task_code"}
HEADERS = {key: spec[0] for key, spec in {**PLAN_COLUMNS, **YEAR_COLUMNS}.items()}

MESSAGES = {
    "bad_xlsx": _l("The Excel workbook cannot be read. Open it in Excel and save it again as .xlsx."),
    "missing_sheet": _l("The workbook has no sheet \"%(name)s\"; use the plan template."),
    "missing_column": _l("The column \"%(column)s\" is missing; use the plan template."),
    "no_rows": _l("The sheet has no rows of the plan."),
    "required": _l("This value is required."),
    "too_long": _l("At most %(max)s characters."),
    "goal_required": _l("An activity needs the code of its goal."),
    "goal_mismatch": _l("Row %(first)s gives the goal %(value)s a different title or prevention level."),
    "level": _l("\"%(value)s\" is not a prevention level; write one of: %(known)s."),
    "unknown_activity": _l("No activity with the code \"%(value)s\" is in the sheet \"%(name)s\"."),
    "year": _l("\"%(value)s\" is not a year; write years as 2024, 2026."),
    "year_range": _l("The year %(value)s is outside %(first)s–%(last)s."),
    "status": _l("\"%(value)s\" is not a status; write one of: %(known)s."),
    "amount": _l("\"%(value)s\" is not an amount in euros; write a number such as 1500,50."),
    "amount_negative": _l("An amount cannot be negative."),
    "amount_large": _l("The amount %(value)s is too large."),
    "unknown_institution": _l("\"%(value)s\" is not an institution caseflow knows; write it as caseflow does."),
    "duplicate": _l("Row %(first)s already has \"%(value)s\"."),
}


@dataclass(frozen=True)
class PlanProblem:
    """What is wrong where: sheet, row number as the spreadsheet shows it, column header, reason code."""

    sheet: str | None
    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """The reason in the current language."""
        text = MESSAGES[self.code]
        return str(text % self.params) if self.params else str(text)


class PlanImportError(ValueError):
    """The workbook was refused; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[PlanProblem]):
        super().__init__(f"{len(problems)} problem(s) in the plan workbook")
        self.problems = problems


# --- export ------------------------------------------------------------------------------------------

def _join(items: Iterable) -> str:
    return "; ".join(str(item) for item in items or [])


def _years_text(years: Iterable[int]) -> str:
    return ", ".join(str(year) for year in sorted(years or []))


def _plan_rows(version: PlanVersion) -> Iterable[dict]:
    for goal in version.goals:
        head = {"goal_code": goal.code, "goal_title": goal.title, "level": LEVEL_LABELS.get(goal.level, goal.level)}
        if not goal.activities:
            yield head
        for activity in goal.activities:
            yield {**head, "activity_code": activity.code, "activity_title": activity.title,
                   **{key: _join(getattr(activity, key)) for key in
                      ("responsible", "involved", "executor", "supervisor", "financing")},
                   "years": _years_text(activity.years), "planned_result": activity.planned_result,
                   "target_group": activity.target_group}
            for task in activity.tasks:
                yield {"goal_code": goal.code, "activity_code": activity.code, "task_code": task.code,
                       "task_title": task.title, "years": _years_text(task.years), "deadline": task.deadline,
                       **{key: _join(getattr(task, key)) for key in ("responsible", "executor", "supervisor")}}


def _year_rows(version: PlanVersion) -> Iterable[dict]:
    for goal in version.goals:
        for activity in goal.activities:
            records = {record.year: record for record in activity.year_records}
            for year in sorted(set(version.years or []) | records.keys()):
                record = records.get(year)
                yield {"activity_code": activity.code, "year": year, **({} if record is None else {
                    key: getattr(record, key) for key in YEAR_COLUMNS if key not in ("activity_code", "year")}),
                    "status": record and STATUS_LABELS.get(record.status, record.status)}


def export_plan(version: PlanVersion | None) -> bytes:
    """The plan as a workbook to fill in (sheets Plāns, Gadu izpilde, Norādījumi); no version: the empty template."""
    book = XlsxBook()
    text_format = book.book.add_format({"num_format": "@"})
    for title, columns, rows in ((PLAN_SHEET, PLAN_COLUMNS, _plan_rows), (YEARS_SHEET, YEAR_COLUMNS, _year_rows)):
        book.add_sheet(title, [Column(header, width) for header, width, _help in columns.values()])
        for number, key in enumerate(columns):  # a code typed in (1.1) stays text, never a number or a date
            if key in CODE_COLUMNS:
                book.sheet.set_column(number, number, columns[key][1], text_format)
        for values in rows(version) if version else []:
            book.add_row([values.get(key) for key in columns])
    book.add_sheet(GUIDE_SHEET, [Column("", 22), Column("", 16), Column("", 90)], header=False)
    book.add_row(["Plāna nosaukums", version.title if version else None])
    book.add_row(["Plāna gadi", _years_text(version.years) if version else None])
    book.add_row(["Kā aizpildīt", None, "Kolonnu nosaukumus nemainiet. Katra aktivitāte ir vienā rindā, tās darba "
                  "uzdevumi – savās rindās zem tās; Gadu izpildē rinda bez ierakstiem netiek saglabāta."])
    book.add_row(["Kolonna", "Lapa", "Ko rakstīt"])
    for sheet, columns in ((PLAN_SHEET, PLAN_COLUMNS), (YEARS_SHEET, YEAR_COLUMNS)):
        for header, _width, help_text in columns.values():
            book.add_row([header, sheet, help_text])
    return book.finish().read()


# --- import: reading and checking --------------------------------------------------------------------

def _text(value) -> str | None:
    """A cell as trimmed text (None when empty), without the apostrophe the export puts before a formula."""
    if value is None:
        return None
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
    if text[:1] == "'" and text[1:].lstrip()[:1] in FORMULA_STARTS and text[1:].lstrip():
        text = text[1:]
    return text or None


class _Problems(list):
    """The problems found so far, and the institutions names are checked against."""

    def __init__(self, known_institutions: set[str] | None) -> None:
        super().__init__()
        self.known = None if known_institutions is None else {name.casefold() for name in known_institutions}

    def add(self, sheet: str | None, row: int | None, key: str | None, code: str, **params) -> None:
        """Note a problem at a cell (key names the column)."""
        self.append(PlanProblem(sheet, row, HEADERS.get(key, key), code, params))

    def rows(self, book, sheet: str, columns: dict) -> list[_Row]:
        """The sheet's non-blank rows; none, with a problem, when the sheet or a column is missing."""
        if sheet not in book.sheetnames:
            self.add(sheet, None, None, "missing_sheet", name=sheet)
            return []
        cells = book[sheet].iter_rows(values_only=True)
        headers = [_text(header) or "" for header in next(cells, ())]
        index = {header: headers.index(header) for header in headers}
        if missing := [key for key, spec in columns.items() if spec[0] not in index and key not in OPTIONAL_COLUMNS]:
            for key in missing:
                self.add(sheet, 1, key, "missing_column", column=HEADERS[key])
            return []
        found = []
        for number, row in enumerate(cells, start=2):
            values = {key: row[index[spec[0]]] if index.get(spec[0], len(row)) < len(row) else None
                      for key, spec in columns.items()}
            if any(_text(value) for value in values.values()):
                found.append(_Row(self, sheet, number, values))
        return found


class _Row:
    """One row of a sheet: its cells read into column values, each problem noted with the row's place."""

    def __init__(self, problems: _Problems, sheet: str, number: int, cells: dict) -> None:
        self.problems, self.sheet, self.number, self.cells = problems, sheet, number, cells

    def problem(self, key: str | None, code: str, **params) -> None:
        """Note a problem in a column of this row."""
        self.problems.add(self.sheet, self.number, key, code, **params)

    def text(self, key: str, *, required: bool = False, limit: int | None = None) -> str | None:
        """Trimmed text; a problem when required and empty, or longer than the limit."""
        text = _text(self.cells[key])
        if text is None and required:
            self.problem(key, "required")
        elif text is not None and limit and len(text) > limit:
            self.problem(key, "too_long", max=limit)
        return text

    def names(self, key: str, *, checked: bool = False) -> list[str]:
        """The names of a list cell; checked ones must be known institutions (placeholders aside)."""
        names = [name.strip() for name in LIST_SEPARATOR.split(_text(self.cells[key]) or "") if name.strip()]
        known = self.problems.known
        for name in names if checked and known is not None else []:
            if name.casefold() not in known and not PLACEHOLDER.search(name):
                self.problem(key, "unknown_institution", value=name)
        return names

    def years(self, key: str, *, required: bool = False) -> list[int]:
        """The years of a cell ("2024, 2026"), each a whole number from 2000 to 2100."""
        text, years = self.text(key, required=required), set()
        for part in YEAR_SEPARATOR.split(text or ""):
            if part and not part.isdigit():
                self.problem(key, "year", value=part)
            elif part and not FIRST_YEAR <= int(part) <= LAST_YEAR:
                self.problem(key, "year_range", value=part, first=FIRST_YEAR, last=LAST_YEAR)
            elif part:
                years.add(int(part))
        return sorted(years)

    def choice(self, key: str, labels: dict) -> str | None:
        """The stored value of a label or of a stored value, in any case; the problem's code is the key."""
        if (text := _text(self.cells[key])) is None:
            return None
        choices = {str(label).casefold(): str(stored) for stored, label in labels.items()}
        choices.update({str(stored).casefold(): str(stored) for stored in labels})
        if text.casefold() not in choices:
            self.problem(key, key, value=text, known=", ".join(labels.values()))
        return choices.get(text.casefold())

    def amount(self, key: str) -> Decimal | None:
        """Euros with cents: a number, or text with a decimal comma or point."""
        if (text := _text(self.cells[key])) is None:
            return None
        number = re.sub(r"\s|EUR|€", "", text).replace(",", ".")
        if not AMOUNT.fullmatch(number):
            self.problem(key, "amount", value=text)
        elif number.startswith("-"):
            self.problem(key, "amount_negative")
        elif Decimal(number) > EUR_MAX:
            self.problem(key, "amount_large", value=text)
        else:
            return Decimal(number).quantize(Decimal("0.01"))
        return None

    def first(self, seen: dict, identity, key: str, value: str) -> bool:
        """True the first time an identity is seen in the sheet; a duplicate problem after that."""
        if identity in seen:
            self.problem(key, "duplicate", first=seen[identity], value=value)
            return False
        seen[identity] = self.number
        return True


def _read_plan(rows: list[_Row]) -> tuple[dict, dict]:
    """Goals and activities by code from the sheet Plāns; each activity with its tasks."""
    goals, activities, tasks, seen_activities, seen_tasks = {}, {}, [], {}, {}
    for row in rows:
        goal_code, activity_code = row.text("goal_code", limit=CODE_MAX), row.text("activity_code", limit=CODE_MAX)
        if task_code := row.text("task_code", limit=CODE_MAX):
            task = {"code": task_code, "title": row.text("task_title", required=True), "years": row.years("years"),
                    "deadline": row.text("deadline"),
                    **{key: row.names(key, checked=key == "responsible")
                       for key in ("responsible", "executor", "supervisor")}}
            if activity_code is None:
                row.problem("activity_code", "required")
            elif row.first(seen_tasks, (activity_code, task_code), "task_code", task_code):
                tasks.append((row, activity_code, task))
            continue
        if goal_code is None:
            row.problem("goal_code", "goal_required" if activity_code else "required")
            continue
        title, level = row.text("goal_title"), row.choice("level", LEVEL_LABELS)
        goal = goals.setdefault(goal_code, {"code": goal_code, "title": title, "level": level, "row": row,
                                            "activities": []})
        for key, value, column in (("title", title, "goal_title"), ("level", level, "level")):
            if value and goal[key] and value != goal[key]:
                row.problem(column, "goal_mismatch", first=goal["row"].number, value=goal_code)
            goal[key] = goal[key] or value
        if activity_code and row.first(seen_activities, activity_code, "activity_code", activity_code):
            activities[activity_code] = {
                "code": activity_code, "title": row.text("activity_title"), "years": row.years("years"),
                **{key: row.names(key, checked=key in ("responsible", "involved"))
                   for key in ("responsible", "involved", "executor", "supervisor", "financing")},
                "planned_result": row.text("planned_result"), "target_group": row.text("target_group"),
                "tasks": [], "year_records": []}
            goal["activities"].append(activities[activity_code])
    for goal in goals.values():
        if not goal["title"]:
            goal["row"].problem("goal_title", "required")
    for row, activity_code, task in tasks:
        if activity_code in activities:
            activities[activity_code]["tasks"].append(task)
        else:
            row.problem("activity_code", "unknown_activity", value=activity_code, name=PLAN_SHEET)
    return goals, activities


def _read_years(rows: list[_Row], activities: dict) -> None:
    """Each row of the sheet Gadu izpilde with a status or a value becomes a yearly record of its activity."""
    seen: dict = {}
    for row in rows:
        code, years = row.text("activity_code", required=True), row.years("year", required=True)
        record = {"status": row.choice("status", STATUS_LABELS), "invested_eur": row.amount("invested_eur"),
                  **{key: row.text(key) for key in ("achieved_value", "impact", "factor_analysis")}}
        if code and code not in activities:
            row.problem("activity_code", "unknown_activity", value=code, name=PLAN_SHEET)
        if len(years) > 1:
            row.problem("year", "year", value=_text(row.cells["year"]))
        elif code in activities and years and row.first(seen, (code, *years), "year", f"{code} / {years[0]}"):
            if any(value is not None for value in record.values()):  # a row left as exported records nothing
                activities[code]["year_records"].append(
                    {**record, "year": years[0], "status": record["status"] or ActivityStatus.PLANNED})


def import_plan(municipality_id: int, stream: IO[bytes] | bytes, *,
                known_institutions: set[str] | None = None) -> PlanVersion:
    """A new draft version of the municipality's plan from a filled-in template; PlanImportError, and nothing
    written, when any cell is wrong. Flushes, never commits."""
    problems = _Problems(known_institutions)
    try:
        book = load_workbook(io.BytesIO(stream) if isinstance(stream, bytes) else stream,
                             read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise PlanImportError([PlanProblem(None, None, None, "bad_xlsx")]) from None
    try:
        plan_rows = problems.rows(book, PLAN_SHEET, PLAN_COLUMNS)
        year_rows = problems.rows(book, YEARS_SHEET, YEAR_COLUMNS)
        title, years = None, []
        if GUIDE_SHEET not in book.sheetnames:
            problems.add(GUIDE_SHEET, None, None, "missing_sheet", name=GUIDE_SHEET)
        else:  # the plan's title in B1, its years in B2
            guide = book[GUIDE_SHEET]
            title = _Row(problems, GUIDE_SHEET, 1, {"B": guide.cell(1, 2).value}).text("B", required=True)
            years = _Row(problems, GUIDE_SHEET, 2, {"B": guide.cell(2, 2).value}).years("B")
    finally:
        book.close()
    if not plan_rows and not any(problem.sheet == PLAN_SHEET for problem in problems):
        problems.add(PLAN_SHEET, None, None, "no_rows")
    goals, activities = _read_plan(plan_rows)
    _read_years(year_rows, activities)
    if problems:
        raise PlanImportError(list(problems))
    years = years or sorted({y for a in activities.values() for y in a["years"]}
                            | {y for a in activities.values() for t in a["tasks"] for y in t["years"]}
                            | {r["year"] for a in activities.values() for r in a["year_records"]})
    return _write(municipality_id, title, years, goals)


def _write(municipality_id: int, title: str, years: list[int], goals: dict) -> PlanVersion:
    """The new version with its goals, activities, tasks and yearly records (flush only)."""
    mine = {"municipality_id": municipality_id}
    latest = db.session.scalar(select(func.max(PlanVersion.number)).where(
        PlanVersion.municipality_id == municipality_id)) or 0
    version = PlanVersion(**mine, number=latest + 1, title=title, years=years, status=PlanStatus.DRAFT, details={})
    for position, goal in enumerate(goals.values()):
        row = PlanGoal(**mine, code=goal["code"], title=goal["title"], level=goal["level"], indicator_codes=[],
                       position=position, details={})
        for index, activity in enumerate(goal["activities"]):
            fields = {k: v for k, v in activity.items() if k not in ("tasks", "year_records")}
            item = PlanActivity(**mine, position=index, details={}, **fields)
            item.tasks = [PlanTask(**mine, position=i, details={}, **t) for i, t in enumerate(activity["tasks"])]
            item.year_records = [ActivityYear(**mine, **record) for record in activity["year_records"]]
            row.activities.append(item)
        version.goals.append(row)
    db.session.add(version)
    db.session.flush()
    return version
