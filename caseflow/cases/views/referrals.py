"""Case pages: refer a case to the cooperation group; the coordinator's referral list and decision."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.cases.forms.referral import STATUS_LABELS, DecisionForm, ReferForm, ReferralFilterForm
from caseflow.cases.selectors import referrals as selectors
from caseflow.cases.selectors.cases import load_case
from caseflow.cases.services import referral as services
from caseflow.cases.views import bp


def _attach(form, exc: services.ReferralError) -> None:
    """Show a service's refusal next to its field."""
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


def _back_to_case(case):
    return redirect(url_for(".view", case_id=case.id, _anchor="referral"))


@bp.route("/<int:case_id>/refer", methods=["GET", "POST"])
@requires(Permission.CASE_REFER, load=load_case)
def refer(case, case_id: int):
    """Refer the case to a cooperation group serving its municipality."""
    form = ReferForm()
    groups = selectors.serving_groups(case.municipality_id)
    form.group_id.choices = [("", _("Choose a group"))] + [(g.id, g.name) for g in groups]
    if request.method == "GET" and len(groups) == 1:
        form.group_id.data = groups[0].id
    if form.validate_on_submit():
        try:
            services.refer_case(actor=current_actor(), case=case, tried=form.tried.data,
                                request=form.request.data, urgent=form.urgent.data, group_id=form.group_id.data)
        except services.ReferralError as exc:
            _attach(form, exc)
        else:
            flash(_("The case was referred to the cooperation group."), "success")
            return _back_to_case(case)
    return render_template("cases/referrals/refer.html", form=form, case=case, groups=groups,
                           blocker=selectors.refer_blocker(case))


@bp.route("/referrals/")
@requires(Permission.REFERRAL_DECIDE)
def referrals():
    """Referrals to the groups serving the coordinator's municipality: waiting (urgent) ones first."""
    form = ReferralFilterForm(formdata=request.args)
    form.validate()
    status = form.status.data or ""
    after = request.args.get("after", type=int)
    page = selectors.coordinator_list(current_actor(), status=status, after=after,
                                      limit=int(current_app.config["PAGE_SIZE"]))
    if page.rows:
        audit.record("referral.list", detail={"status": status, "shown": [r.id for r in page.rows]})
    args = {"status": status} if status else {}
    return render_template(
        "cases/referrals/index.html", form=form, page=page, labels=STATUS_LABELS, filtered=bool(status),
        next_url=url_for(".referrals", **args, after=page.next_after) if page.next_after else None,
        first_url=url_for(".referrals", **args) if after else None)


def _render_referral(referral, form=None):
    return render_template(
        "cases/referrals/view.html", referral=referral, case=referral.case, labels=STATUS_LABELS,
        form=form or DecisionForm(formdata=None), tried=selectors.text_of(referral, "tried"),
        request_text=selectors.text_of(referral, "request"),
        return_reason=selectors.text_of(referral, "return_reason"),
        descriptions=selectors.risk_descriptions(referral.case))


@bp.route("/referrals/<int:referral_id>")
@requires(Permission.REFERRAL_DECIDE, load=selectors.load_referral)
def referral(referral, referral_id: int):
    """A referral with the case's essentials (the read is audited by @requires)."""
    return _render_referral(referral)


@bp.route("/referrals/<int:referral_id>/decide", methods=["POST"])
@requires(Permission.REFERRAL_DECIDE, load=selectors.load_referral)
def decide_referral(referral, referral_id: int):
    """Accept the referral, or return it to the school with a reason."""
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "accept":
                services.accept_referral(actor=current_actor(), referral=referral, reason=form.reason.data)
                message = (_("The urgent referral was accepted and an extraordinary session is proposed with "
                             "the case on its agenda: confirm or move it.") if referral.urgent
                           else _("The referral was accepted. It goes onto a session's agenda."))
            else:
                services.return_referral(actor=current_actor(), referral=referral, reason=form.reason.data)
                message = _("The referral was returned to the school.")
        except services.ReferralError as exc:
            _attach(form, exc)
        else:
            flash(message, "success")
            return redirect(url_for(".referral", referral_id=referral.id))
    return _render_referral(referral, form)
