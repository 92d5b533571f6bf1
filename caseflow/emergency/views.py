"""Break-the-glass for the orphans' court and the police; the data-protection officer's review
queue of emergency grants and alerts of unusual access."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.emergency import selectors, services
from caseflow.emergency.forms import (
    OUTCOME_LABELS,
    REASON_LABELS,
    AlertReviewForm,
    EmergencyForm,
    ReviewForm,
)

bp = Blueprint("emergency", __name__, url_prefix="/emergency")


@bp.app_template_filter("grant_time")
def grant_time(value) -> str:
    """A grant's time as HH:MM in the configured zone."""
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%H:%M")


@bp.app_context_processor
def _emergency_banner() -> dict:
    """Templates ask `emergency_grant(case)` for the viewer's unexpired grant (the case page's banner)."""
    return {"emergency_grant": lambda case: selectors.active_grant(current_actor(), case)}


def _attach(form, exc: services.EmergencyError) -> None:
    """Show a service's refusal next to its field."""
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


def _page_size() -> int:
    return int(current_app.config.get("PAGE_SIZE", 50))


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.EMERGENCY_ACCESS)
def request_access():
    """Open one case one does not take part in, for 60 minutes, with a reason and the second factor."""
    form = EmergencyForm()
    if form.validate_on_submit():
        try:
            grant = services.break_the_glass(
                actor=current_actor(), reference=form.reference.data, reason=form.reason.data,
                justification=form.justification.data, code=form.code.data, address=request.remote_addr or "")
        except services.AlreadyInSight as exc:
            flash(_("You already see this case; no emergency access was needed."), "info")
            return redirect(url_for("cases.view", case_id=exc.case.id))
        except services.EmergencyError as exc:
            _attach(form, exc)
        else:
            flash(_("Emergency access granted until %(time)s. The school and the data-protection officer "
                    "have been told.", time=grant_time(grant.expires_at)), "warning")
            return redirect(url_for("cases.view", case_id=grant.case_id))
    form.code.data = ""
    return render_template("emergency/request.html", form=form, minutes=services.GRANT_MINUTES)



def _grant_list(*, reviewed: bool):
    after = request.args.get("after", type=int)
    page = selectors.grants_page(current_actor(), reviewed=reviewed, after=after, limit=_page_size())
    texts = selectors.justifications(page.grants)
    for grant in page.grants:
        audit.record("emergency_grant.read", object_type="EmergencyGrant", object_id=grant.id,
                     pupil_id=grant.case.pupil_id, detail={"case_id": grant.case_id})
    endpoint = ".reviewed" if reviewed else ".queue"
    return render_template(
        "emergency/queue.html", page=page, texts=texts, reviewed=reviewed, reasons=REASON_LABELS,
        outcomes=OUTCOME_LABELS,
        next_url=url_for(endpoint, after=page.next_after) if page.next_after else None,
        first_url=url_for(endpoint) if after else None)


@bp.route("/review/")
@requires(Permission.EMERGENCY_REVIEW)
def queue():
    """Emergency grants waiting for review, oldest first, with their justification and what was done."""
    return _grant_list(reviewed=False)


@bp.route("/reviewed/")
@requires(Permission.EMERGENCY_REVIEW)
def reviewed():
    """Reviewed emergency grants, latest first."""
    return _grant_list(reviewed=True)


@bp.route("/review/<int:grant_id>", methods=["GET", "POST"])
@requires(Permission.EMERGENCY_REVIEW)
def review(grant_id: int):
    """One grant: its justification and the grantee's activity, and the officer's finding."""
    grant = selectors.load_grant(current_actor(), grant_id)
    if grant is None:
        abort(404)
    form = ReviewForm()
    if grant.reviewed_at is None and form.validate_on_submit():
        try:
            services.review_grant(actor=current_actor(), grant=grant, outcome=form.outcome.data,
                                  note=form.note.data)
        except services.EmergencyError as exc:
            _attach(form, exc)
        else:
            flash(_("The review was saved."), "success")
            return redirect(url_for(".queue"))
    audit.record("emergency_grant.read", object_type="EmergencyGrant", object_id=grant.id,
                 pupil_id=grant.case.pupil_id, detail={"case_id": grant.case_id})
    return render_template(
        "emergency/review.html", grant=grant, form=form, text=selectors.justifications([grant])[grant.id],
        activity=selectors.activity_during([grant])[grant.id], reasons=REASON_LABELS, outcomes=OUTCOME_LABELS)


@bp.route("/alerts/")
@requires(Permission.ALERT_VIEW)
def alerts():
    """Open alerts of unusual access, oldest first, and the latest reviewed ones."""
    actor = current_actor()
    return render_template("emergency/alerts.html",
                           open_alerts=selectors.alerts(actor, reviewed=False, limit=_page_size()),
                           closed=selectors.alerts(actor, reviewed=True, limit=_page_size()))


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@requires(Permission.ALERT_VIEW)
def review_alert(alert_id: int):
    """Close an alert with a note."""
    alert = selectors.load_alert(current_actor(), alert_id)
    if alert is None:
        abort(404)
    form = AlertReviewForm()
    if alert.reviewed_at is None and form.validate_on_submit():
        try:
            services.review_alert(actor=current_actor(), alert=alert, note=form.note.data)
        except services.EmergencyError as exc:
            _attach(form, exc)
        else:
            flash(_("The alert was marked reviewed."), "success")
            return redirect(url_for(".alerts"))
    return render_template("emergency/alert.html", alert=alert, form=form)
