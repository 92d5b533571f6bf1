"""Municipalities, their settings and their school calendar."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.extensions import db
from caseflow.people.admin import forms, selectors
from caseflow.people.admin.services import calendar, structure
from caseflow.people.admin.views import attempt, bp, data
from caseflow.people.calendar import Semester
from caseflow.people.models import Municipality
from caseflow.people.settings import REGISTRY, SETTINGS, all_settings

SEMESTER_FIELDS = ("school_year", "number", "starts_on", "ends_on")


@bp.route("/municipalities")
@requires(Permission.ADMIN_MANAGE)
def municipalities():
    """Every municipality, with links to its institutions, groups, settings and calendar."""
    return render_template("admin/municipalities.html",
                           municipalities=selectors.municipalities(current_actor()))


@bp.route("/municipalities/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def municipality_create():
    """Add a municipality."""
    form = forms.MunicipalityForm()
    if form.validate_on_submit():
        ok, _municipality = attempt(form, lambda: structure.create_municipality(**data(form, "name", "code")))
        if ok:
            flash(_("The municipality has been added."), "success")
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality_form.html", form=form, municipality=None)


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def municipality_edit(municipality_id: int):
    """Rename a municipality or change its code."""
    municipality = db.get_or_404(Municipality, municipality_id)
    form = forms.MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: structure.update_municipality(
            municipality, **data(form, "name", "code")))
        if ok:
            flash(_("The municipality has been saved."), "success")
            return redirect(url_for("admin.municipalities"))
    return render_template("admin/municipality_form.html", form=form, municipality=municipality)


@bp.route("/municipalities/<int:municipality_id>/settings", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def settings(municipality_id: int):
    """The municipality's settings (thresholds, report month, group practice)."""
    municipality = db.get_or_404(Municipality, municipality_id)
    form = forms.settings_form_class()(data=all_settings(municipality.id))
    if form.validate_on_submit():
        values = {setting.key: form[setting.key].data for setting in SETTINGS}
        ok, changed = attempt(form, lambda: calendar.update_settings(municipality, values))
        if ok:
            flash(_("The settings have been saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.settings", municipality_id=municipality.id))
    return render_template("admin/settings.html", form=form, municipality=municipality,
                           registry=REGISTRY)


@bp.route("/municipalities/<int:municipality_id>/semesters")
@requires(Permission.ADMIN_MANAGE)
def semesters(municipality_id: int):
    """The municipality's school years and semesters."""
    municipality = db.get_or_404(Municipality, municipality_id)
    return render_template("admin/semesters.html", municipality=municipality,
                           semesters=selectors.semesters(current_actor(), municipality.id))


@bp.route("/municipalities/<int:municipality_id>/semesters/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def semester_create(municipality_id: int):
    """Add a semester."""
    municipality = db.get_or_404(Municipality, municipality_id)
    form = forms.SemesterForm()
    if form.validate_on_submit():
        ok, _semester = attempt(form, lambda: calendar.create_semester(
            municipality, **data(form, *SEMESTER_FIELDS)))
        if ok:
            flash(_("The semester has been added."), "success")
            return redirect(url_for("admin.semesters", municipality_id=municipality.id))
    return render_template("admin/semester_form.html", form=form, municipality=municipality,
                           semester=None)


@bp.route("/semesters/<int:semester_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def semester_edit(semester_id: int):
    """Change a semester's year, number or dates."""
    semester = db.get_or_404(Semester, semester_id)
    municipality = semester.municipality
    form = forms.SemesterForm(obj=semester)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: calendar.update_semester(semester, **data(form, *SEMESTER_FIELDS)))
        if ok:
            flash(_("The semester has been saved."), "success")
            return redirect(url_for("admin.semesters", municipality_id=municipality.id))
    return render_template("admin/semester_form.html", form=form, municipality=municipality,
                           semester=semester)
