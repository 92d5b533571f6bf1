"""Forms of the people on a case: a party (parent, legal representative …) with contact details,
"the case concerns the whole family", and a colleague for the case team."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from caseflow.cases.models import PartyKind
from caseflow.cases.services.people import MAX_ADDRESS, MAX_NAME, MAX_PHONE, MAX_TASK, PartyDetails
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length, _strip

PARTY_KIND_LABELS = {
    PartyKind.MOTHER: _l("Mother"),
    PartyKind.FATHER: _l("Father"),
    PartyKind.GUARDIAN: _l("Guardian"),
    PartyKind.FOSTER_PARENT: _l("Foster parent"),
    PartyKind.RELATIVE: _l("Relative"),
    PartyKind.OTHER: _l("Other"),
}


class PartyForm(BaseForm):
    """A person the case concerns; phone, e-mail and address are stored encrypted."""

    kind = SelectField(_l("Relation to the pupil"), validate_choice=False,
                       choices=[(str(k), label) for k, label in PARTY_KIND_LABELS.items()])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), _max_length(MAX_NAME)],
                            filters=[_strip], render_kw={"autocomplete": "off"})
    is_legal_representative = BooleanField(_l("Legal representative of the pupil"))
    phone = StringField(_l("Phone"), validators=[Optional(), _max_length(MAX_PHONE)], filters=[_strip],
                        description=_l("For example +371 20000000"),
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    email = StringField(_l("E-mail"), validators=[Optional(), _max_length(MAX_NAME)], filters=[_strip],
                        render_kw={"autocomplete": "off", "inputmode": "email"})
    address = TextAreaField(_l("Address"), validators=[Optional(), _max_length(MAX_ADDRESS)],
                            render_kw={"rows": 2, "autocomplete": "off"})

    def validate_kind(self, field):
        if field.data not in set(PartyKind):
            raise ValidationError(_l("Choose from the list."))

    def details(self) -> PartyDetails:
        """The fields as the services take them."""
        return PartyDetails(kind=self.kind.data, full_name=self.full_name.data or "",
                            is_legal_representative=bool(self.is_legal_representative.data),
                            phone=self.phone.data or "", email=self.email.data or "",
                            address=(self.address.data or "").strip())


class FamilyForm(BaseForm):
    """Whether the case concerns the whole family, not only the pupil."""

    concerns_family = BooleanField(_l("The case concerns the whole family"))


class TeamMemberForm(BaseForm):
    """A colleague of the school's support team, and what they do on the case."""

    user_id = SelectField(_l("Colleague"), coerce=_int_or_none, validate_choice=False,
                          validators=[InputRequired(message=_l("Choose a colleague."))])
    task = StringField(_l("Task on the case"), validators=[Optional(), _max_length(MAX_TASK)],
                       filters=[_strip], description=_l("Optional, e.g. psychologist"))

    def offer(self, candidates: list[tuple[int, str]]) -> None:
        """Offer the colleagues who may join the team."""
        self.user_id.choices = [("", _l("Choose a colleague"))] + candidates
