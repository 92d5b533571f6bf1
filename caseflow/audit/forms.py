"""Forms of the audit pages: search the trail, find a pupil by personal code."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from caseflow.audit.selectors import TrailFilters
from caseflow.core.forms import BaseForm

_LATVIAN_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\.?$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PERSONAL_CODE = re.compile(r"[0-9]{11}")


def parse_day(text: str) -> date | None:
    """A date typed as dd.mm.yyyy. (with or without the final dot) or yyyy-mm-dd; None if neither."""
    text = (text or "").strip()
    match = _LATVIAN_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _int_or_none(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DayField(StringField):
    """A date typed as text: dd.mm.yyyy. or ISO; the typed text is shown back unchanged."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            self.data = parse_day(text)
            if self.data is None:
                raise ValueError(_l("Write the date as dd.mm.yyyy., for example 23.11.2026."))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d.%m.%Y.") if self.data else ""


class TrailSearchForm(BaseForm):
    """Filter the audit trail (sent by GET: filters may appear in the address, personal codes never)."""

    class Meta:
        csrf = False

    username = StringField(_l("User name"), validators=[Optional(), Length(max=200)], filters=[_strip],
                           description=_l("All or part of the user name."))
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)], filters=[_strip],
                         description=_l("An action or its beginning, for example pupil. or auth.sign_in"))
    date_from = DayField(_l("From"), description=_l("dd.mm.yyyy."),
                         render_kw={"autocomplete": "off", "size": 12})
    date_to = DayField(_l("To"), description=_l("dd.mm.yyyy. (inclusive)"),
                       render_kw={"autocomplete": "off", "size": 12})
    institution = SelectField(_l("Institution"), coerce=_int_or_none)

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def filters(self) -> TrailFilters:
        """The validated filters."""
        return TrailFilters(username=self.username.data or None, action=self.action.data or None,
                            date_from=self.date_from.data, date_to=self.date_to.data,
                            institution_id=self.institution.data)


class PupilLookupForm(BaseForm):
    """Find a pupil by exact personal code (sent by POST, so the code stays out of addresses and logs)."""

    personal_code = StringField(_l("Personal code"), validators=[DataRequired(), Length(max=20)],
                                description=_l("11 digits, with or without the dash: 010203-12345."),
                                render_kw={"autocomplete": "off", "inputmode": "numeric",
                                           "spellcheck": "false"})

    def validate_personal_code(self, field):
        digits = "".join(ch for ch in field.data or "" if ch not in " -")
        if not _PERSONAL_CODE.fullmatch(digits):
            raise ValidationError(_l("A personal code has exactly 11 digits."))
