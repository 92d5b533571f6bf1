"""Recording an indicator's figure and a plan activity's year."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from caseflow.core.forms import BaseForm, DecimalCommaField
from caseflow.monitoring.models import ActivityStatus

ACTIVITY_STATUS_LABELS = {
    ActivityStatus.PLANNED: _l("Planned"),
    ActivityStatus.IN_PROGRESS: _l("In progress"),
    ActivityStatus.DONE: _l("Done"),
    ActivityStatus.NOT_DONE: _l("Not done"),
    ActivityStatus.POSTPONED: _l("Postponed"),
}


class ValueForm(BaseForm):
    """A figure of an indicator for a year (and stage), with its source and evidence."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    #: shown only for an indicator broken down by stage; the service checks the value
    stage = SelectField(_l("Stage"), choices=[], validate_choice=False)
    value = DecimalCommaField(_l("Value"), validators=[InputRequired()],
                         description=_l("A share in per cent (0–100), a count, or a ratio. Use a decimal point or comma."))
    numerator = IntegerField(_l("Children counted (numerator)"), validators=[Optional(), NumberRange(min=0)],
                             description=_l("For a share: how many children the share counts. Small numbers are "
                                            "never shown."))
    source = StringField(_l("Source"), validators=[DataRequired()],
                         description=_l("For example: VIIS, a survey of parents, the education board."))
    evidence = TextAreaField(_l("Evidence"), validators=[Optional()],
                             description=_l("The document or query the figure comes from."))

    def __init__(self, *args, stages: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [("", _l("All stages"))] + [(s, s) for s in stages or []]


class ActivityYearForm(BaseForm):
    """How an activity of the plan went in a year."""

    year = SelectField(_l("Year"), coerce=int, choices=[], validate_choice=True)
    status = SelectField(_l("Status"), choices=[(str(k), v) for k, v in ACTIVITY_STATUS_LABELS.items()])
    achieved_value = TextAreaField(_l("Achieved value"), validators=[Optional()])
    invested_eur = DecimalCommaField(_l("Invested (EUR)"), validators=[Optional(), NumberRange(min=0)])
    impact = TextAreaField(_l("Impact assessment"), validators=[Optional()])
    factor_analysis = TextAreaField(_l("Factor analysis"), validators=[Optional()],
                                    description=_l("What helped or hindered the activity this year."))

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [(y, str(y)) for y in (years or [])]


class StartReportForm(BaseForm):
    """Start the annual report of a year."""

    year = IntegerField(_l("Year of the report"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])


class ReportTextForm(BaseForm):
    """The report's narrative sections."""

    introduction = TextAreaField(_l("Introduction"), validators=[Optional()])
    situation = TextAreaField(_l("The situation this year"), validators=[Optional()])
    conclusions = TextAreaField(_l("Conclusions of the working group"), validators=[Optional()])
    next_steps = TextAreaField(_l("Next year's steps"), validators=[Optional()])


class MeetingForm(BaseForm):
    """A meeting of the working group."""

    held_on = DateField(_l("Held on"), validators=[InputRequired()])
    summary = TextAreaField(_l("What was discussed and agreed"), validators=[DataRequired()])


class PlanImportForm(BaseForm):
    """A filled-in plan workbook."""

    file = FileField(_l("Plan workbook (XLSX)"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("Download the plan as a workbook, change it and upload it: it becomes a new "
                                    "draft version; the approved version stays in force until the draft is "
                                    "approved."))


class ApprovePlanForm(BaseForm):
    """The council decision that approves a draft version of the plan."""

    approved_on = DateField(_l("Date of the council decision"), validators=[InputRequired()])
    decision = StringField(_l("Council decision"), validators=[DataRequired()],
                           description=_l("For example: Dome lēmums Nr. 12, protokols Nr. 5, 12. punkts."))


class FiguresImportForm(BaseForm):
    """A file of indicator figures (surveys, VIIS shares)."""

    file = FileField(_l("File of figures (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("One figure a row with the template's columns; a CSV file separates them "
                                    "with semicolons. Nothing is written before you confirm the preview."))


class FiguresConfirmForm(BaseForm):
    """The checked file, carried from the preview to the confirmation (checked again there)."""

    content = HiddenField(validators=[DataRequired()])
    file_name = HiddenField()
