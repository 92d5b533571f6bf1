"""Groups and sessions: the actor's groups, a group's sessions and open requests, schedule / change /
confirm / cancel a session, its page, the proposed agenda and the invitations."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.meetings.forms.agenda import MoveForm, PolicyItemForm, ProposalsForm
from caseflow.meetings.forms.requests import REQUESTER_LABELS
from caseflow.meetings.forms.sessions import (
    ATTENDEE_LABELS,
    KIND_LABELS,
    PRESENCE_LABELS,
    STATUS_LABELS,
    CancelForm,
    InviteeForm,
    ScheduleForm,
    SessionTimeForm,
)
from caseflow.meetings.models import OPEN_SESSION_STATUSES
from caseflow.meetings.selectors import agenda as agenda_selectors
from caseflow.meetings.selectors import requests as request_selectors
from caseflow.meetings.selectors import sessions as selectors
from caseflow.meetings.services import agenda as agenda_services
from caseflow.meetings.services import invitations as invitation_services
from caseflow.meetings.services import sessions as services
from caseflow.meetings.services.common import MeetingError, zone
from caseflow.meetings.views import bp

LABELS = {"kinds": KIND_LABELS, "statuses": STATUS_LABELS, "attendees": ATTENDEE_LABELS,
          "presence": PRESENCE_LABELS, "reasons": agenda_selectors.REASON_LABELS, "requesters": REQUESTER_LABELS}


def _attach(form, exc: MeetingError) -> None:
    """Show a service's refusal next to its field (or as a message when the form has no such field)."""
    if exc.field in form:
        form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


def _to_session(session, anchor: str | None = None):
    return redirect(url_for(".session", session_id=session.id, _anchor=anchor))


@bp.route("/")
@requires(Permission.SESSION_VIEW)
def index():
    """The cooperation groups the actor chairs or sits in."""
    groups = selectors.groups_of(current_actor())
    return render_template("meetings/sessions/index.html", groups=groups,
                           managed=selectors.managed_group_ids(current_actor(), [g.id for g in groups]))


@bp.route("/groups/<int:group_id>")
@requires(Permission.SESSION_VIEW, load=selectors.load_group)
def group(group, group_id: int):
    """A group: its seats, upcoming and past sessions, and (for the chair) its open requests."""
    before = request.args.get("before")
    page = selectors.past(group, before=before, limit=int(current_app.config["PAGE_SIZE"]))
    manages = group.id in selectors.managed_group_ids(current_actor(), [group.id])
    requests = request_selectors.open_for_group(group) if manages else []
    if requests:
        audit.record("session_request.list", object_type="CooperationGroup", object_id=group.id,
                     detail={"shown": [r.id for r in requests], "case_ids": [r.case_id for r in requests]})
    return render_template(
        "meetings/sessions/group.html", group=group, seats=selectors.seats_of(group),
        upcoming=selectors.upcoming(group), page=page, manages=manages, requests=requests, labels=LABELS,
        next_url=url_for(".group", group_id=group.id, before=page.next_before) if page.next_before else None,
        first_url=url_for(".group", group_id=group.id) if before else None)


@bp.route("/groups/<int:group_id>/sessions/new", methods=["GET", "POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_group)
def schedule(group, group_id: int):
    """Schedule a session of the group."""
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            session = services.schedule_session(
                actor=current_actor(), group=group, day=form.day.data, start=form.start.data, end=form.end.data,
                place=form.place.data, video_link=form.video_link.data, kind=form.kind.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("Session %(label)s was scheduled.", label=session.label), "success")
            return redirect(url_for(".agenda", session_id=session.id))
    return render_template("meetings/sessions/schedule.html", group=group, form=form)


@bp.route("/sessions/<int:session_id>")
@requires(Permission.SESSION_VIEW, load=selectors.load_session)
def session(session, session_id: int):
    """A session: time, place, status, its agenda (cases named only to those who may see them), invitees."""
    actor = current_actor()
    page = selectors.session_page(session, actor)
    audit.record("session.agenda_read", object_type="GroupSession", object_id=session.id,
                 detail={"case_ids": sorted({i.case_id for i in page["items"] if i.case_id}),
                         "named_case_ids": page["shown_case_ids"]})
    return render_template("meetings/sessions/view.html", session=session, labels=LABELS,
                           manages=can(actor, Permission.SESSION_MANAGE, session), **page)


def _time_form(session) -> SessionTimeForm:
    if request.method == "POST":
        return SessionTimeForm()
    local = session.starts_at.astimezone(zone())
    return SessionTimeForm(formdata=None, day=local.date(), start=local.time(),
                           end=session.ends_at.astimezone(zone()).time(), place=session.place,
                           video_link=session.video_link)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def edit_session(session, session_id: int):
    """Change a session's date, time or place; those invited get an updated calendar entry."""
    form = _time_form(session)
    if form.validate_on_submit():
        try:
            changed = services.change_session(
                actor=current_actor(), session=session, day=form.day.data, start=form.start.data,
                end=form.end.data, place=form.place.data, video_link=form.video_link.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The session was changed.") if changed else _("Nothing was changed."), "success")
            return _to_session(session)
    return render_template("meetings/sessions/edit.html", session=session, form=form)


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def confirm_session(session, session_id: int):
    """Confirm a proposed extraordinary session."""
    try:
        services.confirm_session(actor=current_actor(), session=session)
    except MeetingError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The session is confirmed and planned."), "success")
    return _to_session(session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def cancel_session(session, session_id: int):
    """Cancel a session with a reason; invitees get a cancellation and its cases can be proposed again."""
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_session(actor=current_actor(), session=session, reason=form.reason.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The session was cancelled."), "success")
            return _to_session(session)
    return render_template("meetings/sessions/cancel.html", session=session, form=form)


def _render_agenda(session, proposals_form=None, policy_form=None):
    actor = current_actor()
    proposals = agenda_selectors.proposed_items(session) if session.status in OPEN_SESSION_STATUSES else []
    items = agenda_selectors.agenda_of(session.id)
    visible = agenda_selectors.visible_case_ids(actor, [i.case_id for i in items] + [p.case.id for p in proposals])
    audit.record("session.agenda_proposals_read", object_type="GroupSession", object_id=session.id,
                 detail={"case_ids": sorted({i.case_id for i in items if i.case_id} | {p.case.id for p in proposals}),
                         "named_case_ids": sorted(visible)})
    return render_template("meetings/sessions/agenda.html", session=session, items=items, proposals=proposals,
                           visible=visible, labels=LABELS, move_form=MoveForm(formdata=None),
                           proposals_form=proposals_form or ProposalsForm(formdata=None),
                           policy_form=policy_form or PolicyItemForm(formdata=None))


@bp.route("/sessions/<int:session_id>/agenda")
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def agenda(session, session_id: int):
    """The agenda with the proposed items: add, remove, reorder."""
    return _render_agenda(session)


@bp.route("/sessions/<int:session_id>/agenda/add", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def add_proposals(session, session_id: int):
    """Add the chosen proposed items to the agenda."""
    form = ProposalsForm()
    if form.validate_on_submit():
        try:
            added = agenda_services.add_proposals(actor=current_actor(), session=session,
                                                  keys=form.proposals.data or [])
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("Items added to the agenda: %(count)d.", count=len(added)), "success")
            return redirect(url_for(".agenda", session_id=session.id))
    return _render_agenda(session, proposals_form=form)


@bp.route("/sessions/<int:session_id>/agenda/policy", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def add_policy_item(session, session_id: int):
    """Add a policy item (a title, about no child)."""
    form = PolicyItemForm()
    if form.validate_on_submit():
        try:
            agenda_services.add_policy_item(actor=current_actor(), session=session, title=form.title.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The policy item was added."), "success")
            return redirect(url_for(".agenda", session_id=session.id))
    return _render_agenda(session, policy_form=form)


def _item_step(session, item_id: int, step):
    """Apply a step (move, remove) to an item of the session's agenda; back to the agenda."""
    item = selectors.load_item(session.id, item_id)
    if item is None:
        abort(404)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            step(item, form)
        except MeetingError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for(".agenda", session_id=session.id, _anchor="agenda"))


@bp.route("/sessions/<int:session_id>/agenda/<int:item_id>/move", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def move_item(session, session_id: int, item_id: int):
    """Move an agenda item one place up or down."""
    return _item_step(session, item_id, lambda item, form: agenda_services.move_item(
        actor=current_actor(), session=session, item=item, direction=form.direction.data))


@bp.route("/sessions/<int:session_id>/agenda/<int:item_id>/remove", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def remove_item(session, session_id: int, item_id: int):
    """Take an item off the agenda."""
    return _item_step(session, item_id, lambda item, form: agenda_services.remove_item(
        actor=current_actor(), session=session, item=item))


def _render_invitations(session, form=None):
    items = agenda_selectors.agenda_of(session.id)
    form = form or InviteeForm(formdata=None)
    form.item_id.choices = [("", _("None"))] + [
        (i.id, _("Item %(number)d", number=n)) for n, i in enumerate(items, start=1)]
    return render_template("meetings/sessions/invitations.html", session=session, form=form, labels=LABELS,
                           attendance=selectors.attendance_of(session.id))


@bp.route("/sessions/<int:session_id>/invitations")
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def invitations(session, session_id: int):
    """The invitees: seats and invited persons; add a person, send the invitations."""
    return _render_invitations(session)


@bp.route("/sessions/<int:session_id>/invitations/add", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def add_invitee(session, session_id: int):
    """Invite a person to be heard (mailed at once when the invitations have gone out)."""
    form = InviteeForm()
    if form.validate_on_submit():
        try:
            invitation_services.add_invitee(actor=current_actor(), session=session, name=form.name.data,
                                            email=form.email.data, kind=form.kind.data, item_id=form.item_id.data)
        except MeetingError as exc:
            _attach(form, exc)
        else:
            flash(_("The person was added to the invitees."), "success")
            return redirect(url_for(".invitations", session_id=session.id))
    return _render_invitations(session, form)


@bp.route("/sessions/<int:session_id>/invitations/send", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def send_invitations(session, session_id: int):
    """Invite every current seat and e-mail each invitee not yet invited, with a calendar entry."""
    form = MoveForm()
    if form.validate_on_submit():
        try:
            sent = invitation_services.send_invitations(actor=current_actor(), session=session)
        except MeetingError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Invitations sent: %(count)d.", count=sent), "success")
    return redirect(url_for(".invitations", session_id=session.id))
