"""Concern pages: report, my reports, the school's and the coordinator's inbox, one concern."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.access.permissions import SCHOOL_ROLES
from caseflow.audit import services as audit
from caseflow.concerns import forms, selectors, services
from caseflow.concerns.models import ConcernStatus
from caseflow.core.i18n import format_date_lv

bp = Blueprint("concerns", __name__, url_prefix="/concerns")


def _attach(form, exc: services.ConcernError) -> None:
    """Show a service's refusal next to its field."""
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


def _class_form(actor, permission: Permission) -> forms.ClassForm:
    """The class step (from the address), offering the classes of the actor's school."""
    form = forms.ClassForm(formdata=request.args)
    form.class_name.choices = [("", _("Choose a class"))] + [
        (name, name) for name in selectors.school_classes(actor, permission)]
    return form


def _pupil_label(pupil) -> str:
    return f"{pupil.last_name}, {pupil.first_name} ({format_date_lv(pupil.birth_date)})"


def _pupil_choices(pupils) -> list[tuple[int, str]]:
    """Names of a class; a birth date only where two pupils share a name."""
    names = [f"{p.last_name}, {p.first_name}" for p in pupils]
    return [(p.id, f"{name} ({format_date_lv(p.birth_date)})" if names.count(name) > 1 else name)
            for p, name in zip(pupils, names, strict=True)]


# --- reporting -----------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CONCERN_REPORT)
def report():
    """Report a concern: school staff choose a class, then the pupil; others describe the child."""
    actor = current_actor()
    if actor.role not in SCHOOL_ROLES:
        return _report_from_outside(actor)
    class_form = _class_form(actor, Permission.CONCERN_REPORT)
    if not request.args.get("class_name") or not class_form.validate():
        return render_template("concerns/report_class.html", class_form=class_form,
                               has_classes=len(class_form.class_name.choices) > 1)
    class_name = class_form.class_name.data
    form = forms.SchoolConcernForm()
    pupils = selectors.class_pupils(actor, Permission.CONCERN_REPORT, class_name)
    form.pupil_id.choices = [("", _("Choose a pupil"))] + _pupil_choices(pupils)
    if request.method == "GET":
        audit.record("concern.class_pupils", detail={"class": class_name, "shown": [p.id for p in pupils]})
    if form.validate_on_submit():
        try:
            services.report_about_pupil(actor=actor, pupil_id=form.pupil_id.data, noticed=form.noticed.data,
                                        noticed_since=form.noticed_since.data)
        except services.ConcernError as exc:
            _attach(form, exc)
        else:
            flash(_("Thank you. The concern was sent to your school's social pedagogue."), "success")
            return redirect(url_for(".mine"))
    return render_template("concerns/report.html", form=form, class_name=class_name)


def _report_from_outside(actor):
    form = forms.OutsideConcernForm()
    if form.validate_on_submit():
        try:
            services.report_from_outside(actor=actor, pupil_described=form.pupil_described.data,
                                         noticed=form.noticed.data, noticed_since=form.noticed_since.data)
        except services.ConcernError as exc:
            _attach(form, exc)
        else:
            flash(_("Thank you. The information was sent to the municipality's coordinator."), "success")
            return redirect(url_for(".mine"))
    return render_template("concerns/report.html", form=form, class_name=None)


@bp.route("/mine")
@requires(Permission.CONCERN_REPORT)
def mine():
    """The concerns the actor reported, with their status only."""
    after = request.args.get("after", type=int)
    page = selectors.my_reports(current_actor(), after=after, limit=int(current_app.config["PAGE_SIZE"]))
    if page.rows:
        audit.record("concern.mine", detail={"shown": [c.id for c in page.rows]})
    return render_template(
        "concerns/mine.html", page=page, labels=forms.STATUS_LABELS,
        next_url=url_for(".mine", after=page.next_after) if page.next_after else None,
        first_url=url_for(".mine") if after else None)


# --- the inbox -----------------------------------------------------------------------------------

@bp.route("/")
@requires(Permission.CONCERN_HANDLE)
def inbox():
    """The inbox the actor works: new concerns first, then the handled ones."""
    actor = current_actor()
    form = forms.InboxFilterForm(formdata=request.args)
    form.validate()
    status = form.status.data or ""
    after = request.args.get("after", type=int)
    page = selectors.inbox(actor, status=status, after=after, limit=int(current_app.config["PAGE_SIZE"]))
    if page.rows:
        audit.record("concern.list", detail={"status": status, "shown": [c.id for c in page.rows]})
    args = {"status": status} if status else {}
    return render_template(
        "concerns/inbox.html", form=form, page=page, labels=forms.STATUS_LABELS,
        new_count=selectors.new_count(actor), filtered=bool(status),
        next_url=url_for(".inbox", **args, after=page.next_after) if page.next_after else None,
        first_url=url_for(".inbox", **args) if after else None)


def _render_concern(concern, *, add_form=None, no_action_form=None, forward_form=None, chosen_id=None):
    """The concern page: what was reported, what became of it, and the steps the actor may take."""
    actor = current_actor()
    waiting = concern.status == ConcernStatus.NEW
    in_school_inbox = concern.school_id is not None and concern.school_id == actor.institution_id
    context = {"class_form": None, "class_pupils": [], "pupil": concern.pupil, "open_case": None,
               "open_case_url": None, "pupil_label": _pupil_label}
    if waiting and in_school_inbox:
        if concern.pupil is None:
            context.update(_pupil_choice(actor, chosen_id))
        pupil = context["pupil"]
        if pupil is not None:
            context["open_case"] = selectors.open_case_to_add(actor, pupil.id, concern.school_id)
            if context["open_case"] is None and can(actor, Permission.CASE_OPEN):
                context["open_case_url"] = url_for("cases.open_case", pupil_id=pupil.id, concern_id=concern.id)
    if waiting and forward_form is None and concern.school_id is None:
        forward_form = forms.ForwardForm(formdata=None)
    if forward_form is not None:
        forward_form.school_id.choices = [("", _("Choose a school"))] + [
            (s.id, s.name) for s in selectors.forward_schools(concern)]
    case = selectors.case_of(concern, actor)
    return render_template(
        "concerns/view.html", concern=concern, labels=forms.STATUS_LABELS, waiting=waiting,
        in_school_inbox=in_school_inbox, case=case,
        noticed=selectors.text_of(concern, "noticed"), described=selectors.text_of(concern, "pupil_described"),
        response=selectors.text_of(concern, "response"),
        forward_remark=selectors.text_of(concern, "forward_remark"),
        add_form=add_form or forms.AddToCaseForm(formdata=None, prefix="add"),
        no_action_form=no_action_form or forms.NoActionForm(formdata=None),
        forward_form=forward_form, **context)


def _pupil_choice(actor, chosen_id: int | None) -> dict:
    """Choosing the pupil of an outside report on its page: a class, then a pupil of that class."""
    class_form = _class_form(actor, Permission.CONCERN_HANDLE)
    pupils = []
    if request.args.get("class_name") and class_form.validate():
        pupils = selectors.class_pupils(actor, Permission.CONCERN_HANDLE, class_form.class_name.data)
    chosen_id = chosen_id if chosen_id is not None else request.args.get("pupil_id", type=int)
    pupil = selectors.choosable_pupil(actor, Permission.CONCERN_HANDLE, chosen_id)
    return {"class_form": class_form, "class_pupils": pupils, "pupil": pupil}


@bp.route("/<int:concern_id>")
@requires(Permission.CONCERN_HANDLE, load=selectors.load_concern)
def view(concern, concern_id: int):
    """One concern of the actor's inbox (the read is audited by @requires)."""
    return _render_concern(concern)


@bp.route("/<int:concern_id>/add-to-case", methods=["POST"])
@requires(Permission.CONCERN_HANDLE, load=selectors.load_concern)
def add_to_case(concern, concern_id: int):
    """Add the concern to the pupil's open case at the school."""
    form = forms.AddToCaseForm(prefix="add")
    if form.validate_on_submit():
        try:
            case = services.add_to_case(actor=current_actor(), concern=concern, pupil_id=form.pupil_id.data)
        except services.ConcernError as exc:
            _attach(form, exc)
        else:
            flash(_("The concern was added to case %(number)s.", number=case.number), "success")
            return redirect(url_for(".view", concern_id=concern.id))
    return _render_concern(concern, add_form=form, chosen_id=form.pupil_id.data)


@bp.route("/<int:concern_id>/no-action", methods=["POST"])
@requires(Permission.CONCERN_HANDLE, load=selectors.load_concern)
def no_action(concern, concern_id: int):
    """Close the concern without a case, with a reason."""
    form = forms.NoActionForm()
    if form.validate_on_submit():
        try:
            services.take_no_action(actor=current_actor(), concern=concern, reason=form.reason.data)
        except services.ConcernError as exc:
            _attach(form, exc)
        else:
            flash(_("The concern was closed without action."), "success")
            return redirect(url_for(".view", concern_id=concern.id))
    return _render_concern(concern, no_action_form=form)


@bp.route("/<int:concern_id>/forward", methods=["POST"])
@requires(Permission.CONCERN_HANDLE, load=selectors.load_concern)
def forward(concern, concern_id: int):
    """The coordinator forwards an outside report to a school's inbox."""
    form = forms.ForwardForm()
    form.school_id.choices = []
    if form.validate_on_submit():
        try:
            services.forward_to_school(actor=current_actor(), concern=concern, school_id=form.school_id.data,
                                       remark=form.remark.data)
        except services.ConcernError as exc:
            _attach(form, exc)
        else:
            flash(_("The report was forwarded to the school's inbox."), "success")
            return redirect(url_for(".inbox"))
    return _render_concern(concern, forward_form=form)


@bp.app_context_processor
def _inbox_count() -> dict:
    """`concern_new_count()` for the navigation: new concerns in the inbox the viewer works."""
    return {"concern_new_count": lambda: selectors.new_count(current_actor())}
