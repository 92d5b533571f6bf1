"""Session requests: ask a group to hear a case (from the case page), one's own requests, and the
chair's decision — decline with a reason or put the case on an agenda."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.cases.selectors.cases import load_case
from caseflow.cases.selectors.referrals import serving_groups
from caseflow.core.i18n import format_datetime_lv
from caseflow.meetings.forms.requests import (
    REQUESTER_LABELS,
    STATUS_LABELS,
    DeclineForm,
    RequestForm,
    ScheduleRequestForm,
)
from caseflow.meetings.selectors import requests as selectors
from caseflow.meetings.selectors.sessions import managed_group_ids
from caseflow.meetings.services import agenda as agenda_services
from caseflow.meetings.services import requests as services
from caseflow.meetings.services.common import MeetingError
from caseflow.meetings.views import bp

LABELS = {"requesters": REQUESTER_LABELS, "statuses": STATUS_LABELS}


def _attach(form, exc: MeetingError) -> None:
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


@bp.route("/cases/<int:case_id>/request", methods=["GET", "POST"])
@requires(Permission.SESSION_REQUEST, load=load_case)
def request_hearing(case, case_id: int):
    """Ask a cooperation group serving the case's municipality to hear the case."""
    form = RequestForm()
    groups = serving_groups(case.municipality_id)
    form.group_id.choices = [("", _("Choose a group"))] + [(g.id, g.name) for g in groups]
    if request.method == "GET" and len(groups) == 1:
        form.group_id.data = groups[0].id
    if form.validate_on_submit():
        try:
            made = services.request_hearing(
                actor=current_actor(), case=case, group_id=form.group_id.data,
                requester_kind=form.requester_kind.data, requested_for=form.requested_for.data,
                reasons=form.reasons.data, urgent=form.urgent.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The request was sent to the group's chair."), "success")
            return redirect(url_for(".request_view", request_id=made.id))
    return render_template("meetings/requests/new.html", form=form, case=case, groups=groups)


@bp.route("/requests/mine")
@requires(Permission.SESSION_REQUEST)
def my_requests():
    """The requests the actor made and where each stands."""
    rows = selectors.mine(current_actor())
    if rows:
        audit.record("session_request.list", detail={"shown": [r.id for r in rows],
                                                     "case_ids": sorted({r.case_id for r in rows})})
    return render_template("meetings/requests/mine.html", rows=rows, labels=LABELS,
                           sessions=selectors.holding_sessions(r.id for r in rows))


def _render(made, decline_form=None, schedule_form=None):
    actor = current_actor()
    chairs = made.group_id in managed_group_ids(actor, [made.group_id])
    schedule_form = schedule_form or ScheduleRequestForm(formdata=None)
    open_sessions = selectors.open_sessions(made.group_id) if chairs else []
    schedule_form.session_id.choices = [("", _("Choose a session"))] + [
        (s.id, f"{s.label} · {format_datetime_lv(s.starts_at)}") for s in open_sessions]
    return render_template(
        "meetings/requests/view.html", made=made, case=made.case, labels=LABELS, chairs=chairs,
        case_visible=can(actor, Permission.CASE_VIEW, made.case), reasons=selectors.text_of(made, "reasons"),
        decline_reason=selectors.text_of(made, "decline_reason"),
        holding=selectors.holding_sessions([made.id]).get(made.id), open_sessions=open_sessions,
        decline_form=decline_form or DeclineForm(formdata=None), schedule_form=schedule_form)


@bp.route("/requests/<int:request_id>")
@requires(Permission.SESSION_REQUEST, load=selectors.load_request)
def request_view(made, request_id: int):
    """A request: who asked, why, its status; the chair's decision forms."""
    return _render(made)


def _chaired(made):
    """The request, if the actor chairs its group (otherwise a 404)."""
    if made.group_id not in managed_group_ids(current_actor(), [made.group_id]):
        abort(404)
    return made


@bp.route("/requests/<int:request_id>/decline", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_request)
def decline_request(made, request_id: int):
    """Decline an open request with a reason."""
    form = DeclineForm()
    _chaired(made)
    if form.validate_on_submit():
        try:
            services.decline_request(actor=current_actor(), request=made, reason=form.reason.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The request was declined."), "success")
            return redirect(url_for(".request_view", request_id=made.id))
    return _render(made, decline_form=form)


@bp.route("/requests/<int:request_id>/schedule", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_request)
def schedule_request(made, request_id: int):
    """Put the request's case on an open session's agenda."""
    form = ScheduleRequestForm()
    _chaired(made)
    if form.validate_on_submit():
        session = next((s for s in selectors.open_sessions(made.group_id) if s.id == form.session_id.data), None)
        try:
            if session is None:
                raise MeetingError("session_id", _("Choose a session of the group whose agenda is still open."))
            agenda_services.add_request(actor=current_actor(), session=session, request=made)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The case was put on the agenda of session %(label)s.", label=session.label), "success")
            return redirect(url_for(".request_view", request_id=made.id))
    return _render(made, schedule_form=form)
