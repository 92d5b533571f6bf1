"""Demo cases at two schools: open, referred and closed cases, with support plans in two semesters,
delivered hours, notes, parties, team members and concerns waiting in the inboxes."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from caseflow.cases.models import (
    Case,
    CaseEntry,
    CaseEvent,
    CaseParty,
    CaseRiskFactor,
    CaseStatus,
    CaseTeamMember,
    Note,
    NoteKind,
    NoteVisibility,
    Referral,
    ReferralStatus,
)
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup
from caseflow.cases.taxonomy_load import install_profile
from caseflow.concerns.models import Concern
from caseflow.crypto import seal
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution, Municipality, User
from caseflow.plans.models import (
    DeliveredHours,
    LearningDynamics,
    PlanMeasure,
    PlanStatus,
    SupportPlan,
)
from caseflow.pupils.models import Enrolment

#: school key → (social pedagogue, psychologist, teacher) logins
SCHOOLS = {"vidusskola": ("sp.skola1", "psihologs.skola1", "skolotajs.skola1"),
           "pamatskola1": ("sp.skola2", "psihologs.skola2", "skolotajs.skola2")}
#: the statuses of each school's demo cases, in order
STATUSES = ("open",) * 5 + ("submitted", "submitted", "accepted", "returned") + ("closed",) * 3
SUMMARIES = (
    "Kopš oktobra bieži neattaisnoti kavē pirmās stundas; vecāki uz zvaniem neatbild.",
    "Konflikti ar klasesbiedriem, divreiz pamesta skola stundu laikā.",
    "Strauji pasliktinājušās sekmes matemātikā un latviešu valodā, nav mācību piederumu.",
    "Ģimenē ilgstoša slimība; skolēns pieskata jaunākos brāļus un māsas.",
    "Klases audzinātāja pamanījusi pazīmes, ka skolēns smēķē un lieto enerģijas dzērienus.",
)
NOTES = (
    "Saruna ar skolēnu: atzīst, ka no rītiem nevar piecelties, jo strādā vakaros.",
    "Tikšanās ar māti: vienojāmies par ikdienas saziņu e-klasē.",
    "Psihologa konsultācija notika; ieteikts turpināt reizi nedēļā.",
)
CONCERNS = (
    "Trīs dienas pēc kārtas nav ieradies skolā, klasesbiedri saka, ka strādā tirgū.",
    "Stundās aizmieg, izskatās noguris; mājasdarbi nav izpildīti jau divas nedēļas.",
)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _entries(municipality_id: int, kind: ListKind) -> list[ListEntry]:
    return list(db.session.scalars(select(ListEntry).where(
        ListEntry.municipality_id == municipality_id, ListEntry.kind == str(kind)).order_by(ListEntry.position)))


def _semesters(municipality_id: int, today: date) -> tuple[Semester, Semester]:
    """The semester under way (or the last one begun) and the one before it."""
    begun = list(db.session.scalars(select(Semester).where(
        Semester.municipality_id == municipality_id, Semester.starts_on <= today)
        .order_by(Semester.starts_on.desc()).limit(2)))
    return begun[0], begun[1]


def _event(case: Case, kind: str, user: User, at: datetime, detail: dict | None = None) -> None:
    db.session.add(CaseEvent(case_id=case.id, kind=kind, user_id=user.id, at=at, detail=detail or {},
                             institution_id=case.school_id))
    case.updated_at = max(case.updated_at or at, at)


def _plan(rng, case: Case, semester: Semester, users, today: date, *, evaluated: bool,
          measure_types, subjects, previous: SupportPlan | None = None) -> SupportPlan:
    sp, psychologist, teacher = users
    plan = SupportPlan(municipality_id=case.municipality_id, school_id=case.school_id, pupil_id=case.pupil_id,
                       case_id=case.id, semester_id=semester.id, starts_on=semester.starts_on,
                       ends_on=semester.ends_on, created_by_id=sp.id, previous_id=previous.id if previous else None,
                       status=PlanStatus.EVALUATED if evaluated else PlanStatus.ACTIVE,
                       created_at=_at(semester.starts_on + timedelta(days=7)))
    db.session.add(plan)
    db.session.flush()
    scope = f"pupil:{case.pupil_id}"
    seal(plan, "goals", "Uzlabot apmeklējumu līdz 95 % stundu; sasniegt vismaz 4 balles matemātikā.", scope=scope)
    by_code = {t.code: t for t in measure_types}
    chosen = [(by_code.get("subject_consultation") or measure_types[0], teacher, Decimal("16")),
              (by_code.get("psychologist") or measure_types[1], psychologist, Decimal("8")),
              (by_code.get("social_pedagogue") or measure_types[2], sp, Decimal("6"))]
    last_day = min(semester.ends_on, today - timedelta(days=1))
    for position, (kind, deliverer, hours) in enumerate(chosen):
        measure = PlanMeasure(plan_id=plan.id, type_id=kind.id, deliverer_id=deliverer.id,
                              planned_hours=hours, position=position,
                              subject_id=subjects[0].id if kind.needs_subject and subjects else None)
        db.session.add(measure)
        db.session.flush()
        seal(measure, "basis", "Atbalsta komandas sanāksmes slēdziens.", scope=scope)
        day = semester.starts_on + timedelta(days=14)
        while day <= last_day and rng.random() < 0.85:
            if day.weekday() < 5:
                db.session.add(DeliveredHours(measure_id=measure.id, on=day, hours=Decimal("1"),
                                              mode="in_person" if rng.random() < 0.8 else "remote",
                                              logged_by_id=deliverer.id, logged_at=_at(day, 16)))
            day += timedelta(days=rng.choice((6, 7, 8, 13)))
    _event(case, "plan_created", sp, plan.created_at, {"plan_id": plan.id})
    if evaluated:
        plan.evaluated_on, plan.evaluated_by_id = semester.ends_on, sp.id
        plan.learning_dynamics = rng.choice(list(LearningDynamics))
        plan.parents_informed_on = semester.ends_on - timedelta(days=3)
        seal(plan, "progress", "Kavējumu skaits samazinājies; matemātikā sekmes stabilas.", scope=scope)
        seal(plan, "next_steps", "Turpināt konsultācijas nākamajā semestrī.", scope=scope)
        _event(case, "plan_evaluated", sp, _at(semester.ends_on, 15), {"plan_id": plan.id})
    return plan


def load_cases(*, seed: int, today: date, municipalities: dict[str, Municipality],
               institutions: dict[str, Institution], users: dict[str, User]) -> dict[str, int]:
    """Write the demo cases; return how many of each thing were made."""
    rng = random.Random(seed + 4)
    counts = {"cases": 0, "support_plans": 0, "notes": 0, "concerns": 0}
    for municipality in municipalities.values():
        install_profile(municipality.id)
    group = db.session.scalar(select(CooperationGroup).limit(1))
    for key, logins in SCHOOLS.items():
        school = institutions[key]
        staff = tuple(users[login] for login in logins)
        sp, psychologist, teacher = staff
        mid = school.municipality_id
        categories, noticed = _entries(mid, ListKind.CATEGORY), _entries(mid, ListKind.NOTICED_VIA)
        outcomes, reasons = _entries(mid, ListKind.OUTCOME), _entries(mid, ListKind.DROPOUT_REASON)
        measure_types, subjects = _entries(mid, ListKind.MEASURE_TYPE), _entries(mid, ListKind.SUBJECT)
        groups = list(db.session.scalars(select(RiskGroup).where(RiskGroup.municipality_id == mid)))
        current, previous = _semesters(mid, today)
        enrolled = db.session.execute(select(Enrolment.pupil_id, Enrolment.class_name).where(
            Enrolment.school_id == school.id, Enrolment.start_date <= today, Enrolment.end_date.is_(None),
            Enrolment.grade >= 5).order_by(Enrolment.pupil_id)).all()
        picked = rng.sample(enrolled, len(STATUSES) + len(CONCERNS))
        for n, (status, (pupil_id, class_name)) in enumerate(zip(STATUSES, picked, strict=False)):
            opened = previous.starts_on + timedelta(days=20 + 3 * n)
            case = Case(municipality_id=mid, school_id=school.id, pupil_id=pupil_id, class_name=class_name,
                        status=CaseStatus.OPEN, opened_on=opened, opened_by_id=sp.id, lead_user_id=sp.id,
                        concerns_family=n % 3 == 0, created_at=_at(opened), updated_at=_at(opened))
            db.session.add(case)
            db.session.flush()
            scope = f"pupil:{pupil_id}"
            seal(case, "summary", SUMMARIES[n % len(SUMMARIES)], scope=scope)
            case.entries = [CaseEntry(case_id=case.id, entry_id=categories[n % 3].id),
                            CaseEntry(case_id=case.id, entry_id=noticed[n % len(noticed)].id)]
            for group_row in rng.sample(groups, 2):
                item = group_row.items[n % (len(group_row.items) - 1)]
                db.session.add(CaseRiskFactor(case_id=case.id, item_id=item.id, added_on=opened,
                                              added_by_id=sp.id))
            _event(case, "opened", sp, _at(opened))
            party = CaseParty(case_id=case.id, kind="mother", full_name=f"Māte {n + 1}",
                              is_legal_representative=True)
            db.session.add(party)
            db.session.flush()
            seal(party, "contact", '{"phone": "+371 2000 0000", "email": "", "address": ""}', scope=scope)
            if n % 2 == 0:
                db.session.add(CaseTeamMember(case_id=case.id, user_id=psychologist.id, task="Psiholoģe",
                                              added_by_id=sp.id, added_at=_at(opened)))
            for k, body in enumerate(NOTES[: 1 + n % 3]):
                note = Note(case_id=case.id, kind=NoteKind.CONVERSATION if k else NoteKind.GENERAL,
                            visibility=NoteVisibility.TEAM if k != 1 else NoteVisibility.INSTITUTION,
                            author_id=sp.id, author_institution_id=school.id,
                            created_at=_at(opened + timedelta(days=5 + 10 * k)))
                db.session.add(note)
                db.session.flush()
                note.root_id = note.id
                seal(note, "body", body, scope=scope)
                _event(case, "note_added", sp, note.created_at, {"note_id": note.id, "kind": note.kind})
                counts["notes"] += 1
            if status != "closed":
                old = _plan(rng, case, previous, staff, today, evaluated=True, measure_types=measure_types,
                            subjects=subjects)
                _plan(rng, case, current, staff, today, evaluated=False, measure_types=measure_types,
                      subjects=subjects, previous=old)
                counts["support_plans"] += 2
            if status in ("submitted", "accepted", "returned") and group is not None:
                sent = current.starts_on + timedelta(days=10 + n)
                referral = Referral(case_id=case.id, group_id=group.id, urgent=n == 5,
                                    submitted_by_id=sp.id, submitted_at=_at(sent),
                                    status={"submitted": ReferralStatus.SUBMITTED,
                                            "accepted": ReferralStatus.ACCEPTED,
                                            "returned": ReferralStatus.RETURNED}[status])
                db.session.add(referral)
                db.session.flush()
                seal(referral, "tried", "Sarunas ar skolēnu un vecākiem, IAP divos semestros, "
                     "psihologa konsultācijas; apmeklējums neuzlabojās.", scope=scope)
                _event(case, "referred", sp, referral.submitted_at, {"group_id": group.id, "urgent": referral.urgent})
                case.status, case.urgent = CaseStatus.REFERRED, referral.urgent
                if status == "returned":
                    case.status = CaseStatus.OPEN
                    seal(referral, "return_reason", "Lūdzam pievienot sociālā dienesta atzinumu.", scope=scope)
            if status == "closed":
                case.status, case.closed_on, case.closed_by_id = CaseStatus.CLOSED, opened + timedelta(days=60), sp.id
                case.outcome_id = outcomes[n % len(outcomes)].id
                if n == len(STATUSES) - 1 and reasons:
                    case.dropout_reason_id = reasons[0].id
                _event(case, "closed", sp, _at(case.closed_on))
            counts["cases"] += 1
        for k, (pupil_id, _class_name) in enumerate(picked[len(STATUSES):]):
            concern = Concern(municipality_id=mid, school_id=school.id, pupil_id=pupil_id,
                              reported_by_id=teacher.id, reported_by_institution_id=school.id,
                              noticed_since=today - timedelta(days=10 + k), reported_at=_at(today - timedelta(days=k)))
            db.session.add(concern)
            db.session.flush()
            seal(concern, "noticed", CONCERNS[k % len(CONCERNS)], scope=f"pupil:{pupil_id}")
            counts["concerns"] += 1
    db.session.flush()
    return counts
