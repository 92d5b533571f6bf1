"""The world of the section tests: the meetings world's case with a marker in every restricted
field, written through the pages; a support plan; approved minutes of a session that heard the case;
one signed-in user of every role.

A marker is one word (no hyphen, so a PDF never breaks it across lines)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from caseflow.access.permissions import Role
from caseflow.cases.models import CaseTeamMember, Note
from caseflow.extensions import db
from tests.meetings.recording_helpers import attend_all, item_data, measure_row, todays_session
from tests.meetings.world import build_world
from tests.plans.helpers import TODAY, measure, plan

#: the specification, by hand: note section → the roles that read it
READERS = {
    "health": {Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD},
    "violence": {Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD, Role.COORDINATOR,
                 Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE},
    "addiction": {Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.COORDINATOR, Role.SOCIAL_WORKER},
    "police": {Role.SOCIAL_PEDAGOGUE, Role.SCHOOL_HEAD, Role.COORDINATOR, Role.ORPHANS_COURT,
               Role.MUNICIPAL_POLICE, Role.STATE_POLICE},
}
#: the roles that see the case page (all of them on the case's team)
CASE_ROLES = (Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD, Role.COORDINATOR,
              Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE)
#: the author's institution (the school): an "institution only" note is theirs alone
AT_SCHOOL = {Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD}

#: restricted field → (how the note is written: [(kind, visibility, text) per version], its readers).
#: "narrowed": a general note corrected into a health note — its first version narrows with it.
FIELDS = {
    **{kind: ([(kind, "team", f"ZQ{kind}MARK7")], readers) for kind, readers in READERS.items()},
    "institution": ([("general", "institution", "ZQinstitutionMARK7")], AT_SCHOOL),
    "narrowed": ([("general", "team", "ZQnarrowedMARK7 pirmā"), ("health", "team", "ZQnarrowedMARK7 otrā")],
                 READERS["health"]),
}
MARKERS = {field: versions[0][2].split()[0] for field, (versions, _readers) in FIELDS.items()}
#: who is the pupil (every document that concerns the case names her)
PUPIL_NAME = "Marta Kalniņa"


def _write_notes(app, client, factory, w) -> dict[str, int]:
    """Each field's note through the case page's forms, as the school's social pedagogue: field → note id."""
    factory.login(client, w.pedagogue)
    notes = {}
    for field, (versions, _readers) in FIELDS.items():
        (kind, visibility, text), corrections = versions[0], versions[1:]
        response = client.post(f"/cases/{w.case.id}/notes/new",
                               data={"note-kind": kind, "note-visibility": visibility, "note-text": text})
        assert response.status_code == 302, response.text
        with app.app_context():
            notes[field] = db.session.scalar(select(Note.id).where(Note.case_id == w.case.id).order_by(
                Note.id.desc()).limit(1))
        for kind, visibility, text in corrections:
            response = client.post(f"/cases/{w.case.id}/notes/{notes[field]}/correct",
                                   data={"note-kind": kind, "note-visibility": visibility, "note-text": text})
            assert response.status_code == 302, response.text
    return notes


def _plan(app, factory, w) -> int:
    """A support plan on the case with a measure the teacher delivers."""
    plan_id = plan(app, pupil_id=w.pupil.id, school_id=w.school.id, created_by_id=w.pedagogue.id,
                   starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=60), case_id=w.case.id)
    measure(app, plan_id, factory.entry(w.home.id, "measure_type", "psychologist"), deliverer_id=w.teacher.id,
            basis="Psihologa atzinums")
    return plan_id


def _approved_minutes(app, client, factory, w) -> int:
    """A session of today that heard the case (reports of the social service and the orphans' court,
    measures for the social service and the municipal police), held, its minutes approved."""
    session_id, case_item, policy_item = todays_session(app, w)
    attend_all(app, w, session_id)
    factory.login(client, w.chair)
    for item_id, data in (
            (case_item, item_data(w, reports={w.social.id: "Sociālais dienests apmeklēja ģimeni",
                                              w.court.id: "Bāriņtiesa ziņo"},
                                  measures=(measure_row(0, institution_id=w.social.id),
                                            measure_row(1, institution_id=w.mpolice.id)))),
            (policy_item, item_data(w, outcome="continue", next_evaluation="", discussion="Skolām jāziņo"))):
        response = client.post(f"/meetings/sessions/{session_id}/record/items/{item_id}", data=data)
        assert response.status_code == 302, response.text
    for step in ("record/held", "minutes/approve"):
        response = client.post(f"/meetings/sessions/{session_id}/{step}")
        assert response.status_code == 302, (step, response.text)
    return session_id


def build_marked_world(app, client, factory) -> SimpleNamespace:
    """The meetings world's case (Marta Kalniņa's, of `school`) with every restricted field marked, a
    plan, approved minutes; `users`: one per role, the case roles on the case's team."""
    w = build_world(app, factory)
    homes = {Role.SOCIAL_PEDAGOGUE: w.school, Role.SUPPORT_SPECIALIST: w.school, Role.SCHOOL_HEAD: w.school,
             Role.TEACHER: w.school, Role.COORDINATOR: w.board, Role.SOCIAL_WORKER: w.social,
             Role.ORPHANS_COURT: w.court, Role.MUNICIPAL_POLICE: w.mpolice, Role.STATE_POLICE: w.spolice,
             Role.DPO: w.board, Role.ANALYST: w.board, Role.ADMIN: w.board}
    users = {role: factory.user(role.value, homes[role].id, locale="en") for role in Role}
    with app.app_context():
        db.session.add_all([CaseTeamMember(case_id=w.case.id, user_id=users[role].id, added_by_id=w.pedagogue.id)
                            for role in CASE_ROLES])
        db.session.commit()
    w.notes = _write_notes(app, client, factory, w)
    w.plan_id = _plan(app, factory, w)
    w.session_id = _approved_minutes(app, client, factory, w)
    w.users = users
    return w
