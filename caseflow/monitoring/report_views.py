"""The annual report and the working group's meetings."""
from __future__ import annotations

from babel.dates import get_month_names
from flask import flash, redirect, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.core.pdf import pdf_response, render_pdf
from caseflow.db import local_today
from caseflow.exports.writers import bytes_download
from caseflow.monitoring import reports
from caseflow.monitoring.forms import MeetingForm, ReportTextForm, StartReportForm
from caseflow.monitoring.report_xlsx import report_workbook
from caseflow.monitoring.services import MonitoringError
from caseflow.monitoring.views import STATUS_LABELS, bp
from caseflow.people.settings import get_setting


@bp.route("/reports", methods=["GET", "POST"])
@requires(Permission.MONITORING_VIEW)
def report_list():
    """The municipality's annual reports; start the report of a year."""
    actor = current_actor()
    form = StartReportForm() if can(actor, Permission.MONITORING_EDIT) else None
    if form is not None and form.validate_on_submit():
        try:
            report = reports.start_report(actor, form.year.data)
        except MonitoringError as exc:
            form.year.errors = [str(exc.message)]
        else:
            flash(_("The report was started."), "success")
            return redirect(url_for(".report", report_id=report.id))
    if form is not None and not form.is_submitted():
        form.year.data = local_today().year
    month = get_month_names("wide", context="stand-alone", locale=get_locale())[
        int(get_setting(actor.municipality_id, "annual_report_month"))]
    return render_template("monitoring/reports.html", reports=reports.reports_of(actor), form=form, month=month,
                           labels=reports.STATUS_LABELS)


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
@requires(Permission.MONITORING_VIEW, load=reports.load_report)
def report(annual_report, report_id: int):
    """A report: its figures, its text (written while a draft) and its way to publication."""
    actor = current_actor()
    form = None
    if can(actor, Permission.MONITORING_EDIT, annual_report) and annual_report.status != "published":
        form = ReportTextForm(data=annual_report.sections)
        if form.validate_on_submit():
            reports.save_sections(actor, annual_report, {key: getattr(form, key).data for key in reports.SECTIONS})
            flash(_("The report's text was saved."), "success")
            return redirect(url_for(".report", report_id=annual_report.id))
    return render_template("monitoring/report.html", data=reports.report_data(actor, annual_report), form=form,
                           labels=reports.STATUS_LABELS, next_status=reports.NEXT_STATUS.get(annual_report.status),
                           sections=reports.SECTIONS, small=reports.small_counts_in_text(annual_report))


@bp.route("/reports/<int:report_id>/advance", methods=["POST"])
@requires(Permission.MONITORING_EDIT, load=reports.load_report)
def report_advance(annual_report, report_id: int):
    """Move the report on: reviewed, presented, published."""
    try:
        reports.advance(current_actor(), annual_report)
    except MonitoringError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The report is now: %(status)s.", status=reports.STATUS_LABELS[annual_report.status]), "success")
    return redirect(url_for(".report", report_id=annual_report.id))


@bp.route("/reports/<int:report_id>/pdf")
@requires(Permission.MONITORING_VIEW, load=reports.load_report)
def report_pdf(annual_report, report_id: int):
    """The report as a tagged PDF in Latvian."""
    data = reports.report_data(current_actor(), annual_report)
    with force_locale("lv"):  # the report is published in Latvian, whatever the reader's language
        title = _("Annual report %(year)s", year=annual_report.year)
    pdf = render_pdf("monitoring/report_pdf.html", title=title, lang="lv", data=data, sections=reports.SECTIONS,
                     labels=STATUS_LABELS, report_labels=reports.STATUS_LABELS)
    return pdf_response(pdf, f"PMP pārskats {annual_report.year}.pdf")


@bp.route("/reports/<int:report_id>/xlsx")
@requires(Permission.MONITORING_VIEW, load=reports.load_report)
def report_xlsx(annual_report, report_id: int):
    """The report's figures as a workbook."""
    data = reports.report_data(current_actor(), annual_report)
    return bytes_download(report_workbook(data, STATUS_LABELS), f"pmp-parskats-{annual_report.year}.xlsx")


@bp.route("/meetings", methods=["GET", "POST"])
@requires(Permission.MONITORING_VIEW)
def meetings():
    """The working group's meetings (at least twice a year); record one."""
    actor = current_actor()
    form = MeetingForm() if can(actor, Permission.MONITORING_EDIT) else None
    if form is not None and form.validate_on_submit():
        if form.held_on.data > local_today():
            form.held_on.errors = [_("A meeting is recorded after it was held.")]
        else:
            reports.record_meeting(actor, held_on=form.held_on.data, summary=form.summary.data)
            flash(_("The meeting was recorded."), "success")
            return redirect(url_for(".meetings"))
    return render_template("monitoring/meetings.html", meetings=reports.meetings_of(actor), form=form)
