"""Reads of the people on a case: parties with their decrypted contact details and the case team
(each with their role at the school), in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseflow.access import Actor, Permission, can
from caseflow.cases.forms.people import PARTY_KIND_LABELS, FamilyForm, TeamMemberForm
from caseflow.cases.models import Case, CaseParty, CaseTeamMember, PartyKind
from caseflow.cases.services.people import TEAM_ROLES, contact_of, team_candidates
from caseflow.core.templating import role_label
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import User


@dataclass(frozen=True)
class PartyRow:
    """A party as the case page shows it."""

    party: CaseParty
    kind_label: str
    #: phone, e-mail and address given ({} when none; None when they cannot be decrypted)
    contact: dict[str, str] | None


@dataclass(frozen=True)
class TeamRow:
    """A member of the case team with their role(s) at the case's school today."""

    member: CaseTeamMember
    roles: str


def load_party(case: Case, party_id: int) -> CaseParty | None:
    """A current party of the case (None when it belongs elsewhere or was removed)."""
    return db.session.scalar(select(CaseParty).where(
        CaseParty.id == party_id, CaseParty.case_id == case.id, CaseParty.removed_at.is_(None)))


def load_member(case: Case, member_id: int) -> CaseTeamMember | None:
    """A current member of the case team (None when it belongs elsewhere or was removed)."""
    return db.session.scalar(select(CaseTeamMember).where(
        CaseTeamMember.id == member_id, CaseTeamMember.case_id == case.id,
        CaseTeamMember.removed_at.is_(None)))


def parties(case: Case) -> list[PartyRow]:
    """The case's current parties in the order they were added, contact details decrypted."""
    rows = db.session.scalars(select(CaseParty).where(
        CaseParty.case_id == case.id, CaseParty.removed_at.is_(None)).order_by(CaseParty.id))
    return [PartyRow(party=p, kind_label=str(PARTY_KIND_LABELS.get(PartyKind(p.kind), p.kind)),
                     contact=contact_of(p)) for p in rows]


def team(case: Case) -> list[TeamRow]:
    """The case's current team in the order they joined, with their roles at the school."""
    members = db.session.scalars(select(CaseTeamMember).where(
        CaseTeamMember.case_id == case.id, CaseTeamMember.removed_at.is_(None))
        .options(selectinload(CaseTeamMember.user).selectinload(User.memberships))
        .order_by(CaseTeamMember.added_at, CaseTeamMember.id))
    today = local_today()
    rows = []
    for member in members:
        roles = sorted({role_label(m.role) for m in member.user.memberships
                        if m.institution_id == case.school_id and m.role in TEAM_ROLES and m.is_valid_on(today)})
        rows.append(TeamRow(member=member, roles=", ".join(roles)))
    return rows


def team_form(case: Case, **kwargs) -> TeamMemberForm:
    """The form to add a colleague, offering those who may join (prefixed for the case page)."""
    form = TeamMemberForm(prefix="team", **kwargs)
    form.offer(team_candidates(case))
    return form


def family_form(case: Case, **kwargs) -> FamilyForm:
    """The whole-family toggle, showing the case's current answer."""
    return FamilyForm(prefix="family", data={"concerns_family": case.concerns_family}, **kwargs)


def for_case_page(case: Case, actor: Actor) -> dict:
    """The people section of the case page: parties, team and, where allowed, their forms."""
    editable = not case.is_closed and can(actor, Permission.CASE_EDIT, case)
    return {
        "people_parties": parties(case),
        "people_team": team(case),
        "people_editable": editable,
        "people_family_form": family_form(case, formdata=None) if editable else None,
        "people_team_form": team_form(case, formdata=None) if editable else None,
    }
