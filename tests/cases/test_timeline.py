"""The timeline tells each reader only what they may know: a note they cannot read leaves no line."""
from __future__ import annotations

from tests.cases.test_opening import _csrf


def test_an_institution_only_note_leaves_no_line_for_the_coordinator(app, client, factory):
    m = factory.municipality()
    factory.taxonomy(m.id)
    school = factory.institution(m.id)
    sp = factory.user("social_pedagogue", school.id, locale="en")
    coordinator = factory.user("coordinator", factory.institution(m.id, kind="education_board").id,
                               locale="en")
    pupil = factory.pupil(school.id)
    case = factory.case(pupil.id, school.id, sp.id)
    factory.referral(case.id, factory.group(m.id), sp.id)
    factory.login(client, sp)
    url = f"/cases/{case.id}/notes/new"
    for visibility in ("institution", "team"):
        response = client.post(url, data={"csrf_token": _csrf(client, url), "note-kind": "general",
                                          "note-visibility": visibility, "note-text": f"{visibility} text"})
        assert response.status_code == 302
    own = client.get(f"/cases/{case.id}").text
    assert own.count("Note added") == 2
    factory.login(client, coordinator)
    theirs = client.get(f"/cases/{case.id}").text
    assert theirs.count("Note added") == 1
    assert "team text" in theirs and "institution text" not in theirs
