"""Support plan forms: a new plan, its goals, a measure, delivered hours, the evaluation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from caseflow.core.forms import BaseForm, DecimalCommaField
from caseflow.core.i18n import format_date_lv
from caseflow.plans.models import DeliveryMode, LearningDynamics
from caseflow.plans.services import Evaluation, MeasureInput, PlanInput

SEMESTER, WHEN_NEEDED = "semester", "when_needed"

DYNAMICS_LABELS = {
    LearningDynamics.IMPROVED: _l("Improved"),
    LearningDynamics.UNCHANGED: _l("Unchanged"),
    LearningDynamics.DECLINED: _l("Declined"),
}
MODE_LABELS = {
    DeliveryMode.IN_PERSON: _l("In person"),
    DeliveryMode.REMOTE: _l("Remote"),
}
KIND_LABELS = {
    SEMESTER: _l("For a semester"),
    WHEN_NEEDED: _l("When needed, with its own dates"),
}


def _int_or_none(value) -> int | None:
    """Coerce a select's value: empty means none; anything else must be a whole number."""
    if value in (None, "", "None"):
        return None
    return int(value)


class IdSelectField(SelectField):
    """A choice of a row by id; the empty option means none (the services check the id itself)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=_int_or_none, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = _int_or_none(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(_l("Choose an option from the list.")) from None


class HoursField(DecimalCommaField):
    """A number of hours; a decimal comma (1,5) is accepted as well as a point (1.5)."""

    message = _l("Enter the hours as a number, e.g. 1.5")


class PlanForm(BaseForm):
    """A new plan: for a semester, or when needed with its own dates; and its goals."""

    kind = RadioField(_l("The plan is written"),
                      validators=[InputRequired(message=_l("Choose how the plan is written."))])
    semester_id = IdSelectField(_l("Semester"),
                              description=_l("For a plan written for a semester."))
    starts_on = DateField(_l("Begins on"), validators=[Optional()],
                          description=_l("For a plan when needed."))
    ends_on = DateField(_l("Ends on"), validators=[Optional()],
                        description=_l("For a plan when needed; at most a year after it begins."))
    goals = TextAreaField(_l("Goals"), validators=[InputRequired(message=_l("Write the plan's goals."))],
                          description=_l("What the support should achieve this period."),
                          render_kw={"rows": 6})

    def offer(self, semesters, *, semester_first: bool) -> None:
        """The semesters to choose from, and the kind of plan offered first."""
        kinds = [SEMESTER, WHEN_NEEDED] if semester_first else [WHEN_NEEDED, SEMESTER]
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in kinds]
        self.semester_id.choices = [SelectChoice("", _l("Choose a semester"))] + [
            SelectChoice(str(s.id), _l("%(year)s, semester %(number)s (%(start)s – %(end)s)", year=s.school_year,
                      number=s.number, start=format_date_lv(s.starts_on),
                      end=format_date_lv(s.ends_on))) for s in semesters]

    def details(self) -> PlanInput:
        """The fields as the services take them."""
        return PlanInput(when_needed=self.kind.data == WHEN_NEEDED, semester_id=self.semester_id.data,
                         starts_on=self.starts_on.data, ends_on=self.ends_on.data, goals=self.goals.data or "")


class GoalsForm(BaseForm):
    """The goals of a plan."""

    goals = TextAreaField(_l("Goals"), validators=[InputRequired(message=_l("Write the plan's goals."))],
                          render_kw={"rows": 8})


class MeasureForm(BaseForm):
    """A measure: type, subject (subject consultations), deliverer, planned hours, basis."""

    type_id = IdSelectField(_l("Type of support"),
                            validators=[InputRequired(message=_l("Choose a type of support."))])
    subject_id = IdSelectField(_l("Subject"),
                               description=_l("Only for subject consultations."))
    deliverer_id = IdSelectField(_l("Delivered by"),
                                 description=_l("The colleague who delivers the support and logs its hours."))
    planned_hours = HoursField(_l("Planned hours"), validators=[
        InputRequired(message=_l("Enter the number of hours."))],
        description=_l("Hours this semester, more than 0 and at most 200, e.g. 12 or 1.5."))
    basis = TextAreaField(_l("Specialist opinion it rests on"), render_kw={"rows": 3},
                          description=_l("Optional: whose opinion or which assessment recommends it."))

    def offer(self, *, types, subjects, deliverers) -> None:
        """The municipality's types and subjects, and the school's colleagues."""
        self.type_id.choices = [SelectChoice("", _l("Choose a type of support"))] + [
            SelectChoice(str(e.id), e.label) for e in types]
        self.subject_id.choices = [SelectChoice("", _l("No subject"))] + [
            SelectChoice(str(e.id), e.label) for e in subjects]
        self.deliverer_id.choices = [SelectChoice("", _l("Nobody yet"))] + [
            SelectChoice(str(user_id), name) for user_id, name in deliverers]

    def details(self) -> MeasureInput:
        """The fields as the services take them."""
        return MeasureInput(type_id=self.type_id.data, subject_id=self.subject_id.data,
                            deliverer_id=self.deliverer_id.data, planned_hours=self.planned_hours.data,
                            basis=self.basis.data or "")


class HoursForm(BaseForm):
    """Hours of a measure delivered on a day (a prefix per measure keeps ids unique on a page)."""

    on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date the support took place."))])
    hours = HoursField(_l("Hours"), validators=[InputRequired(message=_l("Enter the number of hours."))],
                       description=_l("At most 8 a day, e.g. 1 or 0,75."))
    mode = RadioField(_l("How"), default=DeliveryMode.IN_PERSON.value, validate_choice=False,
                      choices=[SelectChoice(m.value, label) for m, label in MODE_LABELS.items()],
                      validators=[InputRequired(message=_l("Choose in person or remote."))])


class EvaluationForm(BaseForm):
    """The evaluation at the end of the plan's period."""

    evaluated_on = DateField(_l("Evaluated on"), validators=[
        InputRequired(message=_l("Enter the date of the evaluation."))])
    learning_dynamics = RadioField(
        _l("Learning dynamics"), validate_choice=False,
        choices=[SelectChoice(d.value, label) for d, label in DYNAMICS_LABELS.items()],
        validators=[InputRequired(message=_l("Choose how the pupil's learning went."))])
    progress = TextAreaField(_l("Progress"), render_kw={"rows": 5},
                             validators=[InputRequired(message=_l("Describe the progress the pupil made."))])
    parents_informed_on = DateField(_l("Parents informed on"), validators=[
        InputRequired(message=_l("Enter the date the parents were informed."))])
    next_steps = TextAreaField(_l("Next steps"), render_kw={"rows": 4})

    def validate_learning_dynamics(self, field):
        if field.data not in {d.value for d in LearningDynamics}:
            raise ValidationError(_l("Choose how the pupil's learning went."))

    def details(self) -> Evaluation:
        """The fields as the services take them."""
        return Evaluation(evaluated_on=self.evaluated_on.data, learning_dynamics=self.learning_dynamics.data,
                          progress=self.progress.data or "", parents_informed_on=self.parents_informed_on.data,
                          next_steps=self.next_steps.data or "")
