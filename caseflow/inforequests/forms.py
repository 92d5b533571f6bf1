"""Forms: ask an institution for information, and answer a request."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length


class AskForm(BaseForm):
    """Whom to ask, what, why and by when (the service checks the choice and the deadline)."""

    institution_id = SelectField(_l("Institution asked"), coerce=_int_or_none, validate_choice=False,
                                 validators=[InputRequired(message=_l("Choose an institution."))])
    question = TextAreaField(_l("What information is asked for"), validators=[
        InputRequired(message=_l("Write what information you ask for.")), _max_length(MAX_TEXT)],
        description=_l("Stored encrypted. The institution asked reads it."))
    purpose = TextAreaField(_l("Why the information is needed"), validators=[
        InputRequired(message=_l("Write why you need the information.")), _max_length(MAX_TEXT)],
        description=_l("Stored encrypted. The institution asked reads it."))
    due_on = DateField(_l("Answer by"), validators=[
        InputRequired(message=_l("Enter the date by which the answer is needed."))],
        description=_l("Not in the past, and at most 90 days ahead."))

    def offer(self, institutions) -> None:
        """The choices: an empty first entry, then the institutions by name."""
        self.institution_id.choices = [("", _l("Choose an institution"))] + [(i.id, i.name) for i in institutions]


class AnswerForm(BaseForm):
    """The answer, written inside caseflow."""

    answer = TextAreaField(_l("Answer"), validators=[
        InputRequired(message=_l("Write the answer.")), _max_length(MAX_TEXT)],
        description=_l("Stored encrypted. The asking institution reads it; answering closes the request."))
