"""Work lists: my cases, my school's cases, filters, sorting, keyset pages and a query budget."""
from __future__ import annotations

import re

import pytest

from caseflow.cases.models import CaseEntry, CaseRiskFactor
from caseflow.extensions import db
from tests.querycount import StatementCounter


@pytest.fixture
def world(app, factory):
    m = factory.municipality()
    factory.taxonomy(m.id)
    school = factory.institution(m.id)
    sp = factory.user("social_pedagogue", school.id, locale="en")
    specialist = factory.user("support_specialist", school.id, locale="en")
    return m, school, sp, specialist


def _cases(factory, school, sp, n, **kwargs):
    made = []
    for i in range(n):
        pupil = factory.pupil(school.id, first_name=f"Pupil{i:03d}", last_name=f"Zvaigzne{i:03d}",
                              class_name="5.a" if i % 2 else "6.b")
        made.append(factory.case(pupil.id, school.id, sp.id, class_name="5.a" if i % 2 else "6.b", **kwargs))
    return made


def _numbers(html: str) -> list[str]:
    return re.findall(r">(L-\d{6})<", html)


@pytest.mark.parametrize("sort", ["name", "updated", "opened"])
def test_school_list_pages_by_key_without_repeats(app, client, factory, world, sort):
    m, school, sp, _specialist = world
    app.config["PAGE_SIZE"] = 4
    made = _cases(factory, school, sp, 10)
    if sort != "name":
        made.reverse()  # newest first; equal opening dates fall back to the id
    factory.login(client, sp)
    seen, url = [], f"/cases/?view=school&status=&sort={sort}"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += _numbers(page.text)
        match = re.search(r'href="([^"]+)" rel="next"', page.text)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert seen == [f"L-{c.id:06d}" for c in made]  # names were made in order


def test_filters_class_category_risk_group_and_search(app, client, factory, world):
    m, school, sp, _specialist = world
    made = _cases(factory, school, sp, 4)
    category = factory.entry(m.id, "category")
    item = factory.risk_item(m.id)
    with app.app_context():
        db.session.add(CaseEntry(case_id=made[0].id, entry_id=category))
        db.session.add(CaseRiskFactor(case_id=made[1].id, item_id=item, added_on=__import__("datetime").date(2026, 9, 1),
                                      added_by_id=sp.id))
        db.session.commit()
        from caseflow.cases.taxonomy import RiskItem
        group_id = db.session.get(RiskItem, item).group_id
    factory.login(client, sp)
    assert _numbers(client.get(f"/cases/?view=school&category={category}").text) == [f"L-{made[0].id:06d}"]
    assert _numbers(client.get(f"/cases/?view=school&risk_group={group_id}").text) == [f"L-{made[1].id:06d}"]
    assert set(_numbers(client.get("/cases/?view=school&class_name=5.A").text)) == {
        f"L-{made[1].id:06d}", f"L-{made[3].id:06d}"}
    assert _numbers(client.get("/cases/?view=school&search=zvaigzne002").text) == [f"L-{made[2].id:06d}"]


def test_my_cases_are_led_or_on_the_team_and_a_specialist_sees_only_team_cases(app, client, factory, world):
    m, school, sp, specialist = world
    other_sp = factory.user("social_pedagogue", school.id)
    mine = _cases(factory, school, sp, 1)[0]
    pupil = factory.pupil(school.id)
    theirs = factory.case(pupil.id, school.id, other_sp.id, team=(specialist.id,))
    factory.login(client, sp)
    assert _numbers(client.get("/cases/?view=mine").text) == [f"L-{mine.id:06d}"]
    assert set(_numbers(client.get("/cases/?view=school").text)) == {f"L-{mine.id:06d}", f"L-{theirs.id:06d}"}
    factory.login(client, specialist)
    assert _numbers(client.get("/cases/?view=all").text) == [f"L-{theirs.id:06d}"]
    assert client.get(f"/cases/{mine.id}").status_code == 404


def test_other_school_sees_nothing(app, client, factory, world):
    m, school, sp, _specialist = world
    _cases(factory, school, sp, 2)
    stranger = factory.user("social_pedagogue", factory.institution(m.id).id)
    factory.login(client, stranger)
    assert _numbers(client.get("/cases/?view=school").text) == []


def test_list_statement_count_does_not_grow_with_page_size_or_data(app, client, factory, world):
    m, school, sp, _specialist = world
    category = factory.entry(m.id, "category")
    made = _cases(factory, school, sp, 3)
    with app.app_context():
        for c in made:
            db.session.add(CaseEntry(case_id=c.id, entry_id=category))
        db.session.commit()
    factory.login(client, sp)
    client.get("/cases/?view=school")  # warm-up: session and key caches

    def count(page_size):
        app.config["PAGE_SIZE"] = page_size
        with StatementCounter(app) as counter:
            assert client.get("/cases/?view=school").status_code == 200
        return len(counter)

    small = count(2)
    more = _cases(factory, school, sp, 12)
    with app.app_context():
        for c in more:
            db.session.add(CaseEntry(case_id=c.id, entry_id=category))
        db.session.commit()
    large = count(20)
    print(f"case work list: {small} statements per page")
    assert large == small, (small, large)
