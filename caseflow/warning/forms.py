"""The dismissal form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from caseflow.core.forms import BaseForm


class DismissForm(BaseForm):
    """Why the school needs no case for the pupil's signals."""

    reason = TextAreaField(_l("Why no case is needed"), validators=[DataRequired()],
                           description=_l("For example: the absences are excused by a doctor's note that came "
                                          "late. Stored encrypted; the coordinator sees that signals were "
                                          "dismissed, not why."))
