"""The coordinator's page of who takes part in a case: add, share across municipalities, end."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.cases.selectors.cases import load_case
from caseflow.sharing import selectors, services
from caseflow.sharing.forms import add_form, share_form

bp = Blueprint("sharing", __name__, url_prefix="/cases")


def _render(case, add=None, share=None, end_error: str | None = None):
    actor = current_actor()
    add = add or add_form(formdata=None)
    share = share or share_form(formdata=None)
    add.offer(selectors.addable_institutions(case))
    shareable = selectors.shareable_institutions(case)
    share.offer(shareable)
    participants = selectors.active_participants(case.id)
    return render_template(
        "sharing/manage.html", case=case, add_form=add, share_form=share, shareable=shareable,
        own_case=case.municipality_id == actor.municipality_id, participants=participants,
        endable={p.id for p in participants if selectors.may_end(actor, case, p)},
        reasons={p.id: selectors.reason_of(p) for p in participants},
        why_labels=selectors.WHY_LABELS, end_error=end_error)


def _attach(form, exc: services.SharingError) -> None:
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


def _back(case):
    return redirect(url_for(".manage", case_id=case.id))


@bp.route("/<int:case_id>/participants")
@requires(Permission.CASE_SHARE, load=load_case)
def manage(case, case_id: int):
    """Who takes part in the case, with the forms to add an institution or share the case."""
    return _render(case)


@bp.route("/<int:case_id>/participants/add", methods=["POST"])
@requires(Permission.CASE_SHARE, load=load_case)
def add(case, case_id: int):
    """Add an institution of the case's municipality as a participant."""
    form = add_form()
    if form.validate_on_submit():
        try:
            services.add_participant(actor=current_actor(), case=case, institution_id=form.institution_id.data,
                                     reason=form.reason.data)
        except services.SharingError as exc:
            _attach(form, exc)
        else:
            flash(_("The institution takes part in the case now."), "success")
            return _back(case)
    return _render(case, add=form)


@bp.route("/<int:case_id>/participants/share", methods=["POST"])
@requires(Permission.CASE_SHARE, load=load_case)
def share(case, case_id: int):
    """Share the case with the social service or orphans' court of the pupil's declared municipality."""
    form = share_form()
    if form.validate_on_submit():
        try:
            services.share_case(actor=current_actor(), case=case, institution_id=form.institution_id.data,
                                reason=form.reason.data)
        except services.SharingError as exc:
            _attach(form, exc)
        else:
            flash(_("The case was shared. The institution and its municipality's coordinator were told."),
                  "success")
            return _back(case)
    return _render(case, share=form)


@bp.route("/<int:case_id>/participants/<int:participant_id>/end", methods=["POST"])
@requires(Permission.CASE_SHARE, load=load_case)
def end(case, case_id: int, participant_id: int):
    """End an institution's participation: it loses sight of the case on its next request."""
    participant = selectors.load_participant(case.id, participant_id)
    if participant is None:
        abort(404)
    try:
        services.end_participation(actor=current_actor(), case=case, participant=participant)
    except services.SharingError as exc:
        return _render(case, end_error=str(exc.message))
    flash(_("%(name)s no longer takes part in the case.", name=participant.institution.name), "success")
    if can(current_actor(), Permission.CASE_VIEW, case):
        return _back(case)
    return redirect(url_for("core.home"))
