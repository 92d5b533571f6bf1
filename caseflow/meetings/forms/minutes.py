"""Forms of the minutes: the general text, approval, an addendum."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Optional

from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _max_length


class MinutesTextForm(BaseForm):
    """The minutes' general part: opening, matters not about one child, closing."""

    text = TextAreaField(_l("General part of the minutes"), validators=[Optional(), _max_length(MAX_TEXT)],
                         description=_l("Opening, matters that concern no single child, closing. Write nothing "
                                        "about a child here: that belongs to its agenda item. Stored encrypted."))


class ApproveForm(BaseForm):
    """Approve the minutes (a button; the form carries the CSRF token)."""


class AddendumForm(BaseForm):
    """A correction to approved minutes."""

    text = TextAreaField(_l("Correction"), validators=[InputRequired(message=_l("Write the correction.")),
                                                       _max_length(MAX_TEXT)],
                         description=_l("Shown below the approved minutes, which stay as approved. Stored "
                                        "encrypted."))
