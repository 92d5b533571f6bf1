"""The case part of the access matrix: endpoints, who holds each permission, and the world of
cases in every relationship to the actor (own school, on the team, referred to the actor's group,
another school, another municipality; the actor's institution added as a participant, a case of the
other municipality shared with it, break-the-glass with an active and with an ended grant)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from caseflow.access.permissions import Role
from caseflow.extensions import db

OWNERS = {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE}
SEEING = OWNERS | {Role.SUPPORT_SPECIALIST, Role.COORDINATOR}

ENDPOINTS = {
    "cases.index": "case.list", "cases.open_case": "case.open", "cases.view": "case.view",
    "cases.edit": "case.edit", "cases.add_note": "note.add", "cases.correct_note": "note.add",
    "cases.note_history": "case.view", "cases.add_party": "case.edit", "cases.edit_party": "case.edit",
    "cases.remove_party": "case.edit", "cases.set_family": "case.edit",
    "cases.add_team_member": "case.edit", "cases.remove_team_member": "case.edit",
    "cases.refer": "case.refer", "cases.close": "case.close", "cases.reopen": "case.close",
    "cases.referrals": "referral.decide", "cases.referral": "referral.decide",
    "cases.decide_referral": "referral.decide",
    "concerns.report": "concern.report", "concerns.mine": "concern.report",
    "concerns.inbox": "concern.handle", "concerns.view": "concern.handle",
    "concerns.add_to_case": "concern.handle", "concerns.forward": "concern.handle",
    "concerns.no_action": "concern.handle",
    "plans.my_measures": "hours.log", "plans.new_for_case": "plan.edit",
    "plans.new_for_pupil": "plan.edit", "plans.view": "plan.view", "plans.pdf": "plan.view",
    "plans.edit": "plan.edit", "plans.evaluate": "plan.edit", "plans.continue_next": "plan.edit",
    "plans.measure_add": "plan.edit", "plans.measure_edit": "plan.edit",
    "plans.measure_remove": "plan.edit", "plans.hours": "hours.log", "plans.hours_remove": "hours.log",
    "sharing.manage": "case.share", "sharing.add": "case.share", "sharing.share": "case.share",
    "sharing.end": "case.share",
    # downloads ask the same permission as their page
    "exports.cases_xlsx": "case.list", "exports.cases_csv": "case.list", "exports.plan_xlsx": "plan.view",
}

ROLES_WITH = {
    "case.list": SEEING,
    "referral.decide": {Role.COORDINATOR},
    "concern.handle": OWNERS | {Role.COORDINATOR},
    "concern.report": OWNERS | {Role.SUPPORT_SPECIALIST, Role.TEACHER, Role.SOCIAL_WORKER,
                                Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE},
    "hours.log": OWNERS | {Role.SUPPORT_SPECIALIST, Role.TEACHER},
    "case.share": {Role.COORDINATOR},
}

#: roles that may break the glass (emergency access to a case of their municipality)
BREAK_THE_GLASS = {Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE}
#: the relationships that exist only for an actor who broke the glass (grants are given to no one else)
GLASS_RELATIONSHIPS = ("break_the_glass", "break_the_glass_expired")
#: a case is shared across municipalities only with a social service or an orphans' court (docs/privacy.md)
SHARED_WITH = {Role.SOCIAL_WORKER, Role.ORPHANS_COURT}
#: outside institutions see a case they take part in: here, put straight on its team
PARTICIPANTS = {Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE}
#: the institutions the coordinator may add to a case: every one of the actors' but a school
ADDED = PARTICIPANTS | {Role.COORDINATOR}

#: nobody, whatever the permission: a case the actor neither owns nor takes part in, or whose
#: emergency grant has ended (like a non-participant)
_NOBODY = {"other_school": set(), "other_municipality": set(), "break_the_glass_expired": set()}
#: relationship of a case (and everything on it) to the actor → roles that may use the permission;
#: here plan.view: the coordinator reads the plans of referred cases only, the outside institutions
#: hold no plan.view, break-the-glass opens the case page alone
_SEE = {"own_school": OWNERS, "on_team": SEEING, "referred_here": {Role.COORDINATOR}, "participant": set(),
        "shared": set(), "break_the_glass": set(), **_NOBODY}
_CHANGE = {rel: (OWNERS if rel in ("own_school", "on_team") else set()) for rel in _SEE}
CASE_RULES = {
    # participants see the case: the institutions on its team, added by the coordinator, or (another
    # municipality's case) shared with; the receiving municipality's coordinator sees a shared case too
    # (access/participation.takes_part; sharing/services.end_participation lets it end the share);
    # an active emergency grant shows the case page (CASE_VIEW only)
    "case.view": {**_SEE, "on_team": SEEING | PARTICIPANTS, "participant": ADDED,
                  "shared": SHARED_WITH | {Role.COORDINATOR}, "break_the_glass": BREAK_THE_GLASS},
    # the social service and the orphans' court write notes on cases they take part in (police do not);
    # the coordinator on cases in sight; never on break-the-glass
    "note.add": {**_SEE, "on_team": SEEING | {Role.SOCIAL_WORKER, Role.ORPHANS_COURT},
                 "participant": {Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.COORDINATOR},
                 "shared": SHARED_WITH | {Role.COORDINATOR}},
    "plan.view": _SEE,
    # the coordinator adds institutions to, and shares, the cases it has in sight (a shared one: to
    # end the share on the receiving side)
    "case.share": {**{rel: set() for rel in _SEE},
                   **{rel: {Role.COORDINATOR} for rel in ("on_team", "referred_here", "participant", "shared")}},
    "case.edit": _CHANGE, "case.refer": _CHANGE, "case.close": _CHANGE, "plan.edit": _CHANGE,
    "hours.log": _CHANGE,  # the measure's deliverer is someone else here (tests/plans cover them)
    "referral.decide": {"referred_here": {Role.COORDINATOR}, "other_municipality": set()},
    "concern.handle": {"own_school": OWNERS, "coordinator_inbox": {Role.COORDINATOR},
                       "other_school": set(), "other_municipality": set()},
}
#: endpoints whose rule is narrower than their permission's: an hours entry is removed only by
#: the person who logged it (the teacher who delivers the measure here, never the actor)
ENDPOINT_RULES = {"plans.hours_remove": {rel: set() for rel in _CHANGE},
                  # the orphans' court and the coordinator ask for information on a case in sight
                  # (taking part in it: a grant gives sight, never a request)
                  "inforequests.ask": {rel: set() if rel in GLASS_RELATIONSHIPS else
                                       roles & {Role.ORPHANS_COURT, Role.COORDINATOR}
                                       for rel, roles in CASE_RULES["case.view"].items()}}
#: for pupil routes (open a case, a plan without a case): the pupil's relationship
PUPIL_RULES = {
    "case.open": {"own_school": OWNERS, "other_school_same_municipality": set(),
                  "declared_here_enrolled_elsewhere": set(), "other_municipality": set()},
}
PUPIL_RULES["plan.edit"] = PUPIL_RULES["case.open"]

#: the actors' institutions that take part in a case: added by the coordinator (every institution of
#: the world's municipality but the schools), shared with (the case of the other municipality)
TAKING_PART = {"participant": [(key, "added_by_coordinator") for key in ("board", "social", "court", "mpolice",
                                                                         "spolice")],
               "shared": [(key, "shared") for key in ("social", "court")]}

#: URL arguments that pick an object of the case world
CASE_ARGUMENTS = {"case_id", "note_id", "party_id", "member_id", "plan_id", "measure_id", "entry_id",
                  "referral_id", "concern_id", "participant_id"}


def build_case_world(app, factory, places, municipalities, pupils_by_place) -> dict[str, dict]:
    """Cases in every relationship, each with a note, party, team member, plan, measure, hours,
    and referrals and concerns where the relationship has them: relationship → URL argument ids."""
    from caseflow.cases.models import Case, CaseParty, CaseTeamMember, Note, Referral
    from caseflow.concerns.models import Concern
    from caseflow.meetings.models import CooperationGroup
    from caseflow.plans.models import DeliveredHours, PlanMeasure, SupportPlan
    from caseflow.sharing.models import CaseParticipant

    a, b = municipalities
    for m in (a, b):
        factory.taxonomy(m.id)
    staff = {key: factory.user("social_pedagogue", places[key].id) for key in ("school", "school2", "school_b")}
    teachers = {key: factory.user("teacher", places[key].id) for key in staff}
    colleague = factory.user("support_specialist", places["school"].id)
    # an added participant of each case: a social service of the case's municipality (not the actor's)
    social = {m.id: factory.institution(m.id, kind="social_service").id for m in (a, b)}
    where = {"own_school": "school", "on_team": "school", "referred_here": "school2",
             "other_school": "school2", "other_municipality": "school_b", "participant": "school2",
             "shared": "school_b", **{rel: "school2" for rel in GLASS_RELATIONSHIPS}}
    # the pupils of the newer relationships: the shared case's pupil is declared in the actor's municipality
    pupils_by_place = {key: {**rels, **{rel: factory.pupil(
        places[key].id, declared_municipality_id=a.id if rel == "shared" else None)
        for rel, at in where.items() if at == key and rel not in rels}} for key, rels in pupils_by_place.items()}
    world: dict[str, dict] = {}
    with app.app_context():
        group_a = CooperationGroup(name="Grupa A", municipality_id=a.id)
        group_b = CooperationGroup(name="Grupa B", municipality_id=b.id)
        db.session.add_all([group_a, group_b])
        db.session.flush()
        measure_type = factory.entry(a.id, "measure_type", "psychologist")
        for rel, key in where.items():
            school, sp = places[key], staff[key]
            pupil = pupils_by_place[key][rel]
            case = Case(municipality_id=school.municipality_id, school_id=school.id, pupil_id=pupil.id,
                        opened_on=date(2026, 9, 10), opened_by_id=sp.id, lead_user_id=sp.id,
                        status="referred" if rel in ("referred_here", "other_municipality") else "open")
            db.session.add(case)
            db.session.flush()
            note = Note(case_id=case.id, kind="general", visibility="team", author_id=sp.id,
                        author_institution_id=school.id)
            party = CaseParty(case_id=case.id, kind="mother", full_name="Māte")
            member = CaseTeamMember(case_id=case.id, user_id=colleague.id, added_by_id=sp.id)
            plan = SupportPlan(municipality_id=school.municipality_id, school_id=school.id,
                               pupil_id=pupil.id, case_id=case.id, starts_on=date(2026, 9, 1),
                               ends_on=date(2026, 12, 22), created_by_id=sp.id)
            participant = CaseParticipant(case_id=case.id, institution_id=social[school.municipality_id],
                                          why="added_by_coordinator", added_by_id=sp.id)
            db.session.add_all([note, party, member, plan, participant])
            db.session.flush()
            note.root_id = note.id
            measure = PlanMeasure(plan_id=plan.id, type_id=measure_type, deliverer_id=teachers[key].id,
                                  planned_hours=Decimal("10"))
            db.session.add(measure)
            db.session.flush()
            entry = DeliveredHours(measure_id=measure.id, on=date(2026, 10, 1), hours=Decimal("1"),
                                   logged_by_id=teachers[key].id)
            db.session.add(entry)
            ids = {"case_id": case.id, "note_id": note.id, "party_id": party.id, "member_id": member.id,
                   "plan_id": plan.id, "measure_id": measure.id, "participant_id": participant.id}
            db.session.flush()
            ids["entry_id"] = entry.id
            if rel in ("referred_here", "other_municipality"):
                referral = Referral(case_id=case.id, submitted_by_id=sp.id,
                                    group_id=(group_a if rel == "referred_here" else group_b).id)
                db.session.add(referral)
                db.session.flush()
                ids["referral_id"] = referral.id
            world[rel] = ids
            db.session.add_all([CaseParticipant(case_id=case.id, institution_id=places[at].id, why=why,
                                                added_by_id=sp.id) for at, why in TAKING_PART.get(rel, ())])
        for rel, key, school_id in (("own_school", "school", places["school"].id),
                                    ("coordinator_inbox", "school", None),
                                    ("other_school", "school2", places["school2"].id),
                                    ("other_municipality", "school_b", places["school_b"].id)):
            concern = Concern(municipality_id=places[key].municipality_id, school_id=school_id,
                              pupil_id=pupils_by_place[key]["concern"].id if school_id else None,
                              reported_by_id=teachers[key].id, reported_by_institution_id=places[key].id)
            db.session.add(concern)
            db.session.flush()
            world.setdefault(rel, {})["concern_id"] = concern.id
        db.session.commit()
    return world


def join_team(app, case_id: int, user_id: int) -> None:
    """Put the actor on a case's team (the "on_team" relationship)."""
    from caseflow.cases.models import CaseTeamMember

    with app.app_context():
        db.session.add(CaseTeamMember(case_id=case_id, user_id=user_id, added_by_id=user_id))
        db.session.commit()


def applies(role: Role, relationship) -> bool:
    """False for a break-the-glass case and a role that cannot break the glass: without a grant such
    a case is only another non-participant's (the "other_school" case covers it)."""
    return not (isinstance(relationship, tuple) and relationship[0] == "case"
                and relationship[1] in GLASS_RELATIONSHIPS and role not in BREAK_THE_GLASS)


def break_the_glass(app, world_cases: dict, user_id: int, institution_id: int) -> None:
    """The actor's emergency grants: an active one for the break_the_glass case, and one that ended
    an hour ago for the break_the_glass_expired case."""
    from caseflow.db import utcnow
    from caseflow.emergency.models import EmergencyGrant

    now = utcnow()
    with app.app_context():
        db.session.add_all([EmergencyGrant(user_id=user_id, institution_id=institution_id, case_id=world_cases[rel]["case_id"],
                                           reason="life_or_health", granted_at=now + start,
                                           expires_at=now + start + timedelta(minutes=60))
                            for rel, start in (("break_the_glass", -timedelta(minutes=5)),
                                               ("break_the_glass_expired", -timedelta(hours=2)))])
        db.session.commit()
