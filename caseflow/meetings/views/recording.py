"""The chair records a session: the overview, attendance, marking it held, each agenda item."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.meetings.forms import recording as forms
from caseflow.meetings.selectors import recording as selectors
from caseflow.meetings.services import recording as services
from caseflow.meetings.views import bp


def _refusal(session) -> str | None:
    """Why the session's record cannot be changed now, or None."""
    try:
        services.check_recordable(session)
    except services.MeetingError as exc:
        return str(exc.message)
    return None


def _attach(form, exc: services.MeetingError) -> str | None:
    """Show a service's refusal next to its field; return it when no field of the form fits."""
    target = forms.find_field(form, exc.field)
    if target is None:
        return str(exc.message)
    target.errors = list(target.errors) + [str(exc.message)]
    return None


def _overview_url(session):
    return url_for(".record_overview", session_id=session.id)


@bp.route("/sessions/<int:session_id>/record")
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def record_overview(session, session_id: int):
    """The session's record: attendance at a glance, each item's outcome, marking it held."""
    items = selectors.session_items(session)
    shown = [i.case_id for i in items if i.case_id]
    if shown:
        audit.record("agenda.list", object_type="GroupSession", object_id=session.id, detail={"case_ids": shown})
    return render_template("meetings/record/overview.html", session=session, items=items,
                           lines=selectors.attendance_lines(session), refusal=_refusal(session),
                           outcomes=selectors.OUTCOME_LABELS, presences=selectors.PRESENCE_LABELS,
                           kinds=selectors.KIND_LABELS, day=selectors.session_day(session))


def _render_attendance(session, lines, form, add_form, refusal=None):
    return render_template("meetings/record/attendance.html", session=session, lines=lines, form=form,
                           add_form=add_form, kinds=selectors.KIND_LABELS, refusal=refusal or _refusal(session),
                           day=selectors.session_day(session))


@bp.route("/sessions/<int:session_id>/record/attendance", methods=["GET", "POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def record_attendance(session, session_id: int):
    """Record who was present, absent or excused, and which invited persons were heard."""
    lines = selectors.attendance_lines(session)
    form = forms.attendance_form(lines)
    refusal = None
    if form.validate_on_submit():
        try:
            services.record_attendance(actor=current_actor(), session=session,
                                       marks=forms.attendance_marks(form, lines))
        except services.MeetingError as exc:
            refusal = _attach(form, exc)
        else:
            flash(_("Attendance was saved."), "success")
            return redirect(_overview_url(session))
    return _render_attendance(session, lines, form, forms.AddAttendeeForm(formdata=None), refusal)


@bp.route("/sessions/<int:session_id>/record/attendance/add", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def record_add_attendee(session, session_id: int):
    """Add a person who came without an invitation."""
    add_form = forms.AddAttendeeForm()
    refusal = None
    if add_form.validate_on_submit():
        try:
            services.add_attendee(actor=current_actor(), session=session, name=add_form.name.data,
                                  kind=add_form.kind.data, heard=add_form.heard.data)
        except services.MeetingError as exc:
            refusal = _attach(add_form, exc)
        else:
            flash(_("The person was added to the attendance."), "success")
            return redirect(url_for(".record_attendance", session_id=session.id))
    lines = selectors.attendance_lines(session)
    return _render_attendance(session, lines, forms.attendance_form(lines, formdata={}), add_form, refusal)


@bp.route("/sessions/<int:session_id>/record/held", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def record_held(session, session_id: int):
    """Mark the session as held (attendance must be recorded for every seat)."""
    try:
        services.mark_held(actor=current_actor(), session=session)
    except services.MeetingError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The session is marked as held. Check the minutes and approve them."), "success")
    return redirect(_overview_url(session))


def _item_page(session, item, form, institutions, refusal=None):
    return render_template(
        "meetings/record/item.html", session=session, item=item, form=form, institutions=institutions,
        actions=selectors.item_actions(item), refusal=refusal or _refusal(session),
        heading=selectors.measures_heading(session.group), rows=len(form.measures),
        more_rows=min(len(form.measures) + forms.MEASURE_ROWS, forms.MAX_MEASURE_ROWS),
        day=selectors.session_day(session), outcomes=selectors.OUTCOME_LABELS)


@bp.route("/sessions/<int:session_id>/record/items/<int:item_id>", methods=["GET", "POST"])
@requires(Permission.SESSION_MANAGE, load=selectors.load_session)
def record_item(session, session_id: int, item_id: int):
    """Record an agenda item: reports, discussion, outcome, next evaluation and agreed measures."""
    item = selectors.item_of(session, item_id)
    if item is None:
        abort(404)
    if item.case is not None:
        audit.record("agenda_item.read", object_type="AgendaItem", object_id=item.id,
                     pupil_id=item.case.pupil_id, detail={"session_id": session.id, "case_id": item.case_id})
    institutions = selectors.report_institutions(session, item)
    rows = max(forms.MEASURE_ROWS, min(request.args.get("rows", type=int) or 0, forms.MAX_MEASURE_ROWS))
    if request.method == "POST":
        form = forms.item_form(institutions, rows=rows)
    else:
        discussion, reports = selectors.item_texts(item)
        data = {"discussion": discussion, "outcome": item.outcome, "next_evaluation_on": item.next_evaluation_on}
        data |= {f"report_{i.id}": reports.get(i.id) for i in institutions}
        form = forms.item_form(institutions, rows=rows, obj_data=data)
    default_label = (_("The institution itself (the group's measures are recommendations)")
                     if session.group.measures_are == "recommended" else _("The chair's institution"))
    forms.offer_measure_choices(form, selectors.measure_institutions(session.group),
                                selectors.measure_people(session.group, item), default_label)
    refusal = None
    if form.validate_on_submit():
        try:
            actions = services.record_item(
                actor=current_actor(), session=session, item=item, reports=forms.item_reports(form, institutions),
                discussion=form.discussion.data, outcome=form.outcome.data,
                next_evaluation_on=form.next_evaluation_on.data, measures=forms.item_measures(form))
        except services.MeetingError as exc:
            refusal = _attach(form, exc)
        else:
            flash(ngettext("The item was recorded with %(num)d new measure.", "The item was recorded with %(num)d new measures.",
                           len(actions)), "success")
            if item.outcome == "escalate":
                flash(_("The case was sent to %(group)s as a request to be heard.",
                        group=session.group.escalates_to.name), "info")
            return redirect(_overview_url(session))
    return _item_page(session, item, form, institutions, refusal)
