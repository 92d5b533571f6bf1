"""Reads behind the record of a session: the session's day, its seats and attendance lines, the
institutions and people a measure can go to, and an item's recorded texts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from caseflow.actions.models import Action
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    AttendeeKind,
    CooperationGroup,
    GroupMember,
    GroupMunicipality,
    GroupSession,
    ItemKind,
    ItemOutcome,
    MeasuresAre,
)
from caseflow.people.models import Institution, Membership, User

#: attendees who are invited to be heard (not seats of the group)
HEARD_KINDS = frozenset({AttendeeKind.PUPIL, AttendeeKind.PARENT, AttendeeKind.SCHOOL_STAFF,
                         AttendeeKind.OTHER})
#: outcomes after which the group sets no next evaluation date
NO_EVALUATION_OUTCOMES = frozenset({ItemOutcome.ESCALATE, ItemOutcome.RECOMMEND_CLOSING,
                                    ItemOutcome.CARRY_OVER})

OUTCOME_LABELS = {
    ItemOutcome.CONTINUE: _l("Continue the agreed work"),
    ItemOutcome.NEW_MEASURES: _l("New measures"),
    ItemOutcome.SUPPORT_PROGRAMME: _l("Support programme for the child and the family"),
    ItemOutcome.CORRECTION_PROGRAMME: _l("Behaviour social-correction programme"),
    ItemOutcome.ESCALATE: _l("Escalate to the next group"),
    ItemOutcome.RECOMMEND_CLOSING: _l("Recommend closing the case"),
    ItemOutcome.CARRY_OVER: _l("Carry over to the next session"),
}
PRESENCE_LABELS = {
    "invited": _l("Not recorded"),
    "present": _l("Present"),
    "absent": _l("Absent"),
    "excused": _l("Excused"),
}
KIND_LABELS = {
    AttendeeKind.MEMBER: _l("Member"),
    AttendeeKind.ADVISORY: _l("Advisory participant"),
    AttendeeKind.PUPIL: _l("Pupil"),
    AttendeeKind.PARENT: _l("Parent or legal representative"),
    AttendeeKind.SCHOOL_STAFF: _l("School staff"),
    AttendeeKind.OTHER: _l("Other invited person"),
}
#: the wording of measures follows the group's setting, not the municipality's name
MEASURES_HEADINGS = {MeasuresAre.DECIDED: _l("Decided measures"),
                     MeasuresAre.RECOMMENDED: _l("Recommended measures")}


def measures_heading(group: CooperationGroup):
    """'Decided measures' or 'Recommended measures', as the group's setting says."""
    return MEASURES_HEADINGS.get(group.measures_are, MEASURES_HEADINGS[MeasuresAre.RECOMMENDED])


def load_session(session_id: int, **_ignored) -> GroupSession | None:
    """The session named in the URL (the policy decides who may use it)."""
    return db.session.get(GroupSession, session_id)


def session_day(session: GroupSession) -> date:
    """The session's calendar day in the municipality's time zone."""
    return session.starts_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def has_begun(session: GroupSession) -> bool:
    """True on and after the session's day."""
    return local_today() >= session_day(session)


def item_of(session: GroupSession, item_id: int) -> AgendaItem | None:
    """The agenda item of this session, or None (an item of another session is not found)."""
    return db.session.scalar(select(AgendaItem).where(AgendaItem.id == item_id,
                                                      AgendaItem.session_id == session.id))


def seats_on(group_id: int, day: date) -> list[GroupMember]:
    """The group's seats whose term covers the day, with their institutions and people."""
    return list(db.session.scalars(
        select(GroupMember).where(
            GroupMember.group_id == group_id,
            or_(GroupMember.term_from.is_(None), GroupMember.term_from <= day),
            or_(GroupMember.term_to.is_(None), GroupMember.term_to >= day))
        .options(joinedload(GroupMember.institution), joinedload(GroupMember.user))
        .order_by(GroupMember.id)))


@dataclass
class AttendanceLine:
    """One line of the attendance sheet: an attendance row, or a seat with no row yet."""

    key: str
    label: str
    kind: str
    institution: Institution | None
    row: Attendance | None
    member: GroupMember | None

    @property
    def presence(self) -> str:
        return self.row.presence if self.row else "invited"

    @property
    def heard(self) -> bool:
        return bool(self.row and self.row.heard)

    @property
    def is_invited_person(self) -> bool:
        return self.kind in HEARD_KINDS


def attendance_lines(session: GroupSession) -> list[AttendanceLine]:
    """The attendance sheet: every row of the session, then the seats that have none yet."""
    rows = list(db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id)
        .options(joinedload(Attendance.institution)).order_by(Attendance.id)))
    lines = [AttendanceLine(f"a{r.id}", r.name, r.kind, r.institution, r, None) for r in rows]
    seated = {r.member_id for r in rows if r.member_id}
    for seat in seats_on(session.group_id, session_day(session)):
        if seat.id not in seated:
            label = f"{seat.user.full_name}, {seat.office}" if seat.user else seat.office
            lines.append(AttendanceLine(f"m{seat.id}", label, seat.kind, seat.institution, None, seat))
    return lines


def served_municipality_ids(group: CooperationGroup) -> set[int]:
    """The founder and every municipality a joint group serves."""
    return {group.municipality_id} | set(db.session.scalars(
        select(GroupMunicipality.municipality_id).where(GroupMunicipality.group_id == group.id)))


def measure_institutions(group: CooperationGroup) -> list[Institution]:
    """Where a measure can go: the seats' institutions first, then every open institution of the
    municipalities the group serves."""
    seat_ids = list(db.session.scalars(select(GroupMember.institution_id).where(GroupMember.group_id == group.id)))
    in_reach = and_(Institution.municipality_id.in_(served_municipality_ids(group)),
                    Institution.closed_on.is_(None))
    rows = list(db.session.scalars(
        select(Institution).where(or_(Institution.id.in_(seat_ids), in_reach)).order_by(Institution.name)))
    return sorted(rows, key=lambda i: (i.id not in seat_ids, i.name))


def measure_people(group: CooperationGroup, item: AgendaItem) -> list[tuple[User, Institution]]:
    """People a measure can name: users of the seats' institutions and of the case's school."""
    ids = set(db.session.scalars(select(GroupMember.institution_id).where(GroupMember.group_id == group.id)))
    if item.case is not None:
        ids.add(item.case.school_id)
    today = local_today()
    memberships = db.session.scalars(
        select(Membership).join(User).where(
            Membership.institution_id.in_(ids), User.is_active_account.is_(True),
            or_(Membership.valid_to.is_(None), Membership.valid_to >= today))
        .options(joinedload(Membership.user), joinedload(Membership.institution))
        .order_by(User.full_name, Membership.id))
    return [(m.user, m.institution) for m in memberships]


def works_at(user_id: int, institution_id: int) -> bool:
    """True if the user has a current membership in the institution."""
    today = local_today()
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == user_id, Membership.institution_id == institution_id,
        or_(Membership.valid_to.is_(None), Membership.valid_to >= today)).limit(1)) is not None


def report_institutions(session: GroupSession, item: AgendaItem) -> list[Institution]:
    """Institutions asked what they report on an item: the seats', the case's school, and any that
    already reported."""
    ids = {s.institution_id for s in seats_on(session.group_id, session_day(session))}
    if item.case is not None:
        ids.add(item.case.school_id)
    ids |= {r.institution_id for r in item.reports}
    return list(db.session.scalars(select(Institution).where(Institution.id.in_(ids)).order_by(Institution.name)))


def item_actions(item: AgendaItem) -> list[Action]:
    """The actions agreed on an item, with their institutions."""
    return list(db.session.scalars(
        select(Action).where(Action.item_id == item.id)
        .options(joinedload(Action.institution), joinedload(Action.supervisor), joinedload(Action.assignee))
        .order_by(Action.id)))


def text_scope(item: AgendaItem, group_id: int) -> str:
    """The key scope of an item's texts: the pupil's for a case item, the group's otherwise."""
    if item.kind == ItemKind.CASE and item.case is not None:
        return f"pupil:{item.case.pupil_id}"
    return f"group:{group_id}"


def item_texts(item: AgendaItem) -> tuple[str | None, dict[int, str]]:
    """An item's discussion and each institution's report, decrypted."""
    return unseal(item, "discussion"), {r.institution_id: unseal(r, "text") or "" for r in item.reports}


def session_items(session: GroupSession) -> list[AgendaItem]:
    """The session's items in order, with their cases, pupils and reports."""
    from caseflow.cases.models import Case

    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.session_id == session.id)
        .options(joinedload(AgendaItem.case).joinedload(Case.pupil), selectinload(AgendaItem.reports))
        .order_by(AgendaItem.position, AgendaItem.id)))
