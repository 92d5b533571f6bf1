"""Closing forms: close a case with an outcome (and a dropout reason), reopen it with a reason."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from caseflow.cases.services.closing import Closing
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length


class CloseForm(BaseForm):
    """Outcome, whether the pupil left school (then why), closing date and a remark."""

    outcome_id = SelectField(_l("Outcome"), coerce=_int_or_none, validate_choice=False,
                             validators=[InputRequired(message=_l("Choose an outcome from the list."))])
    left_school = RadioField(_l("Did the pupil leave school?"), validate_choice=False,
                             choices=[("yes", _l("Yes, the pupil left school")), ("no", _l("No"))],
                             validators=[InputRequired(message=_l("Say whether the pupil left school."))])
    dropout_reason_id = SelectField(_l("Dropout reason"), coerce=_int_or_none, validate_choice=False,
                                    description=_l("Only when the pupil left school."))
    closed_on = DateField(_l("Closing date"), validators=[InputRequired(message=_l("Enter the closing date."))],
                          description=_l("Not in the future, and not before the case was opened."))
    remark = TextAreaField(_l("Remark"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Optional. Shown with the closing on the case page. Stored encrypted."))

    def closing(self) -> Closing:
        """The service's input."""
        left = {"yes": True, "no": False}.get(self.left_school.data)
        return Closing(outcome_id=self.outcome_id.data, left_school=left,
                       dropout_reason_id=self.dropout_reason_id.data, closed_on=self.closed_on.data,
                       remark=self.remark.data)


class ReopenForm(BaseForm):
    """Why the case is reopened."""

    reason = TextAreaField(_l("Why the case is reopened"),
                           validators=[DataRequired(message=_l("Write why the case is reopened.")),
                                       _max_length(MAX_TEXT)],
                           description=_l("Stored encrypted."))
