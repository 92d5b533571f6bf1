"""Cases over four school years with a realistic skew (a few heavy schools, most cases closed): categories,
risk factors, parties, team, notes, the timeline, referrals to the group, closing, and concerns."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from caseflow.cases.models import (
    Case,
    CaseEntry,
    CaseEvent,
    CaseParty,
    CaseRiskFactor,
    CaseStatus,
    CaseTeamMember,
    Note,
    Referral,
    ReferralStatus,
)
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.demo.cases import CONCERNS, NOTES, SUMMARIES
from caseflow.demo.generate import shape as sizes
from caseflow.demo.generate.plans import make_plans
from caseflow.demo.generate.world import Account, Municipality, School, World
from caseflow.demo.generate.writer import Progress, Writer
from caseflow.demo.names import FEMALE, MALE, NameGenerator
from caseflow.demo.pupils import school_year_start

TRIED = "Sarunas ar skolēnu un vecākiem, IAP, psihologa konsultācijas; apmeklējums neuzlabojās."
REQUEST = "Lūdzam izvērtēt sociālā dienesta un bāriņtiesas iesaisti."
RETURN_REASON = "Lūdzam pievienot sociālā dienesta atzinumu."
OTHER_RISK = "Cits: ilgstoši dzīvo pie vecvecākiem, vecāki strādā ārzemēs."
#: note kinds and how often each is written
NOTE_KINDS = (("general", 50), ("conversation", 35), ("health", 7), ("violence", 4), ("addiction", 2),
              ("police", 2))
#: days a case stays open: most close within a school year
MEAN_OPEN_DAYS = 150
#: days a referred case stays open beyond that
REFERRED_LONGER = 180


@dataclass
class CaseFact:
    """What the meetings and audit steps need of a case."""

    id: int
    school: School
    pupil_id: int
    opened_on: date
    closed_on: date | None
    #: the accepted referral's day, if the group took the case on
    accepted_on: date | None = None


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of a day in UTC (generated times are whole minutes in working hours)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _share_out(total: int, weights: list[float]) -> list[int]:
    """Split a total by weights, largest remainders first, so the parts add up exactly."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - parts[i], reverse=True)[:total - sum(parts)]:
        parts[i] += 1
    return parts


def _plan_openings(world: World, total: int) -> list[tuple[date, int, School]]:
    """(opened_on, tie-breaker, school) of every case, oldest first, so ids grow with time."""
    rng = world.rng
    schools = world.schools
    first = date(school_year_start(world.today) - sizes.SCHOOL_YEARS + 1, 9, 1)
    span = (world.today - first).days
    counts = _share_out(total, [s.pupils_planned * s.heaviness for s in schools])
    openings = []
    for school, count in zip(schools, counts, strict=True):
        for _ in range(count):
            day = first + timedelta(days=rng.randrange(span))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            openings.append((day, rng.random(), school))
    openings.sort(key=lambda item: (item[0], item[1]))
    return openings


def make_cases(world: World, writer: Writer, progress: Progress, total: int) -> list[CaseFact]:
    """Write the cases and everything on them; return their facts, oldest first."""
    rng = world.rng
    names = NameGenerator(rng)
    busy: dict[int, date] = {}
    facts: list[CaseFact] = []
    plans_made: set[tuple[int, int, int]] = set()
    openings = _plan_openings(world, total)
    with progress("cases", len(openings)) as advance:
        for n, (opened, _tie, school) in enumerate(openings, start=1):
            pupil = _pick_pupil(world, school, opened, busy)
            if pupil is None:  # every pupil tried is busy: a neighbouring school opens it instead
                school = rng.choice(world.municipality(school.municipality_id).schools)
                pupil = _pick_pupil(world, school, opened, busy)
            if pupil is not None:
                # cases the school refers are the hard ones: they stay open about half a year longer
                referred = rng.random() < sizes.REFERRED_SHARE
                days = int(rng.expovariate(1 / MEAN_OPEN_DAYS)) + 14 + (REFERRED_LONGER if referred else 0)
                closed = opened + timedelta(days=days)
                closed = closed if closed < world.today else None
                busy[pupil.id] = closed or date.max
                fact = CaseFact(writer.next_id(Case), school, pupil.id, opened, closed)
                _case(world, writer, names, fact, pupil.class_name, pupil.grade, plans_made, referred)
                facts.append(fact)
            if n % 1000 == 0:
                advance(1000)
        advance(len(openings) % 1000)
    return facts


def _pick_pupil(world: World, school: School, opened: date, busy: dict[int, date]):
    """A pupil of the school enrolled by then and without a case open on that day (a few tries)."""
    for _ in range(20):
        pupil = world.rng.choice(school.pupils)
        if pupil.enrolled_on <= opened and busy.get(pupil.id, date.min) < opened:
            return pupil
    return None


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _case(world: World, writer: Writer, names: NameGenerator, fact: CaseFact, class_name: str, grade: int,
          plans_made: set, referred: bool) -> None:
    rng = world.rng
    school = fact.school
    municipality = world.municipality(school.municipality_id)
    lists = municipality.lists
    sp = rng.choice(school.pedagogues)
    scope = f"pupil:{fact.pupil_id}"
    cid, opened, closed = fact.id, fact.opened_on, fact.closed_on
    last_day = (closed or world.today) - timedelta(days=1)
    referral = _referral_plan(world, fact, last_day) if referred else None
    status = CaseStatus.CLOSED if closed else (
        CaseStatus.REFERRED if referral and referral[1] != ReferralStatus.RETURNED else CaseStatus.OPEN)
    years_back = school_year_start(world.today) - school_year_start(opened)
    then = max(school.grades[0], grade - years_back)
    updated = at(closed, 15) if closed else max(at(opened), at(world.today - timedelta(days=rng.randrange(30)), 9))
    writer.add(Case, {
        "id": cid, "municipality_id": school.municipality_id, "school_id": school.id,
        "pupil_id": fact.pupil_id, "status": str(status),
        "class_name": class_name.replace(str(grade), str(then), 1) if then != grade else class_name,
        "concerns_family": rng.random() < 0.35,
        "summary_enc": writer.seal(rng.choice(SUMMARIES), scope=scope, model=Case, row_id=cid, field="summary"),
        "urgent": bool(referral and referral[2]), "opened_on": opened, "opened_by_id": sp.user_id,
        "lead_user_id": sp.user_id, "closed_on": closed, "closed_by_id": sp.user_id if closed else None,
        "outcome_id": rng.choice(lists.outcomes) if closed else None,
        "dropout_reason_id": rng.choice(lists.dropout_reasons) if closed and rng.random() < 0.06 else None,
        "created_at": at(opened), "updated_at": updated})
    _event(writer, cid, "opened", sp, at(opened), {})
    chosen = {rng.choice(lists.categories)} | (
        {rng.choice(lists.categories)} if rng.random() < 0.4 else set())
    for entry_id in sorted(chosen | {rng.choice(lists.noticed)}):
        writer.add(CaseEntry, {"case_id": cid, "entry_id": entry_id})
    for group in rng.sample(lists.risk_groups, min(len(lists.risk_groups), rng.randint(1, 3))):
        item_id, other = rng.choice(group)
        rid = writer.next_id(CaseRiskFactor)
        writer.add(CaseRiskFactor, {
            "id": rid, "case_id": cid, "item_id": item_id, "added_on": opened, "added_by_id": sp.user_id,
            "description_enc": writer.seal(OTHER_RISK if other else None, scope=scope, model=CaseRiskFactor,
                                           row_id=rid, field="description")})
    _parties(writer, names, rng, cid, scope, opened)
    if school.specialists and rng.random() < 0.35:
        writer.add(CaseTeamMember, {"id": writer.next_id(CaseTeamMember), "case_id": cid,
                                    "user_id": rng.choice(school.specialists).user_id, "task": "Psihologs",
                                    "added_at": at(opened, 11), "added_by_id": sp.user_id, "removed_at": None})
    _notes(world, writer, cid, scope, sp, school, opened, last_day)
    make_plans(world, writer, fact, sp, last_day, plans_made)
    if referral:
        _referral(world, writer, fact, sp, referral, scope)
    if closed:
        _event(writer, cid, "closed", sp, at(closed, 15), {})


def _event(writer: Writer, case_id: int, kind: str, who: Account, moment: datetime, detail: dict) -> None:
    writer.add(CaseEvent, {"id": writer.next_id(CaseEvent), "case_id": case_id, "at": moment, "kind": kind,
                           "user_id": who.user_id, "institution_id": who.institution_id, "detail": detail,
                           "text_enc": None})


def _parties(writer: Writer, names: NameGenerator, rng, cid: int, scope: str, opened: date) -> None:
    for kind, gender, chance in (("mother", FEMALE, 0.9), ("father", MALE, 0.45)):
        if rng.random() >= chance:
            continue
        party_id = writer.next_id(CaseParty)
        contact = {"phone": f"+371 2{rng.randrange(10 ** 7):07d}"}
        writer.add(CaseParty, {
            "id": party_id, "case_id": cid, "kind": kind, "full_name": names.person(gender).full_name,
            "is_legal_representative": True, "added_at": at(opened, 10, 30), "removed_at": None,
            "contact_enc": writer.seal(json.dumps(contact, ensure_ascii=False, sort_keys=True), scope=scope,
                                       model=CaseParty, row_id=party_id, field="contact")})


def _notes(world: World, writer: Writer, cid: int, scope: str, sp: Account, school: School, opened: date,
           last_day: date) -> None:
    rng = world.rng
    span = (last_day - opened).days
    for k in range(rng.choice((0, 1, 1, 2, 2, 3, 4)) if span > 0 else 0):
        day = opened + timedelta(days=min(span, 3 + rng.randrange(span) if span > 3 else span))
        author = sp if k % 3 != 2 or not school.specialists else rng.choice(school.specialists)
        note_id = writer.next_id(Note)
        kind = _weighted(rng, NOTE_KINDS)
        writer.add(Note, {
            "id": note_id, "case_id": cid, "root_id": note_id, "version": 1, "kind": kind,
            "visibility": "institution" if rng.random() < 0.15 else "team", "author_id": author.user_id,
            "author_institution_id": school.id, "created_at": at(day, 13, k),
            "body_enc": writer.seal(rng.choice(NOTES), scope=scope, model=Note, row_id=note_id, field="body"),
            "superseded_at": None})
        detail = {"note_id": note_id} if kind in ("general", "conversation") else {}
        _event(writer, cid, "note_added", author, at(day, 13, k), detail)


def _referral_plan(world: World, fact: CaseFact, last_day: date):
    """(submitted on, status, urgent) when the school refers the case, else None."""
    rng = world.rng
    span = (last_day - fact.opened_on).days
    if span < 21:
        return None
    sent = fact.opened_on + timedelta(days=20 + rng.randrange(max(1, min(span - 20, 120))))
    if rng.random() < 0.08:
        status = ReferralStatus.RETURNED
    elif fact.closed_on is None and (world.today - sent).days < 10:
        status = ReferralStatus.SUBMITTED
    else:
        status = ReferralStatus.ACCEPTED
    return sent, status, rng.random() < 0.05


def _referral(world: World, writer: Writer, fact: CaseFact, sp: Account, plan, scope: str) -> None:
    sent, status, urgent = plan
    group = next(g for g in world.municipality(fact.school.municipality_id).groups
                 if g.id == fact.school.group_id)
    rid = writer.next_id(Referral)
    decided = sent + timedelta(days=3) if status != ReferralStatus.SUBMITTED else None
    writer.add(Referral, {
        "id": rid, "case_id": fact.id, "group_id": group.id, "status": str(status), "urgent": urgent,
        "tried_enc": writer.seal(TRIED, scope=scope, model=Referral, row_id=rid, field="tried"),
        "request_enc": writer.seal(REQUEST, scope=scope, model=Referral, row_id=rid, field="request"),
        "submitted_at": at(sent, 12), "submitted_by_id": sp.user_id,
        "decided_at": at(decided, 9) if decided else None,
        "decided_by_id": group.chair.user_id if decided else None,
        "return_reason_enc": writer.seal(RETURN_REASON if status == ReferralStatus.RETURNED else None,
                                         scope=scope, model=Referral, row_id=rid, field="return_reason")})
    _event(writer, fact.id, "referred", sp, at(sent, 12), {"group_id": group.id, "urgent": urgent})
    if status == ReferralStatus.ACCEPTED:
        fact.accepted_on = decided


def make_concerns(world: World, writer: Writer, share: float = 0.05) -> None:
    """Teachers' concerns: recent ones wait in the school's inbox, older ones were handled."""
    rng = world.rng
    for municipality in world.municipalities:
        for school in municipality.schools:
            for _ in range(round(len(school.pupils) * share)):
                _concern(world, writer, municipality, school, rng.choice(school.pupils).id)


def _concern(world: World, writer: Writer, municipality: Municipality, school: School, pupil_id: int) -> None:
    rng = world.rng
    teacher = rng.choice(school.teachers)
    reported = world.today - timedelta(days=rng.randrange(365))
    waiting = (world.today - reported).days < 21
    handler = rng.choice(school.pedagogues)
    concern_id = writer.next_id(Concern)
    writer.add(Concern, {
        "id": concern_id, "municipality_id": municipality.id, "school_id": school.id, "pupil_id": pupil_id,
        "pupil_described_enc": None, "noticed_since": reported - timedelta(days=rng.randrange(5, 30)),
        "noticed_enc": writer.seal(rng.choice(CONCERNS), scope=f"pupil:{pupil_id}", model=Concern,
                                   row_id=concern_id, field="noticed"),
        "reported_by_id": teacher.user_id, "reported_by_institution_id": school.id,
        "reported_at": at(reported, 11), "status": str(ConcernStatus.NEW if waiting else ConcernStatus.NO_ACTION),
        "case_id": None, "handled_by_id": None if waiting else handler.user_id,
        "handled_at": None if waiting else at(reported + timedelta(days=2), 12), "response_enc": None,
        "forwarded_at": None, "forwarded_by_id": None, "forward_remark_enc": None})
