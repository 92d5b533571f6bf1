"""Institutions: list with filters (paged by key), create, edit."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.extensions import db
from caseflow.people.admin import forms, selectors
from caseflow.people.admin.forms import ALL, BLANK, object_options
from caseflow.people.admin.services import structure
from caseflow.people.admin.services.structure import INSTITUTION_FIELDS
from caseflow.people.admin.views import arg_int, attempt, bp, data
from caseflow.people.models import Institution


@bp.route("/institutions")
@requires(Permission.ADMIN_MANAGE)
def institutions():
    """Institutions by name, filtered by municipality and kind."""
    actor = current_actor()
    form = forms.InstitutionFilterForm(formdata=request.args)
    form.municipality.choices = object_options(selectors.municipalities(actor), blank=ALL)
    valid = form.validate()
    municipality_id = form.municipality.data if valid else None
    kind = (form.kind.data or None) if valid else None
    page = selectors.institutions_page(actor, municipality_id=municipality_id, kind=kind,
                                       after=arg_int("after"), size=current_app.config["PAGE_SIZE"])
    filters = {"municipality": municipality_id, "kind": kind}
    next_url = url_for("admin.institutions", **filters, after=page.next_after) if page.next_after else None
    first_url = url_for("admin.institutions", **filters) if arg_int("after") else None
    return render_template("admin/institutions.html", form=form, page=page, next_url=next_url,
                           first_url=first_url)


def _prepare(form: forms.InstitutionForm, institution: Institution | None) -> None:
    """Fill the form's choices; merger targets come from the chosen municipality."""
    actor = current_actor()
    municipalities = selectors.municipalities(actor)
    form.municipality_id.choices = object_options(municipalities, blank=_("— choose —"))
    municipality_id = form.municipality_id.data or (institution.municipality_id if institution else None)
    if municipality_id is None and municipalities:
        municipality_id = municipalities[0].id
    targets = selectors.institutions_in(actor, [municipality_id] if municipality_id else [],
                                        exclude_id=institution.id if institution else None)
    if institution is not None and institution.merged_into_id and all(
            t.id != institution.merged_into_id for t in targets):
        targets.append(institution.merged_into)
    form.merged_into_id.choices = object_options(targets, blank=BLANK)


@bp.route("/institutions/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def institution_create():
    """Add an institution."""
    form = forms.InstitutionForm()
    if request.method == "GET" and arg_int("municipality_id"):
        form.municipality_id.data = arg_int("municipality_id")
    _prepare(form, None)
    if form.validate_on_submit():
        ok, institution = attempt(form, lambda: structure.create_institution(
            **data(form, *INSTITUTION_FIELDS)))
        if ok:
            flash(_("The institution has been added."), "success")
            return redirect(url_for("admin.institutions", municipality=institution.municipality_id))
    return render_template("admin/institution_form.html", form=form, institution=None)


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def institution_edit(institution_id: int):
    """Change an institution: names, kind, registration, opening, merger and closing dates."""
    institution = db.get_or_404(Institution, institution_id)
    form = forms.InstitutionForm(obj=institution)
    _prepare(form, institution)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: structure.update_institution(
            institution, **data(form, *INSTITUTION_FIELDS)))
        if ok:
            flash(_("The institution has been saved."), "success")
            return redirect(url_for("admin.institutions", municipality=institution.municipality_id))
    return render_template("admin/institution_form.html", form=form, institution=institution)
