"""The monitoring pages: dashboard, an indicator, the implementation plan, statistics."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.db import local_today
from caseflow.monitoring import computing, selectors, services
from caseflow.monitoring.drilldown import has_school_figures, school_figures
from caseflow.monitoring.forms import ACTIVITY_STATUS_LABELS, ActivityYearForm, ValueForm
from caseflow.monitoring.published import published
from caseflow.monitoring.status import Status
from caseflow.people.settings import get_setting

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

STATUS_LABELS = {
    Status.MET: _l("Met"), Status.ON_TRACK: _l("On track"), Status.BEHIND: _l("Behind"),
    Status.NOT_MET: _l("Not met"), Status.NO_DATA: _l("No data"), Status.NO_TARGET: _l("No target"),
}


@bp.app_context_processor
def _status_labels() -> dict:
    return {"status_labels": STATUS_LABELS, "activity_labels": ACTIVITY_STATUS_LABELS}


@bp.route("/")
@requires(Permission.MONITORING_VIEW)
def index():
    """Each indicator's standing against its targets, by plan goal."""
    actor = current_actor()
    return render_template("monitoring/index.html", board=selectors.dashboard(actor),
                           plan=selectors.current_plan(actor))


@bp.route("/recompute", methods=["POST"])
@requires(Permission.MONITORING_EDIT)
def recompute():
    """Compute the figures that come from caseflow's own data now (the worker does it daily)."""
    actor = current_actor()
    written = computing.recompute_indicators(actor.municipality_id, today=local_today())
    audit.record("monitoring.recompute", detail={"figures": written})
    flash(_("The figures from caseflow's own data were computed again."), "success")
    return redirect(url_for(".index"))


@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@requires(Permission.MONITORING_VIEW, load=selectors.load_indicator)
def indicator(indicator, indicator_id: int):
    """An indicator's definition, trend, targets and recorded figures; record a figure."""
    actor = current_actor()
    form = None
    if can(actor, Permission.MONITORING_EDIT, indicator):
        form = ValueForm(stages=indicator.breakdowns)
        if form.validate_on_submit():
            try:
                services.record_value(actor, indicator, year=form.year.data, stage=form.stage.data or None,
                                      value=form.value.data, numerator=form.numerator.data,
                                      source=form.source.data, evidence=form.evidence.data)
            except services.MonitoringError as exc:
                getattr(form, exc.field or "value").errors = [str(exc.message)]
            else:
                flash(_("The figure was recorded."), "success")
                return redirect(url_for(".indicator", indicator_id=indicator.id))
    return render_template("monitoring/indicator.html", indicator=indicator,
                           cards=selectors.indicator_page(actor, indicator),
                           figures=selectors.recorded_values(indicator), form=form,
                           by_school=has_school_figures(indicator),
                           checks=selectors.seed_checks(indicator_code=indicator.code, municipality_id=indicator.municipality_id))


@bp.route("/indicators/<int:indicator_id>/schools")
@requires(Permission.MONITORING_VIEW, load=selectors.load_indicator)
def indicator_schools(indicator, indicator_id: int):
    """An indicator computed from caseflow's data per school, small counts hidden."""
    if not has_school_figures(indicator):
        abort(404)
    figures = school_figures(indicator, unknown_label=_("School not recorded"))
    return render_template("monitoring/schools.html", indicator=indicator, figures=figures)


@bp.route("/plan")
@requires(Permission.MONITORING_VIEW)
def plan():
    """The implementation plan: goals, activities (and work tasks), years and their status."""
    version, goals = selectors.plan_page(current_actor())
    return render_template("monitoring/plan.html", plan=version, goals=goals)


@bp.route("/plan/activities/<int:activity_id>", methods=["GET", "POST"])
@requires(Permission.MONITORING_EDIT, load=selectors.load_activity)
def activity(activity, activity_id: int):
    """Record how an activity went in one of its years."""
    actor = current_actor()
    years = sorted(activity.years or []) or sorted(activity.goal.version.years or [])
    held = {r.year: r for r in activity.year_records}
    form = ActivityYearForm(years=years)
    if form.validate_on_submit():
        try:
            services.record_activity_year(
                actor, activity, year=form.year.data, status=form.status.data,
                achieved_value=form.achieved_value.data, invested_eur=form.invested_eur.data,
                impact=form.impact.data, factor_analysis=form.factor_analysis.data)
        except services.MonitoringError as exc:
            getattr(form, exc.field or "status").errors = [str(exc.message)]
        else:
            flash(_("The activity's year was recorded."), "success")
            return redirect(url_for(".plan", _anchor=f"activity-{activity.id}"))
    return render_template("monitoring/activity.html", activity=activity, form=form, held=held)


@bp.route("/statistics")
@requires(Permission.MONITORING_VIEW)
def statistics():
    """The figures the plan printed, as printed, with the places where they do not add up."""
    actor = current_actor()
    threshold = int(get_setting(actor.municipality_id, "small_cell_threshold"))
    tables = [(table, published(table, threshold)[0]) for table in selectors.statistics_of(actor)]
    return render_template("monitoring/statistics.html", tables=tables, threshold=threshold,
                           checks=selectors.seed_checks(municipality_id=actor.municipality_id))

