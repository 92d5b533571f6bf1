"""The database connection dying in the middle of a request: no half-written change, the user reads
"try again" (in Latvian), and the next request works on a fresh connection."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from caseflow.cases.models import CaseEvent, Note
from caseflow.cases.services import notes as note_services
from caseflow.extensions import db
from tests.cases.helpers_people import make_world

TRY_AGAIN_LV = "Pakalpojums īslaicīgi nav pieejams. Nekas netika saglabāts; mēģiniet vēlreiz."
NOTE = "Māte stāsta, ka Anna no rīta negrib iet uz skolu."


@pytest.fixture(params=["postgresql"])
def backend(request):
    """PostgreSQL only: a server whose connection can be terminated from outside."""
    return request.param


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _add_note(client, case_id: int):
    return client.post(f"/cases/{case_id}/notes/new",
                       data={"note-kind": "general", "note-visibility": "team", "note-text": NOTE})


def test_connection_lost_after_the_first_write_saves_nothing_and_the_next_request_works(
        app, client, factory, monkeypatch):
    world = make_world(factory)
    author = factory.user("social_pedagogue", world.school.id)  # Latvian pages
    factory.login(client, author)
    record_event = note_services.record_event
    killed = []

    def connection_dies_after_the_note_is_written(case, code, **kwargs):
        assert db.session.scalar(select(func.count()).select_from(Note)) == 1  # row A is written
        if not killed:
            killed.append(True)
            db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return record_event(case, code, **kwargs)

    monkeypatch.setattr(note_services, "record_event", connection_dies_after_the_note_is_written)
    answer = _add_note(client, world.case.id)
    assert killed
    assert answer.status_code == 503
    assert TRY_AGAIN_LV in answer.text
    assert _count(app, Note) == 0 and _count(app, CaseEvent) == 0

    assert client.get(f"/cases/{world.case.id}").status_code == 200
    again = _add_note(client, world.case.id)
    assert again.status_code == 302
    assert _count(app, Note) == 1
