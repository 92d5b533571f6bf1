"""The inboxes: who sees which concerns, order, status filter, keyset pages, the query budget, the count."""
from __future__ import annotations

import html
import re

import pytest

from caseflow.access.permissions import Role
from caseflow.access.policy import Actor
from caseflow.concerns.models import Concern
from caseflow.concerns.selectors import new_count
from caseflow.extensions import db
from tests.concerns.helpers import build_world
from tests.querycount import StatementCounter

CONCERN_LINK = re.compile(r'href="/concerns/(\d+)"')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture
def world(factory):
    return build_world(factory)


def report(client, factory, user, pupil_id=None, noticed="Sleeps in lessons") -> int:
    """Report as the user (school staff about a pupil, others with a description); the new id."""
    factory.login(client, user)
    if pupil_id is not None:
        response = client.post("/concerns/new?class_name=7.b", data={"pupil_id": str(pupil_id), "noticed": noticed})
    else:
        response = client.post("/concerns/new", data={"pupil_described": "A boy from 5.a", "noticed": noticed})
    assert response.status_code == 302, response.text
    with factory.app.app_context():
        return db.session.query(Concern.id).order_by(Concern.id.desc()).first()[0]


def ids(page: str) -> list[int]:
    return [int(i) for i in CONCERN_LINK.findall(page)]


def test_school_inbox_holds_the_schools_concerns_new_first(client, factory, world):
    first = report(client, factory, world.teacher, world.pupil.id)
    handled = report(client, factory, world.teacher, world.classmate.id)
    newest = report(client, factory, world.teacher, world.pupil.id)
    report(client, factory, world.other_teacher, world.other_pupil.id)
    report(client, factory, world.social_worker)
    factory.login(client, world.pedagogue)
    client.post(f"/concerns/{handled}/no-action", data={"reason": "Already known, parents informed"})

    page = client.get("/concerns/").text

    assert ids(page) == [newest, first, handled]
    assert "New concerns waiting: 2" in page
    assert ids(client.get("/concerns/?status=no_action").text) == [handled]
    assert ids(client.get("/concerns/?status=new").text) == [newest, first]
    assert ids(client.get("/concerns/?status=bogus").text) == [newest, first, handled]


def test_coordinator_inbox_holds_only_outside_reports_of_the_municipality(client, factory, world):
    school_report = report(client, factory, world.teacher, world.pupil.id)
    outside = report(client, factory, world.social_worker)
    far_worker = factory.user("social_worker", factory.institution(world.away.id, kind="social_service").id)
    report(client, factory, far_worker)
    factory.login(client, world.coordinator)

    page = client.get("/concerns/").text

    assert ids(page) == [outside]
    assert "Not identified yet" in page and "As described: A boy from 5.a" in page
    assert client.get(f"/concerns/{school_report}").status_code == 404
    factory.login(client, world.far_coordinator)
    assert client.get(f"/concerns/{outside}").status_code == 404
    assert ids(client.get("/concerns/").text) != [outside]


@pytest.mark.parametrize("who", ["teacher", "other_pedagogue", "social_worker"])
def test_others_cannot_open_a_school_concern(client, factory, world, who):
    concern = report(client, factory, world.teacher, world.pupil.id)
    factory.login(client, getattr(world, who))
    assert client.get(f"/concerns/{concern}").status_code == 404
    assert client.post(f"/concerns/{concern}/no-action", data={"reason": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "social_worker"])
def test_reporters_have_no_inbox(client, factory, world, who):
    factory.login(client, getattr(world, who))
    assert client.get("/concerns/").status_code == 403


def test_inbox_pages_by_key(app, client, factory, world):
    made = [report(client, factory, world.teacher, world.pupil.id) for _ in range(5)]
    factory.login(client, world.pedagogue)
    app.config["PAGE_SIZE"] = 2
    seen, url = [], "/concerns/"
    while url:
        page = client.get(url).text
        seen += ids(page)
        found = NEXT_LINK.search(page)
        url = html.unescape(found.group(1)) if found else None
    assert seen == list(reversed(made))


def _inbox_statements(app, client) -> tuple[int, int]:
    with StatementCounter(app) as counter:
        page = client.get("/concerns/").text
    return len(counter), len(ids(page))


@pytest.mark.parametrize("who", ["pedagogue", "coordinator"])
def test_inbox_statement_count_does_not_grow_with_the_page(app, client, factory, world, who):
    reporter = world.teacher if who == "pedagogue" else world.social_worker
    pupil_id = world.pupil.id if who == "pedagogue" else None
    for _ in range(2):
        report(client, factory, reporter, pupil_id)
    factory.login(client, getattr(world, who))
    client.get("/concerns/")
    few, shown_few = _inbox_statements(app, client)

    classmate_id = world.classmate.id if who == "pedagogue" else None
    for n in range(8):
        report(client, factory, world.pedagogue if n % 2 and pupil_id else reporter,
               classmate_id if n % 3 else pupil_id)
    factory.login(client, getattr(world, who))
    client.get("/concerns/")
    many, shown_many = _inbox_statements(app, client)

    assert (shown_few, shown_many) == (2, 10)
    assert many == few


def test_new_count_counts_the_actors_inbox(app, client, factory, world):
    report(client, factory, world.teacher, world.pupil.id)
    report(client, factory, world.teacher, world.classmate.id)
    report(client, factory, world.social_worker)
    with app.test_request_context():
        pedagogue = Actor(world.pedagogue.id, "p", Role.SOCIAL_PEDAGOGUE, world.pedagogue.membership_id,
                          world.school.id, world.home.id)
        coordinator = Actor(world.coordinator.id, "c", Role.COORDINATOR, world.coordinator.membership_id,
                            world.board.id, world.home.id)
        teacher = Actor(world.teacher.id, "t", Role.TEACHER, world.teacher.membership_id,
                        world.school.id, world.home.id)
        assert (new_count(pedagogue), new_count(coordinator), new_count(teacher), new_count(None)) == (2, 1, 0, 0)
