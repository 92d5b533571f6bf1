"""Sections: health, violence, addiction and police notes are read only by the roles allowed, an
"institution only" note only by the author's institution, and a note corrected into a section takes
its earlier versions with it. A marker in every restricted field must appear nowhere a role may not
read it — the case page and its timeline, the note's history, the plan PDF, the minutes PDF and
extract, the pupil and case searches, the exports, the audit pages — for every role, and on the
pages of a role that may read it. The data-protection officer's subject-access export holds
everything about the person (docs/privacy.md), and the audit trail holds no text at all."""
from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.access.permissions import Role
from caseflow.db import utcnow
from caseflow.emergency.models import EmergencyGrant
from caseflow.extensions import db
from tests.privacy.documents import EXPORTS, NAMES_PUPIL, REACH, SUBJECT_EXPORTS, read_everything
from tests.privacy.world import FIELDS, MARKERS, PUPIL_NAME, build_marked_world

SURNAME = PUPIL_NAME.split()[1]


@pytest.fixture
def marked(app, client, factory):
    return build_marked_world(app, client, factory)


def _carries(document: str, field: str, role: Role) -> bool:
    """Whether the specification puts the field's marker into this document for this role."""
    readers = FIELDS[field][1]
    if document in SUBJECT_EXPORTS:
        return True
    return role in readers and document in ("case page", f"history {field}")


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_marker_appears_only_where_the_role_may_read_its_field(app, client, factory, marked, role, tmp_path):
    factory.login(client, marked.users[role])
    documents = read_everything(app, client, marked, tmp_path)
    wrong = []
    for name, document in documents.items():
        reached = role in REACH[name]
        if (document.status == 200) != reached:
            wrong.append(f"{name}: status {document.status}, expected {'200' if reached else 'a refusal'}")
            continue
        if reached and name in NAMES_PUPIL and (SURNAME in document.text) != (role in NAMES_PUPIL[name]):
            wrong.append(f"{name}: names the pupil {SURNAME in document.text}, expected the opposite")
        if " search for " in name:
            # the search box repeats what was typed; the pupil must not be found by a note's text
            if SURNAME in document.text:
                wrong.append(f"{name}: a note's marker finds the pupil")
            continue
        for field, marker in MARKERS.items():
            expected = reached and _carries(name, field, role)
            if (marker in document.text) != expected:
                wrong.append(f"{name}: marker of {field} {'missing' if expected else 'shown'}")
    assert wrong == [], f"role {role}"


def test_every_export_is_in_the_marker_test(app):
    """A new export endpoint (caseflow/exports) must be added to documents.EXPORTS and REACH."""
    exports = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("exports.")}
    assert exports == set(EXPORTS)
    assert set(EXPORTS.values()) <= set(REACH)


def test_break_the_glass_reads_only_the_sections_of_its_role(app, client, factory, marked):
    """An orphans' court member off the team, with an active emergency grant: the case page with the
    court's sections (violence, police), nothing of the others, no history of theirs, no plan; the
    data-protection officer's review of the grant holds no note text."""
    member = factory.user("orphans_court", marked.court.id, locale="en")
    factory.login(client, member)
    assert client.get(f"/cases/{marked.case.id}").status_code == 404  # no grant yet: not in sight
    with app.app_context():
        now = utcnow()
        db.session.add(EmergencyGrant(user_id=member.id, institution_id=marked.court.id, case_id=marked.case.id,
                                      reason="child_without_care", granted_at=now,
                                      expires_at=now + timedelta(minutes=60)))
        db.session.commit()
        grant_id = db.session.scalar(db.select(EmergencyGrant.id).where(EmergencyGrant.user_id == member.id))
    page = client.get(f"/cases/{marked.case.id}")
    assert page.status_code == 200 and SURNAME in page.text
    for field, marker in MARKERS.items():
        readable = Role.ORPHANS_COURT in FIELDS[field][1]
        assert (marker in page.text) == readable, field
        history = client.get(f"/cases/{marked.case.id}/notes/{marked.notes[field]}/history")
        assert history.status_code == (200 if readable else 404), field
        assert (marker in history.text) == readable, field
    assert client.get(f"/plans/{marked.plan_id}").status_code == 404
    # the officer's review shows what the grantee did, never what they read
    factory.login(client, marked.users[Role.DPO])
    review = client.get(f"/emergency/review/{grant_id}")
    assert review.status_code == 200 and marked.court.name in review.text
    assert [field for field, marker in MARKERS.items() if marker in review.text] == []
