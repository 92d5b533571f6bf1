"""Translated names of the administration's enumerations (kinds, ownership, group levels …)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from caseflow.meetings.models import GroupLevel, MeasuresAre, MemberKind
from caseflow.people.models import InstitutionKind, Ownership

KIND_LABELS = {
    InstitutionKind.EDUCATION_BOARD: _l("Education board"),
    InstitutionKind.PRESCHOOL: _l("Preschool"),
    InstitutionKind.PRIMARY_SCHOOL: _l("Primary school"),
    InstitutionKind.BASIC_SCHOOL: _l("Basic school"),
    InstitutionKind.SECONDARY_SCHOOL: _l("Secondary school"),
    InstitutionKind.STATE_GYMNASIUM: _l("State gymnasium"),
    InstitutionKind.VOCATIONAL_SCHOOL: _l("Vocational school"),
    InstitutionKind.SPECIAL_SCHOOL: _l("Special school"),
    InstitutionKind.SOCIAL_SERVICE: _l("Social service"),
    InstitutionKind.ORPHANS_COURT: _l("Orphans' court"),
    InstitutionKind.MUNICIPAL_POLICE: _l("Municipal police"),
    InstitutionKind.STATE_POLICE: _l("State police"),
    InstitutionKind.YOUTH_CENTRE: _l("Youth centre"),
    InstitutionKind.NGO: _l("Non-governmental organisation"),
    InstitutionKind.MEDICAL: _l("Medical institution"),
    InstitutionKind.OTHER: _l("Other institution"),
}

OWNERSHIP_LABELS = {
    Ownership.MUNICIPAL: _l("Municipal"),
    Ownership.STATE: _l("State"),
    Ownership.PRIVATE: _l("Private"),
}

LEVEL_LABELS = {
    GroupLevel.SINGLE: _l("Single group"),
    GroupLevel.SPECIALISTS: _l("Specialists' group"),
    GroupLevel.MANAGEMENT: _l("Management group"),
}

MEASURES_LABELS = {
    MeasuresAre.DECIDED: _l("Decided by the group"),
    MeasuresAre.RECOMMENDED: _l("Recommended to the institutions"),
}

MEMBER_KIND_LABELS = {
    MemberKind.MEMBER: _l("Member"),
    MemberKind.ADVISORY: _l("Advisory participant"),
}

LOCALE_LABELS = {"lv": "Latviešu", "en": "English"}


def label(labels: dict, value: str | None) -> str:
    """The translated label of an enumeration value (the raw value if unknown)."""
    if value is None:
        return ""
    for key, text in labels.items():
        if key == value:
            return str(text)
    return value
