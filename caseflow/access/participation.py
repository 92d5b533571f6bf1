"""The cooperation groups' part of the policy, as SQL: who chairs or sits in a group, which cases
a participating institution sees, and who sees or works sessions, requests and actions."""
from __future__ import annotations

from sqlalchemy import and_, exists, false, literal_column, or_, select, union_all

from caseflow.access.permissions import MUNICIPAL_ROLES, Permission
from caseflow.db import local_today


def serves(actor, group_id_column):
    """SQL: the group was founded by, or (joint) serves, the actor's municipality."""
    from sqlalchemy.orm import aliased

    from caseflow.meetings.models import CooperationGroup, GroupMunicipality

    # an alias, so that asking about CooperationGroup.id itself correlates with the outer row
    group = aliased(CooperationGroup)
    return exists().where(group.id == group_id_column, or_(
        group.municipality_id == actor.municipality_id,
        exists().where(GroupMunicipality.group_id == group.id,
                       GroupMunicipality.municipality_id == actor.municipality_id)
        .correlate_except(GroupMunicipality))).correlate_except(group)


def chairs(actor, group_id_column):
    """SQL: the actor chairs the group (the coordinator of a municipality it serves)."""
    if actor.role not in MUNICIPAL_ROLES or Permission.SESSION_MANAGE not in actor.permissions:
        return false()
    return serves(actor, group_id_column)


def sits_in(actor, group_id_column):
    """SQL: the actor's institution holds a seat (member or advisory) in the group today."""
    from caseflow.meetings.models import GroupMember

    if Permission.SESSION_VIEW not in actor.permissions or actor.institution_id is None:
        return false()
    today = local_today()
    return exists().where(
        GroupMember.group_id == group_id_column, GroupMember.institution_id == actor.institution_id,
        or_(GroupMember.term_from.is_(None), GroupMember.term_from <= today),
        or_(GroupMember.term_to.is_(None), GroupMember.term_to >= today)).correlate_except(GroupMember)


def probe(*conditions, correlate_except):
    """A correlated SELECT 1 that finds a row when a relationship holds (see any_of)."""
    return select(literal_column("1")).where(*conditions).correlate_except(*correlate_except)


def any_of(probes, *, per_row: bool = False):
    """SQL: at least one probe finds a row. By default an OR of EXISTS, which PostgreSQL may answer by
    first gathering each relationship's (small) set of rows. With per_row, one EXISTS over UNION ALL:
    each row is checked with an index look-up per relationship, stopping at the first that holds, so
    a list whose relationships cover much of the table walks its sort index instead of first gathering
    every relationship's rows (under row security, a function call for each of them)."""
    probes = [p for p in probes if p is not None]
    if not probes:
        return false()
    if not per_row or len(probes) == 1:
        return or_(*(p.exists() for p in probes))
    return union_all(*probes).exists()


def agenda_probe(actor, case_id_column):
    """The case stands on an agenda of a group the actor chairs (any session), or of a group the
    actor's institution sits in while that session's minutes are not yet approved."""
    from caseflow.meetings.models import AgendaItem, GroupSession, SessionStatus

    window = GroupSession.status.in_([SessionStatus.PROPOSED, SessionStatus.PLANNED, SessionStatus.HELD])
    return probe(AgendaItem.case_id == case_id_column, GroupSession.id == AgendaItem.session_id,
                 or_(chairs(actor, GroupSession.group_id), and_(window, sits_in(actor, GroupSession.group_id))),
                 correlate_except=(AgendaItem, GroupSession))


def action_probe(actor, case_id_column):
    """The actor's institution holds (or held) an action on the case (None: it cannot)."""
    from caseflow.actions.models import Action

    if Permission.ACTION_WORK not in actor.permissions or actor.institution_id is None:
        return None
    return probe(Action.case_id == case_id_column, Action.institution_id == actor.institution_id,
                 correlate_except=(Action,))


def participant_probe(actor, case_id_column):
    """The actor's institution is an active participant of the case (added by the coordinator or
    shared); a coordinator also sees a case shared with an institution of their municipality
    (None: the actor has no institution)."""
    from sqlalchemy.orm import aliased

    from caseflow.people.models import Institution
    from caseflow.sharing.models import CaseParticipant, ParticipantWhy

    if actor.institution_id is None:
        return None
    institution = aliased(Institution)
    mine = CaseParticipant.institution_id == actor.institution_id
    if actor.role in MUNICIPAL_ROLES:
        mine = or_(mine, and_(CaseParticipant.why == ParticipantWhy.SHARED,
                              institution.municipality_id == actor.municipality_id))
    return probe(CaseParticipant.case_id == case_id_column, CaseParticipant.ended_at.is_(None),
                 institution.id == CaseParticipant.institution_id, mine,
                 correlate_except=(CaseParticipant, institution))


def holds_action(actor, case_id_column):
    """SQL: the actor's institution holds (or held) an action on the case."""
    return any_of([action_probe(actor, case_id_column)])


def participation_probes(actor, case_id_column) -> list:
    """The ways the actor's institution takes part in the work on the case: the group's (agenda,
    actions) or as a participant the coordinator added or shared the case with."""
    return [agenda_probe(actor, case_id_column), action_probe(actor, case_id_column),
            participant_probe(actor, case_id_column)]


def group_condition_for(actor, permission: Permission):
    """SQL condition on CooperationGroup: groups the actor chairs (manage) or sits in (view)."""
    from caseflow.meetings.models import CooperationGroup

    if permission is Permission.SESSION_MANAGE:
        return chairs(actor, CooperationGroup.id)
    return or_(chairs(actor, CooperationGroup.id), sits_in(actor, CooperationGroup.id))


def session_condition_for(actor, permission: Permission):
    """SQL condition on GroupSession: sessions of groups the actor chairs or sits in."""
    from caseflow.meetings.models import GroupSession

    if permission is Permission.SESSION_MANAGE:
        return chairs(actor, GroupSession.group_id)
    return or_(chairs(actor, GroupSession.group_id), sits_in(actor, GroupSession.group_id))


def request_condition(actor):
    """SQL condition on SessionRequest: one's own requests, and those the actor's groups decide."""
    from caseflow.meetings.models import SessionRequest

    return or_(SessionRequest.submitted_by_id == actor.user_id, chairs(actor, SessionRequest.group_id))


def action_condition_for(actor, permission: Permission):
    """SQL condition on Action: work one's institution's; see also supervised ones, those on one's
    school's cases, and (the chair) every action of the group; the board is the chair's."""
    from caseflow.access.policy import CASE_OWNER_ROLES
    from caseflow.actions.models import Action
    from caseflow.cases.models import Case

    own = Action.institution_id == actor.institution_id
    if permission is Permission.ACTION_WORK:
        return own
    chair = chairs(actor, Action.group_id)
    if permission is Permission.ACTION_BOARD:
        return chair
    school_case = exists().where(Case.id == Action.case_id, Case.school_id == actor.institution_id) \
        .correlate_except(Case) if actor.role in CASE_OWNER_ROLES else false()
    return or_(own, Action.supervisor_institution_id == actor.institution_id, chair, school_case)
