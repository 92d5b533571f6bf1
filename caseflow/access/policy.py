"""The relationship rules: can(actor, permission, obj) and the same rules as SQL in scope()."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import Select, and_, exists, false, or_, select, true

from caseflow.access import emergency, participation
from caseflow.access.permissions import (
    MUNICIPAL_ROLES,
    NOTE_KIND_ROLES,
    ROLE_PERMISSIONS,
    SCHOOL_ROLES,
    Permission,
    Role,
)
from caseflow.db import local_today


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user in one of their memberships."""

    user_id: int
    username: str
    role: Role | None
    membership_id: int | None
    institution_id: int | None
    municipality_id: int | None

    @property
    def permissions(self) -> frozenset[Permission]:
        """The role's permissions (empty without a role)."""
        return ROLE_PERMISSIONS.get(self.role, frozenset()) if self.role else frozenset()


def current_actor() -> Actor | None:
    """The actor of the current request, or None when nobody is signed in."""
    if not has_request_context():
        return None
    return g.get("actor")


def can(actor: Actor | None, permission: Permission | str, obj=None) -> bool:
    """True if the actor may use the permission (on obj, when given)."""
    if actor is None:
        return False
    permission = Permission(permission)
    if permission is Permission.SIGNED_IN:
        return True
    if permission not in actor.permissions:
        return False
    if obj is None:
        return True
    rule = _OBJECT_RULES.get(type(obj).__name__)
    return bool(rule and rule(actor, permission, obj))


def scope(query: Select, actor: Actor | None, permission: Permission, model) -> Select:
    """Restrict a SELECT of `model` rows to those the actor may use the permission on."""
    if actor is None or Permission(permission) not in actor.permissions:
        return query.where(false())
    permission = Permission(permission)
    rule = _SCOPE_RULES.get((model.__name__, permission)) or _SCOPE_RULES.get(model.__name__)
    if rule is None:
        return query.where(false())
    return query.where(rule(actor))


# --- pupils -------------------------------------------------------------------------------------

def _pupil_condition(actor: Actor):
    """SQL condition: the pupils an actor's institution is responsible for."""
    from caseflow.people.models import Institution
    from caseflow.pupils.models import Enrolment, Pupil

    today = local_today()
    current = and_(Enrolment.pupil_id == Pupil.id, Enrolment.start_date <= today,
                   or_(Enrolment.end_date.is_(None), Enrolment.end_date >= today))
    if actor.role in SCHOOL_ROLES:
        return exists().where(current, Enrolment.school_id == actor.institution_id).correlate_except(Enrolment)
    if actor.role in MUNICIPAL_ROLES:
        in_municipality = select(Institution.id).where(
            Institution.municipality_id == actor.municipality_id).scalar_subquery()
        return or_(Pupil.declared_municipality_id == actor.municipality_id,
                   exists().where(current, Enrolment.school_id.in_(in_municipality))
                   .correlate_except(Enrolment))
    return false()


def _pupil_rule(actor: Actor, permission: Permission, pupil) -> bool:
    from caseflow.extensions import db
    from caseflow.pupils.models import Pupil

    return bool(db.session.scalar(
        select(Pupil.id).where(Pupil.id == pupil.id, _pupil_condition(actor))))


def _enrolling_school_condition(actor: Actor):
    """SQL condition: the schools where an actor may enrol pupils (own school / municipality's)."""
    from caseflow.people.models import SCHOOL_KINDS, Institution

    is_school = Institution.kind.in_([str(k) for k in SCHOOL_KINDS])
    if actor.role in SCHOOL_ROLES:
        return and_(is_school, Institution.id == actor.institution_id)
    if actor.role in MUNICIPAL_ROLES:
        return and_(is_school, Institution.municipality_id == actor.municipality_id)
    return false()


# --- cases, notes, referrals, concerns, plans --------------------------------------------------

#: roles that own their school's cases
CASE_OWNER_ROLES = frozenset({Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE})
#: changes on a case (and plans drawn up on it) stay with the case's own school
_CASE_CHANGES = frozenset({Permission.CASE_EDIT, Permission.CASE_REFER, Permission.CASE_CLOSE,
                           Permission.PLAN_EDIT})


def _team_probe(actor: Actor, case_id_column):
    """The actor is on the case's team (a probe for participation.any_of)."""
    from caseflow.cases.models import CaseTeamMember

    return participation.probe(CaseTeamMember.case_id == case_id_column, CaseTeamMember.user_id == actor.user_id,
                               CaseTeamMember.removed_at.is_(None), correlate_except=(CaseTeamMember,))


def _on_team(actor: Actor, case_id_column):
    """SQL: the actor is on the case's team."""
    return participation.any_of([_team_probe(actor, case_id_column)])


def _referral_probe(actor: Actor, case_id_column, municipality_column):
    """The case belongs to the actor's municipality and waits at, or was taken on by, the
    cooperation group (a returned referral gives the case back to the school alone)."""
    from caseflow.cases.models import Referral, ReferralStatus

    return participation.probe(
        Referral.case_id == case_id_column, municipality_column == actor.municipality_id,
        Referral.status.in_([ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED]), correlate_except=(Referral,))


def _referred_here(actor: Actor, case_id_column, municipality_column):
    """SQL: see _referral_probe."""
    return participation.any_of([_referral_probe(actor, case_id_column, municipality_column)])


def _case_condition_for(actor: Actor, permission: Permission):
    """SQL condition: the cases an actor may use the permission on."""
    from caseflow.cases.models import Case

    if permission in _CASE_CHANGES:
        return Case.school_id == actor.institution_id if actor.role in CASE_OWNER_ROLES else false()
    if permission is Permission.SESSION_REQUEST and actor.role not in CASE_OWNER_ROLES | MUNICIPAL_ROLES:
        # outside institutions ask for a hearing of a case they hold an action on
        return participation.holds_action(actor, Case.id)
    related = [_team_probe(actor, Case.id), *participation.participation_probes(actor, Case.id)]
    if permission is Permission.CASE_VIEW:
        # break-the-glass gives sight of the case (and its notes), never a change or a note
        related.append(emergency.grant_probe(actor, Case.id))
    if actor.role in CASE_OWNER_ROLES:
        return or_(Case.school_id == actor.institution_id, participation.any_of(related))
    if actor.role in MUNICIPAL_ROLES:
        # the group's referrals reach much of the municipality: check the cases in the list's order,
        # referrals first (the most of them are there)
        return participation.any_of([_referral_probe(actor, Case.id, Case.municipality_id), *related],
                                    per_row=True)
    return participation.any_of(related)


def note_kind_allowed(actor: Actor | None, kind: str) -> bool:
    """True if the actor's role may read and write notes of this kind."""
    roles = NOTE_KIND_ROLES.get(str(kind))
    return actor is not None and (roles is None or actor.role in roles)


def _note_condition(actor: Actor, permission: Permission = Permission.CASE_VIEW):
    """SQL condition: the notes an actor may read (or, for NOTE_ADD, correct): the case in sight (or
    open to notes), and the note's current version visible to the actor's institution and of a kind
    the role may read (so a correction that narrows a note narrows its older versions too)."""
    from sqlalchemy.orm import aliased

    from caseflow.cases.models import Case, Note, NoteVisibility

    current = aliased(Note)
    readable_kinds = [k for k in NOTE_KIND_ROLES if note_kind_allowed(actor, k)]
    kind_ok = or_(current.kind.not_in(list(NOTE_KIND_ROLES)), current.kind.in_(readable_kinds))
    visible = or_(current.visibility == NoteVisibility.TEAM,
                  current.author_institution_id == actor.institution_id)
    current_ok = exists().where(current.root_id == Note.root_id, current.superseded_at.is_(None),
                                visible, kind_ok).correlate_except(current)
    case_permission = Permission.NOTE_ADD if permission is Permission.NOTE_ADD else Permission.CASE_VIEW
    case_ok = exists().where(Case.id == Note.case_id,
                             _case_condition_for(actor, case_permission)).correlate_except(Case)
    return and_(case_ok, current_ok)


def _referral_condition(actor: Actor):
    """SQL condition: referrals to a group that serves the actor's municipality."""
    from caseflow.cases.models import Case, Referral
    from caseflow.meetings.models import CooperationGroup, GroupMunicipality

    if actor.role not in MUNICIPAL_ROLES:
        return false()
    serves = or_(CooperationGroup.municipality_id == actor.municipality_id,
                 exists().where(GroupMunicipality.group_id == CooperationGroup.id,
                                GroupMunicipality.municipality_id == actor.municipality_id)
                 .correlate_except(GroupMunicipality))
    # the same reach as the case page: cases of the actor's own municipality
    own_case = exists().where(Case.id == Referral.case_id,
                              Case.municipality_id == actor.municipality_id).correlate_except(Case)
    return and_(own_case, exists().where(CooperationGroup.id == Referral.group_id, serves)
                .correlate_except(CooperationGroup))


def _concern_condition_for(actor: Actor, permission: Permission):
    """SQL condition: one's own reports (report), or the inbox one works (handle)."""
    from caseflow.concerns.models import Concern

    if permission is Permission.CONCERN_REPORT:
        return Concern.reported_by_id == actor.user_id
    if actor.role in CASE_OWNER_ROLES:
        return Concern.school_id == actor.institution_id
    if actor.role in MUNICIPAL_ROLES:
        return and_(Concern.school_id.is_(None), Concern.municipality_id == actor.municipality_id)
    return false()


def _plan_condition_for(actor: Actor, permission: Permission):
    """SQL condition: plans of one's school (owners), of a case in sight, or with one's measure."""
    from caseflow.plans.models import PlanMeasure, SupportPlan

    if actor.role in CASE_OWNER_ROLES:
        return SupportPlan.school_id == actor.institution_id
    if permission is not Permission.PLAN_VIEW:
        return false()
    # a deliverer sees the plan while working at its school (not after moving elsewhere)
    delivers = and_(SupportPlan.school_id == actor.institution_id, exists().where(
        PlanMeasure.plan_id == SupportPlan.id, PlanMeasure.deliverer_id == actor.user_id)
        .correlate_except(PlanMeasure))
    on_case = and_(SupportPlan.case_id.is_not(None), _on_team(actor, SupportPlan.case_id))
    if actor.role in MUNICIPAL_ROLES:
        return or_(on_case, and_(SupportPlan.case_id.is_not(None),
                                 _referred_here(actor, SupportPlan.case_id, SupportPlan.municipality_id)))
    return or_(on_case, delivers)


def _measure_condition(actor: Actor):
    """SQL condition: measures whose hours the actor logs (own measures; owners: the school's)."""
    from caseflow.plans.models import PlanMeasure, SupportPlan

    at_school = exists().where(SupportPlan.id == PlanMeasure.plan_id,
                               SupportPlan.school_id == actor.institution_id).correlate_except(SupportPlan)
    if actor.role in CASE_OWNER_ROLES:
        return at_school
    # one's own measures, while working at the plan's school
    return and_(PlanMeasure.deliverer_id == actor.user_id, at_school)


def _signal_condition_for(actor: Actor, permission: Permission):
    """SQL condition: a school's signals for its head and social pedagogue; the municipality's for the
    coordinator's overview."""
    from caseflow.warning.models import WarningSignal

    if permission is Permission.WARNING_LIST and actor.role in CASE_OWNER_ROLES:
        return WarningSignal.school_id == actor.institution_id
    if permission is Permission.WARNING_OVERVIEW:
        return WarningSignal.municipality_id == actor.municipality_id
    return false()


def _by_condition(model, condition_for):
    """An object rule that asks the database whether the row meets the permission's condition."""
    def rule(actor: Actor, permission: Permission, obj) -> bool:
        from caseflow.extensions import db

        return bool(db.session.scalar(
            select(model.id).where(model.id == obj.id, condition_for(actor, permission))))
    return rule


def _whole_installation(actor: Actor):
    """SQL condition: every row (administrators manage the structure of every municipality)."""
    return true()


#: the structure administrators manage; none of it is a child's data
ADMINISTERED_MODELS = ("Municipality", "Institution", "User", "CooperationGroup", "Semester")

def _model(name: str):
    from caseflow.extensions import db

    return next(m.class_ for m in db.Model.registry.mappers if m.class_.__name__ == name)


def _lazy_rule(name: str, condition_for):
    return lambda actor, permission, obj: _by_condition(_model(name), condition_for)(actor, permission, obj)


#: monitoring rows belong to one municipality: its coordinator and its analysts work on them
MONITORING_MODELS = ("Indicator", "PlanVersion", "PlanActivity", "StatisticTable", "AnnualReport",
                     "WorkingGroupMeeting")


def _same_municipality(actor: Actor, permission: Permission, obj) -> bool:
    return obj.municipality_id == actor.municipality_id


def _municipality_scope(name: str):
    return lambda actor: _model(name).municipality_id == actor.municipality_id


def _bound(condition_for, permission: Permission):
    """A scope rule that asks condition_for about one fixed permission."""
    return lambda actor: condition_for(actor, permission)


_OBJECT_RULES = {
    "Pupil": _pupil_rule,
    "Case": _lazy_rule("Case", _case_condition_for),
    "Note": _lazy_rule("Note", _note_condition),
    "Referral": _lazy_rule("Referral", lambda actor, permission: _referral_condition(actor)),
    "Concern": _lazy_rule("Concern", _concern_condition_for),
    "SupportPlan": _lazy_rule("SupportPlan", _plan_condition_for),
    "PlanMeasure": _lazy_rule("PlanMeasure", lambda actor, permission: _measure_condition(actor)),
    "CooperationGroup": _lazy_rule("CooperationGroup", participation.group_condition_for),
    "GroupSession": _lazy_rule("GroupSession", participation.session_condition_for),
    "SessionRequest": _lazy_rule("SessionRequest", lambda actor, permission: participation.request_condition(actor)),
    "Action": _lazy_rule("Action", participation.action_condition_for),
    "WarningSignal": _lazy_rule("WarningSignal", _signal_condition_for),
    **dict.fromkeys(MONITORING_MODELS, _same_municipality),
}
#: scope rules by model, or by (model, permission) where one model has several
_SCOPE_RULES = {
    "Pupil": _pupil_condition,
    "Case": lambda actor: _case_condition_for(actor, Permission.CASE_VIEW),
    ("Case", Permission.CASE_EDIT): lambda actor: _case_condition_for(actor, Permission.CASE_EDIT),
    "Note": _note_condition,
    "Referral": _referral_condition,
    ("Concern", Permission.CONCERN_REPORT): lambda actor: _concern_condition_for(
        actor, Permission.CONCERN_REPORT),
    ("Concern", Permission.CONCERN_HANDLE): lambda actor: _concern_condition_for(
        actor, Permission.CONCERN_HANDLE),
    "SupportPlan": lambda actor: _plan_condition_for(actor, Permission.PLAN_VIEW),
    ("SupportPlan", Permission.PLAN_EDIT): lambda actor: _plan_condition_for(actor, Permission.PLAN_EDIT),
    "PlanMeasure": _measure_condition,
    ("Institution", Permission.PUPIL_CREATE): _enrolling_school_condition,
    **{("CooperationGroup", p): _bound(participation.group_condition_for, p)
       for p in (Permission.SESSION_VIEW, Permission.SESSION_MANAGE)},
    **{("GroupSession", p): _bound(participation.session_condition_for, p)
       for p in (Permission.SESSION_VIEW, Permission.SESSION_MANAGE)},
    "SessionRequest": participation.request_condition,
    **{("Action", p): _bound(participation.action_condition_for, p)
       for p in (Permission.ACTION_VIEW, Permission.ACTION_WORK, Permission.ACTION_BOARD)},
    **{(name, Permission.ADMIN_MANAGE): _whole_installation for name in ADMINISTERED_MODELS},
    **{("WarningSignal", p): _bound(_signal_condition_for, p)
       for p in (Permission.WARNING_LIST, Permission.WARNING_OVERVIEW)},
    **{name: _municipality_scope(name) for name in MONITORING_MODELS},
}


def load_actor(user, membership) -> Actor:
    """Build the Actor for a user acting in a membership (or with none)."""
    if membership is None:
        return Actor(user.id, user.username, None, None, None, None)
    return Actor(user.id, user.username, Role(membership.role), membership.id,
                 membership.institution_id, membership.institution.municipality_id)


def set_request_actor(actor: Actor | None) -> None:
    """Remember the actor for the rest of the request (and key its open transaction for row security)."""
    g.actor = actor
    if actor is not None:
        from caseflow.access import rls

        rls.key_current_transaction()
