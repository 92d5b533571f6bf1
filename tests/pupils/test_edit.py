"""The pupil page (an audited read), editing details and adding and ending enrolments."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.crypto import blind_index, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import make_new_format, make_old_format
from tests.pupils.conftest import pupil_ids

BORN = date(2012, 3, 14)
TODAY = local_today()


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                     .order_by(AuditEntry.seq)).all()
        db.session.expunge_all()
        return entries


def state(app, pupil_id: int) -> dict:
    with app.app_context():
        p = db.session.get(Pupil, pupil_id)
        return {"first_name": p.first_name, "last_name": p.last_name, "birth_date": p.birth_date,
                "declared": p.declared_municipality_id, "code": unseal(p, "personal_code"),
                "index": p.personal_code_index, "enc": bytes(p.personal_code_enc),
                "enrolments": sorted((e.school_id, e.class_name, e.start_date, e.end_date) for e in p.enrolments)}


def details(pupil, world, **changes) -> dict:
    data = {"first_name": pupil.first_name, "last_name": pupil.last_name, "birth_date": BORN.isoformat(),
            "personal_code": pupil.personal_code, "declared_municipality_id": str(world.home.id)}
    data.update(changes)
    return data


@pytest.fixture
def pupil(factory, world):
    return factory.pupil(world.school.id, declared_municipality_id=world.home.id, born=BORN,
                         first_name="Ērika", last_name="Ābele")


# --- the pupil page --------------------------------------------------------------------------------

def test_pupil_page_shows_details_and_history_and_the_read_is_audited(app, client, factory, world, pupil):
    factory.login(client, world.pedagogue)
    page = client.get(f"/pupils/{pupil.id}").get_data(as_text=True)

    assert page.count("<h1>") == 1
    for shown in ("Ērika", "Ābele", "14.03.2012.", pupil.personal_code, world.home.name, world.school.name,
                  "7.b", "01.09.2020.", "still enrolled"):
        assert shown in page
    assert f'href="/pupils/{pupil.id}/edit"' in page
    assert "Ābele" not in page.split("<title>")[1].split("</title>")[0]

    [entry] = audit(app, "pupil.read")
    assert (entry.pupil_id, entry.object_type, entry.object_id, entry.user_id) == (
        pupil.id, "Pupil", pupil.id, world.pedagogue.id)
    assert json.loads(entry.detail) == {"permission": "pupil.view"}


def test_read_only_role_sees_the_page_but_cannot_edit(client, factory, world, pupil):
    specialist = factory.user("support_specialist", world.school.id, locale="en")
    factory.login(client, specialist)
    page = client.get(f"/pupils/{pupil.id}").get_data(as_text=True)
    assert "Ābele" in page and f"/pupils/{pupil.id}/edit" not in page
    assert client.get(f"/pupils/{pupil.id}/edit").status_code == 404
    assert client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world)).status_code == 404


# --- details ---------------------------------------------------------------------------------------

def test_edit_form_is_filled_in(client, factory, world, pupil):
    factory.login(client, world.pedagogue)
    page = client.get(f"/pupils/{pupil.id}/edit").get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert '="None"' not in page  # no ARIA attribute pointing at nothing
    assert 'value="Ērika"' in page and f'value="{pupil.personal_code}"' in page
    assert f'<option selected value="{world.home.id}">' in page


def test_edit_names_and_municipality_audits_field_names_only(app, client, factory, world, pupil):
    factory.login(client, world.coordinator)
    response = client.post(f"/pupils/{pupil.id}/edit", data=details(
        pupil, world, first_name="Ērika Marta", declared_municipality_id=str(world.away.id)))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/pupils/{pupil.id}"  # still enrolled in the municipality
    after = state(app, pupil.id)
    assert (after["first_name"], after["declared"]) == ("Ērika Marta", world.away.id)
    [entry] = audit(app, "pupil.update")
    assert entry.pupil_id == pupil.id
    assert json.loads(entry.detail) == {"fields": ["first_name", "declared_municipality_id"]}
    assert "Marta" not in entry.detail
    # the new name is searchable at once
    assert pupil_ids(client.get("/pupils/", query_string={"name": "marta"}).get_data(as_text=True)) == [pupil.id]


def test_edit_without_changes_is_not_audited(app, client, factory, world, pupil):
    factory.login(client, world.pedagogue)
    response = client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world), follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert audit(app, "pupil.update") == []


def test_changing_the_code_reseals_it_and_moves_the_blind_index(app, client, factory, world, pupil):
    before = state(app, pupil.id)
    new_code = make_new_format(123456)
    factory.login(client, world.pedagogue)

    response = client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world, personal_code=new_code))

    assert response.status_code == 302
    after = state(app, pupil.id)
    assert after["code"] == new_code
    assert after["enc"] != before["enc"] and new_code.encode() not in after["enc"]
    with app.app_context():
        assert after["index"] == blind_index(new_code, purpose="personal_code")
    assert json.loads(audit(app, "pupil.update")[0].detail) == {"fields": ["personal_code"]}
    found = client.post("/pupils/by-code", data={"code": new_code.replace("-", "")}).get_data(as_text=True)
    assert pupil_ids(found) == [pupil.id]
    gone = client.post("/pupils/by-code", data={"code": pupil.personal_code}).get_data(as_text=True)
    assert pupil_ids(gone) == []


def test_changing_birth_date_and_old_code_together(app, client, factory, world, pupil):
    born = date(2012, 4, 1)
    code = make_old_format(born, 55)
    factory.login(client, world.pedagogue)
    response = client.post(f"/pupils/{pupil.id}/edit", data=details(
        pupil, world, birth_date=born.isoformat(), personal_code=code))
    assert response.status_code == 302
    assert (state(app, pupil.id)["birth_date"], state(app, pupil.id)["code"]) == (born, code)
    assert json.loads(audit(app, "pupil.update")[0].detail) == {"fields": ["birth_date", "personal_code"]}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"birth_date": "2012-03-15"}, "birth_date", "must match the date in the personal code (14.03.2012.)"),
    ({"birth_date": (TODAY + timedelta(days=3)).isoformat(), "personal_code": make_new_format(9)},
     "birth_date", "The birth date cannot be in the future."),
    ({"personal_code": "140312-2005"}, "personal_code", "A personal code has exactly 11 digits."),
    ({"personal_code": "140312-90055"}, "personal_code", "The seventh digit (century)"),
    ({"personal_code": "140312-20050"}, "personal_code", "check digit"),
    ({"last_name": ""}, "last_name", "This field is required."),
    ({"declared_municipality_id": "424242"}, "declared_municipality_id", "Choose a municipality from the list."),
])
def test_bad_edits_are_refused_and_change_nothing(app, client, factory, world, pupil, changes, field, message):
    before = state(app, pupil.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error">' in page and message in page
    assert state(app, pupil.id) == before
    assert audit(app, "pupil.update") == []


def test_a_code_of_another_pupil_is_refused_on_edit(app, client, factory, world, pupil):
    other = factory.pupil(world.school.id, born=BORN)
    hidden = factory.pupil(world.far_school.id, born=BORN)
    factory.login(client, world.pedagogue)
    page = client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world, personal_code=other.personal_code)
                       ).get_data(as_text=True)
    assert "This pupil is already in the registry." in page and f'href="/pupils/{other.id}"' in page
    page = client.post(f"/pupils/{pupil.id}/edit", data=details(pupil, world, personal_code=hidden.personal_code)
                       ).get_data(as_text=True)
    assert "coordinator can add an enrolment" in page and f"/pupils/{hidden.id}" not in page
    assert state(app, pupil.id)["code"] == pupil.personal_code


# --- enrolments ------------------------------------------------------------------------------------

def enrolment_id(app, pupil_id: int, school_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Enrolment.id).where(Enrolment.pupil_id == pupil_id,
                                                            Enrolment.school_id == school_id))


def test_class_change_ends_one_enrolment_and_adds_another(app, client, factory, world, pupil):
    factory.login(client, world.pedagogue)
    old = enrolment_id(app, pupil.id, world.school.id)
    page = client.get(f"/pupils/{pupil.id}/edit").get_data(as_text=True)
    assert f'action="/pupils/{pupil.id}/enrolments/{old}/end"' in page

    ended = client.post(f"/pupils/{pupil.id}/enrolments/{old}/end", data={f"end-{old}-end_date": TODAY.isoformat()})
    assert ended.status_code == 302 and ended.headers["Location"] == f"/pupils/{pupil.id}/edit"
    added = client.post(f"/pupils/{pupil.id}/enrolments", data={
        "enrol-school_id": str(world.other_school.id),  # school staff enrol at their own school only
        "enrol-class_name": "8.b", "enrol-start_date": (TODAY + timedelta(days=1)).isoformat()})
    assert added.status_code == 302

    assert state(app, pupil.id)["enrolments"] == [
        (world.school.id, "7.b", date(2020, 9, 1), TODAY),
        (world.school.id, "8.b", TODAY + timedelta(days=1), None)]
    [end_entry] = audit(app, "pupil.enrolment_end")
    [add_entry] = audit(app, "pupil.enrolment_add")
    assert (end_entry.pupil_id, end_entry.object_type, end_entry.object_id) == (pupil.id, "Enrolment", old)
    assert json.loads(end_entry.detail) == {"fields": ["end_date"]}
    assert add_entry.pupil_id == pupil.id
    assert json.loads(add_entry.detail) == {"fields": ["school_id", "class_name", "start_date"]}


def test_ending_the_last_enrolment_at_own_school_returns_to_the_list(app, client, factory, world, pupil):
    factory.login(client, world.pedagogue)
    old = enrolment_id(app, pupil.id, world.school.id)
    response = client.post(f"/pupils/{pupil.id}/enrolments/{old}/end",
                           data={f"end-{old}-end_date": (TODAY - timedelta(days=1)).isoformat()})
    assert response.status_code == 302 and response.headers["Location"] == "/pupils/"
    page = client.get("/pupils/").get_data(as_text=True)
    assert "no longer among the pupils you can see" in page and pupil_ids(page) == []


def test_coordinator_enrols_at_another_school_of_the_municipality(app, client, factory, world, pupil):
    factory.login(client, world.coordinator)
    page = client.get(f"/pupils/{pupil.id}/edit").get_data(as_text=True)
    assert f'<option value="{world.other_school.id}">' in page and world.far_school.name not in page
    response = client.post(f"/pupils/{pupil.id}/enrolments", data={
        "enrol-school_id": str(world.other_school.id), "enrol-class_name": "7.c",
        "enrol-start_date": TODAY.isoformat()})
    assert response.status_code == 302
    assert (world.other_school.id, "7.c", TODAY, None) in state(app, pupil.id)["enrolments"]


@pytest.mark.parametrize(("school", "class_name", "start", "field", "message"), [
    ("far", "7.c", "2024-09-01", "school_id", "You cannot enrol pupils at this school"),
    ("board", "7.c", "2024-09-01", "school_id", "not a known school"),
    ("missing", "7.c", "2024-09-01", "school_id", "not a known school"),
    ("", "7.c", "2024-09-01", "school_id", "Choose a school."),
    ("home", "7.c", "2024-09-01", "start_date", "already enrolled at this school on that date"),
    ("other", "7.c", "2010-09-01", "start_date", "cannot begin before the birth date"),
    ("other", "", "2024-09-01", "class_name", "This field is required."),
    ("other", "7.c", "2024-02-30", "start_date", "Not a valid date value."),
])
def test_bad_enrolments_are_refused(app, client, factory, world, pupil, school, class_name, start, field, message):
    ids = {"far": world.far_school.id, "board": world.board.id, "missing": 999999, "": "",
           "home": world.school.id, "other": world.other_school.id}
    before = state(app, pupil.id)
    factory.login(client, world.coordinator)
    response = client.post(f"/pupils/{pupil.id}/enrolments", data={
        "enrol-school_id": str(ids[school]), "enrol-class_name": class_name, "enrol-start_date": start})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="enrol-{field}-error">' in page and message in page
    assert state(app, pupil.id) == before
    assert audit(app, "pupil.enrolment_add") == []


@pytest.mark.parametrize(("end", "message"), [
    ("2020-08-31", "The end date cannot be before the enrolment began (01.09.2020.)."),
    ("", "This field is required."),
    ("31.08.2021", "Not a valid date value."),
])
def test_bad_enrolment_ends_are_refused(app, client, factory, world, pupil, end, message):
    before = state(app, pupil.id)
    old = enrolment_id(app, pupil.id, world.school.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/pupils/{pupil.id}/enrolments/{old}/end", data={f"end-{old}-end_date": end})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="end-{old}-end_date-error">' in page and message in page
    assert state(app, pupil.id) == before


def test_an_ended_enrolment_cannot_be_ended_again(app, client, factory, world, pupil):
    old = enrolment_id(app, pupil.id, world.school.id)
    factory.login(client, world.coordinator)
    url, field = f"/pupils/{pupil.id}/enrolments/{old}/end", f"end-{old}-end_date"
    assert client.post(url, data={field: "2021-05-31"}).status_code == 302
    page = client.post(url, data={field: "2022-05-31"}).get_data(as_text=True)
    assert "This enrolment has already ended." in page
    assert state(app, pupil.id)["enrolments"][0][3] == date(2021, 5, 31)


def test_school_staff_cannot_end_another_schools_enrolment(app, client, factory, world, pupil):
    with app.app_context():
        db.session.add(Enrolment(pupil_id=pupil.id, school_id=world.other_school.id, class_name="music",
                                 start_date=date(2021, 9, 1)))
        db.session.commit()
    theirs = enrolment_id(app, pupil.id, world.other_school.id)
    before = state(app, pupil.id)
    factory.login(client, world.pedagogue)
    assert f"/enrolments/{theirs}/end" not in client.get(f"/pupils/{pupil.id}/edit").get_data(as_text=True)
    page = client.post(f"/pupils/{pupil.id}/enrolments/{theirs}/end",
                       data={f"end-{theirs}-end_date": TODAY.isoformat()}).get_data(as_text=True)
    assert "Only the school itself or the municipality&#39;s coordinator can end this enrolment." in page
    assert state(app, pupil.id) == before


def test_another_pupils_enrolment_is_404(app, client, factory, world, pupil):
    other = factory.pupil(world.school.id)
    theirs = enrolment_id(app, other.id, world.school.id)
    factory.login(client, world.pedagogue)
    response = client.post(f"/pupils/{pupil.id}/enrolments/{theirs}/end",
                           data={f"end-{theirs}-end_date": TODAY.isoformat()})
    assert response.status_code == 404
    assert state(app, other.id)["enrolments"][0][3] is None


def test_forms_work_with_csrf_protection_on(app_factory, factory, world, pupil):
    import re

    protected = app_factory({"WTF_CSRF_ENABLED": True})
    client = protected.test_client()
    factory.login(client, world.pedagogue)
    old = enrolment_id(protected, pupil.id, world.school.id)
    page = client.get(f"/pupils/{pupil.id}/edit").get_data(as_text=True)
    token = re.search(rf'name="end-{old}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    url, field = f"/pupils/{pupil.id}/enrolments/{old}/end", f"end-{old}-end_date"

    assert client.post(url, data={field: TODAY.isoformat()}).status_code == 400
    assert state(protected, pupil.id)["enrolments"][0][3] is None
    assert client.post(url, data={field: TODAY.isoformat(), f"end-{old}-csrf_token": token}).status_code == 302

    page = client.get("/pupils/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    found = client.post("/pupils/by-code", data={"code": pupil.personal_code, "csrf_token": token})
    assert pupil_ids(found.get_data(as_text=True)) == [pupil.id]
