"""Minutes: read (members and the chair), edit the general text, approve, addenda; the Latvian PDF
and each institution's extract."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.core.pdf import pdf_response, render_pdf
from caseflow.core.transactions import lost_race
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.forms.minutes import AddendumForm, ApproveForm, MinutesTextForm
from caseflow.meetings.selectors import minutes as selectors
from caseflow.meetings.selectors.recording import (
    KIND_LABELS,
    PRESENCE_LABELS,
    load_session,
    session_day,
)
from caseflow.meetings.services import minutes as services
from caseflow.meetings.services.common import MeetingError
from caseflow.meetings.views import bp
from caseflow.people.models import Institution


def _audit_read(action: str, session, record) -> None:
    """One audit entry per child whose record the minutes show (the "who saw this child" report)."""
    for r in record.items:
        if r.item.case is not None:
            audit.record(action, object_type="AgendaItem", object_id=r.item.id, pupil_id=r.item.case.pupil_id,
                         detail={"session_id": session.id, "case_id": r.item.case_id})


def _minutes_url(session):
    return url_for(".minutes_view", session_id=session.id)


def _render(session, *, text_form=None, addendum_form=None, refusal=None):
    own_part = selectors.reads_only_own_part(current_actor(), session)
    record = selectors.minutes_record(
        session, **({"institution_id": current_actor().institution_id} if own_part else {}))
    _audit_read("minutes.read", session, record)
    manage = can(current_actor(), Permission.SESSION_MANAGE, session)
    if text_form is None:
        text_form = MinutesTextForm(formdata=None, data={"text": record.text})
    return render_template(
        "meetings/minutes/view.html", session=session, record=record, manage=manage, text_form=text_form,
        addendum_form=addendum_form or AddendumForm(formdata=None), approve_form=ApproveForm(formdata=None),
        refusal=refusal, presences=PRESENCE_LABELS, kinds=KIND_LABELS, day=session_day(session),
        own_part=own_part)


@bp.route("/sessions/<int:session_id>/minutes")
@requires(Permission.SESSION_VIEW, load=load_session)
def minutes_view(session, session_id: int):
    """The minutes as drafted from the record (or as approved), with their addenda."""
    return _render(session)


@bp.route("/sessions/<int:session_id>/minutes/text", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=load_session)
def minutes_text(session, session_id: int):
    """Save the minutes' general part while they are a draft."""
    form = MinutesTextForm()
    if form.validate_on_submit():
        try:
            services.save_text(actor=current_actor(), session=session, text=form.text.data)
        except MeetingError as exc:
            return _render(session, text_form=form, refusal=str(exc.message))
        except IntegrityError:
            return lost_race(_("The minutes were started at the same moment elsewhere; save your text again."),
                             _minutes_url(session))
        else:
            flash(_("The minutes' text was saved."), "success")
            return redirect(_minutes_url(session))
    return _render(session, text_form=form)


@bp.route("/sessions/<int:session_id>/minutes/approve", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=load_session)
def minutes_approve(session, session_id: int):
    """Approve the minutes: the session's record is locked from now on."""
    form = ApproveForm()
    if not form.validate_on_submit():
        return _render(session, refusal=_("The form has expired. Reload the page and send it again."))
    try:
        services.approve(actor=current_actor(), session=session)
    except MeetingError as exc:
        return _render(session, refusal=str(exc.message))
    except IntegrityError:
        return lost_race(_("The minutes were approved at the same moment elsewhere."), _minutes_url(session))
    flash(_("The minutes are approved. Corrections from now on are addenda."), "success")
    return redirect(_minutes_url(session))


@bp.route("/sessions/<int:session_id>/minutes/addenda", methods=["POST"])
@requires(Permission.SESSION_MANAGE, load=load_session)
def minutes_addendum(session, session_id: int):
    """Add a correction below approved minutes."""
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            services.add_addendum(actor=current_actor(), session=session, text=form.text.data)
        except MeetingError as exc:
            return _render(session, addendum_form=form, refusal=str(exc.message))
        else:
            flash(_("The addendum was added."), "success")
            return redirect(_minutes_url(session))
    return _render(session, addendum_form=form)


def _pdf(session, record, *, title: str, filename: str, institution=None):
    data = render_pdf("meetings/minutes/pdf.html", title=title, lang="lv", session=session, record=record, institution=institution,
                      presences=PRESENCE_LABELS, kinds=KIND_LABELS, day=session_day(session), today=local_today())
    return pdf_response(data, filename)


@bp.route("/sessions/<int:session_id>/minutes.pdf")
@requires(Permission.SESSION_VIEW, load=load_session)
def minutes_pdf(session, session_id: int):
    """The full minutes as a tagged PDF in Latvian (the chair; members until approval, then the extract)."""
    if selectors.reads_only_own_part(current_actor(), session):
        return redirect(url_for(".minutes_extract", session_id=session.id))
    record = selectors.minutes_record(session)
    _audit_read("minutes.pdf", session, record)
    with force_locale("lv"):
        title = _("Minutes of the session %(label)s", label=session.label)
    return _pdf(session, record, title=title,
                filename=f"protokols-{session.starts_at.year}-{session.number}.pdf")


@bp.route("/sessions/<int:session_id>/minutes/extract.pdf")
@requires(Permission.ACTION_VIEW)
def minutes_extract(session_id: int):
    """An extract of approved minutes for the actor's institution: only the items where it reported
    or holds an action, and only its actions. Anyone whose institution took no part: 404."""
    actor = current_actor()
    session = load_session(session_id)
    if session is None or not selectors.may_take_extract(actor, session):
        if session is not None:
            audit.record_denial(permission=Permission.ACTION_VIEW, obj=session)
        abort(404)
    if session.status != "approved":
        return render_template("meetings/minutes/extract_pending.html", session=session)
    institution = db.session.get(Institution, actor.institution_id)
    record = selectors.minutes_record(session, institution_id=actor.institution_id)
    _audit_read("minutes.extract", session, record)
    with force_locale("lv"):
        title = _("Extract from the minutes of the session %(label)s", label=session.label)
    return _pdf(session, record, title=title,
                filename=f"protokola-izraksts-{session.starts_at.year}-{session.number}.pdf",
                institution=institution)
