"""Forms of actions: the queue's and the board's filters, the steps, assignment and follow-up."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from caseflow.actions.models import ActionStatus
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length

#: how an action's status reads
STATUS_LABELS = {
    ActionStatus.NEW: _l("New"),
    ActionStatus.ACCEPTED: _l("Accepted"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.CANNOT: _l("Cannot be done"),
}
_STATUS_CHOICES = [("open", _l("Open (new, accepted, in progress)"))] + [
    (str(s), label) for s, label in STATUS_LABELS.items()] + [("all", _l("All"))]


def _known_status(form, field):
    if field.data not in {value for value, _label in _STATUS_CHOICES}:
        field.data = "open"


class QueueFilterForm(BaseForm):
    """Narrow the queue to a status (GET)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=_STATUS_CHOICES, default="open", validate_choice=False,
                         validators=[_known_status])


class BoardFilterForm(BaseForm):
    """Narrow the board to a group, an institution and a status (GET)."""

    class Meta:
        csrf = False

    group_id = SelectField(_l("Group"), coerce=_int_or_none, validate_choice=False)
    institution_id = SelectField(_l("Institution"), coerce=_int_or_none, validate_choice=False)
    status = SelectField(_l("Status"), choices=_STATUS_CHOICES, default="open", validate_choice=False,
                         validators=[_known_status])

    def narrowed(self) -> tuple[int | None, int | None, str]:
        """The chosen group and institution (only ones offered) and status."""
        def offered(field):
            try:
                value = _int_or_none(field.raw_data[0]) if field.raw_data else None
            except ValueError:
                return None
            return value if value in {v for v, _label in field.choices} else None
        return offered(self.group_id), offered(self.institution_id), self.status.data or "open"


class StepForm(BaseForm):
    """Accept or start an action (a button)."""

    step = HiddenField(validators=[InputRequired()])


class DoneForm(BaseForm):
    """Mark an action done, with an optional note of the result."""

    result = TextAreaField(_l("Result"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Optional: what came of it. Stored encrypted."))


class CannotForm(BaseForm):
    """Say that an action cannot be done, and why."""

    reason = TextAreaField(_l("Why the action cannot be done"),
                           validators=[InputRequired(message=_l("Write why the action cannot be done.")),
                                       _max_length(MAX_TEXT)],
                           description=_l("The chair and the supervising institution read it. Stored encrypted."))


class AssignForm(BaseForm):
    """Name the person of the institution who carries the action out."""

    assignee_id = SelectField(_l("Carried out by"), coerce=_int_or_none, validate_choice=False)


class FollowUpForm(BaseForm):
    """A follow-up log entry."""

    on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date on which it was done."))],
                   description=_l("Not in the future, and not before the action was agreed."))
    done = TextAreaField(_l("What was done"), validators=[
        InputRequired(message=_l("Write what was done.")), _max_length(MAX_TEXT)],
        description=_l("Stored encrypted. Entries cannot be changed later; a correction is a new entry."))
    result = TextAreaField(_l("Result"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Optional. Stored encrypted."))
