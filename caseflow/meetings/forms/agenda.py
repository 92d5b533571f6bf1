"""Agenda forms: add proposed items, add a policy item, move an item."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import Optional

from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _max_length


class ProposalsForm(BaseForm):
    """The proposed items the chair adds (checkboxes drawn in the proposals table)."""

    proposals = SelectMultipleField(_l("Proposed items"), validate_choice=False, choices=[])


class PolicyItemForm(BaseForm):
    """A policy item: a title, about no child."""

    title = StringField(_l("Title of the policy item"), validators=[Optional(), _max_length(300)],
                        description=_l("A matter of the group's work, not about one child."))


class MoveForm(BaseForm):
    """Move an item up or down."""

    direction = HiddenField()
