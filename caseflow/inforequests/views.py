"""Information requests: ask on a case, the institution's queue, the asker's list, read and answer.
Each view's object rule is in the selectors' loaders (a refused or missing request is 404)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.db import local_today
from caseflow.inforequests import selectors, services
from caseflow.inforequests.forms import AnswerForm, AskForm

bp = Blueprint("inforequests", __name__)


def _refuse(permission: Permission):
    audit.record_denial(permission=permission)
    abort(404)


def _attach(form, exc: services.InfoRequestError) -> None:
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


@bp.route("/cases/<int:case_id>/info-requests/new", methods=["GET", "POST"])
@requires(Permission.INFO_REQUEST, load=selectors.askable_case)
def ask(case, case_id: int):
    """Ask an institution of the municipality for information about the case's pupil (on a case in
    sight: the loader asks CASE_VIEW, @requires the policy's case rule for INFO_REQUEST)."""
    actor = current_actor()
    form = AskForm()
    form.offer(selectors.askable_institutions(actor))
    if form.validate_on_submit():
        try:
            info = services.ask(actor=actor, case=case, institution_id=form.institution_id.data,
                                question=form.question.data, purpose=form.purpose.data, due_on=form.due_on.data)
        except services.InfoRequestError as exc:
            _attach(form, exc)
        else:
            flash(_("The request for information was sent."), "success")
            return redirect(url_for(".view", info_request_id=info.id))
    return render_template("inforequests/ask.html", form=form, case=case)


@bp.route("/info-requests/")
@requires(Permission.INFO_ANSWER)
def queue():
    """The open requests addressed to one's institution, earliest deadline first."""
    rows = selectors.queue(current_actor())
    if rows:
        audit.record("info_request.list", detail={"shown": [r.id for r in rows]})
    return render_template("inforequests/queue.html", rows=rows, today=local_today())


@bp.route("/info-requests/asked")
@requires(Permission.INFO_REQUEST)
def asked():
    """The requests one's institution asked, with their state."""
    rows = selectors.asked(current_actor())
    if rows:
        audit.record("info_request.list", detail={"asked": True, "shown": [r.id for r in rows]})
    return render_template("inforequests/asked.html", rows=rows, today=local_today())


def _render(info, form=None):
    actor = current_actor()
    return render_template(
        "inforequests/view.html", info=info, case=info.case, today=local_today(),
        question=selectors.text_of(info, "question"), purpose=selectors.text_of(info, "purpose"),
        answer=selectors.text_of(info, "answer"), overdue=selectors.is_overdue(info),
        may_answer=info.institution_id == actor.institution_id, form=form or AnswerForm(formdata=None))


@bp.route("/info-requests/<int:info_request_id>")
@requires(Permission.INFO_ANSWER)
def view(info_request_id: int):
    """A request with its answer (the addressed and the asking institution read it; the read is audited)."""
    info = selectors.readable_request(current_actor(), info_request_id)
    if info is None:
        _refuse(Permission.INFO_ANSWER)
    audit.record_read(info, permission=Permission.INFO_ANSWER)
    return _render(info)


@bp.route("/info-requests/<int:info_request_id>/answer", methods=["POST"])
@requires(Permission.INFO_ANSWER)
def answer(info_request_id: int):
    """The addressed institution answers; answering closes the request."""
    info = selectors.answerable_request(current_actor(), info_request_id)
    if info is None:
        _refuse(Permission.INFO_ANSWER)
    audit.record_read(info, permission=Permission.INFO_ANSWER)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer(actor=current_actor(), info=info, text=form.answer.data)
        except services.InfoRequestError as exc:
            _attach(form, exc)
        else:
            flash(_("The answer was sent to the asking institution."), "success")
            return redirect(url_for(".view", info_request_id=info.id))
    return _render(info, form)
