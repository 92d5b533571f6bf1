"""Roles, permissions and the role → permission table (data, not code paths)."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A membership's role at its institution."""

    ADMIN = "admin"
    DPO = "dpo"
    COORDINATOR = "coordinator"
    SCHOOL_HEAD = "school_head"
    SOCIAL_PEDAGOGUE = "social_pedagogue"
    SUPPORT_SPECIALIST = "support_specialist"
    TEACHER = "teacher"
    SOCIAL_WORKER = "social_worker"
    ORPHANS_COURT = "orphans_court"
    MUNICIPAL_POLICE = "municipal_police"
    STATE_POLICE = "state_police"
    ANALYST = "analyst"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.DPO: _l("Data protection officer"),
    Role.COORDINATOR: _l("Child-rights specialist (coordinator)"),
    Role.SCHOOL_HEAD: _l("School head or deputy"),
    Role.SOCIAL_PEDAGOGUE: _l("Social pedagogue"),
    Role.SUPPORT_SPECIALIST: _l("Support specialist"),
    Role.TEACHER: _l("Teacher"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.ORPHANS_COURT: _l("Orphans' court member"),
    Role.MUNICIPAL_POLICE: _l("Municipal police inspector"),
    Role.STATE_POLICE: _l("State police officer"),
    Role.ANALYST: _l("Analyst (monitoring)"),
}


class Permission(StrEnum):
    """What a view or a template asks the policy for."""

    #: any signed-in person: own account, home page, language
    SIGNED_IN = "signed_in"
    ADMIN_MANAGE = "admin.manage"
    AUDIT_VIEW = "audit.view"
    PUPIL_LIST = "pupil.list"
    PUPIL_VIEW = "pupil.view"
    PUPIL_CREATE = "pupil.create"
    PUPIL_EDIT = "pupil.edit"


#: permissions whose use reads a child's data: every use is audited as a read
READS_CHILD_DATA = frozenset({Permission.PUPIL_VIEW, Permission.PUPIL_EDIT})

_PUPIL_READ = {Permission.PUPIL_LIST, Permission.PUPIL_VIEW}
_PUPIL_WRITE = _PUPIL_READ | {Permission.PUPIL_CREATE, Permission.PUPIL_EDIT}

#: the role → permission table; relationship rules live in policy.py
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.ADMIN_MANAGE}),
    Role.DPO: frozenset({Permission.AUDIT_VIEW}),
    Role.COORDINATOR: frozenset(_PUPIL_WRITE),
    Role.SCHOOL_HEAD: frozenset(_PUPIL_WRITE),
    Role.SOCIAL_PEDAGOGUE: frozenset(_PUPIL_WRITE),
    Role.SUPPORT_SPECIALIST: frozenset(_PUPIL_READ),
    Role.TEACHER: frozenset(),
    Role.SOCIAL_WORKER: frozenset(),
    Role.ORPHANS_COURT: frozenset(),
    Role.MUNICIPAL_POLICE: frozenset(),
    Role.STATE_POLICE: frozenset(),
    Role.ANALYST: frozenset(),
}

#: roles that work inside one school and see only that school's pupils
SCHOOL_ROLES = frozenset({Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.TEACHER})
#: roles that work for the whole municipality
MUNICIPAL_ROLES = frozenset({Role.COORDINATOR})
