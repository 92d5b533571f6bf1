"""Support plan pages: draw up (for a pupil or on a case), view, goals, measures, delivered hours and
"My measures", evaluation, continuation, PDF."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.cases.selectors.cases import entries, load_case
from caseflow.cases.taxonomy import ListKind
from caseflow.core.pdf import pdf_response, render_pdf
from caseflow.core.transactions import lost_race
from caseflow.db import local_today
from caseflow.plans import forms, selectors, services
from caseflow.plans.services.plans import earliest_evaluation
from caseflow.pupils.selectors import load_pupil

bp = Blueprint("plans", __name__, url_prefix="/plans")
#: ?back=my sends the deliverer back to "My measures" after logging
BACK_TO_MINE = "my"


def _attach(form, exc: services.PlanError, *, fallback: str) -> int | None:
    """Show a refusal next to its field (or the fallback field); return the plan to link to, if any."""
    name = exc.field if exc.field in form else fallback
    form[name].errors = list(form[name].errors) + [str(exc.message)]
    return exc.existing_id


# --- plans ----------------------------------------------------------------------------------------

def _new_plan(pupil, case):
    """The new-plan form: for a semester or when needed (the municipality's setting decides the default)."""
    actor = current_actor()
    choices = selectors.semesters(actor.municipality_id)
    every_semester = selectors.plans_every_semester(actor.municipality_id)
    form = forms.PlanForm()
    form.offer(choices, semester_first=every_semester)
    if request.method == "GET":
        form.kind.data = forms.SEMESTER if every_semester else forms.WHEN_NEEDED
        default = selectors.default_semester(choices)
        form.semester_id.data = default.id if default else None
    existing_id, pupil_id = None, pupil.id
    if form.validate_on_submit():
        try:
            plan = services.create_plan(actor=actor, pupil=pupil, case=case, details=form.details())
        except services.PlanError as exc:
            existing_id = _attach(form, exc, fallback="kind")
        except IntegrityError:
            return lost_race(_("A colleague drew up this plan at the same moment; it was kept once."),
                             url_for("pupils.view", pupil_id=pupil_id, _anchor="plans"))
        else:
            flash(_("The support plan was drawn up. Add its measures."), "success")
            return redirect(url_for(".view", plan_id=plan.id))
    return render_template("plans/new.html", form=form, pupil=pupil, case=case, existing_id=existing_id,
                           class_name=selectors.class_at(pupil, actor.institution_id))


@bp.route("/new/pupil/<int:pupil_id>", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=load_pupil)
def new_for_pupil(pupil, pupil_id: int):
    """Draw up a plan for a pupil of the actor's school, without a case."""
    return _new_plan(pupil, None)


@bp.route("/new/case/<int:case_id>", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=load_case)
def new_for_case(case, case_id: int):
    """Draw up a plan on a case of the actor's school; it belongs to the case's pupil and school."""
    if case.school_id != current_actor().institution_id:
        abort(404)
    return _new_plan(case.pupil, case)


@bp.route("/<int:plan_id>")
@requires(Permission.PLAN_VIEW, load=selectors.load_plan)
def view(plan, plan_id: int):
    """The plan: pupil, period, goals, measures with hours and their logs, evaluation."""
    actor = current_actor()
    may_edit = can(actor, Permission.PLAN_EDIT, plan)
    return render_template(
        "plans/view.html", plan=plan, texts=selectors.plan_texts(plan), bases=selectors.measure_bases(plan),
        totals=selectors.plan_totals(plan), class_name=selectors.class_at(plan.pupil, plan.school_id),
        may_edit=may_edit, loggable=selectors.loggable_measures(actor, plan),
        may_see_case=plan.case is not None and can(actor, Permission.CASE_VIEW, plan.case),
        dynamics=forms.DYNAMICS_LABELS, modes=forms.MODE_LABELS)


def _read_only(plan):
    flash(_("The plan has been evaluated and can no longer be changed."), "info")
    return redirect(url_for(".view", plan_id=plan.id))


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def edit(plan, plan_id: int):
    """Change the goals of an active plan."""
    if plan.is_evaluated:
        return _read_only(plan)
    form = forms.GoalsForm()
    if request.method == "GET":
        form.goals.data = selectors.text_of(plan, "goals") or ""
    elif form.validate_on_submit():
        try:
            changed = services.update_goals(actor=current_actor(), plan=plan, goals=form.goals.data)
        except services.PlanError as exc:
            _attach(form, exc, fallback="goals")
        else:
            flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for(".view", plan_id=plan.id))
    return render_template("plans/edit.html", form=form, plan=plan)


@bp.route("/<int:plan_id>/evaluate", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def evaluate(plan, plan_id: int):
    """The evaluation at the end of the period; afterwards the plan is read-only."""
    if plan.is_evaluated:
        return _read_only(plan)
    form = forms.EvaluationForm()
    if request.method == "GET":
        form.evaluated_on.data = local_today()
    elif form.validate_on_submit():
        try:
            services.evaluate_plan(actor=current_actor(), plan=plan, evaluation=form.details())
        except services.PlanError as exc:
            _attach(form, exc, fallback="evaluated_on")
        else:
            flash(_("The evaluation was saved. The plan is now read-only."), "success")
            return redirect(url_for(".view", plan_id=plan.id))
    earliest = earliest_evaluation(plan)
    return render_template("plans/evaluate.html", form=form, plan=plan, earliest=earliest,
                           totals=selectors.plan_totals(plan))


@bp.route("/<int:plan_id>/continue", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def continue_next(plan, plan_id: int):
    """Draw up the plan for the next semester with the same goals and measures."""
    actor = current_actor()
    semester, refusal, existing_id = None, None, None
    plan_id = plan.id
    try:
        semester = services.check_continuation(actor=actor, plan=plan)
        if request.method == "POST":
            new = services.continue_plan(actor=actor, plan=plan)
            flash(_("The plan was continued into the next semester. Check its goals and measures."),
                  "success")
            return redirect(url_for(".view", plan_id=new.id))
    except services.PlanError as exc:
        refusal, existing_id = exc.message, exc.existing_id
    except IntegrityError:
        return lost_race(_("A colleague continued this plan at the same moment; it was kept once."),
                         url_for(".continue_next", plan_id=plan_id))
    return render_template("plans/continue.html", plan=plan, semester=semester, refusal=refusal,
                           existing_id=existing_id)


@bp.route("/<int:plan_id>/pdf")
@requires(Permission.PLAN_VIEW, load=selectors.load_plan)
def pdf(plan, plan_id: int):
    """The plan as a tagged PDF in Latvian, for a meeting with the parents."""
    audit.record("plan.pdf", object_type="SupportPlan", object_id=plan.id, pupil_id=plan.pupil_id,
                 detail={"plan_id": plan.id})
    with force_locale("lv"):
        title = _("Individual support plan")
    data = render_pdf(
        "plans/pdf.html", title=title, lang="lv", plan=plan, texts=selectors.plan_texts(plan),
        bases=selectors.measure_bases(plan), totals=selectors.plan_totals(plan),
        class_name=selectors.class_at(plan.pupil, plan.school_id), today=local_today(),
        dynamics=forms.DYNAMICS_LABELS,
        may_see_case=plan.case is not None and can(current_actor(), Permission.CASE_VIEW, plan.case))
    return pdf_response(data, f"atbalsta-plans-{plan.id}.pdf")


# --- measures -------------------------------------------------------------------------------------

def _measure_form(plan, measure=None) -> forms.MeasureForm:
    form = forms.MeasureForm(obj=measure)
    form.offer(
        types=entries(plan.municipality_id, ListKind.MEASURE_TYPE,
                      include={measure.type_id} if measure else set()),
        subjects=entries(plan.municipality_id, ListKind.SUBJECT,
                         include={measure.subject_id} if measure and measure.subject_id else set()),
        deliverers=selectors.deliverers(
            plan.school_id, include={measure.deliverer_id} if measure and measure.deliverer_id else set()))
    return form


def _render_measure(plan, form, measure=None, *, remove_error=None):
    return render_template("plans/measure.html", plan=plan, form=form, measure=measure,
                           remove_error=remove_error)


def _own_measure(plan, measure_id: int):
    measure = selectors.measure_of(plan, measure_id)
    if measure is None:
        abort(404)
    return measure


@bp.route("/<int:plan_id>/measures/new", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def measure_add(plan, plan_id: int):
    """Add a measure: type, subject, who delivers it, planned hours, the opinion it rests on."""
    if plan.is_evaluated:
        return _read_only(plan)
    form = _measure_form(plan)
    if form.validate_on_submit():
        try:
            services.add_measure(actor=current_actor(), plan=plan, data=form.details())
        except services.PlanError as exc:
            _attach(form, exc, fallback="type_id")
        else:
            flash(_("The measure was added."), "success")
            return redirect(url_for(".view", plan_id=plan.id) + "#measures")
    return _render_measure(plan, form)


@bp.route("/<int:plan_id>/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def measure_edit(plan, plan_id: int, measure_id: int):
    """Change a measure of an active plan."""
    measure = _own_measure(plan, measure_id)
    if plan.is_evaluated:
        return _read_only(plan)
    form = _measure_form(plan, measure)
    if request.method == "GET":
        form.basis.data = selectors.text_of(measure, "basis") or ""
    elif form.validate_on_submit():
        try:
            changed = services.update_measure(actor=current_actor(), plan=plan, measure=measure,
                                              data=form.details())
        except services.PlanError as exc:
            _attach(form, exc, fallback="type_id")
        else:
            flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for(".view", plan_id=plan.id) + "#measures")
    return _render_measure(plan, form, measure)


@bp.route("/<int:plan_id>/measures/<int:measure_id>/remove", methods=["POST"])
@requires(Permission.PLAN_EDIT, load=selectors.load_plan)
def measure_remove(plan, plan_id: int, measure_id: int):
    """Remove a measure on which no hours have been delivered."""
    measure = _own_measure(plan, measure_id)
    try:
        services.remove_measure(actor=current_actor(), plan=plan, measure=measure)
    except services.PlanError as exc:
        form = _measure_form(plan, measure)
        form.basis.data = selectors.text_of(measure, "basis") or ""
        return _render_measure(plan, form, measure, remove_error=exc.message)
    flash(_("The measure was removed."), "success")
    return redirect(url_for(".view", plan_id=plan.id) + "#measures")


# --- delivered hours ------------------------------------------------------------------------------

def _hours_form(measure, *, formdata=None) -> forms.HoursForm:
    """The hours form of one measure; its prefix keeps field ids unique on "My measures"."""
    form = forms.HoursForm(formdata=formdata, prefix=f"m{measure.id}")
    today = local_today()
    if formdata is None and measure.plan.starts_on <= today <= measure.plan.ends_on:
        form.on.data = today
    return form


def _render_hours(measure, form, *, remove_error=None):
    plan = measure.plan
    return render_template(
        "plans/hours.html", measure=measure, plan=plan, form=form, modes=forms.MODE_LABELS,
        class_name=selectors.class_at(plan.pupil, plan.school_id), actor_id=current_actor().user_id,
        remove_error=remove_error)


@bp.route("/my-measures")
@requires(Permission.HOURS_LOG)
def my_measures():
    """The measures the actor delivers in active plans, with a form to log hours for each."""
    rows = selectors.my_measures(current_actor())
    if rows:
        audit.record("plan.measure_list", detail={"shown": [row.measure.id for row in rows]})
    return render_template("plans/my_measures.html", rows=rows,
                           forms={row.measure.id: _hours_form(row.measure) for row in rows})


@bp.route("/<int:plan_id>/measures/<int:measure_id>/hours", methods=["GET", "POST"])
@requires(Permission.HOURS_LOG, load=selectors.load_measure)
def hours(measure, plan_id: int, measure_id: int):
    """A measure's delivery log and a form to log hours (the plan's goals are not shown here)."""
    if request.method == "GET":
        return _render_hours(measure, _hours_form(measure))
    form = _hours_form(measure, formdata=request.form)
    if form.validate_on_submit():
        try:
            services.log_hours(actor=current_actor(), measure=measure, on=form.on.data,
                               hours=form.hours.data, mode=form.mode.data)
        except services.PlanError as exc:
            _attach(form, exc, fallback="hours")
        else:
            flash(_("The hours were logged."), "success")
            if request.args.get("back") == BACK_TO_MINE:
                return redirect(url_for(".my_measures") + f"#measure-{measure.id}")
            return redirect(url_for(".hours", plan_id=plan_id, measure_id=measure.id))
    return _render_hours(measure, form)


@bp.route("/<int:plan_id>/measures/<int:measure_id>/hours/<int:entry_id>/remove", methods=["POST"])
@requires(Permission.HOURS_LOG, load=selectors.load_measure)
def hours_remove(measure, plan_id: int, measure_id: int, entry_id: int):
    """Take back one's own mistaken entry while the plan is active."""
    entry = selectors.entry_of(measure, entry_id)
    if entry is None or entry.logged_by_id != current_actor().user_id:
        abort(404)
    try:
        services.remove_hours(actor=current_actor(), measure=measure, entry=entry)
    except services.PlanError as exc:
        return _render_hours(measure, _hours_form(measure), remove_error=exc.message)
    flash(_("The entry was removed."), "success")
    return redirect(url_for(".hours", plan_id=plan_id, measure_id=measure.id))
