"""The school's warning list, dismissing a signal, the coordinator's overview and a pupil's school data."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.db import local_today
from caseflow.pupils.selectors import load_pupil
from caseflow.warning import history, selectors
from caseflow.warning.forms import DismissForm
from caseflow.warning.services import dismissal
from caseflow.warning.services.compute import compute_signals, semester_for

bp = Blueprint("warning", __name__, url_prefix="/warning")

OVERVIEW_TABS = ("schools", "unenrolled", "notified")


@bp.route("/")
@requires(Permission.WARNING_LIST)
def index():
    """The school's pupils with signals and no open case, by name."""
    actor = current_actor()
    page = selectors.school_warnings(actor, after=request.args.get("after", type=int))
    if page.rows:
        audit.record("warning.list", detail={"shown": [r.pupil_id for r in page.rows]})
    return render_template("warning/index.html", page=page, run=selectors.last_run(actor.municipality_id),
                           first_url=url_for(".index") if request.args.get("after") else None)


@bp.route("/signals/<int:signal_id>/dismiss", methods=["GET", "POST"])
@requires(Permission.WARNING_LIST, load=selectors.load_signal)
def dismiss(signal, signal_id: int):
    """Dismiss a pupil's signals at the school, with a reason (a new semester's signals show again)."""
    actor = current_actor()
    pupil = load_pupil(signal.pupil_id)
    siblings = selectors.open_signals_of(actor, signal.pupil_id)
    if not siblings:
        abort(404)
    form = DismissForm()
    if form.validate_on_submit():
        try:
            for each in siblings:
                dismissal.dismiss(actor, each, form.reason.data)
        except dismissal.DismissError as exc:  # refused before anything is written
            form.reason.errors = list(form.reason.errors) + [str(exc)]
        else:
            flash(_("The signals were dismissed. They show again if the next semester's data fire a rule."),
                  "success")
            return redirect(url_for(".index"))
    return render_template("warning/dismiss.html", form=form, pupil=pupil, signals=siblings,
                           views=selectors.views_of(siblings))


@bp.route("/recompute", methods=["POST"])
@requires(Permission.IMPORT_RUN)
def recompute():
    """Recompute the municipality's signals now (the worker also does it after each import)."""
    actor = current_actor()
    run = compute_signals(actor.municipality_id, started_by=str(actor.user_id))
    audit.record("warning.recompute", object_type="WarningRun", object_id=run.id, detail={"signals": run.signals})
    flash(_("The signals were recomputed from the latest data."), "success")
    target = request.form.get("next")
    return redirect(url_for(".overview") if target == "overview" else url_for(".index"))


@bp.route("/overview")
@requires(Permission.WARNING_OVERVIEW)
def overview():
    """Per school: pupils with signals vs cases; children enrolled nowhere; notifications this semester."""
    actor = current_actor()
    tab = request.args.get("tab") if request.args.get("tab") in OVERVIEW_TABS else OVERVIEW_TABS[0]
    semester = semester_for(actor.municipality_id, local_today())
    context = {"tab": tab, "semester": semester, "run": selectors.last_run(actor.municipality_id)}
    if tab == "schools":
        context["schools"] = selectors.overview(actor, semester)
    elif tab == "unenrolled":
        context["page"] = selectors.unenrolled(actor, after=request.args.get("after", type=int))
        if context["page"].rows:
            audit.record("warning.unenrolled", detail={"shown": [r.pupil_id for r in context["page"].rows]})
    else:
        context["notified"] = selectors.notified(actor, semester)
        if context["notified"]:
            audit.record("warning.notified", detail={"shown": [r.pupil_id for r in context["notified"]]})
    return render_template("warning/overview.html", **context)


@bp.route("/pupils/<int:pupil_id>")
@requires(Permission.SCHOOL_DATA_VIEW, load=load_pupil)
def school_data(pupil, pupil_id: int):
    """A pupil's attendance by month (chart and table), semester totals, grades and signals."""
    return render_template("warning/pupil.html", pupil=pupil, data=history.school_data(pupil.id))
