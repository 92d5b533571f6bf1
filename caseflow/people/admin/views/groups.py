"""Child-rights cooperation groups: the group, the municipalities it serves, its seats."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMember, GroupMunicipality
from caseflow.people.admin import forms, selectors
from caseflow.people.admin.forms import ALL, BLANK, object_options
from caseflow.people.admin.services import Refused
from caseflow.people.admin.services import groups as services
from caseflow.people.admin.services.groups import GROUP_FIELDS
from caseflow.people.admin.views import arg_int, attempt, bp, data

MEMBER_FORM_FIELDS = ("institution_id", "office", "kind", "is_chair", "username", "term_from", "term_to")


@bp.route("/groups")
@requires(Permission.ADMIN_MANAGE)
def groups():
    """Cooperation groups founded by or serving a municipality."""
    actor = current_actor()
    pick = forms.MunicipalityPickForm(formdata=request.args)
    pick.municipality_id.choices = object_options(selectors.municipalities(actor), blank=ALL)
    municipality_id = pick.municipality_id.data if pick.validate() else None
    return render_template("admin/groups.html", pick=pick, municipality_id=municipality_id,
                           groups=selectors.groups_for(actor, municipality_id))


def _prepare(form: forms.GroupForm, group: CooperationGroup | None) -> None:
    actor = current_actor()
    form.municipality_id.choices = object_options(selectors.municipalities(actor), blank=_("— choose —"))
    municipality_id = form.municipality_id.data or (group.municipality_id if group else None)
    form.escalates_to_id.choices = object_options(
        selectors.escalation_targets(actor, municipality_id, group.id if group else None), blank=BLANK)


@bp.route("/groups/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def group_create():
    """Found a cooperation group."""
    form = forms.GroupForm()
    if request.method == "GET" and arg_int("municipality_id"):
        form.municipality_id.data = arg_int("municipality_id")
    _prepare(form, None)
    if form.validate_on_submit():
        ok, group = attempt(form, lambda: services.create_group(**data(form, *GROUP_FIELDS)))
        if ok:
            flash(_("The group has been added."), "success")
            return redirect(url_for("admin.group", group_id=group.id))
    return render_template("admin/group_form.html", form=form, group=None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def group_edit(group_id: int):
    """Change a group's name, level, escalation, founding decision and status."""
    group = db.get_or_404(CooperationGroup, group_id)
    form = forms.GroupForm(obj=group)
    _prepare(form, group)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: services.update_group(group, **data(form, *GROUP_FIELDS)))
        if ok:
            flash(_("The group has been saved."), "success")
            return redirect(url_for("admin.group", group_id=group.id))
    return render_template("admin/group_form.html", form=form, group=group)


def _member_choices(form: forms.GroupMemberForm, group: CooperationGroup) -> None:
    institutions = selectors.institutions_in(current_actor(), services.served_municipality_ids(group))
    several = len({i.municipality_id for i in institutions}) > 1
    form.institution_id.choices = object_options(
        institutions, blank=_("— choose —"),
        group=(lambda i: i.municipality.name) if several else None)


def _group_page(group: CooperationGroup, member_form=None, municipality_form=None):
    member_form = member_form or forms.GroupMemberForm(formdata=None)
    if not member_form.institution_id.choices:
        _member_choices(member_form, group)
    municipality_form = municipality_form or forms.GroupMunicipalityForm(formdata=None)
    served = services.served_municipality_ids(group)
    municipality_form.municipality_id.choices = object_options(
        [m for m in selectors.municipalities(current_actor()) if m.id not in served], blank=_("— choose —"))
    return render_template("admin/group.html", group=group, member_form=member_form,
                           municipality_form=municipality_form)


@bp.route("/groups/<int:group_id>")
@requires(Permission.ADMIN_MANAGE)
def group(group_id: int):
    """One group: its details, the municipalities it serves and its seats."""
    return _group_page(db.get_or_404(CooperationGroup, group_id))


@bp.route("/groups/<int:group_id>/municipalities", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def group_municipality_add(group_id: int):
    """Let a joint group serve another municipality."""
    group = db.get_or_404(CooperationGroup, group_id)
    form = forms.GroupMunicipalityForm()
    form.municipality_id.choices = object_options(selectors.municipalities(current_actor()))
    if form.validate_on_submit():
        ok, _link = attempt(form, lambda: services.add_group_municipality(
            group, municipality_id=form.municipality_id.data))
        if ok:
            flash(_("The municipality has been added to the group."), "success")
            return redirect(url_for("admin.group", group_id=group.id))
    return _group_page(group, municipality_form=form)


@bp.route("/groups/<int:group_id>/municipalities/<int:link_id>/remove", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def group_municipality_remove(group_id: int, link_id: int):
    """Stop serving a municipality."""
    group = db.get_or_404(CooperationGroup, group_id)
    link = db.get_or_404(GroupMunicipality, link_id)
    if link.group_id != group.id:
        abort(404)
    try:
        services.remove_group_municipality(group, link)
    except Refused as exc:
        flash(str(exc), "error")
    else:
        flash(_("The municipality has been removed from the group."), "success")
    return redirect(url_for("admin.group", group_id=group.id))


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@requires(Permission.ADMIN_MANAGE)
def group_member_add(group_id: int):
    """Give an institution a seat in the group."""
    group = db.get_or_404(CooperationGroup, group_id)
    form = forms.GroupMemberForm()
    _member_choices(form, group)
    if form.validate_on_submit():
        ok, _member = attempt(form, lambda: services.add_member(group, **data(form, *MEMBER_FORM_FIELDS)))
        if ok:
            flash(_("The seat has been added."), "success")
            return redirect(url_for("admin.group", group_id=group.id))
    return _group_page(group, member_form=form)


@bp.route("/groups/<int:group_id>/members/<int:member_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN_MANAGE)
def group_member_edit(group_id: int, member_id: int):
    """Change a seat; its term ends by setting the end date."""
    member = db.get_or_404(GroupMember, member_id)
    if member.group_id != group_id:
        abort(404)
    form = forms.GroupMemberForm(obj=member)
    if request.method == "GET":
        form.username.data = member.user.username if member.user else ""
    _member_choices(form, member.group)
    if form.validate_on_submit():
        ok, _changed = attempt(form, lambda: services.update_member(member, **data(form, *MEMBER_FORM_FIELDS)))
        if ok:
            flash(_("The seat has been saved."), "success")
            return redirect(url_for("admin.group", group_id=group_id))
    return render_template("admin/group_member_form.html", form=form, member=member, group=member.group)
