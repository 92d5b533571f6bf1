"""Pupil registry forms: search, add a pupil, edit details, add and end an enrolment."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from caseflow.core.forms import BaseForm
from caseflow.core.i18n import format_date_lv
from caseflow.db import local_today
from caseflow.pupils.personal_code import PersonalCode, PersonalCodeError, parse

#: letters (any script), digits, dot, hyphen, space: "7.b", "12.a", "PII-2", "5. apvienotā"
CLASS_NAME = re.compile(r"^[\w.\- ]+$")


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _int_or_none(value) -> int | None:
    """Coerce a select's value: empty means none; anything else must be a whole number."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _max_length(limit: int):
    """Like WTForms' Length(max=…), whose plural message caseflow's catalogue cannot format yet."""
    def check(form, field):
        if field.data and len(field.data) > limit:
            raise ValidationError(gettext("Write at most %(max)d characters.", max=limit))
    check.field_flags = {"maxlength": limit}
    return check


def _not_in_future(message):
    def check(form, field):
        if field.data and field.data > local_today():
            raise ValidationError(message)
    return check


class SearchForm(BaseForm):
    """Filter the pupil list (GET: names and classes may appear in the address, codes never)."""

    class Meta:
        csrf = False

    name = StringField(_l("Name"), validators=[Optional(), _max_length(100)], filters=[_strip],
                       description=_l("The beginning of a first or last name."))
    class_name = StringField(_l("Class"), validators=[Optional(), _max_length(20)], filters=[_strip],
                             description=_l("For example 7.b"))
    school = SelectField(_l("School"), coerce=_int_or_none, validate_choice=False)

    def validate_school(self, field):
        if field.data is not None and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a school from the list."))


class CodeSearchForm(BaseForm):
    """Find a pupil by exact personal code (sent by POST so that the code stays out of addresses)."""

    code = StringField(_l("Personal code"), validators=[DataRequired(), _max_length(20)],
                       render_kw={"autocomplete": "off", "inputmode": "numeric"})
    parsed: PersonalCode | None = None

    def validate_code(self, field):
        try:
            self.parsed = parse(field.data)
        except PersonalCodeError as exc:
            raise ValidationError(str(exc)) from None


class PupilDetailsForm(BaseForm):
    """Names, birth date, personal code and declared municipality."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), _max_length(100)],
                             filters=[_strip], render_kw={"autocomplete": "off"})
    last_name = StringField(_l("Last name"), validators=[DataRequired(), _max_length(100)],
                            filters=[_strip], render_kw={"autocomplete": "off"})
    birth_date = DateField(_l("Birth date"), validators=[
        InputRequired(), _not_in_future(_l("The birth date cannot be in the future."))])
    personal_code = StringField(
        _l("Personal code"), validators=[DataRequired(), _max_length(20)],
        description=_l("11 digits, e.g. 010203-12345. For a code with a birth date, the birth date "
                       "above must match it."),
        render_kw={"autocomplete": "off", "inputmode": "numeric"})
    declared_municipality_id = SelectField(
        _l("Declared municipality"), coerce=_int_or_none, validate_choice=False,
        description=_l("Where the pupil's place of residence is declared."))

    parsed_code: PersonalCode | None = None

    def validate_personal_code(self, field):
        try:
            self.parsed_code = parse(field.data)
        except PersonalCodeError as exc:
            raise ValidationError(str(exc)) from None

    def validate_declared_municipality_id(self, field):
        if field.data is not None and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a municipality from the list."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        born, code = self.birth_date.data, self.parsed_code
        if ok and code is not None and code.birth_date is not None and born != code.birth_date:
            self.birth_date.errors.append(gettext(
                "The birth date must match the date in the personal code (%(date)s).",
                date=format_date_lv(code.birth_date)))
            ok = False
        return ok

    def details(self) -> dict:
        """The fields as the services take them."""
        return {"first_name": self.first_name.data, "last_name": self.last_name.data,
                "birth_date": self.birth_date.data, "personal_code": self.personal_code.data,
                "declared_municipality_id": self.declared_municipality_id.data}


class EnrolmentFields:
    """School, class and start date (with a form prefix, so they can share a page)."""

    school_id = SelectField(_l("School"), coerce=_int_or_none, validate_choice=False,
                            validators=[InputRequired(message=_l("Choose a school."))])
    class_name = StringField(_l("Class"), validators=[DataRequired(), _max_length(20)], filters=[_strip],
                             description=_l("As the school writes it, e.g. 7.b"))
    start_date = DateField(_l("Enrolled from"), validators=[InputRequired()])

    #: the school's name when the actor may enrol only at their own school (then not a choice)
    fixed_school: str | None = None

    def fix_school(self, school_id: int, name: str) -> None:
        """Enrol at this school whatever was sent (school staff enrol at their own school only)."""
        self.school_id.validators = ()
        self.school_id.process_errors = []
        self.school_id.data = school_id
        self.fixed_school = name

    def validate_class_name(self, field):
        if field.data and not CLASS_NAME.match(field.data):
            raise ValidationError(_l("Use letters, digits, dots and dashes only, e.g. 7.b"))

    def enrolment(self) -> dict:
        """The fields as the services take them."""
        return {"school_id": self.school_id.data, "class_name": self.class_name.data,
                "start_date": self.start_date.data}


class PupilCreateForm(PupilDetailsForm, EnrolmentFields):
    """Add a pupil with their current enrolment."""

    def validate_start_date(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("Add the pupil once the enrolment has begun; the date cannot be "
                                     "in the future."))
        if field.data and self.birth_date.data and field.data < self.birth_date.data:
            raise ValidationError(_l("The enrolment cannot begin before the birth date."))


class EnrolmentAddForm(EnrolmentFields, BaseForm):
    """Add an enrolment to an existing pupil."""


class EnrolmentEndForm(BaseForm):
    """End an enrolment on a date not before it began."""

    end_date = DateField(_l("Enrolled until"), validators=[InputRequired()])

    def __init__(self, *args, start_date: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start = start_date

    def validate_end_date(self, field):
        if field.data and self.start and field.data < self.start:
            raise ValidationError(gettext("The end date cannot be before the enrolment began (%(date)s).",
                                          date=format_date_lv(self.start)))
