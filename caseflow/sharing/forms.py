"""Forms of the coordinator's page of who takes part: add an institution, share across municipalities."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length


class ParticipantForm(BaseForm):
    """An institution and the reason it takes part (the service checks the choice)."""

    institution_id = SelectField(_l("Institution"), coerce=_int_or_none, validate_choice=False,
                                 validators=[InputRequired(message=_l("Choose an institution."))])
    reason = TextAreaField(_l("Why the institution takes part"), validators=[Optional(), _max_length(MAX_TEXT)],
                           description=_l("Optional. Stored encrypted; read only by the coordinators."))

    def offer(self, institutions) -> None:
        """The choices: an empty first entry, then the institutions by name."""
        self.institution_id.choices = [("", _l("Choose an institution"))] + [(i.id, i.name) for i in institutions]


def add_form(**kwargs) -> ParticipantForm:
    """The form adding an institution of the case's municipality."""
    return ParticipantForm(prefix="add", **kwargs)


def share_form(**kwargs) -> ParticipantForm:
    """The form sharing the case with the declared municipality's social service or orphans' court."""
    return ParticipantForm(prefix="share", **kwargs)
