"""How each table that holds data about a pupil reaches the data-subject export, or why it does not.

Every table with a foreign key to `pupils` or `cases`, directly or through a chain of foreign keys,
must be listed (tests/records/test_export_map.py computes that closure and checks it). Keys are table
names; "section" names the part of the export (subject_access.subject_export) that carries the rows.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exported:
    """Rows of the table are in the export, in this section."""

    section: str
    note: str = ""


@dataclass(frozen=True)
class LeftOut:
    """Rows of the table are deliberately not in the export, for this reason."""

    reason: str


EXPORT_MAP: dict[str, Exported | LeftOut] = {
    "pupils": Exported("pupil", "identity; the personal code decrypted"),
    "enrolments": Exported("pupil.enrolments"),
    "cases": Exported("cases"),
    "case_entries": Exported("cases.categories / cases.noticed_by", "as the entries' labels"),
    "case_risk_factors": Exported("cases.risk_factors", "with their descriptions"),
    "case_parties": Exported("cases.parties", "names and decrypted contacts"),
    "case_team": Exported("cases.team"),
    "case_events": Exported("cases.timeline", "codes, ids and the decrypted reason"),
    "notes": Exported("cases.notes", "every version, every kind and visibility"),
    "referrals": Exported("referrals"),
    "session_requests": Exported("session_requests"),
    "agenda_items": Exported("agenda_items", "only the items about the pupil's cases"),
    "agenda_item_reports": Exported("agenda_items.reports"),
    "session_attendance": Exported(
        "agenda_items.invited",
        "only the people invited to be heard on the pupil's item; the seats of a session are not about "
        "the pupil"),
    "actions": Exported("actions", "actions on the pupil's cases"),
    "action_follow_ups": Exported("actions.follow_ups"),
    "concerns": Exported("concerns", "concerns naming the pupil or attached to the pupil's cases"),
    "support_plans": Exported("support_plans", "with the evaluation"),
    "plan_measures": Exported("support_plans.measures"),
    "delivered_hours": Exported("support_plans.measures.deliveries"),
    "info_requests": Exported("cases.information_requests", "what was asked of whom, why, and the answer"),
    "case_participants": Exported("cases.participants", "the institutions that took part, why and when"),
    "emergency_grants": Exported("cases.emergency_access",
                                 "institution, reason, justification, times and the review's outcome; the "
                                 "officer's review note is about the staff member, not the pupil"),
    "legal_holds": Exported("cases.legal_holds"),
    "retention_records": Exported("cases.anonymised_at",
                                  "when the case was anonymised; a concern, plan, request or justification "
                                  "anonymised on its own shows as erased texts"),
    "absence_records": Exported("school_data.absences", "every imported lesson missed, with its kind and source"),
    "absence_totals": Exported("school_data.semester_totals"),
    "grade_records": Exported("school_data.grades"),
    "class_records": Exported("school_data.classes", "the class of each school year from enrolment lists"),
    "warning_signals": Exported("early_warning.signals",
                                "the rule, the measured value and threshold, the numbers read"),
    "warning_dismissals": Exported("early_warning.dismissals", "with the decrypted reason"),
    "warning_notices": Exported("early_warning.notices", "notices to the municipality about unexcused absences"),
    "audit_log": Exported("consultations",
                          "entries with pupil_id = the pupil: time, institution, role and action; the staff "
                          "member's name and address are the staff member's own data"),
    "session_minutes": LeftOut("The minutes' general part is sealed under the group's key and speaks of the "
                               "session, not of one child; what concerns the pupil is in the agenda item."),
    "minutes_addenda": LeftOut("Corrections to the minutes' general part (the group's key), as above."),
    "data_keys": LeftOut("Key material is never exported; a destroyed key shows as an erased field."),
}
