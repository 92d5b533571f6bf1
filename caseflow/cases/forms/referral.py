"""Referral forms: refer a case to the cooperation group, the coordinator's decision, the list filter."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from caseflow.cases.models import ReferralStatus
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length

#: how a referral's status reads
STATUS_LABELS = {
    ReferralStatus.SUBMITTED: _l("Submitted, waiting for the coordinator"),
    ReferralStatus.ACCEPTED: _l("Accepted by the coordinator"),
    ReferralStatus.RETURNED: _l("Returned to the school"),
}


class ReferForm(BaseForm):
    """What the school tried, what it asks for, urgency and the group."""

    tried = TextAreaField(
        _l("What the school tried, and with what result"),
        validators=[DataRequired(message=_l("Write what the school tried and with what result.")),
                    _max_length(MAX_TEXT)],
        description=_l("The school's own measures and support plans, and what came of them. Stored "
                       "encrypted."))
    request = TextAreaField(_l("What the school asks the group for"),
                            validators=[Optional(), _max_length(MAX_TEXT)],
                            description=_l("Optional. Stored encrypted."))
    urgent = BooleanField(_l("Urgent: the group should meet at once"))
    group_id = SelectField(_l("Cooperation group"), coerce=_int_or_none, validate_choice=False,
                           validators=[InputRequired(message=_l("Choose a cooperation group."))])


class DecisionForm(BaseForm):
    """The coordinator accepts a referral or returns it with a reason."""

    decision = RadioField(_l("Decision"), validate_choice=False,
                          choices=[("accept", _l("Accept: the case goes onto a session's agenda")),
                                   ("return", _l("Return to the school with a reason"))],
                          validators=[InputRequired(message=_l("Choose accept or return."))])
    reason = TextAreaField(_l("Why the referral is returned"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Only when returning. The school reads it. Stored encrypted."))

    def validate_decision(self, field):
        if field.data not in ("accept", "return"):
            raise ValidationError(_l("Choose accept or return."))


class ReferralFilterForm(BaseForm):
    """Narrow the coordinator's list to one status (GET)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False,
                         choices=[("", _l("All"))] + [(str(s), label) for s, label in STATUS_LABELS.items()])

    def validate_status(self, field):
        if field.data and field.data not in {str(s) for s in STATUS_LABELS}:
            field.data = ""
