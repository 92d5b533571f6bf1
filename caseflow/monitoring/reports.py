"""The annual report on the plan: started for a year, its narrative written, reviewed by the working group,
presented to municipal leadership, published. Its figures come from the dashboard and the statistics,
small counts hidden; publishing refuses a text that names a count of 1–4 children."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError

from caseflow.access import Actor, Permission, scope
from caseflow.audit import services as audit
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.monitoring import selectors
from caseflow.monitoring.models import AnnualReport, ReportStatus, WorkingGroupMeeting
from caseflow.monitoring.published import PublishedRow, published
from caseflow.monitoring.services import MonitoringError
from caseflow.people.models import Municipality
from caseflow.people.settings import get_setting

#: the narrative sections, in the report's order
SECTIONS = {
    "introduction": _l("Introduction"),
    "situation": _l("The situation this year"),
    "conclusions": _l("Conclusions of the working group"),
    "next_steps": _l("Next year's steps"),
}
#: each status and the one that follows it
NEXT_STATUS = {ReportStatus.DRAFT: ReportStatus.REVIEWED, ReportStatus.REVIEWED: ReportStatus.PRESENTED,
               ReportStatus.PRESENTED: ReportStatus.PUBLISHED}
STATUS_LABELS = {
    ReportStatus.DRAFT: _l("Draft"), ReportStatus.REVIEWED: _l("Reviewed by the working group"),
    ReportStatus.PRESENTED: _l("Presented to municipal leadership"), ReportStatus.PUBLISHED: _l("Published"),
}
#: "3 bērni", "2 skolēniem", "1 pupil": a small count of children written out in a narrative
_SMALL_COUNT = re.compile(r"(?<![\d.,])([1-4])\s+(bērn|skolēn|izglītojam|audzēk|ģimen|pupil|child|famil)",
                          re.IGNORECASE)


@dataclass
class ReportData:
    """Everything a report shows, as it may be published."""

    report: AnnualReport
    municipality: Municipality
    board: selectors.Dashboard
    plan: object
    goals: list
    tables: list[tuple[object, list[PublishedRow]]]
    meetings: list[WorkingGroupMeeting]
    threshold: int


def _report_exists(municipality_id: int, year: int) -> bool:
    """True when the municipality has a report for the year."""
    return db.session.scalar(select(AnnualReport.id).where(AnnualReport.municipality_id == municipality_id,
                                                           AnnualReport.year == year)) is not None


def start_report(actor: Actor, year: int) -> AnnualReport:
    """A draft report of the actor's municipality for a year (one per year)."""
    if not 2000 <= year <= 2100:
        raise MonitoringError(_l("Enter a year between 2000 and 2100."), "year")
    if _report_exists(actor.municipality_id, year):
        raise MonitoringError(_l("A report for this year already exists."), "year")
    report = AnnualReport(municipality_id=actor.municipality_id, year=year, status=ReportStatus.DRAFT,
                          sections={key: "" for key in SECTIONS})
    try:
        with db.session.begin_nested():  # two coordinators starting the same year at once: one report wins
            db.session.add(report)
    except IntegrityError:
        raise MonitoringError(_l("A report for this year already exists."), "year") from None
    audit.record("monitoring.report.start", object_type="AnnualReport", object_id=report.id, detail={"year": year})
    return report


def save_sections(actor: Actor, report: AnnualReport, sections: dict[str, str]) -> None:
    """Write the narrative; a reviewed or presented report goes back to draft (it must be reviewed again)."""
    if report.status == ReportStatus.PUBLISHED:
        raise MonitoringError(_l("A published report cannot be changed."))
    report.sections = {key: (sections.get(key) or "").strip() for key in SECTIONS}
    if report.status != ReportStatus.DRAFT:
        report.status, report.reviewed_at, report.presented_at = ReportStatus.DRAFT, None, None
    db.session.flush()
    audit.record("monitoring.report.edit", object_type="AnnualReport", object_id=report.id)


def small_counts_in_text(report: AnnualReport) -> list[str]:
    """The sections whose text names a count of 1–4 children (the titles)."""
    return [str(SECTIONS[key]) for key in SECTIONS if _SMALL_COUNT.search(report.sections.get(key) or "")]


def advance(actor: Actor, report: AnnualReport) -> AnnualReport:
    """Move the report to its next status; publishing checks that no small count shows."""
    following = NEXT_STATUS.get(ReportStatus(report.status))
    if following is None:
        raise MonitoringError(_l("The report is already published."))
    if following == ReportStatus.PUBLISHED:
        if not any((report.sections or {}).values()):
            raise MonitoringError(_l("Write the report's text before publishing it."))
        if named := small_counts_in_text(report):
            raise MonitoringError(_l("The text names a count of 1–4 children (%(sections)s). Write \"<5\" or "
                                     "a share instead, so that no child can be recognised.",
                                     sections=", ".join(named)))
    now = utcnow()
    report.status = following
    if following == ReportStatus.REVIEWED:
        report.reviewed_at = now
    elif following == ReportStatus.PRESENTED:
        report.presented_at = now
    else:
        report.published_at = now
    db.session.flush()
    audit.record("monitoring.report.advance", object_type="AnnualReport", object_id=report.id,
                 detail={"status": str(following)})
    return report


def report_data(actor: Actor, report: AnnualReport) -> ReportData:
    """The report's figures: indicators, the plan's year, statistics, the working group's meetings."""
    threshold = int(get_setting(report.municipality_id, "small_cell_threshold"))
    plan, goals = selectors.plan_page(actor)
    tables = [(table, published(table, threshold)[0]) for table in selectors.statistics_of(actor)]
    meetings = list(db.session.scalars(select(WorkingGroupMeeting).where(
        WorkingGroupMeeting.municipality_id == report.municipality_id,
        extract("year", WorkingGroupMeeting.held_on) == report.year).order_by(WorkingGroupMeeting.held_on)))
    return ReportData(report, db.session.get(Municipality, report.municipality_id), selectors.dashboard(actor),
                      plan, goals, tables, meetings, threshold)


def record_meeting(actor: Actor, *, held_on, summary: str) -> WorkingGroupMeeting:
    """Record a meeting of the working group that monitors the plan."""
    meeting = WorkingGroupMeeting(municipality_id=actor.municipality_id, held_on=held_on, summary=summary.strip())
    db.session.add(meeting)
    db.session.flush()
    audit.record("monitoring.meeting", object_type="WorkingGroupMeeting", object_id=meeting.id,
                 detail={"held_on": held_on.isoformat()})
    return meeting


def meetings_of(actor: Actor) -> list[WorkingGroupMeeting]:
    """The working group's meetings the actor may see, newest first."""
    query = select(WorkingGroupMeeting).order_by(WorkingGroupMeeting.held_on.desc())
    return list(db.session.scalars(scope(query, actor, Permission.MONITORING_VIEW, WorkingGroupMeeting)))


def reports_of(actor: Actor) -> list[AnnualReport]:
    """The annual reports the actor may see, newest first."""
    query = select(AnnualReport).order_by(AnnualReport.year.desc())
    return list(db.session.scalars(scope(query, actor, Permission.MONITORING_VIEW, AnnualReport)))


def load_report(report_id: int) -> AnnualReport:
    """A report by id, or 404 (the policy then asks about the actor's municipality)."""
    report = db.session.get(AnnualReport, report_id)
    if report is None:
        abort(404)
    return report
