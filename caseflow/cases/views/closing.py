"""Case pages: close a case with an outcome (and a dropout reason), reopen it with a reason."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from caseflow.access import Permission, current_actor, requires
from caseflow.cases.forms.closing import CloseForm, ReopenForm
from caseflow.cases.selectors import referrals as selectors
from caseflow.cases.selectors.cases import entries, load_case
from caseflow.cases.services import closing as services
from caseflow.cases.taxonomy import ListKind
from caseflow.cases.views import bp
from caseflow.core.transactions import lost_race
from caseflow.db import local_today


def _attach(form, exc: services.ClosingError) -> None:
    """Show a service's refusal next to its field."""
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


@bp.route("/<int:case_id>/close", methods=["GET", "POST"])
@requires(Permission.CASE_CLOSE, load=load_case)
def close(case, case_id: int):
    """Close the case with an outcome from the municipality's list."""
    form = CloseForm()
    form.outcome_id.choices = [("", _("Choose an outcome"))] + [
        (e.id, e.label) for e in entries(case.municipality_id, ListKind.OUTCOME)]
    form.dropout_reason_id.choices = [("", _("None: the pupil did not leave school"))] + [
        (e.id, e.label) for e in entries(case.municipality_id, ListKind.DROPOUT_REASON)]
    if request.method == "GET":
        form.closed_on.data = local_today()
    if form.validate_on_submit():
        try:
            services.close_case(actor=current_actor(), case=case, closing=form.closing())
        except services.ClosingError as exc:
            _attach(form, exc)
        else:
            flash(_("The case was closed."), "success")
            return redirect(url_for(".view", case_id=case.id, _anchor="referral"))
    return render_template("cases/closing/close.html", form=form, case=case,
                           blocker=selectors.close_blocker(case))


@bp.route("/<int:case_id>/reopen", methods=["GET", "POST"])
@requires(Permission.CASE_CLOSE, load=load_case)
def reopen(case, case_id: int):
    """Reopen a closed case with a reason."""
    form = ReopenForm()
    existing_id = None
    if form.validate_on_submit():
        try:
            services.reopen_case(actor=current_actor(), case=case, reason=form.reason.data)
        except services.ClosingError as exc:
            _attach(form, exc)
            existing_id = exc.existing_id
        except IntegrityError:
            return lost_race(_("The pupil's other case at the school was opened at the same moment; "
                               "this one stays closed."), url_for(".view", case_id=case_id))
        else:
            flash(_("The case was reopened."), "success")
            return redirect(url_for(".view", case_id=case.id, _anchor="referral"))
    return render_template("cases/closing/reopen.html", form=form, case=case, existing_id=existing_id)
