"""Only administrators reach the administration pages, and those pages never show a child's data."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from caseflow.access import Permission
from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup
from caseflow.people.calendar import Semester
from caseflow.people.models import Municipality
from tests.factories import Factory
from tests.people.test_admin_helpers import count, sign_in_admin


def _admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def _url(rule, ids: dict) -> str:
    return rule.build({arg: ids.get(arg, 1) for arg in rule.arguments})[1]


@pytest.fixture
def world(app, client, factory):
    """A municipality with a school, a pupil, a teacher, a group with a seat and a semester — all
    made through the administration pages where possible."""
    municipality = factory.municipality(name="Rēzeknes novads")
    admin, board = sign_in_admin(factory, client, municipality_id=municipality.id)
    school = factory.institution(municipality.id, kind="basic_school", name="Rēzeknes pamatskola")
    teacher = factory.user("teacher", school.id)
    pupil = factory.pupil(school.id, first_name="Zelma", last_name="Kalnbērziņa",
                          declared_municipality_id=municipality.id)
    client.post("/admin/groups/new", data={"name": "Sadarbības grupa", "municipality_id": str(municipality.id),
                                           "level": "single", "measures_are": "recommended", "is_active": "y"})
    with app.app_context():
        group_id = db.session.scalar(select(CooperationGroup.id))
    client.post(f"/admin/groups/{group_id}/members", data={"institution_id": str(school.id),
                                                          "office": "Direktors", "kind": "member"})
    client.post(f"/admin/municipalities/{municipality.id}/semesters/new", data={
        "school_year": "2025/2026", "number": "1", "starts_on": "2025-09-01", "ends_on": "2025-12-23"})
    with app.app_context():
        group = db.session.scalar(select(CooperationGroup))
        ids = {"municipality_id": municipality.id, "institution_id": school.id, "user_id": teacher.id,
               "membership_id": teacher.membership_id, "group_id": group.id,
               "member_id": group.members[0].id, "link_id": group.municipalities[0].id,
               "semester_id": db.session.scalar(select(Semester.id))}
    return {"ids": ids, "pupil": pupil, "admin": admin, "board": board, "municipality": municipality}


def test_every_admin_endpoint_requires_admin_manage(app):
    rules = _admin_rules(app)
    assert len(rules) >= 25
    for rule in rules:
        assert app.view_functions[rule.endpoint].caseflow_permission is Permission.ADMIN_MANAGE, rule.endpoint


@pytest.mark.parametrize("role, kind", [("coordinator", "education_board"), ("social_pedagogue", "basic_school"),
                                        ("dpo", "education_board"), ("analyst", "education_board")])
def test_other_roles_get_403_everywhere_in_admin_and_nothing_is_written(app, factory, role, kind):
    client = app.test_client()
    user = factory.user(role, factory.institution(kind=kind).id, locale="en")
    factory.login(client, user)
    municipalities = count(app, Municipality)
    for rule in _admin_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, {}), method=method,
                                   data={"name": "X", "code": "x"} if method == "POST" else None)
            assert response.status_code == 403, (rule.endpoint, method, response.status_code)
    assert count(app, Municipality) == municipalities
    assert count(app, AuditEntry, AuditEntry.action == "access.denied", AuditEntry.user_id == user.id) > 0


def test_admin_pages_show_no_pupil(app, client, world):
    pupil = world["pupil"]
    shown = 0
    for rule in _admin_rules(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(_url(rule, world["ids"]))
        assert response.status_code == 200, rule.endpoint
        page = response.get_data(as_text=True)
        assert pupil.first_name not in page and pupil.last_name not in page, rule.endpoint
        assert pupil.personal_code not in page and pupil.personal_code.replace("-", "") not in page
        assert "/pupils" not in page, rule.endpoint
        shown += 1
    assert shown >= 15
    assert client.get("/pupils/").status_code == 403
    assert client.get(f"/pupils/{pupil.id}").status_code in (403, 404)


def test_changes_need_post_and_every_form_carries_a_csrf_token(app_factory):
    app = app_factory({"WTF_CSRF_ENABLED": True})
    client, factory = app.test_client(), Factory(app)
    admin, _board = sign_in_admin(factory, client)
    person = factory.user()
    assert client.get(f"/admin/users/{person.id}/two-factor-reset").status_code == 405
    assert client.get(f"/admin/users/{person.id}/invitation").status_code == 405
    for url in ("/admin/municipalities/new", "/admin/institutions/new", "/admin/users/new",
                f"/admin/users/{person.id}", "/admin/groups/new"):
        page = client.get(url).get_data(as_text=True)
        forms = re.findall(r'<form method="post".*?</form>', page, re.S)
        assert forms, url
        assert all('name="csrf_token"' in form for form in forms), url
    before = count(app, Municipality)
    response = client.post("/admin/municipalities/new", data={"name": "Bez žetona", "code": "bez"})
    assert response.status_code == 400
    assert count(app, Municipality) == before
