"""Forms of the records pages: find a pupil for an export, place a legal hold."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from caseflow.core.forms import BaseForm
from caseflow.records.services.holds import MAX_REASON

_PERSONAL_CODE = re.compile(r"[0-9]{11}")


class SubjectLookupForm(BaseForm):
    """Find one pupil by exact personal code or by the registry's id (sent by POST)."""

    personal_code = StringField(_l("Personal code"), validators=[Optional(), Length(max=20)],
                                description=_l("11 digits, with or without the dash: 010203-12345."),
                                render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"})
    pupil_id = IntegerField(_l("Or the pupil's number in the registry"),
                            validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number above 0."))],
                            render_kw={"inputmode": "numeric"})

    def validate_personal_code(self, field):
        if field.data and not _PERSONAL_CODE.fullmatch("".join(ch for ch in field.data if ch not in " -")):
            raise ValidationError(_l("A personal code has exactly 11 digits."))

    def validate(self, extra_validators=None) -> bool:
        """Valid fields, and at least one of the two filled in."""
        if not super().validate(extra_validators):
            return False
        if not self.personal_code.data and not self.pupil_id.data:
            self.pupil_id.errors = [*self.pupil_id.errors, _l("Enter a personal code or the pupil's number.")]
            return False
        return True


class HoldForm(BaseForm):
    """Place a legal hold on a case."""

    case_number = StringField(_l("Case number"), validators=[DataRequired(), Length(max=20)],
                              description=_l("As on the case page, e.g. L-000123."))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)],
                           description=_l("The proceeding or request the case must be kept for. "
                                          "Do not write about the child."))
