"""Administration of municipalities and institutions through the pages."""
from __future__ import annotations

from datetime import date

from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality
from tests.people.test_admin_helpers import audit_actions, count, field_error, sign_in_admin


def _institution_form(municipality_id: int, **overrides) -> dict:
    form = {"name": "Krāslavas Varavīksnes vidusskola", "municipality_id": str(municipality_id),
            "kind": "secondary_school", "ownership": "municipal", "registration_number": "4213900111",
            "email": "skola@example.lv", "opened_on": "1990-09-01", "closed_on": "", "merged_on": "",
            "merged_into_id": ""}
    form.update(overrides)
    return form


# --- municipalities -----------------------------------------------------------------------------

def test_admin_creates_and_renames_a_municipality(app, client, factory):
    sign_in_admin(factory, client)
    response = client.post("/admin/municipalities/new", data={"name": "Krāslavas novads", "code": "Kraslava"})
    assert response.status_code == 302
    with app.app_context():
        municipality = db.session.query(Municipality).filter_by(code="kraslava").one()
        municipality_id = municipality.id
    page = client.get("/admin/municipalities").get_data(as_text=True)
    assert "Krāslavas novads" in page

    response = client.post(f"/admin/municipalities/{municipality_id}",
                           data={"name": "Krāslavas novada pašvaldība", "code": "kraslava"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Municipality, municipality_id).name == "Krāslavas novada pašvaldība"
    actions = audit_actions(app)
    assert ("admin.municipality_created", "Municipality", municipality_id,
            {"fields": ["code", "name"]}) in actions
    assert ("admin.municipality_updated", "Municipality", municipality_id, {"fields": ["name"]}) in actions


def test_duplicate_municipality_code_is_an_error_next_to_the_field(app, client, factory):
    factory.municipality(name="Tukuma novads", code="tukums")
    sign_in_admin(factory, client)
    before = count(app, Municipality)
    response = client.post("/admin/municipalities/new", data={"name": "Cits novads", "code": "TUKUMS"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "code") == "Another municipality already has this code."
    assert 'class="error-summary"' in page
    assert count(app, Municipality) == before


def test_renaming_to_another_municipalitys_name_is_refused(app, client, factory):
    factory.municipality(name="Rīga", code="riga")
    other = factory.municipality(name="Ventspils", code="ventspils")
    sign_in_admin(factory, client)
    response = client.post(f"/admin/municipalities/{other.id}", data={"name": "Rīga", "code": "ventspils"})
    assert field_error(response.get_data(as_text=True), "name") == "Another municipality already has this name."
    with app.app_context():
        assert db.session.get(Municipality, other.id).name == "Ventspils"


# --- institutions -------------------------------------------------------------------------------

def test_admin_creates_an_institution_with_every_field(app, client, factory):
    municipality = factory.municipality()
    _admin, board = sign_in_admin(factory, client, municipality_id=municipality.id)
    form = _institution_form(municipality.id, ownership="state", kind="state_gymnasium",
                             merged_on="2021-07-01", merged_into_id=str(board.id), closed_on="2021-07-01")
    response = client.post("/admin/institutions/new", data=form)
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "merged_into_id")
    with app.app_context():
        row = db.session.query(Institution).filter_by(registration_number="4213900111").one()
        assert (row.name, row.kind, row.ownership, row.email) == (
            "Krāslavas Varavīksnes vidusskola", "state_gymnasium", "state", "skola@example.lv")
        assert (row.opened_on, row.merged_on, row.closed_on) == (date(1990, 9, 1), date(2021, 7, 1),
                                                                 date(2021, 7, 1))
        assert row.merged_into_id == board.id
        institution_id = row.id
    (action, object_type, object_id, detail), = [a for a in audit_actions(app)
                                                 if a[0] == "admin.institution_created"]
    assert (object_type, object_id) == ("Institution", institution_id)
    assert "registration_number" in detail["fields"] and "merged_into_id" in detail["fields"]


def test_admin_edits_an_institution(app, client, factory):
    municipality = factory.municipality()
    school = factory.institution(municipality.id, kind="basic_school", name="Vecā pamatskola")
    sign_in_admin(factory, client, municipality_id=municipality.id)
    page = client.get(f"/admin/institutions/{school.id}").get_data(as_text=True)
    assert 'value="Vecā pamatskola"' in page
    response = client.post(f"/admin/institutions/{school.id}", data=_institution_form(
        municipality.id, name="Jaunā pamatskola", kind="basic_school", registration_number="R-NEW-1"))
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Institution, school.id)
        assert (row.name, row.registration_number, row.opened_on) == ("Jaunā pamatskola", "R-NEW-1",
                                                                      date(1990, 9, 1))
    updated = [a for a in audit_actions(app) if a[0] == "admin.institution_updated"]
    assert updated and {"name", "registration_number", "email", "opened_on"} <= set(updated[0][3]["fields"])


def _assert_refused(app, client, url: str, form: dict, field: str, message: str) -> None:
    before = count(app, Institution)
    response = client.post(url, data=form)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), field) == message
    assert count(app, Institution) == before


def test_institution_date_and_merger_rules_are_errors_next_to_their_fields(app, client, factory):
    municipality = factory.municipality()
    _admin, board = sign_in_admin(factory, client, municipality_id=municipality.id)
    url = "/admin/institutions/new"
    m = municipality.id
    _assert_refused(app, client, url, _institution_form(m, closed_on="1980-01-01"),
                    "closed_on", "The closing date is before the opening date.")
    _assert_refused(app, client, url, _institution_form(m, merged_on="1980-01-01",
                                                        merged_into_id=str(board.id)),
                    "merged_on", "The merger date is before the opening date.")
    _assert_refused(app, client, url, _institution_form(m, merged_on="2020-01-01"),
                    "merged_into_id", "Choose the institution it was merged into.")
    _assert_refused(app, client, url, _institution_form(m, merged_into_id=str(board.id)),
                    "merged_on", "Enter the date of the merger.")


def test_duplicate_registration_number_and_merging_into_itself_are_refused(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    school = factory.institution(municipality.id, name="Skola A")
    other = factory.institution(municipality.id, name="Skola B")
    with app.app_context():
        taken = db.session.get(Institution, other.id).registration_number
        own_number = db.session.get(Institution, school.id).registration_number
    _assert_refused(app, client, "/admin/institutions/new",
                    _institution_form(municipality.id, registration_number=taken),
                    "registration_number", "Another institution already has this registration number.")
    # The edit form offers only other institutions; a forged value is still refused, nothing changes.
    response = client.post(f"/admin/institutions/{school.id}", data=_institution_form(
        municipality.id, name="Skola A", registration_number=own_number, merged_on="2024-01-01",
        merged_into_id=str(school.id)))
    assert field_error(response.get_data(as_text=True), "merged_into_id") is not None
    with app.app_context():
        row = db.session.get(Institution, school.id)
        assert (row.merged_into_id, row.merged_on, row.opened_on) == (None, None, None)


def test_kind_change_is_refused_while_roles_do_not_fit(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    school = factory.institution(municipality.id, kind="basic_school", name="Skola")
    factory.user("teacher", school.id)
    response = client.post(f"/admin/institutions/{school.id}", data=_institution_form(
        municipality.id, name="Skola", kind="social_service"))
    assert "Teacher" in field_error(response.get_data(as_text=True), "kind")
    with app.app_context():
        assert db.session.get(Institution, school.id).kind == "basic_school"


def test_institution_list_filters_and_pages_by_key(app_factory):
    app = app_factory({"PAGE_SIZE": 2})
    client = app.test_client()
    from tests.factories import Factory

    factory = Factory(app)
    riga, tukums = factory.municipality(name="Rīga"), factory.municipality(name="Tukums")
    sign_in_admin(factory, client, municipality_id=tukums.id)  # an education board in Tukums
    for name in ("C skola", "A skola", "B skola", "D skola"):
        factory.institution(riga.id, name=name)
    factory.institution(riga.id, kind="social_service", name="B sociālais dienests")

    first = client.get(f"/admin/institutions?municipality={riga.id}&kind=basic_school").get_data(as_text=True)
    assert "A skola" in first and "B skola" in first and "C skola" not in first
    assert "B sociālais dienests" not in first
    next_link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "after=" in next_link and "offset" not in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert "C skola" in second and "D skola" in second and "A skola" not in second
    assert 'rel="next"' not in second

    by_kind = client.get("/admin/institutions?kind=social_service").get_data(as_text=True)
    assert "B sociālais dienests" in by_kind and "A skola" not in by_kind


def test_a_duplicate_that_slips_past_the_checks_is_still_a_form_error(app, client, factory, monkeypatch):
    """A concurrent request can win the race after the check: the constraint's error is shown, not a 500."""
    from caseflow.people.admin.services import structure

    factory.municipality(name="Ventspils", code="ventspils")
    sign_in_admin(factory, client)
    before = count(app, Municipality)
    monkeypatch.setattr(structure, "_check_municipality", lambda values, current: None)
    response = client.post("/admin/municipalities/new", data={"name": "Ventspils 2", "code": "ventspils"})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "code") == "Another municipality already has this code."
    assert count(app, Municipality) == before
    assert [a for a in audit_actions(app) if a[0] == "admin.municipality_created"] == []
