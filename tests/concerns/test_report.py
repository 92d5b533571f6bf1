"""Reporting a concern: the two-step pupil choice, outside reports, refusals, encryption, my reports."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from tests.concerns.helpers import build_world, count, raw_column

NOTICED = "Misses every Monday and sleeps in lessons"


@pytest.fixture
def world(factory):
    return build_world(factory)


def only_concern(app):
    with app.app_context():
        concern = db.session.scalars(select(Concern)).one()
        return concern, unseal(concern, "noticed"), unseal(concern, "pupil_described")


def test_teacher_chooses_class_then_pupil_and_the_concern_lands_in_the_school_inbox(app, client, factory,
                                                                                    world):
    factory.login(client, world.teacher)
    first = client.get("/concerns/new").text
    assert '<option value="7.b">' in first and '<option value="9.a">' in first
    assert "Kalniņa" not in first

    second = client.get("/concerns/new", query_string={"class_name": "7.b"}).text
    assert "Kalniņa, Marta" in second and "Ozols, Jānis" in second
    assert "Liepa" not in second and "Zariņš" not in second  # another class, another school

    response = client.post("/concerns/new?class_name=7.b", data={
        "pupil_id": str(world.pupil.id), "noticed": NOTICED, "noticed_since": "2026-09-01"})

    assert response.status_code == 302 and response.headers["Location"] == "/concerns/mine"
    concern, noticed, described = only_concern(app)
    assert (concern.school_id, concern.municipality_id, concern.pupil_id, concern.status) == (
        world.school.id, world.home.id, world.pupil.id, ConcernStatus.NEW)
    assert (concern.reported_by_id, concern.reported_by_institution_id) == (world.teacher.id, world.school.id)
    assert concern.noticed_since == date(2026, 9, 1)
    assert noticed == NOTICED and described is None
    assert NOTICED.encode() not in raw_column(app, "concerns", "noticed_enc", concern.id)
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "concern.report")).one()
        assert (entry.object_id, entry.pupil_id, entry.user_id) == (concern.id, world.pupil.id, world.teacher.id)
        assert "Monday" not in str(entry.detail)
    mine = client.get("/concerns/mine").text
    assert "Kalniņa" in mine and ">New<" in mine and "Thank you" in mine


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"noticed": "  "}, "noticed", "Write what you noticed."),
    ({"pupil_id": ""}, "pupil_id", "Choose a pupil."),
    ({"noticed_since": (local_today() + timedelta(days=2)).isoformat()}, "noticed_since",
     "The date cannot be in the future."),
    ({"noticed_since": "not a date"}, "noticed_since", "Not a valid date value."),
])
def test_school_report_refusals_stand_next_to_their_field_and_write_nothing(app, client, factory, world,
                                                                            changes, field, message):
    factory.login(client, world.teacher)
    data = {"pupil_id": str(world.pupil.id), "noticed": NOTICED, "noticed_since": ""} | changes
    response = client.post("/concerns/new?class_name=7.b", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in response.text
    assert 'class="error-summary"' in response.text
    assert count(app, Concern) == 0


@pytest.mark.parametrize("forged", ["other_pupil", "older_left"])
def test_a_forged_pupil_outside_the_school_is_refused(app, client, factory, world, forged):
    """Another school's pupil, or one whose enrolment here has ended, cannot be reported about."""
    pupil = world.other_pupil
    if forged == "older_left":
        from caseflow.pupils.models import Enrolment

        with app.app_context():
            for e in db.session.scalars(select(Enrolment).where(Enrolment.pupil_id == world.older.id)):
                e.end_date = local_today() - timedelta(days=1)
            db.session.commit()
        pupil = world.older
    factory.login(client, world.teacher)
    response = client.post("/concerns/new?class_name=7.b", data={"pupil_id": str(pupil.id), "noticed": NOTICED})
    assert response.status_code == 200
    assert 'id="pupil_id-error">Choose a pupil of your school from the list.' in response.text
    assert count(app, Concern) == 0


def test_teacher_of_another_school_cannot_report_about_our_pupil(app, client, factory, world):
    factory.login(client, world.other_teacher)
    page = client.get("/concerns/new", query_string={"class_name": "7.b"}).text
    assert "Zariņš" in page and "Kalniņa" not in page
    response = client.post("/concerns/new?class_name=7.b", data={"pupil_id": str(world.pupil.id),
                                                                 "noticed": NOTICED})
    assert response.status_code == 200 and "Choose a pupil of your school from the list." in response.text
    assert count(app, Concern) == 0


def test_a_class_that_is_not_at_the_school_is_refused(client, factory, world):
    factory.login(client, world.teacher)
    page = client.get("/concerns/new", query_string={"class_name": "12.z"}).text
    assert 'id="class_name-error">Choose a class from the list.' in page
    assert 'name="noticed"' not in page


def test_outside_institution_describes_the_child_for_the_coordinator(app, client, factory, world):
    factory.login(client, world.social_worker)
    page = client.get("/concerns/new").text
    assert 'name="pupil_described"' in page and 'name="class_name"' not in page and "Kalniņa" not in page

    described = "Marta Kalniņa, born 2012, 7th class of the basic school"
    response = client.post("/concerns/new", data={"pupil_described": described, "noticed": NOTICED})

    assert response.status_code == 302
    concern, noticed, stored_description = only_concern(app)
    assert (concern.school_id, concern.pupil_id, concern.municipality_id) == (None, None, world.home.id)
    assert (noticed, stored_description) == (NOTICED, described)
    assert b"Kalni" not in raw_column(app, "concerns", "pupil_described_enc", concern.id)
    assert b"Monday" not in raw_column(app, "concerns", "noticed_enc", concern.id)
    mine = client.get("/concerns/mine").text
    assert described in mine and ">New<" in mine


def test_outside_report_needs_who_the_child_is(app, client, factory, world):
    factory.login(client, world.social_worker)
    response = client.post("/concerns/new", data={"pupil_described": "", "noticed": NOTICED})
    assert 'id="pupil_described-error">Write who the child is' in response.text
    assert count(app, Concern) == 0


@pytest.mark.parametrize("who", ["coordinator", "admin", "analyst"])
def test_roles_without_reporting_get_403(client, factory, world, who):
    user = world.coordinator if who == "coordinator" else factory.user(who, world.board.id)
    factory.login(client, user)
    assert client.get("/concerns/new").status_code == 403
    assert client.get("/concerns/mine").status_code == 403


def test_my_reports_show_only_my_own_concerns(client, factory, world):
    factory.login(client, world.teacher)
    client.post("/concerns/new?class_name=7.b", data={"pupil_id": str(world.pupil.id), "noticed": NOTICED})
    factory.login(client, world.pedagogue)
    client.post("/concerns/new?class_name=7.b", data={"pupil_id": str(world.classmate.id), "noticed": NOTICED})
    factory.login(client, world.teacher)
    mine = client.get("/concerns/mine").text
    assert "Kalniņa" in mine and "Ozols" not in mine


def test_the_class_list_shows_birth_dates_only_to_tell_namesakes_apart_and_is_audited(app, client, factory,
                                                                                        world):
    namesake = factory.pupil(world.school.id, first_name="Jānis", last_name="Ozols", class_name="7.b",
                             born=date(2013, 4, 5))
    factory.login(client, world.teacher)
    page = client.get("/concerns/new", query_string={"class_name": "7.b"}).text
    assert ">Kalniņa, Marta<" in page
    assert "Ozols, Jānis (05.04.2013.)" in page and page.count("Ozols, Jānis (") == 2
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "concern.class_pupils")).one()
        assert entry.user_id == world.teacher.id and namesake.id in json.loads(entry.detail)["shown"]
    client.post("/concerns/new?class_name=7.b", data={
        "pupil_id": str(world.pupil.id), "noticed": NOTICED, "noticed_since": "2026-09-01"})
    client.get("/concerns/mine")
    assert count(app, AuditEntry, AuditEntry.action == "concern.mine") == 1
