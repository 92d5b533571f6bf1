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
    #: work lists of cases (each row still goes through the case scope)
    CASE_LIST = "case.list"
    CASE_VIEW = "case.view"
    CASE_OPEN = "case.open"
    #: change a case's summary, categories, risk factors, parties and team
    CASE_EDIT = "case.edit"
    CASE_REFER = "case.refer"
    #: close and reopen
    CASE_CLOSE = "case.close"
    #: write a note on a case (sensitive kinds: NOTE_KIND_ROLES)
    NOTE_ADD = "note.add"
    #: accept or return referrals to the cooperation group
    REFERRAL_DECIDE = "referral.decide"
    #: report a concern about a pupil (teachers to the school; other institutions to the coordinator)
    CONCERN_REPORT = "concern.report"
    #: work an inbox of concerns
    CONCERN_HANDLE = "concern.handle"
    PLAN_VIEW = "plan.view"
    #: draw up, change, evaluate and continue support plans
    PLAN_EDIT = "plan.edit"
    #: log delivered hours of a measure (one's own measures)
    HOURS_LOG = "hours.log"
    #: ask a cooperation group to hear a case (on a case in sight)
    SESSION_REQUEST = "session.request"
    #: see the sessions of groups one's institution sits in, their agendas and minutes
    SESSION_VIEW = "session.view"
    #: chair a group: schedule sessions, build agendas, invite, record, approve minutes
    SESSION_MANAGE = "session.manage"
    #: see an action (own institution's, supervised, on one's school's case, or as the chair)
    ACTION_VIEW = "action.view"
    #: work one's institution's actions: accept, progress, finish, log follow-up
    ACTION_WORK = "action.work"
    #: the chair's control board over every action of the municipality's groups
    ACTION_BOARD = "action.board"
    #: break the glass: open one case one does not take part in, for 60 minutes, with a reason
    EMERGENCY_ACCESS = "emergency.access"
    #: review emergency grants (reads their justifications and what the grantee did)
    EMERGENCY_REVIEW = "emergency.review"
    #: see and close alerts of unusual access (one user opening many children's cases)
    ALERT_VIEW = "alert.view"
    #: export everything held about one person (data-subject access), audited
    SUBJECT_ACCESS = "records.subject_access"
    #: place and release legal holds that stop retention
    LEGAL_HOLD = "records.legal_hold"
    #: see the retention runs
    RETENTION_VIEW = "records.retention"
    #: add institutions to a case in sight, share it with the pupil's declared municipality, end either
    CASE_SHARE = "case.share"
    #: ask an institution for information about a pupil on a case in sight
    INFO_REQUEST = "info.request"
    #: work one's institution's queue of information requests and answer them
    INFO_ANSWER = "info.answer"
    #: import school data (absences, totals, grades, enrolment lists): a social pedagogue for their
    #: school, the coordinator for the municipality; each batch is seen by its institution only
    IMPORT_RUN = "import.run"
    #: the school's warning list: its pupils with signals and no open case; dismiss a signal
    WARNING_LIST = "warning.list"
    #: the municipality's early-warning overview: schools, children enrolled nowhere, notifications
    WARNING_OVERVIEW = "warning.overview"
    #: a pupil's imported attendance and grades (the pupils one's institution is responsible for)
    SCHOOL_DATA_VIEW = "warning.school_data"
    #: the municipality's monitoring: indicators against targets, the implementation plan, statistics and
    #: annual reports — aggregates only, small cells suppressed
    MONITORING_VIEW = "monitoring.view"
    #: record indicator values, update the plan's activities, draft and move annual reports on
    MONITORING_EDIT = "monitoring.edit"


#: permissions whose use reads a child's data: every use is audited as a read
READS_CHILD_DATA = frozenset({
    Permission.PUPIL_VIEW, Permission.PUPIL_EDIT, Permission.CASE_VIEW, Permission.CASE_OPEN, Permission.CASE_EDIT,
    Permission.CASE_REFER, Permission.CASE_CLOSE, Permission.NOTE_ADD, Permission.REFERRAL_DECIDE,
    Permission.CONCERN_HANDLE, Permission.PLAN_VIEW, Permission.PLAN_EDIT, Permission.HOURS_LOG,
    Permission.SESSION_REQUEST, Permission.SESSION_VIEW, Permission.SESSION_MANAGE, Permission.ACTION_VIEW,
    Permission.ACTION_WORK, Permission.ACTION_BOARD, Permission.CASE_SHARE, Permission.INFO_REQUEST,
    Permission.INFO_ANSWER, Permission.WARNING_LIST, Permission.WARNING_OVERVIEW, Permission.SCHOOL_DATA_VIEW})

_PUPIL_READ = {Permission.PUPIL_LIST, Permission.PUPIL_VIEW}
_PUPIL_WRITE = _PUPIL_READ | {Permission.PUPIL_CREATE, Permission.PUPIL_EDIT}
#: the school's case owners: social pedagogue and head
_CASE_OWNER = {Permission.CASE_LIST, Permission.CASE_VIEW, Permission.CASE_OPEN, Permission.CASE_EDIT,
               Permission.CASE_REFER, Permission.CASE_CLOSE, Permission.NOTE_ADD,
               Permission.CONCERN_HANDLE, Permission.PLAN_VIEW, Permission.PLAN_EDIT,
               Permission.HOURS_LOG, Permission.CONCERN_REPORT, Permission.WARNING_LIST,
               Permission.SCHOOL_DATA_VIEW}
#: outside institutions submit information about a pupil to the coordinator
_REPORTER = {Permission.CONCERN_REPORT}
#: institutions that sit in groups and carry out actions: sessions of their groups, their actions,
#: and the cases they participate in (on their session's agenda, or holding an action on it)
_PARTICIPANT = {Permission.CASE_VIEW, Permission.SESSION_REQUEST, Permission.SESSION_VIEW,
                Permission.ACTION_VIEW, Permission.ACTION_WORK}
_CHAIR = {Permission.SESSION_REQUEST, Permission.SESSION_VIEW, Permission.SESSION_MANAGE,
          Permission.ACTION_VIEW, Permission.ACTION_WORK, Permission.ACTION_BOARD}
#: institutions asked for information about a pupil answer it inside caseflow
_INFO_ANSWER = {Permission.INFO_ANSWER}

#: the role → permission table; relationship rules live in policy.py
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.ADMIN_MANAGE}),
    Role.DPO: frozenset({Permission.AUDIT_VIEW, Permission.SUBJECT_ACCESS, Permission.LEGAL_HOLD,
                         Permission.RETENTION_VIEW, Permission.EMERGENCY_REVIEW, Permission.ALERT_VIEW}),
    Role.COORDINATOR: frozenset(_PUPIL_WRITE | {
        Permission.CASE_LIST, Permission.CASE_VIEW, Permission.NOTE_ADD, Permission.REFERRAL_DECIDE,
        Permission.CONCERN_HANDLE, Permission.PLAN_VIEW, Permission.CASE_SHARE, Permission.INFO_REQUEST,
        Permission.INFO_ANSWER, Permission.IMPORT_RUN, Permission.WARNING_OVERVIEW,
        Permission.SCHOOL_DATA_VIEW, Permission.MONITORING_VIEW, Permission.MONITORING_EDIT} | _CHAIR),
    Role.SCHOOL_HEAD: frozenset(_PUPIL_WRITE | _CASE_OWNER | _PARTICIPANT | _INFO_ANSWER),
    Role.SOCIAL_PEDAGOGUE: frozenset(_PUPIL_WRITE | _CASE_OWNER | _PARTICIPANT | _INFO_ANSWER
                                     | {Permission.IMPORT_RUN}),
    Role.SUPPORT_SPECIALIST: frozenset(_PUPIL_READ | {
        Permission.CASE_LIST, Permission.CASE_VIEW, Permission.NOTE_ADD, Permission.PLAN_VIEW,
        Permission.HOURS_LOG, Permission.CONCERN_REPORT, Permission.ACTION_VIEW, Permission.ACTION_WORK}),
    Role.TEACHER: frozenset({Permission.CONCERN_REPORT, Permission.HOURS_LOG}),
    # the social service and the orphans' court write notes on the cases they take part in
    Role.SOCIAL_WORKER: frozenset(_REPORTER | _PARTICIPANT | _INFO_ANSWER | {Permission.NOTE_ADD}),
    Role.ORPHANS_COURT: frozenset(_REPORTER | _PARTICIPANT | _INFO_ANSWER | {
        Permission.NOTE_ADD, Permission.EMERGENCY_ACCESS, Permission.INFO_REQUEST}),
    Role.MUNICIPAL_POLICE: frozenset(_REPORTER | _PARTICIPANT | _INFO_ANSWER | {Permission.EMERGENCY_ACCESS}),
    Role.STATE_POLICE: frozenset(_REPORTER | _PARTICIPANT | _INFO_ANSWER | {Permission.EMERGENCY_ACCESS}),
    # the analyst sees suppressed aggregates of the municipality and nothing about any one child
    Role.ANALYST: frozenset({Permission.MONITORING_VIEW}),
}

#: roles that work inside one school and see only that school's pupils
SCHOOL_ROLES = frozenset({Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.TEACHER})
#: roles that work for the whole municipality
MUNICIPAL_ROLES = frozenset({Role.COORDINATOR})

#: roles that may read and write notes of a sensitive kind (other kinds: everyone who sees the case)
NOTE_KIND_ROLES: dict[str, frozenset[Role]] = {
    "health": frozenset({Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD}),
    "violence": frozenset({Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD,
                           Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE,
                           Role.STATE_POLICE}),
    "addiction": frozenset({Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.COORDINATOR,
                            Role.SOCIAL_WORKER}),
    "police": frozenset({Role.SOCIAL_PEDAGOGUE, Role.SCHOOL_HEAD, Role.COORDINATOR, Role.ORPHANS_COURT,
                         Role.MUNICIPAL_POLICE, Role.STATE_POLICE}),
}
