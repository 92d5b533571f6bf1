"""Forms: break the glass, review a grant, close an alert."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from caseflow.core.forms import BaseForm
from caseflow.emergency.models import GrantReason, ReviewOutcome
from caseflow.emergency.services import MAX_TEXT, MIN_JUSTIFICATION, TOO_SHORT
from caseflow.pupils.forms import _max_length

REASON_LABELS = {
    GrantReason.LIFE_OR_HEALTH: _l("Risk to the child's life or health"),
    GrantReason.CRIME_IN_PROGRESS: _l("A crime in progress"),
    GrantReason.CHILD_WITHOUT_CARE: _l("A child left without care"),
    GrantReason.OTHER: _l("Other urgent reason"),
}
OUTCOME_LABELS = {
    ReviewOutcome.JUSTIFIED: _l("Justified"),
    ReviewOutcome.NOT_JUSTIFIED: _l("Not justified"),
}


class EmergencyForm(BaseForm):
    """Which case, why, and the second factor again."""

    reference = StringField(
        _l("Case number or the pupil's personal code"),
        validators=[DataRequired(message=_l("Enter the case number or the pupil's personal code."))],
        description=_l("The case number as L-000123, or the pupil's exact personal code. Only cases of "
                       "your municipality can be opened."))
    reason = RadioField(_l("Reason"), validate_choice=False,
                        choices=[(r.value, label) for r, label in REASON_LABELS.items()],
                        validators=[InputRequired(message=_l("Choose the reason for emergency access."))])
    justification = TextAreaField(
        _l("Justification"),
        validators=[DataRequired(message=_l("Write why the case must be opened now.")), _max_length(MAX_TEXT)],
        description=_l("At least %(count)d characters. The data-protection officer reads it when reviewing "
                       "this access. Stored encrypted.", count=MIN_JUSTIFICATION))
    code = PasswordField(_l("Code from your authenticator app"),
                         validators=[DataRequired(message=_l("Enter the code from your authenticator app."))],
                         render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})

    def validate_justification(self, field):
        if len((field.data or "").strip()) < MIN_JUSTIFICATION:
            raise ValidationError(str(TOO_SHORT))


class ReviewForm(BaseForm):
    """The officer's finding about a grant."""

    outcome = RadioField(_l("Finding"), validate_choice=False,
                         choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
                         validators=[InputRequired(message=_l("Choose justified or not justified."))])
    note = TextAreaField(_l("Note"), validators=[DataRequired(message=_l("Write a note on your finding.")),
                                                 _max_length(MAX_TEXT)],
                         description=_l("What you found and what follows. Write about the access, not "
                                        "about the child."))


class AlertReviewForm(BaseForm):
    """The officer's note closing an alert."""

    note = TextAreaField(_l("Note"), validators=[DataRequired(message=_l("Write a note on your finding.")),
                                                 _max_length(MAX_TEXT)])
