"""The warning rules: their settings, their wording, and what a case opened from them is about."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    """A rule: the setting holding its threshold, its name, and how a reader sees value/threshold."""

    key: str
    setting: str
    label: object
    #: "%(value)s" and "%(threshold)s" are filled in
    measure: object
    #: taxonomy codes a case opened from the signal is pre-filled with (kept if the municipality has them)
    noticed_via: str
    categories: tuple[str, ...]
    risk_items: tuple[str, ...]


UNEXCUSED = "unexcused_lessons"
CONSECUTIVE = "consecutive_days"
MISSED_SHARE = "missed_share"
FAILING = "failing_grades"
REPETITION = "grade_repetition"
UNENROLLED = "unenrolled"

RULES: dict[str, Rule] = {r.key: r for r in (
    Rule(UNEXCUSED, "unexcused_lessons_per_semester", _l("Unexcused lessons in the semester"),
         _l("%(value)s unexcused lessons (threshold %(threshold)s)"),
         "absences", ("unexcused_absence", "dropout_risk"), ("unexcused_absences",)),
    Rule(CONSECUTIVE, "consecutive_absence_days", _l("Days of absence in a row"),
         _l("%(value)s school days in a row (threshold %(threshold)s)"),
         "absences", ("unexcused_absence", "dropout_risk"), ("unexcused_absences",)),
    Rule(MISSED_SHARE, "missed_share_percent", _l("Share of lessons missed"),
         _l("%(value)s %% of lessons missed (threshold %(threshold)s %%)"),
         "absences", ("dropout_risk",), ()),
    Rule(FAILING, "failing_grades", _l("Failing grades"),
         _l("%(value)s failing grades in one period (threshold %(threshold)s)"),
         "grades", ("dropout_risk", "learning_motivation"), ("curriculum_difficulty",)),
    Rule(REPETITION, "warn_grade_repetition", _l("Repeating a grade"),
         _l("in grade %(value)s again"),
         "grades", ("dropout_risk",), ("grade_repetition",)),
    Rule(UNENROLLED, "warn_unenrolled", _l("Enrolled nowhere"),
         _l("declared in the municipality, no current enrolment"),
         "other", ("dropout_risk",), ()),
)}


def describe(rule: str, value: int, threshold: int) -> str:
    """A signal as its reader sees it: the rule's measure with the numbers."""
    found = RULES.get(rule)
    if found is None:
        return rule
    return str(found.measure) % {"value": value, "threshold": threshold}


def label(rule: str) -> str:
    """The rule's name in the reader's language."""
    found = RULES.get(rule)
    return str(found.label) if found else rule
