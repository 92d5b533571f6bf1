"""The groups' work: sessions over four years (approved minutes, the last one held, one planned), the
hearings of accepted cases with reports and outcomes, escalation to the management group, and the
actions agreed for each institution with their follow-up."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from caseflow.actions.models import Action, ActionStatus, FollowUp
from caseflow.demo.generate import shape as sizes
from caseflow.demo.generate.cases import CaseFact
from caseflow.demo.generate.world import Group, Municipality, World
from caseflow.demo.generate.writer import Progress, Writer
from caseflow.demo.meetings import MEASURES, REPORTS
from caseflow.demo.pupils import school_year_start
from caseflow.meetings.models import (
    AgendaItem,
    Attendance,
    GroupLevel,
    GroupSession,
    ItemOutcome,
    ItemReason,
    ItemReport,
    Minutes,
    SessionStatus,
)
from caseflow.people.models import InstitutionKind

DISCUSSION = "Uzklausīta izglītojamā māte un klases audzinātāja; vienojās par pasākumiem un to uzraudzību."
MINUTES = "Sēdi vada grupas vadītāja. Sēde ir lemtspējīga."
FOLLOW_UP = '{"done": "Apmeklējums notika; saruna ar māti un izglītojamo.", "result": "Vienojāmies par saziņu."}'
#: days between a case's hearings (the next evaluation)
EVALUATE_AFTER = 42
#: outcomes of a heard case and how often each is agreed
OUTCOMES = ((ItemOutcome.NEW_MEASURES, 40), (ItemOutcome.CONTINUE, 35), (ItemOutcome.SUPPORT_PROGRAMME, 10),
            (ItemOutcome.CORRECTION_PROGRAMME, 5), (ItemOutcome.RECOMMEND_CLOSING, 7), (ItemOutcome.ESCALATE, 3))
#: institutions that carry out actions besides the school, by kind (each has staff to log follow-up)
ACTION_KINDS = (InstitutionKind.SOCIAL_SERVICE, InstitutionKind.ORPHANS_COURT, InstitutionKind.MUNICIPAL_POLICE,
                InstitutionKind.STATE_POLICE)
_TEXT_OF = {"social_service": MEASURES["soc"], "orphans_court": MEASURES["barintiesa"],
            "municipal_police": MEASURES["pp"], "school": MEASURES["vidusskola"]}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _session_days(world: World, count: int) -> list[date]:
    """`count` working days spread evenly over the four school years, then one ahead (planned)."""
    first = date(school_year_start(world.today) - sizes.SCHOOL_YEARS + 1, 9, 10)
    span = (world.today - first).days
    days = []
    for k in range(count):
        day = first + timedelta(days=int(k * span / count))
        day += timedelta(days=_to_monday(day))
        if day < world.today and (not days or day > days[-1]):
            days.append(day)
    ahead = world.today + timedelta(days=7)
    return [*days, ahead + timedelta(days=_to_monday(ahead))]


def _to_monday(day: date) -> int:
    """Days to add so that a Saturday or Sunday becomes the next Monday (0 on a working day)."""
    return 7 - day.weekday() if day.weekday() >= 5 else 0


def make_meetings(world: World, writer: Writer, progress: Progress, facts: list[CaseFact], total: int) -> None:
    """Every group's sessions and what was agreed at them."""
    accepted = defaultdict(list)
    for fact in facts:
        if fact.accepted_on is not None:
            accepted[fact.school.group_id].append(fact)
    groups = [(m, g) for m in world.municipalities for g in m.groups]
    working = [pair for pair in groups if pair[1].level != GroupLevel.MANAGEMENT]
    with progress("sessions", total) as advance:
        escalated: dict[int, list[tuple[date, CaseFact]]] = defaultdict(list)
        per_group = max(sizes.SCHOOL_YEARS, round(total * 0.9 / max(1, len(working))))
        for municipality, group in working:
            days = _session_days(world, per_group)
            _group_sessions(world, writer, municipality, group, days, accepted[group.id], escalated)
            advance(len(days))
        for municipality, group in groups:
            if group.level == GroupLevel.MANAGEMENT:
                days = _session_days(world, max(sizes.SCHOOL_YEARS, round(total * 0.1)))
                hearings = sorted(escalated[municipality.id], key=lambda p: (p[0], p[1].id))
                _group_sessions(world, writer, municipality, group, days, [], escalated, hearings)
                advance(len(days))


def _hearing_days(world: World, fact: CaseFact, days: list[date]) -> list[date]:
    """The sessions a case is heard at: the first after acceptance, then each evaluation."""
    wanted = world.rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
    end = fact.closed_on or date.max
    heard, after = [], fact.accepted_on + timedelta(days=3)
    for day in days[:-1]:
        if len(heard) == wanted or day > end:
            break
        if day >= after:
            heard.append(day)
            after = day + timedelta(days=EVALUATE_AFTER)
    return heard


def _group_sessions(world: World, writer: Writer, municipality: Municipality, group: Group, days: list[date],
                    cases: list[CaseFact], escalated: dict, hearings: list | None = None) -> None:
    rng = world.rng
    by_day: dict[date, list[tuple[CaseFact, str]]] = defaultdict(list)
    due_next: dict[int, CaseFact] = {}
    for fact in cases:
        heard = _hearing_days(world, fact, days)
        for k, day in enumerate(heard):
            by_day[day].append((fact, ItemReason.REFERRAL if k == 0 else ItemReason.EVALUATION))
        if heard and fact.closed_on is None and heard[-1] + timedelta(days=EVALUATE_AFTER) <= days[-1]:
            due_next[fact.id] = fact
    for day, fact in hearings or []:
        session_day = next((d for d in days[:-1] if d > day), None)
        if session_day is not None:
            by_day[session_day].append((fact, ItemReason.ESCALATED))
    numbers: dict[int, int] = defaultdict(int)
    for k, day in enumerate(days):
        numbers[day.year] += 1
        planned = k == len(days) - 1
        status = SessionStatus.PLANNED if planned else (
            SessionStatus.HELD if k == len(days) - 2 else SessionStatus.APPROVED)
        sid = writer.next_id(GroupSession)
        writer.add(GroupSession, {
            "id": sid, "group_id": group.id, "municipality_id": municipality.id, "kind": "regular",
            "status": str(status), "number": numbers[day.year], "starts_at": _at(day, 12),
            "ends_at": _at(day, 14), "place": "Izglītības pārvalde, 3. stāvs, 301. telpa", "video_link": None,
            "uid": str(uuid.UUID(int=rng.getrandbits(128))), "sequence": 0,
            "invitations_sent_at": _at(day - timedelta(days=7), 9), "cancelled_at": None, "cancel_reason": None,
            "created_at": _at(day - timedelta(days=14), 9), "created_by_id": group.chair.user_id})
        items = [(fact, ItemReason.EVALUATION) for fact in due_next.values()] if planned else by_day[day]
        _attendance(writer, group, sid, present=not planned, rng=rng)
        for position, (fact, reason) in enumerate(items):
            outcome = _item(world, writer, municipality, group, sid, position, day, fact, reason, planned)
            if outcome == ItemOutcome.ESCALATE and group.escalates_to:
                escalated[municipality.id].append((day, fact))
        if not planned and rng.random() < 0.3:
            writer.add(AgendaItem, {
                "id": writer.next_id(AgendaItem), "session_id": sid, "position": len(items), "kind": "policy",
                "reason": str(ItemReason.ADDED), "case_id": None, "referral_id": None, "request_id": None,
                "title": "Skolu kavējumu uzskaites kārtības saskaņošana", "discussion_enc": None,
                "outcome": str(ItemOutcome.CONTINUE), "next_evaluation_on": None, "recorded_at": _at(day, 14),
                "recorded_by_id": group.chair.user_id})
        if status == SessionStatus.APPROVED:
            minutes_id = writer.next_id(Minutes)
            writer.add(Minutes, {
                "id": minutes_id, "session_id": sid, "approved_at": _at(day + timedelta(days=3), 10),
                "approved_by_id": group.chair.user_id, "updated_at": _at(day + timedelta(days=3), 10),
                "text_enc": writer.seal(MINUTES, scope=f"group:{group.id}", model=Minutes, row_id=minutes_id,
                                        field="text")})


def _attendance(writer: Writer, group: Group, sid: int, *, present: bool, rng) -> None:
    for member_id, institution_id, account, kind in group.seats:
        presence = "invited" if not present else ("present" if rng.random() < 0.9 else "excused")
        writer.add(Attendance, {
            "id": writer.next_id(Attendance), "session_id": sid, "member_id": member_id, "kind": kind,
            "name": account.full_name if account else "Pārstāvis", "email": account.username if account else None,
            "institution_id": institution_id, "item_id": None, "presence": presence, "heard": False,
            "invited_at": None})


def _item(world: World, writer: Writer, municipality: Municipality, group: Group, sid: int, position: int,
          day: date, fact: CaseFact, reason: str, planned: bool):
    rng = world.rng
    scope = f"pupil:{fact.pupil_id}"
    item_id = writer.next_id(AgendaItem)
    outcome = None if planned else rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
    writer.add(AgendaItem, {
        "id": item_id, "session_id": sid, "position": position, "kind": "case", "reason": str(reason),
        "case_id": fact.id, "referral_id": None, "request_id": None, "title": None,
        "discussion_enc": None if planned else writer.seal(DISCUSSION, scope=scope, model=AgendaItem,
                                                           row_id=item_id, field="discussion"),
        "outcome": str(outcome) if outcome else None,
        "next_evaluation_on": None if planned else day + timedelta(days=EVALUATE_AFTER),
        "recorded_at": None if planned else _at(day, 13, position % 60),
        "recorded_by_id": None if planned else group.chair.user_id})
    if planned:
        return None
    places = municipality.institutions
    reporters = [places[str(InstitutionKind.SOCIAL_SERVICE)], fact.school.id]
    if rng.random() < 0.5:
        reporters.append(places[str(InstitutionKind.MUNICIPAL_POLICE)])
    for institution_id in reporters:
        report_id = writer.next_id(ItemReport)
        text = REPORTS["vidusskola"] if institution_id == fact.school.id else REPORTS["soc"]
        writer.add(ItemReport, {"id": report_id, "item_id": item_id, "institution_id": institution_id,
                                "text_enc": writer.seal(text, scope=scope, model=ItemReport, row_id=report_id,
                                                        field="text")})
    count = max(1, round(rng.triangular(1, 2 * sizes.ACTIONS_PER_ITEM - 1, sizes.ACTIONS_PER_ITEM)))
    for k in range(count):
        _action(world, writer, municipality, group, item_id, day, fact, k, scope)
    return outcome


def _action(world: World, writer: Writer, municipality: Municipality, group: Group, item_id: int, day: date,
            fact: CaseFact, k: int, scope: str) -> None:
    rng = world.rng
    if k % 4 == 3:
        kind, institution_id, staff = "school", fact.school.id, fact.school.pedagogues
    else:
        kind = str(rng.choice(ACTION_KINDS))
        institution_id = municipality.institutions[kind]
        staff = municipality.staff.get(_ROLE_AT.get(kind, ""), [])
    assignee = rng.choice(staff) if staff and rng.random() < 0.7 else None
    due = day + timedelta(days=rng.choice((14, 21, 30, 45, 60)))
    if due < world.today:
        status = rng.choices((ActionStatus.DONE, ActionStatus.CANNOT, ActionStatus.IN_PROGRESS),
                             weights=(85, 5, 10))[0]
    else:
        status = rng.choice((ActionStatus.NEW, ActionStatus.ACCEPTED, ActionStatus.IN_PROGRESS))
    worker = assignee or (staff[0] if staff else group.chair)
    steps = {"accepted": day + timedelta(days=2), "started": day + timedelta(days=5),
             "closed": min(due, world.today - timedelta(days=1))}
    reached = {ActionStatus.NEW: 0, ActionStatus.ACCEPTED: 1, ActionStatus.IN_PROGRESS: 2,
               ActionStatus.DONE: 3, ActionStatus.CANNOT: 3}[status]
    action_id = writer.next_id(Action)
    row = {
        "id": action_id, "municipality_id": municipality.id, "group_id": group.id, "item_id": item_id,
        "case_id": fact.id, "institution_id": institution_id, "assignee_id": assignee.user_id if assignee else None,
        "supervisor_institution_id": municipality.institutions[str(InstitutionKind.EDUCATION_BOARD)],
        "description_enc": writer.seal(_TEXT_OF.get(kind, MEASURES["soc"]), scope=scope, model=Action,
                                       row_id=action_id, field="description"),
        "due_on": due, "evaluate_on": day + timedelta(days=EVALUATE_AFTER), "status": str(status),
        "cannot_reason_enc": writer.seal("Ģimene mainījusi dzīvesvietu." if status == ActionStatus.CANNOT else None,
                                         scope=scope, model=Action, row_id=action_id, field="cannot_reason"),
        "result_enc": None, "created_at": _at(day, 14), "created_by_id": group.chair.user_id,
        "last_reminder": None, "last_reminder_at": None}
    for n, step in enumerate(("accepted", "started", "closed"), start=1):
        done = reached >= n
        row[f"{step}_at"] = _at(steps[step], 10) if done else None
        row[f"{step}_by_id"] = worker.user_id if done else None
    last = max((steps[s] for n, s in enumerate(("accepted", "started", "closed"), start=1) if reached >= n),
               default=None)
    row["status_changed_at"] = _at(last, 10) if last else None
    row["status_changed_by_id"] = worker.user_id if last else None
    writer.add(Action, row)
    if reached >= 2:
        follow_id = writer.next_id(FollowUp)
        on = min(steps["started"] + timedelta(days=3), world.today - timedelta(days=1))
        writer.add(FollowUp, {
            "id": follow_id, "action_id": action_id, "on": on, "logged_at": _at(on, 15),
            "logged_by_id": worker.user_id, "institution_id": institution_id,
            "text_enc": writer.seal(FOLLOW_UP, scope=scope, model=FollowUp, row_id=follow_id, field="text")})


_ROLE_AT = {"social_service": "social_worker", "orphans_court": "orphans_court",
            "municipal_police": "municipal_police", "state_police": "state_police"}
