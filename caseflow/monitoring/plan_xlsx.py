"""The implementation plan as an XLSX template a municipality fills in: export, and an import that checks
every cell before it writes a new draft version of the plan."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
    "responsible": ("Atbildīgie", 26, "Atbildīgās institūcijas, katra savā rindiņā vai atdalītas ar semikolu."),
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
    "status": ("Statuss", 14, "plānots, procesā, izpildīts, nav izpildīts vai atlikts; tukšs – nav ziņu."),
    "achieved_value": ("Sasniegtā vērtība", 30, "Kas sasniegts gadā."),
    "invested_eur": ("Ieguldīts EUR", 14, "Ieguldītā summa eiro, piemēram, 1500,50."),
    "impact": ("Ietekmes novērtējums", 34, "Ietekmes novērtējums."),
    "factor_analysis": ("Faktoru analīze", 34, "Kāpēc gāja tā, kā gāja."),
}
OPTIONAL_COLUMNS = {"deadline"}
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
    "unknown_institution": _l("\"%(value)s\" is not an institution caseflow knows; write its name as "
                              "caseflow lists it."),
    "duplicate": _l("Row %(first)s has the same %(what)s \"%(value)s\"."),
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
    for title, columns, rows in ((PLAN_SHEET, PLAN_COLUMNS, _plan_rows), (YEARS_SHEET, YEAR_COLUMNS, _year_rows)):
        book.add_sheet(title, [Column(header, width) for header, width, _help in columns.values()])
        for values in rows(version) if version else []:
            book.add_row([values.get(key) for key in columns])
    book.add_sheet(GUIDE_SHEET, [Column("", 22), Column("", 16), Column("", 90)], header=False)
    book.add_row(["Plāna nosaukums", version.title if version else None])
    book.add_row(["Plāna gadi", _years_text(version.years) if version else None])
    book.add_row([])
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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:].lstrip()[:1] in FORMULA_STARTS and text[1:].lstrip():
        text = text[1:]
    return text or None


class _Checker:
    """Collects every problem of the workbook while turning its cells into column values."""

    def __init__(self, known_institutions: set[str] | None) -> None:
        self.problems: list[PlanProblem] = []
        self.known = None if known_institutions is None else {name.casefold() for name in known_institutions}

    def add(self, sheet: str | None, row: int | None, key: str | None, code: str, **params) -> None:
        """Note a problem at a cell (key names the column)."""
        self.problems.append(PlanProblem(sheet, row, HEADERS.get(key, key), code, params))

    def rows(self, book, sheet: str, columns: dict) -> list[tuple[int, dict]]:
        """The sheet's non-blank rows as (row number, {key: cell}); [] with a problem when the layout is wrong."""
        if sheet not in book.sheetnames:
            self.add(sheet, None, None, "missing_sheet", name=sheet)
            return []
        cells = book[sheet].iter_rows(values_only=True)
        index: dict[str, int] = {}
        for number, header in enumerate(next(cells, ())):
            index.setdefault(_text(header) or "", number)
        missing = [key for key, spec in columns.items() if spec[0] not in index and key not in OPTIONAL_COLUMNS]
        for key in missing:
            self.add(sheet, 1, key, "missing_column", column=HEADERS[key])
        if missing:
            return []
        found = []
        for number, row in enumerate(cells, start=2):
            values = {key: row[index[spec[0]]] if index.get(spec[0], len(row)) < len(row) else None
                      for key, spec in columns.items()}
            if any(_text(value) for value in values.values()):
                found.append((number, values))
        return found

    def text(self, sheet: str, row: int, key: str, value, *, required: bool = False, limit: int | None = None):
        """Trimmed text; a problem when required and empty or longer than the limit."""
        text = _text(value)
        if text is None and required:
            self.add(sheet, row, key, "required")
        elif text is not None and limit and len(text) > limit:
            self.add(sheet, row, key, "too_long", max=limit)
        return text

    def names(self, sheet: str, row: int, key: str, value, *, checked: bool = False) -> list[str]:
        """The names of a list cell; checked ones must be known institutions (placeholders aside)."""
        names = [name.strip() for name in LIST_SEPARATOR.split(_text(value) or "") if name.strip()]
        if checked and self.known is not None:
            for name in names:
                if name.casefold() not in self.known and not PLACEHOLDER.search(name):
                    self.add(sheet, row, key, "unknown_institution", value=name)
        return names

    def years(self, sheet: str, row: int, key: str, value, *, required: bool = False) -> list[int]:
        """The years of a cell ("2024, 2026"), each a whole number from 2000 to 2100."""
        if required and _text(value) is None:
            self.add(sheet, row, key, "required")
        years = []
        for part in YEAR_SEPARATOR.split(_text(value) or ""):
            if not part:
                continue
            if not part.isdigit():
                self.add(sheet, row, key, "year", value=part)
            elif not FIRST_YEAR <= int(part) <= LAST_YEAR:
                self.add(sheet, row, key, "year_range", value=part, first=FIRST_YEAR, last=LAST_YEAR)
            elif int(part) not in years:
                years.append(int(part))
        return sorted(years)

    def choice(self, sheet: str, row: int, key: str, value, labels: dict, code: str) -> str | None:
        """The stored value of a label (or of the stored value itself), any case."""
        text = _text(value)
        if text is None:
            return None
        choices = {label.casefold(): stored for stored, label in labels.items()}
        choices.update({str(stored).casefold(): stored for stored in labels})
        if text.casefold() not in choices:
            self.add(sheet, row, key, code, value=text, known=", ".join(labels.values()))
            return None
        return str(choices[text.casefold()])

    def amount(self, sheet: str, row: int, key: str, value) -> Decimal | None:
        """Euros with cents: a number, or text with a decimal comma or point."""
        text = _text(value)
        if text is None:
            return None
        try:
            amount = Decimal(re.sub(r"\s|EUR|€", "", text).replace(",", "."))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.add(sheet, row, key, "amount", value=text)
        elif amount < 0:
            self.add(sheet, row, key, "amount_negative")
        elif amount > EUR_MAX:
            self.add(sheet, row, key, "amount_large", value=text)
        else:
            return amount.quantize(Decimal("0.01"))
        return None

    def first(self, seen: dict, identity, sheet: str, row: int, key: str, what: str, value) -> bool:
        """True the first time an identity is seen; a duplicate problem after that."""
        if identity in seen:
            self.add(sheet, row, key, "duplicate", first=seen[identity], what=what, value=value)
            return False
        seen[identity] = row
        return True


def _read_plan(checker: _Checker, rows: list[tuple[int, dict]]) -> tuple[dict, dict, list]:
    """Goals by code, activities by code and (row, activity code, task) triples from the sheet Plāns."""
    goals: dict[str, dict] = {}
    activities: dict[str, dict] = {}
    tasks: list[tuple[int, str, dict]] = []
    first_activity: dict = {}
    first_task: dict = {}
    s = PLAN_SHEET
    for row, cells in rows:
        goal_code = checker.text(s, row, "goal_code", cells["goal_code"], limit=CODE_MAX)
        activity_code = checker.text(s, row, "activity_code", cells["activity_code"], limit=CODE_MAX)
        task_code = checker.text(s, row, "task_code", cells["task_code"], limit=CODE_MAX)
        people = {key: checker.names(s, row, key, cells[key], checked=key in ("responsible", "involved"))
                  for key in ("responsible", "executor", "supervisor", "involved")}
        years = checker.years(s, row, "years", cells["years"])
        if task_code:
            if activity_code is None:
                checker.add(s, row, "activity_code", "required")
            elif checker.first(first_task, (activity_code, task_code), s, row, "task_code", "task code", task_code):
                tasks.append((row, activity_code, {
                    "code": task_code, "title": checker.text(s, row, "task_title", cells["task_title"], required=True),
                    "responsible": people["responsible"], "executor": people["executor"],
                    "supervisor": people["supervisor"], "years": years,
                    "deadline": checker.text(s, row, "deadline", cells["deadline"])}))
            continue
        if goal_code is None:
            checker.add(s, row, "goal_code", "goal_required" if activity_code else "required")
            continue
        goal = {"code": goal_code, "title": _text(cells["goal_title"]),
                "level": checker.choice(s, row, "level", cells["level"], LEVEL_LABELS, "level"), "row": row}
        known = goals.setdefault(goal_code, {**goal, "activities": []})
        for key in ("title", "level"):
            if goal[key] and known[key] and goal[key] != known[key]:
                checker.add(s, row, "goal_title" if key == "title" else "level", "goal_mismatch",
                            first=known["row"], value=goal_code)
            known[key] = known[key] or goal[key]
        if activity_code and checker.first(first_activity, activity_code, s, row, "activity_code",
                                           "activity code", activity_code):
            activities[activity_code] = {
                "code": activity_code, "title": checker.text(s, row, "activity_title", cells["activity_title"]),
                **people, "years": years, "financing": checker.names(s, row, "financing", cells["financing"]),
                "planned_result": checker.text(s, row, "planned_result", cells["planned_result"]),
                "target_group": checker.text(s, row, "target_group", cells["target_group"]), "tasks": [],
                "year_records": []}
            known["activities"].append(activities[activity_code])
    for goal in goals.values():
        if not goal["title"]:
            checker.add(s, goal["row"], "goal_title", "required")
    for row, activity_code, task in tasks:
        if activity_code in activities:
            activities[activity_code]["tasks"].append(task)
        else:
            checker.add(s, row, "activity_code", "unknown_activity", value=activity_code, name=s)
    return goals, activities, tasks


def _read_years(checker: _Checker, rows: list[tuple[int, dict]], activities: dict) -> None:
    """Each row of the sheet Gadu izpilde with a status or a value becomes a yearly record of its activity."""
    seen: dict = {}
    s = YEARS_SHEET
    for row, cells in rows:
        code = checker.text(s, row, "activity_code", cells["activity_code"], required=True)
        years = checker.years(s, row, "year", cells["year"], required=True)
        record = {"status": checker.choice(s, row, "status", cells["status"], STATUS_LABELS, "status"),
                  "achieved_value": checker.text(s, row, "achieved_value", cells["achieved_value"]),
                  "invested_eur": checker.amount(s, row, "invested_eur", cells["invested_eur"]),
                  "impact": checker.text(s, row, "impact", cells["impact"]),
                  "factor_analysis": checker.text(s, row, "factor_analysis", cells["factor_analysis"])}
        if code and code not in activities:
            checker.add(s, row, "activity_code", "unknown_activity", value=code, name=PLAN_SHEET)
        if len(years) > 1:
            checker.add(s, row, "year", "year", value=_text(cells["year"]))
        if code not in activities or len(years) != 1 or not checker.first(
                seen, (code, years[0]), s, row, "year", "activity and year", f"{code} {years[0]}"):
            continue
        if any(_text(cells[key]) for key in YEAR_COLUMNS if key not in ("activity_code", "year")):
            activities[code]["year_records"].append({**record, "year": years[0],
                                                     "status": record["status"] or ActivityStatus.PLANNED})


def import_plan(municipality_id: int, stream: IO[bytes] | bytes, *,
                known_institutions: set[str] | None = None) -> PlanVersion:
    """A new draft version of the municipality's plan from a filled-in template; PlanImportError, and nothing
    written, when any cell is wrong. Flushes, never commits."""
    checker = _Checker(known_institutions)
    try:
        book = load_workbook(io.BytesIO(stream) if isinstance(stream, bytes) else stream,
                             read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise PlanImportError([PlanProblem(None, None, None, "bad_xlsx")]) from None
    try:
        plan_rows = checker.rows(book, PLAN_SHEET, PLAN_COLUMNS)
        year_rows = checker.rows(book, YEARS_SHEET, YEAR_COLUMNS)
        title = years = None
        if GUIDE_SHEET not in book.sheetnames:
            checker.add(GUIDE_SHEET, None, None, "missing_sheet", name=GUIDE_SHEET)
        else:
            guide = book[GUIDE_SHEET]
            title = checker.text(GUIDE_SHEET, 1, "B", guide.cell(1, 2).value, required=True)
            years = checker.years(GUIDE_SHEET, 2, "B", guide.cell(2, 2).value)
    finally:
        book.close()
    if not plan_rows and not any(problem.sheet == PLAN_SHEET for problem in checker.problems):
        checker.add(PLAN_SHEET, None, None, "no_rows")
    goals, activities, tasks = _read_plan(checker, plan_rows)
    _read_years(checker, year_rows, activities)
    if checker.problems:
        raise PlanImportError(checker.problems)
    years = years or sorted({y for a in activities.values() for y in a["years"]}
                            | {y for _row, _code, task in tasks for y in task["years"]}
                            | {r["year"] for a in activities.values() for r in a["year_records"]})
    return _write(municipality_id, title, years, goals)


def _write(municipality_id: int, title: str, years: list[int], goals: dict) -> PlanVersion:
    """The new version with its goals, activities, tasks and yearly records (flush only)."""
    latest = db.session.scalar(select(func.max(PlanVersion.number)).where(
        PlanVersion.municipality_id == municipality_id)) or 0
    version = PlanVersion(municipality_id=municipality_id, number=latest + 1, title=title, years=years,
                          status=PlanStatus.DRAFT, details={})
    for position, goal in enumerate(goals.values()):
        row = PlanGoal(municipality_id=municipality_id, code=goal["code"], title=goal["title"], level=goal["level"],
                       indicator_codes=[], position=position, details={})
        for index, activity in enumerate(goal["activities"]):
            fields = {k: v for k, v in activity.items() if k not in ("tasks", "year_records")}
            item = PlanActivity(municipality_id=municipality_id, position=index, details={}, **fields)
            item.tasks = [PlanTask(municipality_id=municipality_id, position=i, details={}, **task)
                          for i, task in enumerate(activity["tasks"])]
            item.year_records = [ActivityYear(municipality_id=municipality_id, **record)
                                 for record in activity["year_records"]]
            row.activities.append(item)
        version.goals.append(row)
    db.session.add(version)
    db.session.flush()
    return version
