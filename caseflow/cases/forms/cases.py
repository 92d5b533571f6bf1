"""Forms of the case itself: open or edit (categories, how noticed, summary, risk factors, lead)
and the work-list filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from caseflow.cases.models import CaseStatus
from caseflow.cases.selectors.cases import Filters
from caseflow.cases.services.opening import MAX_TEXT, CaseDetails
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _int_or_none, _max_length, _strip


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (rendered inside a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Unknown choices are reported by the service, in words, next to the field."""


class CaseForm(BaseForm):
    """What a case is about. Risk factors of "other" items get a description field each."""

    categories = CheckboxesField(_l("Categories"), coerce=int,
                                 description=_l("What the case is about; choose all that apply."))
    noticed_via = CheckboxesField(_l("How the risk was noticed"), coerce=int)
    summary = TextAreaField(_l("Summary"), validators=[Optional(), _max_length(MAX_TEXT)],
                            description=_l("What is happening, in a few sentences. Stored encrypted."))
    concerns_family = BooleanField(_l("The case concerns the whole family"))
    lead_user_id = SelectField(_l("Lead at the school"), coerce=_int_or_none, validate_choice=False)
    risks = CheckboxesField(_l("Risk factors"), coerce=int)
    #: risk items the case already has: shown even when the taxonomy has retired them
    items_in_use: frozenset[int] = frozenset()

    def offer(self, *, categories, noticed, groups, leads) -> None:
        """Fill the choices from the municipality's lists."""
        self.categories.choices = [(e.id, e.label) for e in categories]
        self.noticed_via.choices = [(e.id, e.label) for e in noticed]
        self.risks.choices = [(i.id, i.label) for g in groups for i in g.items]
        self.lead_user_id.choices = [("", _l("Nobody yet"))] + leads
        self.groups = groups

    def other_field(self, item_id: int):
        """The description field of an "other" risk item."""
        return self[f"risk_other_{item_id}"]

    def details(self) -> CaseDetails:
        """The service's input."""
        risks = {}
        for item_id in self.risks.data or []:
            name = f"risk_other_{item_id}"
            risks[item_id] = (self[name].data or "").strip() or None if name in self else None
        return CaseDetails(category_ids=tuple(self.categories.data or ()),
                           noticed_ids=tuple(self.noticed_via.data or ()),
                           summary=self.summary.data or "", concerns_family=bool(self.concerns_family.data),
                           lead_user_id=self.lead_user_id.data, risks=risks)


def case_form(groups, **kwargs) -> CaseForm:
    """A CaseForm with a description field for each "other" risk item of the taxonomy."""
    fields = {f"risk_other_{item.id}": TextAreaField(
        _l("Describe: %(group)s — other", group=group.label),
        validators=[Optional(), _max_length(MAX_TEXT)], filters=[_strip])
        for group in groups for item in group.items if item.is_other}
    form_class = type("CaseFormWithRisks", (CaseForm,), fields)
    return form_class(**kwargs)


STATUS_CHOICES = [("", _l("All")), ("active", _l("Open or referred")), (CaseStatus.OPEN, _l("Open")),
                  (CaseStatus.REFERRED, _l("Referred")), (CaseStatus.CLOSED, _l("Closed"))]
SORT_CHOICES = [("updated", _l("Last change")), ("opened", _l("Opening date")), ("name", _l("Pupil's name"))]
#: the work list's filters as they appear in its address (and in its downloads' addresses)
FILTER_ARGS = ("status", "category", "risk_group", "class_name", "semester", "urgent", "search", "sort")


def given_filters(args) -> dict[str, str]:
    """The work-list filters a request's arguments carry, for links that keep them."""
    return {k: args[k] for k in FILTER_ARGS if args.get(k)}


class FilterForm(BaseForm):
    """Narrow a work list (GET: no personal data in the address except a name's beginning)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="active")
    category = SelectField(_l("Category"), coerce=_int_or_none, validate_choice=False)
    risk_group = SelectField(_l("Risk group"), coerce=_int_or_none, validate_choice=False)
    class_name = StringField(_l("Class"), validators=[Optional(), _max_length(20)], filters=[_strip])
    semester = SelectField(_l("Semester"), coerce=_int_or_none, validate_choice=False,
                           description=_l("Cases open at any time during the semester."))
    urgent = BooleanField(_l("Urgent only"))
    search = StringField(_l("Pupil's name"), validators=[Optional(), _max_length(100)], filters=[_strip])
    sort = SelectField(_l("Sort by"), choices=SORT_CHOICES, default="updated")

    def offer(self, choices: dict) -> None:
        """Fill the choices of the municipality's lists."""
        self.category.choices = [("", lazy_pgettext("categories (feminine in Latvian)", "All"))] + choices["categories"]
        self.risk_group.choices = [("", lazy_pgettext("risk groups (feminine in Latvian)", "All"))] + choices["risk_groups"]
        self.semester.choices = [("", _l("Any"))] + choices["semesters"]

    def filters(self, view: str) -> Filters:
        """The selector's narrowing of the work list `view` (once the form has validated)."""
        return Filters(
            view=view, status=self.status.data or "", category_id=self.category.data,
            risk_group_id=self.risk_group.data, class_name=self.class_name.data or "",
            semester_id=self.semester.data, urgent=bool(self.urgent.data), search=self.search.data or "",
            sort=self.sort.data or "updated")
