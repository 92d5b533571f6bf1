"""Municipal settings: the registry of what can be set, its types and defaults, and typed look-up.

Where the municipalities' practice differs (DOMAIN.md), caseflow makes the difference a setting
here rather than a code branch. Values are stored JSON-encoded in `MunicipalSetting`; a missing or
unreadable value means the default.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.people.models import MunicipalSetting

INT, BOOL, CHOICE, TEXT = "int", "bool", "choice", "text"


class SettingError(ValueError):
    """A value that a setting does not accept; str() gives the translated, user-facing message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class SettingDef:
    """What a setting is: key, type, default, label and help, and what values it accepts."""

    key: str
    type: str
    default: Any
    label: Any
    help: Any
    minimum: int | None = None
    maximum: int | None = None
    #: (value, translatable label) pairs for CHOICE settings
    choices: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    max_length: int = 500

    def clean(self, value: Any) -> Any:
        """Return the value in the setting's type, or raise SettingError with a translated message."""
        if self.type == INT:
            if isinstance(value, bool) or not isinstance(value, int):
                try:
                    value = int(str(value).strip())
                except (TypeError, ValueError):
                    raise SettingError(_l("Enter a whole number.")) from None
            if self.minimum is not None and value < self.minimum:
                raise SettingError(_l("Enter a number of at least %(minimum)d.", minimum=self.minimum))
            if self.maximum is not None and value > self.maximum:
                raise SettingError(_l("Enter a number of at most %(maximum)d.", maximum=self.maximum))
            return value
        if self.type == BOOL:
            if not isinstance(value, bool):
                raise SettingError(_l("Choose yes or no."))
            return value
        if self.type == CHOICE:
            if value not in {v for v, _label in self.choices}:
                raise SettingError(_l("Choose one of the options."))
            return value
        if not isinstance(value, str):
            raise SettingError(_l("Enter text."))
        value = value.strip()
        if len(value) > self.max_length:
            raise SettingError(_l("Enter at most %(max)d characters.", max=self.max_length))
        return value


SETTINGS: tuple[SettingDef, ...] = (
    SettingDef("unexcused_lessons_per_semester", INT, 20,
               _l("Unexcused lessons per semester that mark a risk"),
               _l("A pupil with more unexcused lessons than this in one semester is flagged."),
               minimum=1, maximum=500),
    SettingDef("municipal_notification_lessons", INT, 20,
               _l("Unexcused lessons after which the school informs the municipality"),
               _l("Cabinet Regulation No. 89: the school informs the municipality when unexcused "
                  "absences pile up; municipal guidance uses 20 lessons a semester."),
               minimum=1, maximum=500),
    SettingDef("consecutive_absence_days", INT, 5,
               _l("Consecutive days of absence that mark a risk"),
               _l("School days in a row without a known reason."),
               minimum=1, maximum=365),
    SettingDef("absent_day_lessons", INT, 4,
               _l("Unexcused lessons on one day that count it as a day of absence"),
               _l("Used by the rule of consecutive days of absence (daily absence imports)."),
               minimum=1, maximum=12),
    SettingDef("missed_share_percent", INT, 25,
               _l("Share of lessons missed in a semester that marks a risk (per cent)"),
               _l("All missed lessons, excused or not, of the lessons held (semester totals). 0 turns the "
                  "rule off."),
               minimum=0, maximum=100),
    SettingDef("failing_grades", INT, 2,
               _l("Failing grades in one period that mark a risk"),
               _l("Grades 1–3, “neieskaitīts” and “nav vērtējuma” in one semester or year. 0 turns the rule "
                  "off."),
               minimum=0, maximum=30),
    SettingDef("warn_grade_repetition", BOOL, True,
               _l("A pupil repeating a grade marks a risk"),
               _l("From enrolment lists: the same grade as in the previous school year.")),
    SettingDef("warn_unenrolled", BOOL, True,
               _l("List children declared in the municipality who are enrolled nowhere"),
               _l("Children of compulsory school age (5 to 18) without a current enrolment.")),
    SettingDef("long_absence_months", INT, 3,
               _l("Months of unexcused absence counted as long absence"),
               _l("Used by the indicator of pupils with long unexcused absences."),
               minimum=1, maximum=24),
    SettingDef("early_leaver_months", INT, 6,
               _l("Consecutive months without attending after which a pupil counts as an early leaver"),
               _l("Used by the early school leaving indicators."),
               minimum=1, maximum=36),
    SettingDef("annual_report_month", INT, 12,
               _l("Month of the annual report"),
               _l("1 is January, 12 is December. The report is presented to municipal leadership."),
               minimum=1, maximum=12),
    SettingDef("small_cell_threshold", INT, 5,
               _l("Smallest count shown in published figures"),
               _l("Smaller counts are suppressed so that no child can be identified."),
               minimum=3, maximum=50),
    SettingDef("plan_every_semester", BOOL, True,
               _l("Individual support plans are written for each semester"),
               _l("If not set, a plan is written when needed and runs until it is evaluated.")),
    SettingDef("plan_evaluation_days_before_end", INT, 0,
               _l("Days before a plan's end from which it may be evaluated"),
               _l("0 means a support plan is evaluated only once its semester (or period) has ended."),
               minimum=0, maximum=30),
    SettingDef("follow_up_supervisor", CHOICE, "chair",
               _l("Who supervises agreed measures"),
               _l("The group's chair controls execution, or the competent institution supervises it."),
               choices=(("chair", _l("The chair of the cooperation group")),
                        ("competent_institution", _l("The competent institution")))),
    SettingDef("action_reminder_days_before", INT, 3,
               _l("Days before an action's deadline when a reminder is sent"),
               _l("A reminder also goes on the day and, to the chair too, once the deadline has passed. "
                  "0 means no early reminder."),
               minimum=0, maximum=30),
    SettingDef("retention_case_years", INT, 0,
               _l("Years a closed case is kept before it is anonymised"),
               _l("Counted from the day the case was closed. Everything on the case goes with it: session "
                  "items, actions, plans, concerns, information requests. 0 means not set: no case is "
                  "anonymised."),
               minimum=0, maximum=100),
    SettingDef("retention_concern_years", INT, 0,
               _l("Years a concern that did not become a case is kept before it is anonymised"),
               _l("Counted from the day it was answered with no action. A concern added to a case is kept "
                  "with the case. 0 means not set: no such concern is anonymised."),
               minimum=0, maximum=100),
    SettingDef("retention_plan_years", INT, 0,
               _l("Years a support plan without a case is kept before it is anonymised"),
               _l("Counted from the end of the plan's period, or from its evaluation if that was later. A "
                  "plan on a case is kept with the case. 0 means not set: no such plan is anonymised."),
               minimum=0, maximum=100),
    SettingDef("retention_info_request_years", INT, 0,
               _l("Years an answered information request is kept before it is anonymised"),
               _l("Counted from the day it was answered. It goes with its case at the latest. 0 means not "
                  "set: it is kept as long as its case."),
               minimum=0, maximum=100),
    SettingDef("retention_emergency_years", INT, 0,
               _l("Years the justification of a reviewed emergency access is kept"),
               _l("Counted from the officer's review. Who opened which case, when and the finding stay; the "
                  "written justification is erased. It goes with its case at the latest. 0 means not set: it "
                  "is kept as long as its case."),
               minimum=0, maximum=100),
    SettingDef("unusual_access_cases", INT, 20,
               _l("Different children's cases one person may open in the window before an alert"),
               _l("More than this many within the window raises an alert for the data-protection officer."),
               minimum=2, maximum=1000),
    SettingDef("unusual_access_minutes", INT, 60,
               _l("The window, in minutes, for unusual access"),
               _l("How far back caseflow counts the different children's cases one person opened."),
               minimum=5, maximum=1440),
    SettingDef("absence_mark_mapping", TEXT, "n=unexcused; s=illness; a=excused_other; k=late",
               _l("How the school diary's absence marks map to kinds of absence"),
               _l("Pairs mark=kind separated by semicolons; kinds: unexcused, illness, excused_other, "
                  "late. Imports of daily absences read the marks with this (docs/imports.md)."),
               max_length=500),
    SettingDef("absence_notice_recipient", TEXT, "",
               _l("Where schools send the notice about unexcused absences"),
               _l("An office or e-mail address of the municipality, shown to schools."),
               max_length=200),
)

REGISTRY: dict[str, SettingDef] = {d.key: d for d in SETTINGS}


def definition(key: str) -> SettingDef:
    """The definition of a setting; KeyError for an unknown key."""
    return REGISTRY[key]


def _stored(municipality_id: int, keys=None) -> dict[str, str]:
    query = select(MunicipalSetting.key, MunicipalSetting.value).where(
        MunicipalSetting.municipality_id == municipality_id)
    if keys is not None:
        query = query.where(MunicipalSetting.key.in_(list(keys)))
    return dict(db.session.execute(query).all())


def _decode(setting: SettingDef, raw: str | None) -> Any:
    if raw is None:
        return setting.default
    try:
        return setting.clean(json.loads(raw))
    except (ValueError, TypeError):  # unreadable or no longer valid: fall back to the default
        return setting.default


def get_setting(municipality_id: int, key: str) -> Any:
    """The municipality's value of a setting in its type, or the default."""
    setting = definition(key)
    return _decode(setting, _stored(municipality_id, [key]).get(key))


def all_settings(municipality_id: int) -> dict[str, Any]:
    """Every setting of a municipality, in registry order, with defaults filled in."""
    stored = _stored(municipality_id)
    return {d.key: _decode(d, stored.get(d.key)) for d in SETTINGS}


def encode(value: Any) -> str:
    """The stored form of a value."""
    return json.dumps(value, ensure_ascii=False)
