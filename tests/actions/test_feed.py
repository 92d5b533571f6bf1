"""Notices (newest first, mark all read) and the private calendar feed: a token URL that parses with
two independent parsers, stable UIDs, no child data, revocable (then a 404)."""
from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import vobject

from caseflow.actions.models import CalendarFeed, Notice
from caseflow.db import local_today
from caseflow.extensions import db
from tests.actions.helpers import row
from tests.meetings.world import action

FEED_URL = re.compile(r"http://127\.0\.0\.1:5000(/actions/feed/([A-Za-z0-9_-]+)\.ics)")


def make_feed(client) -> tuple[str, str]:
    response = client.post("/actions/feed")
    assert response.status_code == 200
    path, token = FEED_URL.search(response.text).groups()
    return path, token


def test_the_feed_lists_ones_open_actions_as_all_day_events(app, client, factory, world):
    today = local_today()
    colleague = factory.user("social_worker", world.social.id, locale="en")
    mine = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=today + timedelta(days=4), assignee_id=world.social_worker.id, text="Apmeklēt ģimeni")
    unassigned = action(app, group_id=world.management, institution_id=world.social.id, case_id=None,
                        due_on=today + timedelta(days=9))
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=today,
           assignee_id=colleague.id)
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=today,
           status="done")
    action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id, due_on=today)
    factory.login(client, world.social_worker)
    path, token = make_feed(client)
    assert len(token) >= 43
    with app.app_context():
        (feed,) = db.session.query(CalendarFeed).all()
        assert token not in feed.token_hash and len(feed.token_hash) == 64

    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body = response.data.decode()
    for secret in ("Marta", "Kalniņa", "Apmeklēt", f"L-{world.case.id:06d}"):
        assert secret not in body
    calendar = icalendar.Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"action-{mine}@caseflow", f"action-{unassigned}@caseflow"]
    first = events[0]
    assert first.decoded("dtstart") == today + timedelta(days=4)
    assert first.decoded("dtend") == today + timedelta(days=5)
    assert str(first["summary"]) == "Action due: Ezerkrastu sadarbības grupa"
    assert str(first["url"]) == f"http://127.0.0.1:5000/actions/{mine}"
    assert str(events[1]["summary"]) == "Action due: Ezerkrastu vadības grupa"

    parsed = vobject.readOne(body)
    assert [e.uid.value for e in parsed.vevent_list] == [f"action-{mine}@caseflow", f"action-{unassigned}@caseflow"]
    assert parsed.vevent_list[0].dtstart.value == today + timedelta(days=4)
    assert anonymous.get(path).data.count(b"UID:") == 2  # stable across fetches
    assert [str(e["uid"]) for e in icalendar.Calendar.from_ical(anonymous.get(path).data).walk("VEVENT")] == [
        f"action-{mine}@caseflow", f"action-{unassigned}@caseflow"]


def test_a_revoked_or_replaced_feed_is_a_404(app, client, factory, world):
    factory.login(client, world.social_worker)
    anonymous = app.test_client()
    old_path, _token = make_feed(client)
    new_path, _token = make_feed(client)
    assert anonymous.get(old_path).status_code == 404
    assert anonymous.get(new_path).status_code == 200
    assert "You have a calendar feed." in client.get("/actions/notices").text
    assert client.post("/actions/feed/revoke").status_code == 302
    assert anonymous.get(new_path).status_code == 404
    assert anonymous.get("/actions/feed/" + "x" * 43 + ".ics").status_code == 404
    assert anonymous.get("/actions/feed/short.ics").status_code == 404
    assert "Make a calendar address" in client.get("/actions/notices").text


def test_the_feed_ends_with_the_person_access(app, client, factory, world):
    action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=local_today())
    factory.login(client, world.social_worker)
    path, _token = make_feed(client)
    with app.app_context():
        from caseflow.people.models import User
        db.session.get(User, world.social_worker.id).is_active_account = False
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_notices_newest_first_and_marked_read(app, client, factory, world):
    act = action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=local_today())
    with app.app_context():
        for kind, day in (("action_before", "2031-03-09"), ("action_overdue", "2031-03-12")):
            db.session.add(Notice(user_id=world.social_worker.id, kind=kind, link=f"/actions/{act}",
                                  params=f'{{"group": "Ezerkrastu sadarbības grupa", "due_on": "{day}"}}'))
        db.session.add(Notice(user_id=world.inspector.id, kind="action_due", params='{"group": "X", "due_on": '
                                                                                    '"2031-03-09"}'))
        db.session.commit()
    factory.login(client, world.social_worker)
    page = client.get("/actions/notices").text
    overdue = "An action of Ezerkrastu sadarbības grupa was due on 12.03.2031 and is overdue."
    before = "An action of Ezerkrastu sadarbības grupa is due on 09.03.2031."
    assert page.index(overdue) < page.index(before)
    assert page.count("<strong>New</strong>") == 2 and "An action of X" not in page
    with app.test_request_context():
        from flask import g

        from caseflow.access.policy import Actor
        from caseflow.actions.selectors.notices import unread_notice_count
        g.actor = Actor(world.social_worker.id, "u", None, None, None, None)
        assert unread_notice_count() == 2
    assert client.post("/actions/notices/read").status_code == 302
    assert "<strong>New</strong>" not in client.get("/actions/notices").text
    with app.app_context():
        assert db.session.query(Notice).filter(Notice.read_at.is_(None)).count() == 1  # the inspector's
    assert row(app, Notice, 3).read_at is None
