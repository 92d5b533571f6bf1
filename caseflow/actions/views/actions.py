"""An institution's queue of actions, and an action's page: steps, assignment, follow-up log."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.actions.forms.actions import (
    STATUS_LABELS,
    AssignForm,
    CannotForm,
    DoneForm,
    FollowUpForm,
    QueueFilterForm,
    StepForm,
)
from caseflow.actions.models import OPEN_ACTION_STATUSES
from caseflow.actions.selectors import actions as selectors
from caseflow.actions.selectors.people import assignable_users
from caseflow.actions.services import follow_up as follow_ups
from caseflow.actions.services import workflow
from caseflow.actions.views import bp
from caseflow.audit import services as audit
from caseflow.db import local_today


@bp.route("/")
@requires(Permission.ACTION_WORK)
def queue():
    """The actions of the actor's institution by deadline (open ones unless filtered)."""
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    status = form.status.data or "open"
    after = request.args.get("after")
    page = selectors.queue(current_actor(), status=status, after=after,
                           limit=int(current_app.config["PAGE_SIZE"]))
    if page.rows:
        audit.record("action.list", detail={"status": status, "shown": [a.id for a in page.rows]})
    return render_template(
        "actions/queue.html", form=form, page=page, labels=STATUS_LABELS, today=local_today(),
        filtered=status != "open", overdue=selectors.is_overdue,
        next_url=url_for(".queue", status=status, after=page.next_after) if page.next_after else None,
        first_url=url_for(".queue", status=status) if after else None)


def _render(action, *, error: str | None = None, **forms):
    actor = current_actor()
    works = can(actor, Permission.ACTION_WORK, action)
    is_open = action.status in OPEN_ACTION_STATUSES
    assign_form = forms.get("assign_form") or AssignForm(formdata=None, assignee_id=action.assignee_id)
    if works and is_open:
        assign_form.assignee_id.choices = [("", _("Nobody named (the institution)"))] + [
            (u.id, u.full_name) for u in assignable_users(action.institution_id)]
    return render_template(
        "actions/view.html", action=action, labels=STATUS_LABELS, works=works, is_open=is_open,
        overdue=selectors.is_overdue(action), error=error,
        description=selectors.text_of(action, "description"), result=selectors.text_of(action, "result"),
        cannot_reason=selectors.text_of(action, "cannot_reason"), history=selectors.history(action),
        log=selectors.follow_up_log(action), assign_form=assign_form,
        done_form=forms.get("done_form") or DoneForm(formdata=None),
        cannot_form=forms.get("cannot_form") or CannotForm(formdata=None),
        follow_up_form=forms.get("follow_up_form") or FollowUpForm(formdata=None, on=local_today()))


def _attach(form, exc: workflow.ActionError) -> None:
    """Show a service's refusal next to its field."""
    form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]


def _back(action, anchor: str | None = None):
    return redirect(url_for(".view", action_id=action.id, _anchor=anchor))


@bp.route("/<int:action_id>")
@requires(Permission.ACTION_VIEW, load=selectors.load_action)
def view(action, action_id: int):
    """The action: details, status history, follow-up log, and the steps the viewer may take."""
    return _render(action)


#: the steps taken with a button alone
_BUTTON_STEPS = ("accept", "start")


@bp.route("/<int:action_id>/step", methods=["POST"])
@requires(Permission.ACTION_WORK, load=selectors.load_action)
def step(action, action_id: int):
    """Accept the action, or start it."""
    form = StepForm()
    if not form.validate_on_submit() or form.step.data not in _BUTTON_STEPS:
        return _render(action, error=_("Choose what to do with the action."))
    try:
        workflow.take_step(actor=current_actor(), action=action, step=form.step.data)
    except workflow.ActionError as exc:
        return _render(action, error=str(exc.message))
    flash(_("The action was accepted.") if form.step.data == "accept" else _("The action is in progress."),
          "success")
    return _back(action)


def _closing_step(action, form, *, step: str, note_field: str, form_name: str, done_message: str):
    """Finish the action ("done" or "cannot") with the form's note; a refusal of the note stands next
    to its field, any other refusal at the top of the page."""
    if form.validate_on_submit():
        try:
            workflow.take_step(actor=current_actor(), action=action, step=step, note=form[note_field].data)
        except workflow.ActionError as exc:
            if exc.field != note_field:
                return _render(action, error=str(exc.message), **{form_name: form})
            _attach(form, exc)
        else:
            flash(done_message, "success")
            return _back(action)
    return _render(action, **{form_name: form})


@bp.route("/<int:action_id>/done", methods=["POST"])
@requires(Permission.ACTION_WORK, load=selectors.load_action)
def done(action, action_id: int):
    """Mark the action done (with an optional result)."""
    return _closing_step(action, DoneForm(), step="done", note_field="result", form_name="done_form",
                         done_message=_("The action is done."))


@bp.route("/<int:action_id>/cannot", methods=["POST"])
@requires(Permission.ACTION_WORK, load=selectors.load_action)
def cannot(action, action_id: int):
    """Say that the action cannot be done, with the reason."""
    return _closing_step(action, CannotForm(), step="cannot", note_field="reason", form_name="cannot_form",
                         done_message=_("The action was marked as impossible to carry out."))


@bp.route("/<int:action_id>/assign", methods=["POST"])
@requires(Permission.ACTION_WORK, load=selectors.load_action)
def assign(action, action_id: int):
    """Name the person who carries the action out."""
    form = AssignForm()
    if form.validate_on_submit():
        try:
            workflow.assign(actor=current_actor(), action=action, assignee_id=form.assignee_id.data)
        except workflow.ActionError as exc:
            _attach(form, exc)
        else:
            flash(_("The action's assignee was saved."), "success")
            return _back(action)
    return _render(action, assign_form=form)


@bp.route("/<int:action_id>/follow-up", methods=["POST"])
@requires(Permission.ACTION_WORK, load=selectors.load_action)
def follow_up(action, action_id: int):
    """Add an entry to the follow-up log."""
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            follow_ups.log_follow_up(actor=current_actor(), action=action, on=form.on.data, done=form.done.data,
                                     result=form.result.data)
        except workflow.ActionError as exc:
            _attach(form, exc)
        else:
            flash(_("The follow-up entry was added."), "success")
            return _back(action, "follow-up")
    return _render(action, follow_up_form=form)
