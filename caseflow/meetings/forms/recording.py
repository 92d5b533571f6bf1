"""Forms of the session record: the attendance sheet, an attendee added on the spot, an agenda item
with its reports, outcome and agreed measures."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from caseflow.cases.services.opening import MAX_TEXT
from caseflow.core.forms import BaseForm
from caseflow.meetings.selectors.recording import KIND_LABELS, OUTCOME_LABELS, PRESENCE_LABELS
from caseflow.meetings.services.recording import ADDABLE_KINDS, RECORDED_PRESENCES, MeasureInput
from caseflow.pupils.forms import _int_or_none, _max_length

#: empty measure rows offered on the item page (more with ?rows=N)
MEASURE_ROWS = 3
MAX_MEASURE_ROWS = 20


def attendance_form(lines, formdata=None):
    """The attendance sheet: presence of every line, and "heard" for invited persons."""
    class AttendanceForm(BaseForm):
        pass

    for line in lines:
        setattr(AttendanceForm, f"presence_{line.key}", RadioField(
            line.label, validate_choice=False, default=line.presence if line.row else "",
            choices=[(str(p), PRESENCE_LABELS[p]) for p in RECORDED_PRESENCES]))
        if line.is_invited_person:
            setattr(AttendanceForm, f"heard_{line.key}", BooleanField(_l("Heard"), default=line.heard))
    return AttendanceForm(formdata=formdata) if formdata is not None else AttendanceForm()


def attendance_marks(form, lines) -> dict[str, tuple[str, bool]]:
    """The sheet's answers by line key: (presence or "", heard)."""
    marks = {}
    for line in lines:
        presence = form[f"presence_{line.key}"].data or ""
        heard = form[f"heard_{line.key}"].data if line.is_invited_person else False
        marks[line.key] = (presence, bool(heard))
    return marks


class AddAttendeeForm(BaseForm):
    """A person who came without an invitation."""

    name = StringField(_l("Name"), validators=[InputRequired(message=_l("Write the person's name.")),
                                               _max_length(200)])
    kind = SelectField(_l("Who the person is"), validate_choice=False,
                       choices=[(str(k), KIND_LABELS[k]) for k in ADDABLE_KINDS])
    heard = BooleanField(_l("Heard by the group"))


class MeasureForm(BaseForm):
    """One agreed measure (a row of the item form; an empty row is skipped)."""

    class Meta:
        csrf = False

    text = TextAreaField(_l("What is to be done"), validators=[Optional(), _max_length(MAX_TEXT)],
                         description=_l("Stored encrypted."))
    institution_id = SelectField(_l("Institution"), coerce=_int_or_none, validate_choice=False)
    assignee_id = SelectField(_l("Person (optional)"), coerce=_int_or_none, validate_choice=False)
    due_on = DateField(_l("Deadline"), validators=[Optional()])
    evaluate_on = DateField(_l("Evaluation of the result (optional)"), validators=[Optional()])
    supervisor_institution_id = SelectField(_l("Supervising institution"), coerce=_int_or_none,
                                            validate_choice=False)

    def is_blank(self) -> bool:
        return not ((self.text.data or "").strip() or self.institution_id.data or self.due_on.data
                    or self.evaluate_on.data or self.assignee_id.data or self.supervisor_institution_id.data)


def item_form(institutions, *, rows: int = MEASURE_ROWS, obj_data: dict | None = None):
    """The item form with a report field per institution and `rows` measure rows."""
    class ItemForm(BaseForm):
        discussion = TextAreaField(_l("What was heard and discussed"), validators=[Optional(), _max_length(MAX_TEXT)],
                                   description=_l("Stored encrypted."))
        outcome = RadioField(_l("Outcome"), validate_choice=False,
                             choices=[(str(k), label) for k, label in OUTCOME_LABELS.items()])
        next_evaluation_on = DateField(
            _l("Next evaluation"), validators=[Optional()],
            description=_l("The case returns to an agenda before this day. Not needed when the item is "
                           "escalated, carried over or closing is recommended."))
        measures = FieldList(FormField(MeasureForm), min_entries=rows, max_entries=MAX_MEASURE_ROWS)

    for institution in institutions:
        setattr(ItemForm, f"report_{institution.id}", TextAreaField(
            institution.name, validators=[Optional(), _max_length(MAX_TEXT)]))
    return ItemForm(data=obj_data) if obj_data is not None else ItemForm()


def item_reports(form, institutions) -> dict[int, str | None]:
    """What each institution reported, by institution id."""
    return {i.id: form[f"report_{i.id}"].data for i in institutions}


def item_measures(form) -> list[MeasureInput]:
    """The filled-in measure rows (empty rows skipped), each keeping its field names' prefix."""
    measures = []
    for entry in form.measures:
        sub = entry.form
        if sub.is_blank():
            continue
        measures.append(MeasureInput(
            prefix=f"{entry.name}-", text=sub.text.data, institution_id=sub.institution_id.data,
            assignee_id=sub.assignee_id.data, due_on=sub.due_on.data, evaluate_on=sub.evaluate_on.data,
            supervisor_institution_id=sub.supervisor_institution_id.data))
    return measures


def offer_measure_choices(form, institutions, people, default_supervisor_label: str) -> None:
    """Fill every measure row's lists: institutions, people (with their institution), supervisors."""
    places = [(i.id, i.name) for i in institutions]
    persons = [(u.id, f"{u.full_name} ({inst.name})") for u, inst in people]
    for entry in form.measures:
        entry.form.institution_id.choices = [("", _l("Choose an institution"))] + places
        entry.form.assignee_id.choices = [("", _l("No one named"))] + persons
        entry.form.supervisor_institution_id.choices = [("", default_supervisor_label)] + places


def find_field(form, name: str):
    """A field by its full name, inside measure rows too (where a service's refusal belongs)."""
    for f in form:
        if f.name == name:
            return f
        if f.type == "FieldList":
            for entry in f:
                for sub in entry:
                    if sub.name == name:
                        return sub
    return None
