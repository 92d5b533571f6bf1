"""The plan as a workbook (download, fill in, upload as a new draft version) and the approval of a version."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.exports.writers import bytes_download
from caseflow.extensions import db
from caseflow.monitoring import selectors, services
from caseflow.monitoring.forms import ApprovePlanForm, PlanImportForm
from caseflow.monitoring.models import PlanActivity, PlanStatus
from caseflow.monitoring.plan_xlsx import PlanImportError, export_plan, import_plan
from caseflow.monitoring.services import MonitoringError
from caseflow.monitoring.views import bp
from caseflow.people.models import Institution

MAX_BYTES = 5 * 1024 * 1024


@bp.route("/plan/xlsx")
@requires(Permission.MONITORING_VIEW)
def plan_xlsx():
    """The plan in force as a workbook to fill in (an empty template when there is none)."""
    return bytes_download(export_plan(selectors.current_plan(current_actor())), "pmp-plans.xlsx")


def _known_names(municipality_id: int) -> set[str]:
    """Institution names a plan may use: the municipality's institutions and the names its plans use."""
    names = set(db.session.scalars(select(Institution.name).where(Institution.municipality_id == municipality_id)))
    for activity in db.session.scalars(select(PlanActivity).where(PlanActivity.municipality_id == municipality_id)):
        names.update((activity.responsible or []) + (activity.involved or []) + (activity.executor or [])
                     + (activity.supervisor or []))
    return names


@bp.route("/plan/import", methods=["GET", "POST"])
@requires(Permission.MONITORING_EDIT)
def plan_import():
    """Upload a filled-in plan workbook: every problem by sheet, row and column, or a new draft version."""
    actor = current_actor()
    form, problems = PlanImportForm(), []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            form.file.errors = [_("The file is larger than 5 MB.")]
        else:
            try:
                version = import_plan(actor.municipality_id, data, known_institutions=_known_names(actor.municipality_id))
            except PlanImportError as exc:
                problems = exc.problems
            else:
                audit.record("monitoring.plan.import", object_type="PlanVersion", object_id=version.id)
                flash(_("The workbook became draft version %(number)s of the plan.", number=version.number),
                      "success")
                return redirect(url_for(".plan_versions"))
    return render_template("monitoring/plan_import.html", form=form, problems=problems)


@bp.route("/plan/versions", methods=["GET", "POST"])
@requires(Permission.MONITORING_VIEW)
def plan_versions():
    """The plan's versions; the coordinator approves a draft with the council's decision."""
    actor = current_actor()
    versions = selectors.plan_versions(actor)
    draft = next((v for v in versions if v.status == PlanStatus.DRAFT), None)
    form = ApprovePlanForm() if draft is not None and can(actor, Permission.MONITORING_EDIT) else None
    if form is not None and form.validate_on_submit():
        try:
            services.approve_plan(actor, draft, approved_on=form.approved_on.data, decision=form.decision.data)
        except MonitoringError as exc:
            form.decision.errors = [str(exc.message)]
        else:
            flash(_("Version %(number)s of the plan is approved and in force.", number=draft.number), "success")
            return redirect(url_for(".plan"))
    return render_template("monitoring/plan_versions.html", versions=versions, draft=draft, form=form)

