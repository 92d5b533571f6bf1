"""The pupil list: who sees whom, search, keyset pagination and the query budget."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseflow.db import local_today
from caseflow.pupils.models import name_key
from tests.pupils.conftest import StatementCounter, end_enrolments, next_link, pupil_ids


def test_social_pedagogue_sees_own_schools_current_pupils_only(app, client, factory, world):
    mine = factory.pupil(world.school.id, declared_municipality_id=world.home.id)
    left = factory.pupil(world.school.id)
    end_enrolments(app, left.id, local_today() - timedelta(days=1))
    factory.pupil(world.other_school.id, declared_municipality_id=world.home.id)
    factory.pupil(world.far_school.id)
    factory.pupil(None, declared_municipality_id=world.home.id)
    factory.login(client, world.pedagogue)

    response = client.get("/pupils/")

    assert response.status_code == 200
    assert pupil_ids(response.get_data(as_text=True)) == [mine.id]


def test_coordinator_sees_pupils_declared_or_enrolled_in_the_municipality(client, factory, world):
    at_school = factory.pupil(world.school.id, last_name="Alksne")
    at_other = factory.pupil(world.other_school.id, last_name="Bērziņa")
    declared_only = factory.pupil(None, declared_municipality_id=world.home.id, last_name="Cīrule")
    declared_here_studies_away = factory.pupil(world.far_school.id, declared_municipality_id=world.home.id,
                                               last_name="Dzene")
    factory.pupil(world.far_school.id, declared_municipality_id=world.away.id, last_name="Eglīte")
    factory.login(client, world.coordinator)

    page = client.get("/pupils/").get_data(as_text=True)

    assert pupil_ids(page) == [at_school.id, at_other.id, declared_only.id, declared_here_studies_away.id]
    assert "Not enrolled at any school now" in page


@pytest.mark.parametrize(("role", "kind"), [
    ("municipal_police", "municipal_police"), ("state_police", "state_police"),
    ("teacher", "basic_school"), ("admin", "education_board"), ("dpo", "education_board"),
])
def test_roles_without_the_registry_get_403(client, factory, world, role, kind):
    user = factory.user(role, factory.institution(world.home.id, kind=kind).id)
    factory.login(client, user)
    assert client.get("/pupils/").status_code == 403
    assert client.post("/pupils/by-code", data={"code": "111111-11111"}).status_code == 403
    assert client.get("/pupils/new").status_code == 403


def test_pupil_of_another_school_is_404(client, factory, world):
    theirs = factory.pupil(world.other_school.id)
    factory.login(client, world.pedagogue)
    assert client.get(f"/pupils/{theirs.id}").status_code == 404
    assert client.get(f"/pupils/{theirs.id}/edit").status_code == 404
    assert client.get("/pupils/999999").status_code == 404


def test_list_shows_name_birth_date_school_and_class(client, factory, world):
    factory.pupil(world.school.id, first_name="Ēriks", last_name="Ābols", class_name="8.a",
                  born=date(2011, 2, 3))
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/").get_data(as_text=True)
    assert "Ābols, Ēriks" in page
    assert "03.02.2011." in page
    assert world.school.name in page
    assert "8.a" in page
    assert "<th scope=\"col\">" in page


@pytest.mark.parametrize("query", ["bērz", "BĒRZ", "Berz", "bērziņa", "kalni", "ēr", "ĒRIKS"])
def test_search_by_name_prefix_ignores_case_and_diacritics(client, factory, world, query):
    wanted = factory.pupil(world.school.id, first_name="Ēriks", last_name="Bērziņa-Kalniņa")
    factory.pupil(world.school.id, first_name="Anna", last_name="Ozola")
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/", query_string={"name": query}).get_data(as_text=True)
    assert pupil_ids(page) == [wanted.id]


def test_search_by_name_is_a_prefix_not_a_substring(client, factory, world):
    factory.pupil(world.school.id, first_name="Anna", last_name="Ozola")
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/", query_string={"name": "zola"}).get_data(as_text=True)
    assert pupil_ids(page) == []
    assert "No pupils match the search." in page


def test_search_with_first_and_last_name_words(client, factory, world):
    wanted = factory.pupil(world.school.id, first_name="Anna", last_name="Ozola")
    factory.pupil(world.school.id, first_name="Anna", last_name="Kalna")
    factory.pupil(world.school.id, first_name="Pēteris", last_name="Ozols")
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/", query_string={"name": "anna oz"}).get_data(as_text=True)
    assert pupil_ids(page) == [wanted.id]


def test_search_treats_like_wildcards_literally(client, factory, world):
    factory.pupil(world.school.id, first_name="Anna", last_name="Ozola")
    factory.login(client, world.pedagogue)
    assert pupil_ids(client.get("/pupils/", query_string={"name": "%"}).get_data(as_text=True)) == []
    assert pupil_ids(client.get("/pupils/", query_string={"name": "_zola"}).get_data(as_text=True)) == []


def test_search_by_current_class(app, client, factory, world):
    in_7b = factory.pupil(world.school.id, class_name="7.b")
    factory.pupil(world.school.id, class_name="7.a")
    factory.login(client, world.pedagogue)
    for query in ("7.b", "7.B", " 7. b "):
        assert pupil_ids(client.get("/pupils/", query_string={"class_name": query})
                         .get_data(as_text=True)) == [in_7b.id]


def test_coordinator_filters_by_school(client, factory, world):
    at_school = factory.pupil(world.school.id)
    factory.pupil(world.other_school.id)
    factory.login(client, world.coordinator)
    page = client.get("/pupils/").get_data(as_text=True)
    assert f'<option value="{world.school.id}">' in page
    assert world.far_school.name not in page
    page = client.get("/pupils/", query_string={"school": world.school.id}).get_data(as_text=True)
    assert pupil_ids(page) == [at_school.id]
    page = client.get("/pupils/", query_string={"school": world.far_school.id}).get_data(as_text=True)
    assert "Choose a school from the list." in page
    assert pupil_ids(page) == []


def test_school_staff_have_no_school_filter(client, factory, world):
    factory.login(client, world.pedagogue)
    assert 'name="school"' not in client.get("/pupils/").get_data(as_text=True)


@pytest.mark.parametrize("dash", [True, False])
def test_search_by_exact_personal_code_with_or_without_dash(client, factory, world, dash):
    wanted = factory.pupil(world.school.id)
    factory.pupil(world.school.id)
    factory.login(client, world.pedagogue)
    code = wanted.personal_code if dash else wanted.personal_code.replace("-", "")

    response = client.post("/pupils/by-code", data={"code": code})

    assert response.status_code == 200
    assert pupil_ids(response.get_data(as_text=True)) == [wanted.id]


def test_search_by_code_finds_only_visible_pupils_and_is_audited(app, client, factory, world):
    from sqlalchemy import select

    from caseflow.audit.models import AuditEntry
    from caseflow.extensions import db

    mine = factory.pupil(world.school.id)
    theirs = factory.pupil(world.other_school.id)
    factory.login(client, world.pedagogue)

    page = client.post("/pupils/by-code", data={"code": theirs.personal_code}).get_data(as_text=True)
    assert pupil_ids(page) == []
    assert "No pupil you can see has this personal code." in page

    client.post("/pupils/by-code", data={"code": mine.personal_code})
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pupil.search")).all()
        assert [(e.pupil_id, e.user_id) for e in entries] == [(mine.id, world.pedagogue.id)]
        assert mine.personal_code not in entries[0].detail


def test_search_by_code_explains_an_invalid_code(client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.post("/pupils/by-code", data={"code": "111111-11112"}).get_data(as_text=True)
    assert "check digit" in page


def test_personal_code_never_appears_in_list_addresses(client, factory, world):
    factory.pupil(world.school.id)
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/").get_data(as_text=True)
    assert 'action="/pupils/by-code"' in page
    assert 'method="post" action="/pupils/by-code"' in page


def test_keyset_pagination_walks_every_pupil_once_in_order(app, client, factory, world):
    names = [("Anna", "Ābola"), ("Anna", "Abola"), ("Zane", "Abola"), ("Ēriks", "Čakste"), ("Ilze", "Cīrule"),
             ("Anna", "Ozola"), ("Anna", "Ozola"), ("Anna", "Ozola"), ("Juris", "Šmits"), ("Māra", "Žagare"),
             ("Laura", "Zariņa")]
    made = [factory.pupil(world.school.id, first_name=f, last_name=last) for f, last in names]
    factory.pupil(world.other_school.id, first_name="Anna", last_name="Ābola")  # not visible
    app.config["PAGE_SIZE"] = 3
    factory.login(client, world.pedagogue)

    seen, url, pages = [], "/pupils/", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += pupil_ids(page)
        url = next_link(page)
        pages += 1
        assert url is None or "after=" in url
    expected = sorted(made, key=lambda p: (name_key(p.last_name), name_key(p.first_name), p.id))

    assert seen == [p.id for p in expected]
    assert pages == 4


def test_pagination_keeps_the_filters(app, client, factory, world):
    ozolas = [factory.pupil(world.school.id, first_name="Anna", last_name="Ozola") for _ in range(5)]
    factory.pupil(world.school.id, first_name="Pēteris", last_name="Kalns")
    app.config["PAGE_SIZE"] = 2
    factory.login(client, world.pedagogue)
    seen, url = [], "/pupils/?name=ozo"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += pupil_ids(page)
        url = next_link(page)
        assert url is None or "name=ozo" in url
    assert seen == [p.id for p in ozolas]


def test_a_cursor_outside_the_actors_sight_starts_from_the_beginning(client, factory, world):
    mine = factory.pupil(world.school.id, last_name="Zvaigzne")
    theirs = factory.pupil(world.other_school.id, last_name="Ābele")
    factory.login(client, world.pedagogue)
    page = client.get("/pupils/", query_string={"after": theirs.id}).get_data(as_text=True)
    assert pupil_ids(page) == [mine.id]


def _list_statements(app, client) -> tuple[int, int]:
    with StatementCounter(app) as counter:
        page = client.get("/pupils/").get_data(as_text=True)
    return len(counter.statements), len(pupil_ids(page))


@pytest.mark.parametrize("role", ["social_pedagogue", "coordinator"])
def test_list_query_budget_does_not_grow_with_pupils(app, client, factory, world, role):
    user = world.pedagogue if role == "social_pedagogue" else world.coordinator
    for n in range(5):
        factory.pupil(world.school.id, class_name=f"{n + 1}.a")
    factory.login(client, user)
    client.get("/pupils/")  # warm up: the session row's last-seen update is not the list's cost
    few, shown_few = _list_statements(app, client)

    for n in range(35):
        factory.pupil(world.school.id if n % 2 else world.other_school.id, class_name=f"{n % 9 + 1}.b",
                      declared_municipality_id=world.home.id)
    many, shown_many = _list_statements(app, client)

    assert shown_few == 5
    assert shown_many == (22 if role == "social_pedagogue" else 40)
    assert many == few
    # 6–7 to read (session, actor, list, schools), 1 for the menu's unread-notices badge,
    # + 4 to seal the page's audit entry into the chain
    assert few <= 13, f"the list page ran {few} statements"


def test_a_list_page_records_which_pupils_it_showed(app, client, factory):
    school = factory.institution(kind="basic_school")
    shown = [factory.pupil(school.id) for _ in range(3)]
    user = factory.user("social_pedagogue", school.id)
    factory.login(client, user)
    assert client.get("/pupils/").status_code == 200
    with app.app_context():
        import json

        from sqlalchemy import select

        from caseflow.audit.models import AuditEntry
        from caseflow.extensions import db

        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "pupil.list")).one()
        assert entry.user_id == user.id
        assert sorted(json.loads(entry.detail)["shown"]) == sorted(p.id for p in shown)
