"""Concern forms: choose a class, report (school staff or another institution), the inbox filter,
and the steps on a concern (add to a case, no action, forward to a school)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from caseflow.concerns.models import ConcernStatus
from caseflow.concerns.services import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length

#: what the reporter and the inbox read as a concern's status
STATUS_LABELS = {
    ConcernStatus.NEW: _l("New"),
    ConcernStatus.CASE_OPENED: _l("A case was opened"),
    ConcernStatus.ADDED_TO_CASE: _l("Added to an open case"),
    ConcernStatus.FORWARDED: _l("Forwarded to a school"),
    ConcernStatus.NO_ACTION: _l("No action taken"),
}
#: the statuses an inbox can be narrowed to (forwarding leaves a report new, in the school's inbox)
INBOX_STATUSES = (ConcernStatus.NEW, ConcernStatus.CASE_OPENED, ConcernStatus.ADDED_TO_CASE,
                  ConcernStatus.NO_ACTION)


def _noticed_field():
    return TextAreaField(_l("What was noticed"),
                         validators=[DataRequired(message=_l("Write what you noticed.")), _max_length(MAX_TEXT)],
                         description=_l("What you saw or heard, and how often. Stored encrypted."))


def _since_field():
    return DateField(_l("Noticed since"), validators=[Optional()],
                     description=_l("Leave empty if you do not know. The date cannot be in the future."))


class ClassForm(BaseForm):
    """The first step of choosing a pupil: their class (GET, so no token)."""

    class Meta:
        csrf = False

    class_name = SelectField(_l("Class"), validate_choice=False,
                             validators=[DataRequired(message=_l("Choose a class."))])

    def validate_class_name(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a class from the list."))


class SchoolConcernForm(BaseForm):
    """School staff: the pupil (of the class chosen before), what was noticed and since when."""

    pupil_id = SelectField(_l("Pupil"), coerce=_int_or_none, validate_choice=False,
                           validators=[DataRequired(message=_l("Choose a pupil."))])
    noticed = _noticed_field()
    noticed_since = _since_field()


class OutsideConcernForm(BaseForm):
    """Another institution: who the child is (free text), what was noticed and since when."""

    pupil_described = TextAreaField(
        _l("Who the child is"),
        validators=[DataRequired(message=_l("Write who the child is: name, birth date or class and "
                                            "school.")), _max_length(MAX_TEXT)],
        description=_l("The child's name, birth date, or class and school, as far as you know them. "
                       "Stored encrypted."))
    noticed = _noticed_field()
    noticed_since = _since_field()


class InboxFilterForm(BaseForm):
    """Narrow an inbox to one status (GET)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False,
                         choices=[("", _l("All"))] + [(str(s), STATUS_LABELS[s]) for s in INBOX_STATUSES])

    def validate_status(self, field):
        if field.data and field.data not in {str(s) for s in INBOX_STATUSES}:
            field.data = ""


class AddToCaseForm(BaseForm):
    """Add the concern to the pupil's open case (the pupil chosen on the page, when not yet known)."""

    pupil_id = HiddenField(filters=[lambda value: int(value) if str(value or "").isdigit() else None])


class NoActionForm(BaseForm):
    """Close the concern without a case, saying why."""

    reason = TextAreaField(_l("Why no action is taken"),
                           validators=[DataRequired(message=_l("Write why no action is taken.")),
                                       _max_length(MAX_TEXT)],
                           description=_l("The reporter sees only that no action was taken. Stored "
                                          "encrypted."))


class ForwardForm(BaseForm):
    """The coordinator forwards an outside report to a school."""

    school_id = SelectField(_l("School"), coerce=_int_or_none, validate_choice=False,
                            validators=[DataRequired(message=_l("Choose a school."))])
    remark = TextAreaField(_l("Remark to the school"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Optional. Stored encrypted."))
