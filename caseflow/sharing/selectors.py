"""Who takes part in a case: the case page's section, the coordinator's choices and the loaders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, can
from caseflow.actions.models import Action
from caseflow.cases.models import Case
from caseflow.crypto import DecryptionError, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    CooperationGroup,
    GroupMember,
    GroupSession,
    SessionStatus,
)
from caseflow.people.models import SCHOOL_KINDS, Institution
from caseflow.sharing.models import CaseParticipant, ParticipantWhy
from caseflow.sharing.services import SHARE_KINDS

#: the agenda window in which a seated institution takes part (as the policy's participation rule)
AGENDA_WINDOW = (SessionStatus.PROPOSED, SessionStatus.PLANNED, SessionStatus.HELD)
WHY_LABELS = {
    ParticipantWhy.ADDED_BY_COORDINATOR: _l("Added by the coordinator"),
    ParticipantWhy.SHARED: _l("Shared with the pupil's declared municipality"),
}


@dataclass(frozen=True)
class Taking:
    """One line of "who takes part": an institution, since when and why."""

    institution: str
    since: date
    why: str
    participant: CaseParticipant | None = None
    reason: str | None = None


def local_date(moment: datetime) -> date:
    """The day a moment falls on where caseflow's users are."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def reason_of(participant: CaseParticipant) -> str | None:
    """The reason given when the institution was added or the case shared (None if none or unreadable)."""
    try:
        return unseal(participant, "reason")
    except DecryptionError:
        return None


def active_participants(case_id: int) -> list[CaseParticipant]:
    """The case's active participations with their institution and who added them."""
    return list(db.session.scalars(
        select(CaseParticipant).where(CaseParticipant.case_id == case_id, CaseParticipant.ended_at.is_(None))
        .options(joinedload(CaseParticipant.institution), joinedload(CaseParticipant.added_by))
        .order_by(CaseParticipant.since, CaseParticipant.id)))


def may_end(actor: Actor, case: Case, participant: CaseParticipant) -> bool:
    """The case's coordinator ends any participation; the receiving coordinator ends a share."""
    return case.municipality_id == actor.municipality_id or (
        participant.why == ParticipantWhy.SHARED and participant.institution.municipality_id == actor.municipality_id)


def for_case_page(case: Case, actor: Actor) -> dict:
    """Every institution taking part in the case, since when and why (a constant number of statements)."""
    rows = [Taking(case.school.name, case.opened_on, str(_l("Owns the case")))]
    for name, first in db.session.execute(
            select(Institution.name, func.min(Action.created_at))
            .join(Action, Action.institution_id == Institution.id).where(Action.case_id == case.id)
            .group_by(Institution.id, Institution.name)):
        rows.append(Taking(name, local_date(first), str(_l("Holds an action"))))
    today = local_today()
    seen: set[tuple[str, int]] = set()
    for name, institution_id, starts_at, group in db.session.execute(
            select(Institution.name, Institution.id, GroupSession.starts_at, CooperationGroup.name)
            .select_from(AgendaItem).join(GroupSession, GroupSession.id == AgendaItem.session_id)
            .join(CooperationGroup, CooperationGroup.id == GroupSession.group_id)
            .join(GroupMember, GroupMember.group_id == GroupSession.group_id)
            .join(Institution, Institution.id == GroupMember.institution_id)
            .where(AgendaItem.case_id == case.id, GroupSession.status.in_([str(s) for s in AGENDA_WINDOW]),
                   or_(GroupMember.term_from.is_(None), GroupMember.term_from <= today),
                   or_(GroupMember.term_to.is_(None), GroupMember.term_to >= today))
            .order_by(GroupSession.starts_at, Institution.name)):
        if (group, institution_id) not in seen:
            seen.add((group, institution_id))
            rows.append(Taking(name, local_date(starts_at),
                               str(_l("On the agenda of %(group)s", group=group))))
    participants = active_participants(case.id)
    manages = can(actor, Permission.CASE_SHARE, case)
    for p in participants:
        rows.append(Taking(p.institution.name, local_date(p.since), str(WHY_LABELS.get(p.why, p.why)),
                           participant=p, reason=reason_of(p) if manages else None))
    return {
        "sharing_rows": rows[:1] + sorted(rows[1:], key=lambda r: (r.since, r.institution)),
        "sharing_may_manage": manages and not case.is_closed and (
            case.municipality_id == actor.municipality_id or any(may_end(actor, case, p) for p in participants)),
    }


def addable_institutions(case: Case) -> list[Institution]:
    """The institutions of the case's municipality the coordinator may add: not schools, working today."""
    today = local_today()
    return [i for i in db.session.scalars(select(Institution).where(
        Institution.municipality_id == case.municipality_id,
        Institution.kind.not_in([str(k) for k in SCHOOL_KINDS])).order_by(Institution.name))
        if i.is_active_on(today)]


def shareable_institutions(case: Case) -> list[Institution]:
    """The social service and orphans' court of the pupil's declared municipality, when it differs."""
    declared = case.pupil.declared_municipality_id
    if declared is None or declared == case.municipality_id:
        return []
    today = local_today()
    return [i for i in db.session.scalars(select(Institution).where(
        Institution.municipality_id == declared, Institution.kind.in_([str(k) for k in SHARE_KINDS]))
        .order_by(Institution.name)) if i.is_active_on(today)]


def load_participant(case_id: int, participant_id: int) -> CaseParticipant | None:
    """A participation of the case (None when it belongs to another case)."""
    return db.session.scalar(select(CaseParticipant).where(
        CaseParticipant.id == participant_id, CaseParticipant.case_id == case_id)
        .options(joinedload(CaseParticipant.institution)))
