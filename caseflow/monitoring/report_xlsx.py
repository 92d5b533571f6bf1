"""The annual report as a workbook: indicators with their standing, the plan's year, the working group's
meetings and the plan's statistics — the same suppressed figures as the PDF, text never a formula."""
from __future__ import annotations

import io

import xlsxwriter
from flask_babel import gettext as _

from caseflow.exports.writers import XLSX_MAX_TEXT, neutralise
from caseflow.monitoring.forms import ACTIVITY_STATUS_LABELS
from caseflow.monitoring.reports import SECTIONS, ReportData


def _text(value) -> str:
    return neutralise(str(value))[:XLSX_MAX_TEXT] if value not in (None, "") else ""


def _sheet(book, title: str, headers: list[str], rows: list[list], widths: list[int]):
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for j, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(0, j, header, bold)
        sheet.set_column(j, j, width)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(i, j, value, wrap)
            else:
                sheet.write_string(i, j, _text(value), wrap)
    sheet.freeze_panes(1, 0)
    return sheet


def report_workbook(data: ReportData, status_labels: dict) -> bytes:
    """The report's workbook as bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    _sheet(book, _("Report"), [_("Section"), _("Text")],
           [[_("Municipality"), data.municipality.name], [_("Year"), data.report.year]]
           + [[str(label), data.report.sections.get(key, "")] for key, label in SECTIONS.items()], [28, 100])
    rows = []
    for goal in data.board.goals:
        for card in goal.cards:
            s = card.standing
            latest = next((r.shown for r in card.rows if s.latest and r.year == s.latest.year), "")
            rows.append([card.indicator.code, card.indicator.title_lv, card.stage or "", card.baseline_text,
                         latest, s.latest.year if s.latest else "", (s.target.text or "") if s.target else "",
                         s.target.year if s.target else "", str(status_labels[s.status])])
    _sheet(book, _("Indicators"), [_("Code"), _("Indicator"), _("Stage"), _("Baseline"), _("Latest value"),
                                   _("Year"), _("Next target"), _("Target year"), _("Status")],
           rows, [8, 60, 12, 22, 12, 8, 16, 10, 22])
    plan_rows = []
    for goal in data.goals:
        for activity in goal.activities:
            record = next((r for r in activity.year_records if r.year == data.report.year), None)
            plan_rows.append([goal.code, activity.code, activity.title or "", ", ".join(activity.responsible or []),
                              ", ".join(str(y) for y in activity.years or []),
                              str(ACTIVITY_STATUS_LABELS[record.status]) if record else "", record.achieved_value if record else "",
                              float(record.invested_eur) if record and record.invested_eur is not None else ""])
    _sheet(book, _("Implementation plan"), [_("Goal"), _("Activity"), _("Title"), _("Responsible"), _("Years"),
                                            _("Status"), _("Achieved value"), _("Invested (EUR)")],
           plan_rows, [8, 10, 60, 30, 18, 14, 40, 14])
    _sheet(book, _("Working group"), [_("Held on"), _("Summary")],
           [[m.held_on.isoformat(), m.summary] for m in data.meetings], [14, 100])
    stats = []
    for table, rows_ in data.tables:
        stats.append([table.title, *table.columns])
        stats += [[r.label, *r.texts] for r in rows_]
        stats.append([])
    width = max((len(r) for r in stats), default=1)
    _sheet(book, _("Statistics of the plan"), [""] * width, stats, [50] + [14] * (width - 1))
    book.close()
    return out.getvalue()
