"""Case pages: parties (add, change, remove), the whole-family answer and the case team."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.cases.forms.people import FamilyForm, PartyForm
from caseflow.cases.selectors import people as selectors
from caseflow.cases.selectors.cases import load_case
from caseflow.cases.services import people as services
from caseflow.cases.views import bp


def _to_people(case_id: int):
    return redirect(url_for("cases.view", case_id=case_id, _anchor="people"))


def _refused(case_id: int, exc: services.PeopleError):
    """A refusal of a change sent by a button alone: say why on the case page."""
    flash(str(exc.message), "error")
    return _to_people(case_id)


@bp.route("/<int:case_id>/parties/new", methods=["GET", "POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def add_party(case, case_id: int):
    """Add a parent, legal representative or other person the case concerns."""
    form = PartyForm(prefix="party")
    if form.validate_on_submit():
        try:
            services.add_party(actor=current_actor(), case=case, details=form.details())
        except services.PeopleError as exc:
            form[exc.field].errors.append(str(exc.message))
        else:
            flash(_("The person was added to the case."), "success")
            return _to_people(case.id)
    return render_template("cases/people/party.html", case=case, form=form, party=None)


@bp.route("/<int:case_id>/parties/<int:party_id>/edit", methods=["GET", "POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def edit_party(case, case_id: int, party_id: int):
    """Change a party's relation, name, legal representation and contact details."""
    party = selectors.load_party(case, party_id)
    if party is None:
        abort(404)
    contact = services.contact_of(party) or {}
    form = PartyForm(prefix="party", obj=party, **contact)
    if form.validate_on_submit():
        try:
            changed = services.update_party(actor=current_actor(), case=case, party=party,
                                            details=form.details())
        except services.PeopleError as exc:
            form[exc.field].errors.append(str(exc.message))
        else:
            flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
            return _to_people(case.id)
    return render_template("cases/people/party.html", case=case, form=form, party=party)


@bp.route("/<int:case_id>/parties/<int:party_id>/remove", methods=["POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def remove_party(case, case_id: int, party_id: int):
    """Take a person off the case (kept for the timeline)."""
    party = selectors.load_party(case, party_id)
    if party is None:
        abort(404)
    try:
        services.remove_party(actor=current_actor(), case=case, party=party)
    except services.PeopleError as exc:
        return _refused(case.id, exc)
    flash(_("The person was removed from the case."), "success")
    return _to_people(case.id)


@bp.route("/<int:case_id>/family", methods=["POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def set_family(case, case_id: int):
    """Say whether the case concerns the whole family."""
    form = FamilyForm(prefix="family")  # CSRFProtect has checked the token; a checkbox needs no more
    try:
        changed = services.set_concerns_family(actor=current_actor(), case=case,
                                               concerns_family=bool(form.concerns_family.data))
    except services.PeopleError as exc:
        return _refused(case.id, exc)
    flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
    return _to_people(case.id)


@bp.route("/<int:case_id>/team/new", methods=["GET", "POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def add_team_member(case, case_id: int):
    """Put a colleague of the school's support team on the case."""
    form = selectors.team_form(case)
    if form.validate_on_submit():
        try:
            services.add_team_member(actor=current_actor(), case=case, user_id=form.user_id.data,
                                     task=form.task.data)
        except services.PeopleError as exc:
            form[exc.field].errors.append(str(exc.message))
        else:
            flash(_("The colleague was added to the case team."), "success")
            return _to_people(case.id)
    return render_template("cases/people/team.html", case=case, form=form)


@bp.route("/<int:case_id>/team/<int:member_id>/remove", methods=["POST"])
@requires(Permission.CASE_EDIT, load=load_case)
def remove_team_member(case, case_id: int, member_id: int):
    """Take a colleague off the case team."""
    member = selectors.load_member(case, member_id)
    if member is None:
        abort(404)
    try:
        services.remove_team_member(actor=current_actor(), case=case, member=member)
    except services.PeopleError as exc:
        return _refused(case.id, exc)
    flash(_("The colleague was removed from the case team."), "success")
    return _to_people(case.id)
