"""The access matrix: every endpoint × every role × every relationship to the data.

The expectations below are the specification, written out by hand: who may use each permission,
and which pupils each role's institution is responsible for. A new endpoint fails
`test_matrix_covers_every_endpoint` until it is added here.

The relationships of issue #6 and their names here (in the failure lines as `[('case', name)]`,
`[name]` for pupils, `[('action', label, facts)]`, `[('meeting', name, …)]`):

* own institution — "own_school" (pupils, cases), "own_institution" (actions), "own_group"
  (groups, sessions, requests: the actor's institution holds a seat);
* participant — "participant" (the coordinator added the actor's institution to the case),
  "on_team" (the actor on the case's team), "group_case" (on the agenda of the actor's group, with an
  action for every institution), "referred_here" (the coordinator: referred to its group), the
  actions' "supervised" and "chaired_group";
* non-participant in the same municipality — "other_school" (cases),
  "other_school_same_municipality" (pupils), "break_the_glass_expired" (a grant that ended);
* other municipality — "other_municipality" (pupils, cases, groups, actions);
* shared — "shared" (a case of the other municipality, its pupil declared in the actor's, shared
  with the actor's social service and orphans' court), "declared_here_enrolled_elsewhere" (pupils),
  "shared_case" (actions of a shared case);
* break-the-glass — "break_the_glass" (an active emergency grant of the actor; only the roles that
  may break the glass get one, the others skip both break-the-glass cases).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseflow.access.permissions import Role
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMember, GroupMunicipality
from caseflow.people.calendar import Semester
from tests import access_matrix_cases as cases
from tests import access_matrix_meetings as meetings
from tests.endpoint_walk_helpers import PUBLIC_ENDPOINTS

SCHOOL_STAFF = {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST}

#: endpoint → the permission it must declare
ENDPOINTS = {
    "core.home": "signed_in", "auth.account": "signed_in", "auth.change_password": "signed_in",
    "auth.enrol_totp": "signed_in", "auth.recovery_codes": "signed_in", "auth.sign_out": "signed_in",
    "auth.switch_role": "signed_in",
    "pupils.index": "pupil.list", "pupils.search_code": "pupil.list", "pupils.create": "pupil.create",
    "pupils.view": "pupil.view", "pupils.edit": "pupil.edit", "pupils.add_enrolment": "pupil.edit",
    "pupils.end_enrolment": "pupil.edit",
    "audit.index": "audit.view", "audit.pupil_lookup": "audit.view", "audit.pupil_report": "audit.view",
    **{name: "admin.manage" for name in (
        "admin.index", "admin.municipalities", "admin.municipality_create", "admin.municipality_edit",
        "admin.settings", "admin.semesters", "admin.semester_create", "admin.semester_edit",
        "admin.institutions", "admin.institution_create", "admin.institution_edit", "admin.users",
        "admin.user_create", "admin.user", "admin.user_edit", "admin.user_resend_invitation",
        "admin.user_reset_two_factor", "admin.membership_add", "admin.membership_end", "admin.groups",
        "admin.group_create", "admin.group", "admin.group_edit", "admin.group_municipality_add",
        "admin.group_municipality_remove", "admin.group_member_add", "admin.group_member_edit")},
    **cases.ENDPOINTS,
    **meetings.ENDPOINTS,
    "records.subject_access": "records.subject_access", "records.subject": "records.subject_access",
    "records.subject_json": "records.subject_access", "records.subject_pdf": "records.subject_access",
    "emergency.request_access": "emergency.access", "emergency.queue": "emergency.review",
    "emergency.reviewed": "emergency.review", "emergency.review": "emergency.review",
    "emergency.alerts": "alert.view", "emergency.review_alert": "alert.view",
    "records.holds": "records.legal_hold", "records.hold_new": "records.legal_hold",
    "records.hold_release": "records.legal_hold", "records.runs": "records.retention",
    "inforequests.ask": "info.request", "inforequests.asked": "info.request",
    "inforequests.queue": "info.answer", "inforequests.view": "info.answer", "inforequests.answer": "info.answer",
    "imports.index": "import.run", "imports.preview": "import.run", "imports.status": "import.run",
    "imports.confirm": "import.run", "imports.discard": "import.run",
    "warning.index": "warning.list", "warning.dismiss": "warning.list", "warning.recompute": "import.run",
    "warning.overview": "warning.overview", "warning.school_data": "warning.school_data",
    "monitoring.index": "monitoring.view", "monitoring.indicator": "monitoring.view",
    "monitoring.plan": "monitoring.view", "monitoring.statistics": "monitoring.view",
    "monitoring.recompute": "monitoring.edit", "monitoring.activity": "monitoring.edit",
    "monitoring.report_list": "monitoring.view", "monitoring.report": "monitoring.view",
    "monitoring.report_pdf": "monitoring.view", "monitoring.report_xlsx": "monitoring.view",
    "monitoring.report_advance": "monitoring.edit", "monitoring.meetings": "monitoring.view",
    "monitoring.plan_xlsx": "monitoring.view", "monitoring.plan_versions": "monitoring.view",
    "monitoring.plan_import": "monitoring.edit", "monitoring.indicator_schools": "monitoring.view",
    "monitoring.figures_import": "monitoring.edit", "monitoring.figures_import_confirm": "monitoring.edit",
    "monitoring.figures_template": "monitoring.edit",
}

#: permission → roles that hold it (for endpoints that are not about one child)
ROLES_WITH = {
    "signed_in": set(Role),
    "admin.manage": {Role.ADMIN},
    "audit.view": {Role.DPO},
    "pupil.list": SCHOOL_STAFF | {Role.COORDINATOR},
    "pupil.create": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.COORDINATOR},
    **cases.ROLES_WITH,
    **meetings.ROLES_WITH,
    "records.subject_access": {Role.DPO}, "records.legal_hold": {Role.DPO}, "records.retention": {Role.DPO},
    "emergency.access": {Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE},
    "emergency.review": {Role.DPO}, "alert.view": {Role.DPO},
    "info.request": {Role.ORPHANS_COURT, Role.COORDINATOR},
    "info.answer": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.SOCIAL_WORKER, Role.ORPHANS_COURT,
                    Role.MUNICIPAL_POLICE, Role.STATE_POLICE, Role.COORDINATOR},
    "import.run": {Role.SOCIAL_PEDAGOGUE, Role.COORDINATOR},
    "warning.list": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE},
    "warning.overview": {Role.COORDINATOR},
    "monitoring.view": {Role.COORDINATOR, Role.ANALYST},
    "monitoring.edit": {Role.COORDINATOR},
}
#: the world's information request, asked by `court` and addressed to `school`: who reads and answers it
#: (others holding info.answer get 404, roles without it 403)
INFO_REQUEST_ROLES = {
    "inforequests.view": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.ORPHANS_COURT},
    "inforequests.answer": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE},
}

#: the world's import batch, uploaded at `school` by its social pedagogue, and the world's warning signal
#: of a `school` pupil: who may use them (others holding the permission get 404, roles without it 403)
OWN_OBJECT_ROLES = {
    **{e: {Role.SOCIAL_PEDAGOGUE} for e in ("imports.preview", "imports.status", "imports.confirm",
                                            "imports.discard")},
    "warning.dismiss": {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE},
    # the municipality's indicator and plan activity (another municipality's: tests/monitoring/test_views.py)
    **{e: {Role.COORDINATOR, Role.ANALYST} for e in (
        "monitoring.indicator", "monitoring.indicator_schools", "monitoring.report", "monitoring.report_pdf",
        "monitoring.report_xlsx")},
    **{e: {Role.COORDINATOR} for e in ("monitoring.activity", "monitoring.report_advance")},
}
#: endpoints that load their object before asking the policy: a refusal is 404 for every role
LOADED_FIRST = {"warning.dismiss", "monitoring.indicator", "monitoring.indicator_schools", "monitoring.activity",
                "monitoring.report", "monitoring.report_pdf", "monitoring.report_xlsx", "monitoring.report_advance"}

#: relationship of a pupil to the actor → roles that may open / change that pupil
PUPIL_VIEW = {
    "own_school": SCHOOL_STAFF | {Role.COORDINATOR},
    "other_school_same_municipality": {Role.COORDINATOR},
    "declared_here_enrolled_elsewhere": {Role.COORDINATOR},
    "other_municipality": set(),
}
PUPIL_EDIT = {rel: roles - {Role.SUPPORT_SPECIALIST} for rel, roles in PUPIL_VIEW.items()}
OBJECT_RULES = {"pupil.view": PUPIL_VIEW, "pupil.edit": PUPIL_EDIT, **cases.PUPIL_RULES,
                # the data-protection officer answers a subject-access request for any pupil
                "records.subject_access": {rel: {Role.DPO} for rel in PUPIL_VIEW},
                # imported attendance and grades: the pupils the school or the municipality is responsible for
                "warning.school_data": {rel: roles & {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.COORDINATOR}
                                        for rel, roles in PUPIL_VIEW.items()}}

#: where each role's membership sits in the world below
ROLE_HOME = {
    Role.ADMIN: "board", Role.DPO: "board", Role.ANALYST: "board", Role.COORDINATOR: "board",
    Role.SCHOOL_HEAD: "school", Role.SOCIAL_PEDAGOGUE: "school", Role.SUPPORT_SPECIALIST: "school",
    Role.TEACHER: "school", Role.SOCIAL_WORKER: "social", Role.ORPHANS_COURT: "court",
    Role.MUNICIPAL_POLICE: "mpolice", Role.STATE_POLICE: "spolice",
}


@pytest.fixture
def world(app, factory):
    """Two municipalities, their institutions, pupils in every relationship, admin objects."""
    a, b = factory.municipality("Ezerkrastu novads"), factory.municipality("Upmalas novads")
    places = {
        "board": factory.institution(a.id, kind="education_board"),
        "school": factory.institution(a.id, kind="basic_school"),
        "school2": factory.institution(a.id, kind="secondary_school"),
        "social": factory.institution(a.id, kind="social_service"),
        "court": factory.institution(a.id, kind="orphans_court"),
        "mpolice": factory.institution(a.id, kind="municipal_police"),
        "spolice": factory.institution(a.id, kind="state_police", ownership="state"),
        "school_b": factory.institution(b.id, kind="basic_school"),
    }
    pupils = {
        "own_school": factory.pupil(places["school"].id, declared_municipality_id=a.id),
        "other_school_same_municipality": factory.pupil(places["school2"].id, declared_municipality_id=a.id),
        "declared_here_enrolled_elsewhere": factory.pupil(places["school_b"].id, declared_municipality_id=a.id),
        "other_municipality": factory.pupil(places["school_b"].id, declared_municipality_id=b.id),
    }
    by_place = {key: {rel: factory.pupil(places[key].id) for rel in (
        "own_school", "on_team", "referred_here", "other_school", "other_municipality", "concern")}
        for key in ("school", "school2", "school_b")}
    case_world = cases.build_case_world(app, factory, places, (a, b), by_place)
    target = factory.user("teacher", places["school"].id)
    with app.app_context():
        from caseflow.pupils.models import Enrolment

        enrolments = {rel: db.session.scalar(db.select(Enrolment.id).where(Enrolment.pupil_id == p.id))
                      for rel, p in pupils.items()}
        group = CooperationGroup(name="Sadarbības grupa", municipality_id=a.id)
        group.members = [GroupMember(institution_id=places["social"].id, office="Vadītājs")]
        group.municipalities = [GroupMunicipality(municipality_id=a.id), GroupMunicipality(municipality_id=b.id)]
        semester = Semester(municipality_id=a.id, school_year="2026/2027", number=1,
                            starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 22))
        db.session.add_all([group, semester])
        db.session.commit()
        ids = {"group_id": group.id, "member_id": group.members[0].id,
               "link_id": group.municipalities[1].id, "semester_id": semester.id}
    ids.update(municipality_id=a.id, institution_id=places["school"].id, user_id=target.id,
               membership_id=target.membership_id)
    with app.app_context():
        from caseflow.db import local_today, utcnow
        from caseflow.emergency.models import AccessAlert, EmergencyGrant
        from caseflow.inforequests.models import InfoRequest
        from caseflow.records.models import LegalHold

        hold = LegalHold(case_id=case_world["own_school"]["case_id"], reason="Tiesvedība", placed_by_id=target.id)
        db.session.add(hold)
        db.session.commit()
        ids["hold_id"] = hold.id
        then = utcnow() - timedelta(hours=2)
        grant = EmergencyGrant(user_id=target.id, institution_id=places["court"].id,
                               case_id=case_world["own_school"]["case_id"], reason="other", granted_at=then,
                               expires_at=then + timedelta(minutes=60))
        alert = AccessAlert(user_id=target.id, window_start=then, window_end=then + timedelta(minutes=60),
                            pupil_count=20)
        db.session.add_all([grant, alert])
        db.session.commit()
        ids.update(grant_id=grant.id, alert_id=alert.id)
        info = InfoRequest(municipality_id=a.id, case_id=case_world["own_school"]["case_id"],
                           institution_id=places["school"].id, asker_institution_id=places["court"].id,
                           asked_by_id=target.id, due_on=local_today() + timedelta(days=7))
        db.session.add(info)
        db.session.commit()
        ids["info_request_id"] = info.id
        ids.update(_import_and_warning(a.id, places["school"].id, pupils["own_school"].id))
        ids.update(_monitoring(a.id))
    meetings_world = meetings.build_meetings_world(app, factory, places, (a, b))
    return {"places": places, "pupils": pupils, "enrolments": enrolments, "ids": ids, "cases": case_world,
            "meetings": meetings_world}


def _import_and_warning(municipality_id: int, school_id: int, pupil_id: int) -> dict:
    """An import batch the school's social pedagogue uploaded, and a signal of one of the school's pupils."""
    from caseflow.imports.models import ImportBatch
    from caseflow.warning.models import WarningSignal

    batch = ImportBatch(kind="absences", municipality_id=municipality_id, institution_id=school_id,
                        role="social_pedagogue", file_name="kavejumi.csv", file_sha256="0" * 64, file_size=1,
                        status="rejected")
    signal = WarningSignal(municipality_id=municipality_id, pupil_id=pupil_id, school_id=school_id,
                           rule="unexcused_lessons", value=25, threshold=20, evidence={})
    db.session.add_all([batch, signal])
    db.session.commit()
    return {"batch_id": batch.id, "signal_id": signal.id}


def _monitoring(municipality_id: int) -> dict:
    """An indicator, a plan activity and an annual report of the municipality."""
    from caseflow.monitoring.models import (
        AnnualReport,
        Indicator,
        PlanActivity,
        PlanGoal,
        PlanVersion,
    )

    indicator = Indicator(municipality_id=municipality_id, code="1", title_lv="Rādītājs", value_kind="count",
                          computed_metric="cases_opened")
    version = PlanVersion(municipality_id=municipality_id, number=1, title="Plāns", years=[2026])
    goal = PlanGoal(municipality_id=municipality_id, version=version, code="1", title="Mērķis")
    activity = PlanActivity(municipality_id=municipality_id, goal=goal, code="1.1", title="Aktivitāte",
                            years=[2026])
    report = AnnualReport(municipality_id=municipality_id, year=2026, sections={"introduction": "Ievads"})
    db.session.add_all([indicator, version, goal, activity, report])
    db.session.commit()
    return {"indicator_id": indicator.id, "activity_id": activity.id, "report_id": report.id}


def _urls(app, world, endpoint, home):
    """(relationship, url) pairs for an endpoint: one per pupil relationship for pupil routes (and per
    relationship to the actor working at `home` for groups, sessions and actions)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if meetings.handles(rule):
        for relationship, url in meetings.iter_urls(world, rule, home):
            yield relationship, url, rule
    elif rule.arguments & cases.CASE_ARGUMENTS and not endpoint.startswith("admin."):
        for rel, ids in world["cases"].items():
            if rule.arguments <= set(ids):
                yield ("case", rel), rule.build({k: ids[k] for k in rule.arguments})[1], rule
    elif "pupil_id" in rule.arguments:
        for rel, pupil in world["pupils"].items():
            values = {"pupil_id": pupil.id, "enrolment_id": world["enrolments"][rel]}
            yield rel, rule.build({k: v for k, v in values.items() if k in rule.arguments})[1], rule
    else:
        yield None, rule.build({k: world["ids"][k] for k in rule.arguments})[1], rule


def _expected(endpoint: str, role: Role, relationship: str | tuple | None) -> bool:
    permission = ENDPOINTS[endpoint]
    if isinstance(relationship, tuple) and endpoint in meetings.ENDPOINTS:
        return meetings.expected(endpoint, permission, role, ROLE_HOME[role], relationship)
    if isinstance(relationship, tuple):
        rules = cases.ENDPOINT_RULES.get(endpoint) or cases.CASE_RULES[permission]
        return role in rules[relationship[1]]
    if endpoint in INFO_REQUEST_ROLES:
        return role in INFO_REQUEST_ROLES[endpoint]
    if endpoint in OWN_OBJECT_ROLES:
        return role in OWN_OBJECT_ROLES[endpoint]
    if relationship is not None:
        return role in OBJECT_RULES[permission][relationship]
    return role in ROLES_WITH[permission]


def _denied_status(endpoint: str, role: Role, relationship) -> int:
    """A refusal's status: 404 on an object (it is not there for the actor), 403 for a role."""
    if endpoint in INFO_REQUEST_ROLES and role in ROLES_WITH["info.answer"]:
        return 404
    if endpoint in OWN_OBJECT_ROLES:
        # @requires with a loader answers 404 to everyone; the import views check the role first
        return 404 if endpoint in LOADED_FIRST or role in ROLES_WITH[ENDPOINTS[endpoint]] else 403
    if relationship is None or (endpoint in meetings.ROLE_CHECK_FIRST
                                and role not in ROLES_WITH[ENDPOINTS[endpoint]]):
        return 403
    return 404


def test_matrix_covers_every_endpoint(app):
    declared = {rule.endpoint: str(getattr(app.view_functions[rule.endpoint], "caseflow_permission", None))
                for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS}
    assert declared == ENDPOINTS


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_access_matrix(app, client, factory, world, role):
    home = world["places"][ROLE_HOME[role]]
    actor = factory.user(role.value, home.id)
    cases.join_team(app, world["cases"]["on_team"]["case_id"], actor.id)
    if role in cases.BREAK_THE_GLASS:
        cases.break_the_glass(app, world["cases"], actor.id, home.id)
    wrong = []
    for endpoint in ENDPOINTS:
        for relationship, url, rule in _urls(app, world, endpoint, ROLE_HOME[role]):
            if not cases.applies(role, relationship):
                continue
            allowed = _expected(endpoint, role, relationship)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                factory.login(client, actor)
                data = {"membership_id": actor.membership_id} if endpoint == "auth.switch_role" else {}
                status = client.open(url, method=method, data=data).status_code
                denied_status = _denied_status(endpoint, role, relationship)
                ok = (status in (200, 302) if allowed else status == denied_status)
                if not ok:
                    wrong.append(f"{method} {endpoint} [{relationship}] → {status}, "
                                 f"expected {'allowed' if allowed else denied_status}")
    assert wrong == []


def test_break_the_glass_opens_no_note_correction(app, client, factory):
    from caseflow.cases.models import Note
    from caseflow.db import utcnow
    from caseflow.emergency.models import EmergencyGrant

    town = factory.municipality("Ezerkrastu novads")
    school, court = factory.institution(town.id), factory.institution(town.id, kind="orphans_court")
    pedagogue, member = factory.user("social_pedagogue", school.id), factory.user("orphans_court", court.id)
    case = factory.case(factory.pupil(school.id).id, school.id, pedagogue.id)
    with app.app_context():
        note = Note(case_id=case.id, kind="general", visibility="team", author_id=pedagogue.id,
                    author_institution_id=school.id)
        db.session.add(note)
        db.session.flush()
        note.root_id = note.id
        now = utcnow()
        db.session.add(EmergencyGrant(user_id=member.id, institution_id=court.id, case_id=case.id,
                                      reason="life_or_health", granted_at=now, expires_at=now + timedelta(minutes=60)))
        db.session.commit()
        note_id = note.id
    factory.login(client, member)
    assert client.get(f"/cases/{case.id}").status_code == 200  # the grant shows the case
    for method in ("GET", "POST"):
        assert client.open(f"/cases/{case.id}/notes/{note_id}/correct", method=method).status_code == 404, method
