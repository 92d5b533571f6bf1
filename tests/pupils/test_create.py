"""Adding a pupil: the happy paths, every refusal with its message, and nothing half-written."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from caseflow.audit.models import AuditEntry
from caseflow.crypto import blind_index, unseal
from caseflow.crypto.models import DataKey
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import make_new_format, make_old_format
from tests.pupils.conftest import count_rows

BORN = date(2011, 5, 20)
CODE = make_old_format(BORN, 321)


def form(world, **changes) -> dict:
    data = {"first_name": "Līga", "last_name": "Ozoliņa", "birth_date": BORN.isoformat(),
            "personal_code": CODE, "declared_municipality_id": str(world.home.id),
            "school_id": str(world.school.id), "class_name": "7.b", "start_date": "2020-09-01"}
    data.update(changes)
    return data


def only_pupil(app):
    with app.app_context():
        pupil = db.session.scalars(select(Pupil)).one()
        enrolments = [(e.school_id, e.class_name, e.grade, e.start_date, e.end_date) for e in pupil.enrolments]
        return pupil.id, pupil.first_name, pupil.last_name, pupil.birth_date, pupil.declared_municipality_id, \
            pupil.created_by_institution_id, unseal(pupil, "personal_code"), pupil.personal_code_index, enrolments


def test_social_pedagogue_adds_a_pupil_at_own_school(app, client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/new").get_data(as_text=True)
    assert world.school.name in page and 'name="school_id"' not in page
    assert page.count("<h1>") == 1 and '="None"' not in page
    assert f'<option selected value="{world.home.id}">' in page

    response = client.post("/pupils/new", data=form(world, school_id=str(world.other_school.id)))

    assert response.status_code == 302
    pupil_id, first, last, born, declared, created_by, code, index, enrolments = only_pupil(app)
    assert response.headers["Location"] == f"/pupils/{pupil_id}"
    assert (first, last, born, declared, created_by) == ("Līga", "Ozoliņa", BORN, world.home.id, world.school.id)
    assert code == CODE
    with app.app_context():
        assert index == blind_index(CODE.replace("-", ""), purpose="personal_code")
    # school staff always enrol at their own school, whatever the form sent
    assert enrolments == [(world.school.id, "7.b", 7, date(2020, 9, 1), None)]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pupil.create")).one()
        assert (entry.object_type, entry.object_id, entry.pupil_id, entry.user_id) == (
            "Pupil", pupil_id, pupil_id, world.pedagogue.id)
        assert CODE not in entry.detail and "Ozoli" not in entry.detail
    assert "The pupil was added" in client.get(f"/pupils/{pupil_id}").get_data(as_text=True)


def test_coordinator_adds_a_pupil_at_a_school_of_the_municipality(app, client, factory, world):
    factory.login(client, world.coordinator)
    page = client.get("/pupils/new").get_data(as_text=True)
    assert f'<option value="{world.other_school.id}">' in page
    assert world.far_school.name not in page and world.board.name not in page

    code = make_new_format(777)
    response = client.post("/pupils/new", data=form(world, school_id=str(world.other_school.id),
                                                     personal_code=code.replace("-", ""),
                                                     declared_municipality_id=""))

    assert response.status_code == 302
    _id, _f, _l, _b, declared, created_by, stored, _i, enrolments = only_pupil(app)
    assert stored == code  # canonical form, with the dash
    assert declared is None and created_by == world.board.id
    assert enrolments[0][0] == world.other_school.id


def test_the_personal_code_is_not_stored_in_plaintext(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post("/pupils/new", data=form(world))
    with app.app_context():
        raw = db.session.execute(text("SELECT personal_code_enc, personal_code_index FROM pupils")).one()
        blob = bytes(raw[0])
        for variant in (CODE, CODE.replace("-", "")):
            assert variant.encode() not in blob
            assert variant not in raw[1]
        assert blob.startswith(b"CF1")
        row = db.session.execute(text("SELECT * FROM pupils")).mappings().one()
        assert all(CODE.replace("-", "") not in str(v).replace("-", "") for v in row.values())


@pytest.mark.parametrize(("code", "message"), [
    ("12345", "A personal code has exactly 11 digits."),
    ("1111-1111111", "Write the code as 11 digits"),
    ("200511-51234", "The seventh digit (century) must be 0, 1 or 2"),
    ("310211-11111", "The first six digits are not a real date"),
    ("111111-11112", "The last digit (check digit) does not match"),
    ("", "This field is required."),
])
def test_each_personal_code_rule_is_shown_next_to_the_field(app, client, factory, world, code, message):
    factory.login(client, world.pedagogue)
    response = client.post("/pupils/new", data=form(world, personal_code=code))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="personal_code-error">{message}' in page
    assert 'aria-invalid="true"' in page
    assert count_rows(app, Pupil) == 0


def test_old_format_code_must_match_the_birth_date(app, client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.post("/pupils/new", data=form(world, birth_date="2011-05-21")).get_data(as_text=True)
    assert "The birth date must match the date in the personal code (20.05.2011.)." in page
    assert count_rows(app, Pupil) == 0


def test_new_format_code_takes_any_birth_date(app, client, factory, world):
    factory.login(client, world.pedagogue)
    response = client.post("/pupils/new", data=form(world, personal_code=make_new_format(5),
                                                     birth_date="2015-01-02"))
    assert response.status_code == 302


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"birth_date": (local_today() + timedelta(days=1)).isoformat()}, "birth_date",
     "The birth date cannot be in the future."),
    ({"birth_date": "2011-02-30"}, "birth_date", "Not a valid date value."),
    ({"birth_date": ""}, "birth_date", "This field is required."),
    ({"first_name": "   "}, "first_name", "This field is required."),
    ({"last_name": "x" * 101}, "last_name", "Write at most 100 characters."),
    ({"personal_code": "1" * 21}, "personal_code", "Write at most 20 characters."),
    ({"class_name": ""}, "class_name", "This field is required."),
    ({"class_name": "7.b<script>"}, "class_name", "Use letters, digits, dots and dashes only"),
    ({"start_date": (local_today() + timedelta(days=1)).isoformat()}, "start_date",
     "the date cannot be in the future"),
    ({"start_date": "2010-09-01"}, "start_date", "The enrolment cannot begin before the birth date."),
    ({"declared_municipality_id": "999999"}, "declared_municipality_id", "Choose a municipality from the list."),
    ({"declared_municipality_id": "abc"}, "declared_municipality_id", "Invalid Choice: could not coerce."),
])
def test_bad_input_is_refused_next_to_its_field(app, client, factory, world, changes, field, message):
    factory.login(client, world.pedagogue)
    response = client.post("/pupils/new", data=form(world, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error">' in page
    assert message in page
    assert 'class="error-summary"' in page
    assert count_rows(app, Pupil) == 0


@pytest.mark.parametrize(("school", "message"), [
    ("far", "You cannot enrol pupils at this school"),
    ("board", "this one is not a known school"),
    ("missing", "this one is not a known school"),
    ("", "Choose a school."),
])
def test_coordinator_cannot_enrol_outside_the_municipality_or_at_no_school(app, client, factory, world,
                                                                          school, message):
    ids = {"far": world.far_school.id, "board": world.board.id, "missing": 999999, "": ""}
    factory.login(client, world.coordinator)
    response = client.post("/pupils/new", data=form(world, school_id=str(ids[school])))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="school_id-error">' in page and message in page
    assert count_rows(app, Pupil) == 0
    assert count_rows(app, Enrolment) == 0


def test_school_staff_at_a_non_school_cannot_enrol(app, client, factory, world):
    odd = factory.user("social_pedagogue", world.board.id, locale="en")
    factory.login(client, odd)
    page = client.post("/pupils/new", data=form(world)).get_data(as_text=True)
    assert "You cannot enrol pupils at this school" in page
    assert count_rows(app, Pupil) == 0


def test_a_code_already_registered_to_a_visible_pupil_links_to_them(app, client, factory, world):
    existing = factory.pupil(world.school.id, born=BORN, code=CODE)
    factory.login(client, world.pedagogue)
    page = client.post("/pupils/new", data=form(world, personal_code=CODE.replace("-", ""))
                       ).get_data(as_text=True)
    assert "This pupil is already in the registry." in page
    assert f'href="/pupils/{existing.id}"' in page
    assert count_rows(app, Pupil) == 1


def test_a_code_registered_to_an_invisible_pupil_does_not_reveal_them(app, client, factory, world):
    existing = factory.pupil(world.other_school.id, born=BORN, code=CODE, first_name="Slepena",
                             last_name="Neredzama")
    factory.login(client, world.pedagogue)
    page = client.post("/pupils/new", data=form(world)).get_data(as_text=True)
    assert "already in the registry. The municipality&#39;s coordinator can add an enrolment" in page
    assert f"/pupils/{existing.id}" not in page
    assert "Slepena" not in page and "Neredzama" not in page
    assert count_rows(app, Pupil) == 1


def test_a_refused_pupil_leaves_nothing_behind(app, client, factory, world):
    factory.pupil(world.far_school.id, born=BORN, code=CODE)
    factory.login(client, world.coordinator)
    before = (count_rows(app, Pupil), count_rows(app, Enrolment), count_rows(app, DataKey))
    page = client.post("/pupils/new", data=form(world)).get_data(as_text=True)
    assert "neither declared nor enrolled in your municipality" in page
    assert (count_rows(app, Pupil), count_rows(app, Enrolment), count_rows(app, DataKey)) == before
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pupil.create")) is None


def test_create_is_refused_to_read_only_roles(client, factory, world):
    specialist = factory.user("support_specialist", world.school.id, locale="en")
    factory.login(client, specialist)
    assert client.get("/pupils/").status_code == 200
    assert client.get("/pupils/new").status_code == 403
    assert client.post("/pupils/new", data=form(world)).status_code == 403
