"""Demo work of the cooperation group: three past sessions with approved minutes, one held
session awaiting approval, one planned session with a proposed agenda, and actions in every
state (open, in progress, overdue, done) with follow-up logged by the institutions."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from caseflow.actions.models import Action, ActionStatus, FollowUp
from caseflow.cases.models import Case, CaseStatus, Referral, ReferralStatus
from caseflow.crypto import seal
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    AttendeeKind,
    CooperationGroup,
    GroupSession,
    ItemOutcome,
    ItemReason,
    ItemReport,
    Minutes,
    Presence,
    SessionStatus,
)
from caseflow.people.models import Institution, User

RIGA = ZoneInfo("Europe/Riga")
#: days before today of the past sessions (the last one held but its minutes not yet approved)
PAST = (84, 56, 28, 3)
#: what each institution is asked to do, by institution key
MEASURES = {
    "soc": "Apmeklēt ģimeni dzīvesvietā un izvērtēt sociālās palīdzības vajadzības.",
    "pp": "Veikt profilaktisku pārrunu ar izglītojamo un vecākiem par mācību apmeklējumu.",
    "barintiesa": "Izvērtēt vecāku pienākumu izpildi un, ja nepieciešams, uzsākt lietu.",
    "vidusskola": "Nodrošināt individuālas konsultācijas matemātikā divas reizes nedēļā.",
}
REPORTS = {
    "soc": "Ģimene saņem trūcīgas ģimenes statusu; māte strādā maiņās.",
    "pp": "Izglītojamais divreiz aizturēts tirdzniecības centrā mācību laikā.",
    "vidusskola": "Oktobrī 46 neattaisnotas stundas; IAP konsultācijas apmeklē daļēji.",
}


def _at(day: date, hour: int = 14) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=RIGA)


def _session(group: CooperationGroup, number: int, day: date, status: SessionStatus, chair: User) -> GroupSession:
    session = GroupSession(group_id=group.id, municipality_id=group.municipality_id, number=number,
                           status=status, starts_at=_at(day), ends_at=_at(day, 16), place="Domes 2. stāva zāle",
                           uid=f"{uuid.UUID(int=group.id * 1000 + number)}@caseflow", created_by_id=chair.id,
                           created_at=_at(day - timedelta(days=10), 9),
                           invitations_sent_at=_at(day - timedelta(days=7), 9))
    db.session.add(session)
    db.session.flush()
    for seat in group.members:
        session.attendance.append(Attendance(
            member_id=seat.id, kind=seat.kind, name=seat.user.full_name if seat.user else seat.office,
            email=seat.user.email if seat.user else seat.institution.email, institution_id=seat.institution_id,
            presence=(Presence.INVITED if status is SessionStatus.PLANNED
                      else Presence.EXCUSED if seat.user is None else Presence.PRESENT)))
    return session


def _action(session, item, case, institution, chair, *, due: date, status: ActionStatus, today: date,
            users: dict[str, User], key: str) -> Action:
    action = Action(municipality_id=session.municipality_id, group_id=session.group_id, item_id=item.id,
                    case_id=case.id, institution_id=institution.id, supervisor_institution_id=chair.memberships[0].institution_id,
                    due_on=due, evaluate_on=due + timedelta(days=14), status=status,
                    created_at=session.starts_at, created_by_id=chair.id,
                    status_changed_at=session.starts_at if status is ActionStatus.NEW else _at(min(due, today), 11))
    db.session.add(action)
    db.session.flush()
    scope = f"pupil:{case.pupil_id}"
    seal(action, "description", MEASURES[key], scope=scope)
    worker = {"soc": "socialais.dienests", "pp": "pasvaldibas.policija", "barintiesa": "barintiesa",
              "vidusskola": "sp.skola1"}[key]
    if status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        on = min(session.starts_at.date() + timedelta(days=7), today)
        entry = FollowUp(action_id=action.id, on=on, logged_at=_at(on, 12), logged_by_id=users[worker].id,
                         institution_id=institution.id)
        db.session.add(entry)
        db.session.flush()
        seal(entry, "text", '{"done": "Apmeklējums notika; saruna ar māti un izglītojamo.", '
             '"result": "Vienojāmies par ikdienas saziņu ar skolu."}', scope=scope)
    return action


def load_meetings(*, today: date, institutions: dict[str, Institution], users: dict[str, User]) -> dict[str, int]:
    """Write the group's sessions, minutes and actions; return how many of each were made."""
    counts = {"sessions": 0, "agenda_items": 0, "actions": 0}
    group = db.session.scalar(select(CooperationGroup).limit(1))
    if group is None:
        return counts
    chair = users["koordinators"]
    cases = list(db.session.scalars(select(Case).join(Referral, Referral.case_id == Case.id).where(
        Referral.group_id == group.id, Referral.status == ReferralStatus.ACCEPTED).order_by(Case.id)))
    if not cases:
        return counts
    outcomes = (ItemOutcome.NEW_MEASURES, ItemOutcome.CONTINUE, ItemOutcome.SUPPORT_PROGRAMME, ItemOutcome.CONTINUE)
    plan = {  # session index → (institution key, deadline offset from the session, status)
        0: (("soc", 21, ActionStatus.DONE), ("pp", 14, ActionStatus.DONE)),
        1: (("barintiesa", 30, ActionStatus.DONE), ("vidusskola", 20, ActionStatus.IN_PROGRESS)),
        2: (("soc", 14, ActionStatus.ACCEPTED), ("pp", 21, ActionStatus.IN_PROGRESS)),
        3: (("soc", 21, ActionStatus.NEW), ("vidusskola", 30, ActionStatus.NEW)),
    }
    for n, days_ago in enumerate(PAST):
        day = today - timedelta(days=days_ago)
        status = SessionStatus.APPROVED if n < len(PAST) - 1 else SessionStatus.HELD
        session = _session(group, n + 1, day, status, chair)
        case = cases[n % len(cases)]
        item = AgendaItem(session_id=session.id, position=0, case_id=case.id,
                          reason=ItemReason.REFERRAL if n < len(cases) else ItemReason.EVALUATION,
                          outcome=outcomes[n], next_evaluation_on=day + timedelta(days=42),
                          recorded_at=_at(day, 16), recorded_by_id=chair.id)
        policy = AgendaItem(session_id=session.id, position=1, kind="policy", reason=ItemReason.ADDED,
                            title="Skolu kavējumu uzskaites kārtības saskaņošana", recorded_at=_at(day, 16),
                            recorded_by_id=chair.id, outcome=ItemOutcome.CONTINUE)
        db.session.add_all([item, policy])
        db.session.flush()
        scope = f"pupil:{case.pupil_id}"
        seal(item, "discussion", "Uzklausīta izglītojamā māte un klases audzinātāja; vienojās par "
             "pasākumiem un to izpildes uzraudzību.", scope=scope)
        for key, text in REPORTS.items():
            report = ItemReport(item_id=item.id, institution_id=institutions[key].id)
            db.session.add(report)
            db.session.flush()
            seal(report, "text", text, scope=scope)
        for key, offset, action_status in plan[n]:
            _action(session, item, case, institutions[key], chair, due=day + timedelta(days=offset),
                    status=action_status, today=today, users=users, key=key)
            counts["actions"] += 1
        if status is SessionStatus.APPROVED:
            minutes = Minutes(session_id=session.id, approved_at=_at(day + timedelta(days=3), 10),
                              approved_by_id=chair.id, updated_at=_at(day + timedelta(days=3), 10))
            db.session.add(minutes)
            db.session.flush()
            seal(minutes, "text", "Sēdi vada grupas vadītāja. Sēde ir lemtspējīga.", scope=f"group:{group.id}")
        counts["sessions"] += 1
        counts["agenda_items"] += 2
    upcoming = _session(group, len(PAST) + 1, today + timedelta(days=10), SessionStatus.PLANNED, chair)
    upcoming.invitations_sent_at = None
    for position, case in enumerate(cases):
        db.session.add(AgendaItem(session_id=upcoming.id, position=position, case_id=case.id,
                                  reason=ItemReason.EVALUATION))
        counts["agenda_items"] += 1
    upcoming.attendance.append(Attendance(kind=AttendeeKind.PARENT, name="Izglītojamā māte", presence=Presence.INVITED,
                                          email="mate@example.lv"))
    for case in cases:
        if case.status != CaseStatus.CLOSED:
            case.status = CaseStatus.REFERRED
    counts["sessions"] += 1
    db.session.flush()
    return counts
