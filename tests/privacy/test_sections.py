"""Sections: health, violence, addiction and police notes are read only by the roles allowed. A
marker in every restricted note must appear on no page of a role that may not read its section —
the case page and the note's history — while every role sees the case itself."""
from __future__ import annotations

import pytest

from caseflow.cases.models import CaseTeamMember, Note
from caseflow.crypto import seal
from caseflow.extensions import db
from tests.meetings.world import build_world

#: the specification, by hand: section → the roles that read it
READERS = {
    "health": {"social_pedagogue", "support_specialist", "school_head"},
    "violence": {"social_pedagogue", "support_specialist", "school_head", "coordinator", "social_worker",
                 "orphans_court", "municipal_police", "state_police"},
    "addiction": {"social_pedagogue", "support_specialist", "coordinator", "social_worker"},
    "police": {"social_pedagogue", "school_head", "coordinator", "orphans_court", "municipal_police",
               "state_police"},
}
ROLES = ("social_pedagogue", "support_specialist", "school_head", "coordinator", "social_worker",
         "orphans_court", "municipal_police", "state_police")


@pytest.fixture
def marked(app, factory):
    """The world's case with one team-visible note per section, each with its own marker, and one
    user of every role that sees case pages on the case's team."""
    w = build_world(app, factory)
    homes = {"social_pedagogue": w.school, "support_specialist": w.school, "school_head": w.school,
             "coordinator": w.board, "social_worker": w.social, "orphans_court": w.court,
             "municipal_police": w.mpolice, "state_police": w.spolice}
    users = {role: factory.user(role, homes[role].id, locale="en") for role in ROLES}
    with app.app_context():
        for kind in READERS:
            note = Note(case_id=w.case.id, kind=kind, visibility="team", author_id=w.pedagogue.id,
                        author_institution_id=w.school.id)
            db.session.add(note)
            db.session.flush()
            note.root_id = note.id
            seal(note, "body", f"MARKER-{kind}-7Q", scope=f"pupil:{w.pupil.id}")
        for user in users.values():
            db.session.add(CaseTeamMember(case_id=w.case.id, user_id=user.id, added_by_id=w.pedagogue.id))
        db.session.commit()
        notes = {n.kind: n.id for n in db.session.scalars(db.select(Note).where(Note.case_id == w.case.id))}
    return w, users, notes


@pytest.mark.parametrize("role", ROLES)
def test_a_section_marker_appears_only_for_the_roles_that_read_the_section(app, client, factory, marked, role):
    w, users, notes = marked
    factory.login(client, users[role])
    case_page = client.get(f"/cases/{w.case.id}")
    assert case_page.status_code == 200
    for kind, note_id in notes.items():
        marker = f"MARKER-{kind}-7Q"
        history = client.get(f"/cases/{w.case.id}/notes/{note_id}/history")
        if role in READERS[kind]:
            assert marker in case_page.text and history.status_code == 200 and marker in history.text
        else:
            assert marker not in case_page.text, (role, kind)
            assert history.status_code == 404, (role, kind)
