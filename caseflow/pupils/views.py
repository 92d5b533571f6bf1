"""Pupil registry pages: list and search, add, view, edit, enrolments."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.pupils import forms, selectors, services

bp = Blueprint("pupils", __name__, url_prefix="/pupils")
FILTER_ARGS = ("name", "class_name", "school")


def _attach(form, exc: services.RegistryError) -> int | None:
    """Show a service's refusal next to its field; return the visible duplicate's id, if any."""
    form[exc.field].errors.append(str(exc.message))
    return getattr(exc, "existing_id", None)


def _offer_schools(form, actor) -> None:
    """With one school in reach (school staff) it is fixed; otherwise (the coordinator) chosen."""
    schools = selectors.enrolment_schools(actor)
    if len(schools) == 1:
        form.fix_school(schools[0].id, schools[0].name)
    form.school_id.choices = [("", _("Choose a school"))] + [(s.id, s.name) for s in schools]


def _offer_municipalities(form) -> None:
    form.declared_municipality_id.choices = [("", _("Not known"))] + selectors.municipality_choices()


def _search_form(actor, formdata=None) -> forms.SearchForm:
    form = forms.SearchForm(formdata=formdata)
    form.school.choices = [("", _("All schools"))] + selectors.filter_schools(actor)
    return form


@bp.route("/")
@requires(Permission.PUPIL_LIST)
def index():
    """Pupils the current role may see, by name; search by name, class and school."""
    actor = current_actor()
    form = _search_form(actor, request.args)
    after = request.args.get("after", type=int)
    page = selectors.PupilPage([], None)
    if form.validate():
        filters = selectors.Filters(name=form.name.data or "", class_name=form.class_name.data or "",
                                    school_id=form.school.data)
        page = selectors.visible_pupils(actor, filters=filters, after=after,
                                        limit=int(current_app.config["PAGE_SIZE"]))
    args = {k: request.args[k] for k in FILTER_ARGS if request.args.get(k)}
    if page.rows:
        audit.record("pupil.list", detail={"filters": sorted(args), "shown": [p.id for p in page.rows]})
    return render_template(
        "pupils/index.html", form=form, code_form=forms.CodeSearchForm(formdata=None), page=page,
        searched=bool(args),
        next_url=url_for(".index", **args, after=page.next_after) if page.next_after else None,
        first_url=url_for(".index", **args) if after else None)


@bp.route("/by-code", methods=["POST"])
@requires(Permission.PUPIL_LIST)
def search_code():
    """Find a pupil by exact personal code, with or without the dash (by POST: no codes in addresses)."""
    actor = current_actor()
    code_form = forms.CodeSearchForm()
    rows = []
    if code_form.validate_on_submit():
        found = selectors.visible_pupil_by_code(actor, code_form.parsed)
        if found is not None:
            audit.record("pupil.search", object_type="Pupil", object_id=found.id, pupil_id=found.id,
                         detail={"by": "personal_code"})
            rows = [found]
    return render_template("pupils/index.html", form=_search_form(actor), code_form=code_form,
                           page=selectors.PupilPage(rows, None), searched=True, by_code=True,
                           next_url=None, first_url=None)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.PUPIL_CREATE)
def create():
    """Add a pupil with their current enrolment."""
    actor = current_actor()
    form = forms.PupilCreateForm()
    _offer_municipalities(form)
    _offer_schools(form, actor)
    if request.method == "GET":
        form.declared_municipality_id.data = actor.municipality_id
    duplicate_id = None
    if form.validate_on_submit():
        try:
            pupil = services.create_pupil(actor=actor, **form.details(), **form.enrolment())
        except services.RegistryError as exc:
            duplicate_id = _attach(form, exc)
        else:
            flash(_("The pupil was added to the registry."), "success")
            return redirect(url_for(".view", pupil_id=pupil.id))
    return render_template("pupils/create.html", form=form, duplicate_id=duplicate_id)


@bp.route("/<int:pupil_id>")
@requires(Permission.PUPIL_VIEW, load=selectors.load_pupil)
def view(pupil, pupil_id: int):
    """A pupil's details, enrolment history and the cases the viewer may see (read audited)."""
    from caseflow.cases.selectors.cases import cases_of_pupil
    from caseflow.plans import selectors as plans_selectors

    actor = current_actor()
    cases = cases_of_pupil(actor, pupil.id) if can(actor, Permission.CASE_LIST) else []
    return render_template("pupils/view.html", pupil=pupil, code=selectors.personal_code_of(pupil),
                           cases=cases, **plans_selectors.for_pupil_page(pupil, actor))


def _render_edit(pupil, *, details=None, add=None, ended=None, duplicate_id=None):
    """The edit page: details, enrolments (each open one with an end form), a new enrolment."""
    actor = current_actor()
    if details is None:
        details = forms.PupilDetailsForm(formdata=None, obj=pupil,
                                         personal_code=selectors.personal_code_of(pupil))
        _offer_municipalities(details)
    if add is None:
        add = forms.EnrolmentAddForm(formdata=None, prefix="enrol")
        _offer_schools(add, actor)
    reach = {s.id for s in selectors.enrolment_schools(actor, closed_too=True)}
    end_forms = {}
    for e in pupil.enrolments:
        refused = ended is not None and ended.enrolment_id == e.id
        if refused or (e.end_date is None and e.school_id in reach):
            form = ended if refused else forms.EnrolmentEndForm(
                formdata=None, prefix=f"end-{e.id}", start_date=e.start_date)
            form.end_date.label.text = _("Enrolled until (%(school)s, %(class_name)s)",
                                         school=e.school.name, class_name=e.class_name)
            end_forms[e.id] = form
    return render_template("pupils/edit.html", pupil=pupil, form=details, add_form=add,
                           end_forms=end_forms, duplicate_id=duplicate_id)


def _back_to(pupil, endpoint: str = ".edit"):
    """The pupil's page, or the list when the change took the pupil out of the actor's sight."""
    if can(current_actor(), Permission.PUPIL_VIEW, pupil):
        return redirect(url_for(endpoint, pupil_id=pupil.id))
    flash(_("The pupil is no longer among the pupils you can see."), "info")
    return redirect(url_for(".index"))


@bp.route("/<int:pupil_id>/edit", methods=["GET", "POST"])
@requires(Permission.PUPIL_EDIT, load=selectors.load_pupil)
def edit(pupil, pupil_id: int):
    """Change a pupil's names, birth date, personal code and declared municipality."""
    form = forms.PupilDetailsForm(obj=pupil, personal_code=selectors.personal_code_of(pupil))
    _offer_municipalities(form)
    duplicate_id = None
    if form.validate_on_submit():
        try:
            changed = services.update_pupil(actor=current_actor(), pupil=pupil, **form.details())
        except services.RegistryError as exc:
            duplicate_id = _attach(form, exc)
        else:
            flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
            return _back_to(pupil, ".view")
    return _render_edit(pupil, details=form, duplicate_id=duplicate_id)


@bp.route("/<int:pupil_id>/enrolments", methods=["POST"])
@requires(Permission.PUPIL_EDIT, load=selectors.load_pupil)
def add_enrolment(pupil, pupil_id: int):
    """Enrol the pupil at a school in a class from a date."""
    form = forms.EnrolmentAddForm(prefix="enrol")
    _offer_schools(form, current_actor())
    if form.validate_on_submit():
        try:
            services.add_enrolment(actor=current_actor(), pupil=pupil, **form.enrolment())
        except services.RegistryError as exc:
            _attach(form, exc)
        else:
            flash(_("The enrolment was added."), "success")
            return _back_to(pupil)
    return _render_edit(pupil, add=form)


@bp.route("/<int:pupil_id>/enrolments/<int:enrolment_id>/end", methods=["POST"])
@requires(Permission.PUPIL_EDIT, load=selectors.load_pupil)
def end_enrolment(pupil, pupil_id: int, enrolment_id: int):
    """End one of the pupil's enrolments on a date."""
    enrolment = next((e for e in pupil.enrolments if e.id == enrolment_id), None)
    if enrolment is None:
        abort(404)
    form = forms.EnrolmentEndForm(prefix=f"end-{enrolment.id}", start_date=enrolment.start_date)
    form.enrolment_id = enrolment.id
    if form.validate_on_submit():
        try:
            services.end_enrolment(actor=current_actor(), pupil=pupil, enrolment=enrolment,
                                   end_date=form.end_date.data)
        except services.RegistryError as exc:
            _attach(form, exc)
        else:
            flash(_("The enrolment was ended."), "success")
            return _back_to(pupil)
    return _render_edit(pupil, ended=form)
