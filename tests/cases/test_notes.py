"""Notes on a case: writing (encrypted), refusals next to the fields, corrections as new versions and
the history, who may read which note, the timeline, and the case page's statement count."""
from __future__ import annotations

import html
import re

import pytest

from caseflow.cases.models import Note
from caseflow.cases.selectors import notes as notes_section
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.people.models import User
from tests.cases.helpers_people import (
    audit_actions,
    count,
    events,
    make_world,
    render_section,
    rows,
)

TALK = "Māte stāsta, ka Anna naktīs neguļ un no rīta negrib iet uz skolu."
FIXED = "Māte stāsta, ka Anna kopš oktobra naktīs neguļ."


@pytest.fixture
def world(factory):
    return make_world(factory)


def add(client, case_id: int, text: str = TALK, *, kind: str = "general", visibility: str = "team"):
    return client.post(f"/cases/{case_id}/notes/new",
                       data={"note-kind": kind, "note-visibility": visibility, "note-text": text})


def correct(client, case_id: int, note_id: int, text: str, *, kind: str = "general", visibility: str = "team"):
    return client.post(f"/cases/{case_id}/notes/{note_id}/correct",
                       data={"note-kind": kind, "note-visibility": visibility, "note-text": text})


def error_of(page: str, field_id: str) -> str | None:
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1).strip()) if found else None


def notes_section_of(page: str) -> str:
    return page.split('id="notes"', 1)[1].split("</section>", 1)[0]


def full_name(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).full_name


def body(app, note_id: int) -> str:
    with app.app_context():
        return unseal(db.session.get(Note, note_id), "body")


# --- writing ---------------------------------------------------------------------------------------

def test_a_note_is_stored_encrypted_with_a_timeline_line_and_an_audit_entry(app, client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{world.case.id}").text
    assert 'aria-labelledby="notes-heading"' in page and 'name="note-text"' in page

    response = add(client, world.case.id, kind="conversation", visibility="team")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{world.case.id}#notes")

    [note] = rows(app, Note)
    assert (note.version, note.root_id, note.kind, note.visibility, note.superseded_at) == (
        1, note.id, "conversation", "team", None)
    assert (note.author_id, note.author_institution_id) == (world.pedagogue.id, world.school.id)
    assert TALK.encode() not in bytes(note.body_enc) and "neguļ".encode() not in bytes(note.body_enc)
    assert body(app, note.id) == TALK
    assert events(app, world.case.id) == [("note_added", {"note_id": note.id, "kind": "conversation"})]
    assert "note.add" in audit_actions(app)

    section = notes_section_of(client.get(f"/cases/{world.case.id}").text)
    for shown in (TALK, "Conversation", "The whole case team", full_name(app, world.pedagogue.id),
                  f"/cases/{world.case.id}/notes/{note.id}/correct"):
        assert shown in section
    assert "/history" not in section


def test_refusals_stand_next_to_their_fields_and_nothing_is_written(app, client, factory, world):
    factory.login(client, world.head)
    page = client.get(f"/cases/{world.case.id}/notes/new").text
    assert 'value="health"' in page and 'value="police"' in page and 'value="addiction"' not in page

    refusals = [
        (add(client, world.case.id, "   "), "note-text", "Write the note."),
        (add(client, world.case.id, "x" * 20_001), "note-text", "Write at most 20000 characters."),
        (add(client, world.case.id, kind="addiction"), "note-kind",
         "Your role cannot write notes of this kind. Choose another kind."),
        (add(client, world.case.id, kind="gossip"), "note-kind", "Choose a kind from the list."),
        (add(client, world.case.id, visibility="everyone"), "note-visibility", "Choose who may read the note."),
    ]
    for response, field_id, message in refusals:
        assert response.status_code == 200
        assert error_of(response.text, field_id) == message
        assert 'class="error-summary"' in response.text
    assert count(app, Note) == 0
    assert events(app, world.case.id) == []
    assert "note.add" not in audit_actions(app)


def test_a_closed_case_takes_no_notes(app, client, factory, world):
    closed = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id,
                          status="closed")
    factory.login(client, world.pedagogue)
    response = add(client, closed.id)
    assert response.status_code == 200
    assert error_of(response.text, "note-text") == "A closed case cannot be changed. Reopen it first."
    assert count(app, Note) == 0
    rendered, _statements = render_section(app, world.pedagogue, closed.id, notes_section, "cases/_notes.html")
    assert 'name="note-text"' not in rendered


# --- corrections and history -----------------------------------------------------------------------

def test_a_correction_is_a_new_version_and_the_history_shows_both(app, client, factory, world):
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    [first] = rows(app, Note)
    form = client.get(f"/cases/{world.case.id}/notes/{first.id}/correct").text
    assert TALK in form and "version 2" in form

    response = correct(client, world.case.id, first.id, FIXED)
    assert response.status_code == 302
    first, second = rows(app, Note)
    assert first.superseded_at is not None and second.superseded_at is None
    assert (second.root_id, second.version, second.author_id) == (first.id, 2, world.pedagogue.id)
    assert (body(app, first.id), body(app, second.id)) == (TALK, FIXED)
    assert events(app, world.case.id)[-1] == ("note_corrected", {"note_id": second.id, "kind": "general"})
    assert "note.correct" in audit_actions(app)

    section = notes_section_of(client.get(f"/cases/{world.case.id}").text)
    assert FIXED in section and TALK not in section
    history_url = f"/cases/{world.case.id}/notes/{second.id}/history"
    assert history_url in section

    history = client.get(history_url).text
    assert history.index(TALK) < history.index(FIXED)
    assert "Version 1" in history and "Version 2 (current)" in history
    assert "note.read" in audit_actions(app)


def test_a_corrected_version_or_an_unchanged_text_is_not_corrected_again(app, client, factory, world):
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    [first] = rows(app, Note)
    correct(client, world.case.id, first.id, FIXED)

    again = correct(client, world.case.id, first.id, "Trešā versija")
    assert again.status_code == 200 and "This version has already been corrected" in again.text
    second = rows(app, Note)[1]
    unchanged = correct(client, world.case.id, second.id, FIXED)
    assert unchanged.status_code == 200
    assert error_of(unchanged.text, "note-text") == (
        "Nothing was changed: change the text, the kind or who may read it.")
    assert count(app, Note) == 2


def test_only_the_author_corrects_and_only_within_the_kinds_of_their_role(app, client, factory, world):
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    [note] = rows(app, Note)

    factory.login(client, world.head)
    section = notes_section_of(client.get(f"/cases/{world.case.id}").text)
    assert TALK in section and "/correct" not in section
    page = client.get(f"/cases/{world.case.id}/notes/{note.id}/correct").text
    assert "Only the author" in page and 'name="note-text"' not in page
    assert correct(client, world.case.id, note.id, FIXED).status_code == 200
    assert count(app, Note) == 1

    add(client, world.case.id, "Direktores piezīme")
    own = rows(app, Note)[-1]
    refused = correct(client, world.case.id, own.id, "Direktores piezīme", kind="addiction")
    assert error_of(refused.text, "note-kind") == "Your role cannot write notes of this kind. Choose another kind."
    assert count(app, Note) == 2


# --- who reads which note --------------------------------------------------------------------------

def test_the_coordinator_of_a_referred_case_reads_team_notes_of_kinds_their_role_may_read(
        app, client, factory, world):
    factory.referral(world.case.id, factory.group(world.home.id), world.pedagogue.id)
    factory.login(client, world.pedagogue)
    texts = {"institution": "Tikai skolai zināms", "team": "Visai komandai zināms",
             "health": "Ārsta izziņa par slimību", "violence": "Zilumi uz rokām"}
    add(client, world.case.id, texts["institution"], visibility="institution")
    add(client, world.case.id, texts["team"])
    add(client, world.case.id, texts["health"], kind="health")
    add(client, world.case.id, texts["violence"], kind="violence")
    institution, team, health, violence = rows(app, Note)
    assert [detail for kind, detail in events(app, world.case.id)] == [
        {"note_id": institution.id, "kind": "general"}, {"note_id": team.id, "kind": "general"},
        {"note_id": health.id}, {"note_id": violence.id}]

    factory.login(client, world.coordinator)
    page = client.get(f"/cases/{world.case.id}")
    assert page.status_code == 200
    section = notes_section_of(page.text)
    assert texts["team"] in section and texts["violence"] in section
    assert texts["institution"] not in section and texts["health"] not in section
    assert f"note-{institution.id}-" not in section and f"note-{health.id}-" not in section
    assert "Health —" not in section
    for hidden in (institution, health):
        assert client.get(f"/cases/{world.case.id}/notes/{hidden.id}/history").status_code == 404
        assert client.get(f"/cases/{world.case.id}/notes/{hidden.id}/correct").status_code == 404
    assert client.get(f"/cases/{world.case.id}/notes/{team.id}/history").status_code == 200

    assert 'value="health"' not in client.get(f"/cases/{world.case.id}/notes/new").text
    assert add(client, world.case.id, kind="health").status_code == 200
    add(client, world.case.id, "Koordinatora piezīme", visibility="institution")
    assert count(app, Note) == 5
    factory.login(client, world.pedagogue)
    assert "Koordinatora piezīme" not in notes_section_of(client.get(f"/cases/{world.case.id}").text)


def test_a_team_member_reads_no_notes_of_a_kind_their_role_may_not_read(app, client, factory, world):
    case = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id,
                        team=(world.specialist.id,))
    factory.login(client, world.pedagogue)
    add(client, case.id, "Vispārēja piezīme")
    add(client, case.id, "Policijas ziņojums", kind="police")
    factory.login(client, world.specialist)
    section = notes_section_of(client.get(f"/cases/{case.id}").text)
    assert "Vispārēja piezīme" in section and "Policijas ziņojums" not in section


@pytest.mark.parametrize("who", ["stranger", "specialist", "teacher", "coordinator"])
def test_staff_outside_the_case_get_404(app, client, factory, world, who):
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    [note] = rows(app, Note)
    factory.login(client, getattr(world, who))
    for url in (f"/cases/{world.case.id}/notes/new", f"/cases/{world.case.id}/notes/{note.id}/history",
                f"/cases/{world.case.id}/notes/{note.id}/correct"):
        assert client.get(url).status_code == 404, url
    assert add(client, world.case.id).status_code == 404
    assert count(app, Note) == 1


def test_a_note_is_reached_only_through_its_own_case(app, client, factory, world):
    other = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id)
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    [note] = rows(app, Note)
    assert client.get(f"/cases/{other.id}/notes/{note.id}/history").status_code == 404
    assert correct(client, other.id, note.id, FIXED).status_code == 404


# --- the case page's cost --------------------------------------------------------------------------

def test_the_notes_section_runs_the_same_statements_for_one_note_or_many(app, client, factory, world):
    factory.login(client, world.pedagogue)
    add(client, world.case.id)
    _html, one = render_section(app, world.pedagogue, world.case.id, notes_section, "cases/_notes.html")
    for n in range(3):
        add(client, world.case.id, f"Piezīme {n}", kind="health")
    factory.login(client, world.head)
    for n in range(3):
        add(client, world.case.id, f"Direktores piezīme {n}", visibility="institution")
    first = rows(app, Note)[0]
    factory.login(client, world.pedagogue)
    correct(client, world.case.id, first.id, FIXED)
    rendered, many = render_section(app, world.pedagogue, world.case.id, notes_section, "cases/_notes.html")
    assert many == one
    assert rendered.count("<article") == 7 and "Direktores piezīme 2" in rendered and FIXED in rendered
