"""Administration forms. Field names match the services' keyword arguments and error keys."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from caseflow.access.permissions import ROLE_LABELS
from caseflow.core.forms import BaseForm
from caseflow.people.admin.labels import (
    KIND_LABELS,
    LEVEL_LABELS,
    LOCALE_LABELS,
    MEASURES_LABELS,
    MEMBER_KIND_LABELS,
    OWNERSHIP_LABELS,
)
from caseflow.people.settings import BOOL, CHOICE, INT, SETTINGS

BLANK = _l("— none —")
ALL = _l("All")


def int_or_none(value):
    """Coerce a select's value to int; the empty option means None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def options(labels: dict, *, blank=None) -> list[SelectChoice]:
    """Select options from a value → label mapping, with an optional empty first option."""
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(str(value), text) for value, text in labels.items()]


def object_options(rows, *, blank=None, label=str, group=None) -> list[SelectChoice]:
    """Select options from model rows (value: id), optionally grouped (optgroup) by a label."""
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(str(row.id), label(row), optgroup=group(row) if group else None)
                     for row in rows]


class GetForm(BaseForm):
    """A search or filter form sent with GET: no CSRF token, values from the query string."""

    class Meta:
        csrf = False


# --- municipalities -----------------------------------------------------------------------------

class MunicipalityForm(BaseForm):
    name = StringField(_p("entity", "Name"), validators=[DataRequired(), Length(max=120)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("A short stable identifier used in imports, e.g. kraslava."),
                       render_kw={"autocapitalize": "none"})


class MunicipalityPickForm(GetForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int_or_none, validators=[Optional()])


# --- institutions -------------------------------------------------------------------------------

class InstitutionForm(BaseForm):
    name = StringField(_p("entity", "Name"), validators=[DataRequired(), Length(max=200)])
    municipality_id = SelectField(_l("Municipality"), coerce=int_or_none, validators=[InputRequired()],
                                  description=_l("The municipality the institution is located in."))
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS), validators=[InputRequired()])
    ownership = SelectField(_l("Founded by"), choices=options(OWNERSHIP_LABELS),
                            validators=[InputRequired()])
    registration_number = StringField(_l("Registration number"), validators=[Optional(), Length(max=40)],
                                      description=_l("In the register of educational institutions "
                                                     "or the enterprise register."))
    email = StringField(_l("E-mail address"), validators=[Optional(), Email(), Length(max=200)],
                        render_kw={"type": "email"})
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    closed_on = DateField(_l("Closed on"), validators=[Optional()])
    merged_on = DateField(_l("Merged on"), validators=[Optional()])
    merged_into_id = SelectField(_l("Merged into"), coerce=int_or_none, validators=[Optional()],
                                 description=_l("The institution of the same municipality that took "
                                                "this one over."))


class InstitutionFilterForm(GetForm):
    municipality = SelectField(_l("Municipality"), coerce=int_or_none, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS, blank=ALL), validators=[Optional()])


# --- accounts and memberships -------------------------------------------------------------------

class UserSearchForm(GetForm):
    q = StringField(_l("Name or user name"), validators=[Optional(), Length(max=200)],
                    render_kw={"type": "search"})


class UserCreateForm(BaseForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=200)],
                           description=_l("Usually the work e-mail address. Stored in lower case."),
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=200)],
                        description=_l("The invitation link is sent here."), render_kw={"type": "email"})
    locale = SelectField(_l("Language"), choices=options(LOCALE_LABELS), default="lv")


class UserEditForm(BaseForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=200)],
                        render_kw={"type": "email"})
    locale = SelectField(_l("Language"), choices=options(LOCALE_LABELS))
    is_active_account = BooleanField(_l("The account is active"),
                                     description=_l("Deactivating signs the person out everywhere."))


class MembershipForm(BaseForm):
    role = SelectField(_l("Role"), choices=options(ROLE_LABELS, blank=_l("— choose —")),
                       validators=[InputRequired()])
    institution_id = SelectField(_l("Institution"), coerce=int_or_none, validators=[InputRequired()])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=200)],
                        description=_l("As the institution calls it, e.g. bērnu tiesību aizsardzības "
                                       "speciālists."))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()],
                         description=_l("The last day. Leave empty if open-ended."))


class EndMembershipForm(BaseForm):
    valid_to = DateField(_l("Last day"), validators=[InputRequired()], default=date.today)


# --- cooperation groups -------------------------------------------------------------------------

class GroupForm(BaseForm):
    name = StringField(_p("entity", "Name"), validators=[DataRequired(), Length(max=200)])
    municipality_id = SelectField(_l("Founding municipality"), coerce=int_or_none,
                                  validators=[InputRequired()])
    level = SelectField(_l("Level"), choices=options(LEVEL_LABELS), validators=[InputRequired()])
    escalates_to_id = SelectField(_l("Escalates to"), coerce=int_or_none, validators=[Optional()],
                                  description=_l("The group that takes cases this group could not "
                                                 "resolve, e.g. the management group."))
    measures_are = SelectField(_l("The group's measures are"), choices=options(MEASURES_LABELS),
                               default="recommended", validators=[InputRequired()])
    founding_decision_date = DateField(_l("Founding decision date"), validators=[Optional()])
    founding_decision_number = StringField(_l("Founding decision number"),
                                           validators=[Optional(), Length(max=60)])
    is_active = BooleanField(_l("The group is active"), default=True)


class GroupMunicipalityForm(BaseForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int_or_none, validators=[InputRequired()])


class GroupMemberForm(BaseForm):
    institution_id = SelectField(_l("Institution"), coerce=int_or_none, validators=[InputRequired()])
    office = StringField(_l("Office"), validators=[DataRequired(), Length(max=200)],
                         description=_l("The seat's office, e.g. head of the social service."))
    kind = SelectField(_l("Standing"), choices=options(MEMBER_KIND_LABELS), validators=[InputRequired()])
    is_chair = BooleanField(_l("Chairs the group"))
    username = StringField(_l("User name of the person (optional)"), validators=[Optional(), Length(max=200)],
                           description=_l("Only if the seat is held by a named person with a caseflow "
                                          "account at the institution."),
                           render_kw={"autocapitalize": "none"})
    term_from = DateField(_l("Term from"), validators=[Optional()])
    term_to = DateField(_l("Term until"), validators=[Optional()])


# --- settings and semesters ---------------------------------------------------------------------

class SemesterForm(BaseForm):
    school_year = StringField(_l("School year"), validators=[DataRequired(), Length(max=9)],
                              description=_l("For example 2025/2026."))
    number = SelectField(_l("Semester"), coerce=int_or_none, validators=[InputRequired()],
                         choices=[SelectChoice("1", _l("1st semester")), SelectChoice("2", _l("2nd semester"))])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])


def settings_form_class() -> type[BaseForm]:
    """A form with one field per registered municipal setting, built from the registry."""
    fields = {}
    for setting in SETTINGS:
        if setting.type == INT:
            render = {k: v for k, v in (("min", setting.minimum), ("max", setting.maximum)) if v is not None}
            fields[setting.key] = IntegerField(setting.label, description=setting.help,
                                               validators=[InputRequired()], render_kw=render)
        elif setting.type == BOOL:
            fields[setting.key] = BooleanField(setting.label, description=setting.help)
        elif setting.type == CHOICE:
            fields[setting.key] = SelectField(setting.label, description=setting.help,
                                              choices=[SelectChoice(v, t) for v, t in setting.choices])
        else:
            fields[setting.key] = StringField(setting.label, description=setting.help,
                                              validators=[Length(max=setting.max_length)])
    return type("SettingsForm", (BaseForm,), fields)
