"""The chair schedules, changes, confirms and cancels sessions; members see their group's sessions;
the session page names a case's pupil only to a viewer who may see the case; access and budgets."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, GroupSession
from tests.meetings.sessions_helpers import (
    audit_of,
    count,
    rows,
    schedule_data,
    text,
    weekday_ahead,
)
from tests.meetings.world import item, riga, session
from tests.querycount import StatementCounter


def test_the_chair_schedules_a_session(app, client, factory, world):
    factory.login(client, world.chair)
    day = weekday_ahead()
    assert "Schedule a session" in client.get(f"/meetings/groups/{world.group}").text
    response = client.post(f"/meetings/groups/{world.group}/sessions/new",
                           data=schedule_data(day, video_link="https://meet.example.lv/grupa"))
    assert response.status_code == 302
    (s,) = rows(app, GroupSession)
    assert response.headers["Location"] == f"/meetings/sessions/{s.id}/agenda"
    assert (s.group_id, s.status, s.kind, s.number, s.sequence) == (world.group, "planned", "regular", 1, 0)
    assert s.starts_at == riga(day, 14).astimezone(UTC) and s.ends_at == riga(day, 16).astimezone(UTC)
    assert s.place == "Domes zāle, 2. stāvs" and s.video_link == "https://meet.example.lv/grupa"
    assert s.uid.endswith("@caseflow") and len(s.uid) == len("@caseflow") + 36
    (entry,) = audit_of(app, "session.schedule")
    assert entry.object_id == s.id and entry.detail["group_id"] == world.group

    client.post(f"/meetings/groups/{world.group}/sessions/new",
                data=schedule_data(day, start="17:00", end="18:00"))
    second = rows(app, GroupSession, GroupSession.id != s.id)[0]
    assert second.number == 2 and second.uid != s.uid
    page = text(client.get(f"/meetings/groups/{world.group}"))
    assert f"{day.year}/1" in page and f"{day.year}/2" in page


def test_numbers_start_again_each_year(app, client, factory, world):
    next_year = local_today().year + 1
    session(app, world.group, day=local_today() + timedelta(days=3), number=7)
    factory.login(client, world.chair)
    day = datetime(next_year, 1, 14).date()
    client.post(f"/meetings/groups/{world.group}/sessions/new", data=schedule_data(day))
    assert rows(app, GroupSession, GroupSession.number != 7)[0].number == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"start": "15:00", "end": "17:00"}, "day", "The group already has session"),
    ({"start": "16:00", "end": "15:00"}, "end", "The session must end after it starts."),
    ({"day": "past"}, "day", "The date has passed; choose today or a later day."),
    ({"place": " ", "video_link": ""}, "place", "Enter a place, a video link, or both."),
    ({"video_link": "meet.example.lv"}, "video_link", "A video link starts with https://."),
    ({"day": ""}, "day", "Enter the session's date."),
])
def test_scheduling_refusals_stand_next_to_their_field(app, client, factory, world, changes, field, message):
    day = weekday_ahead()
    session(app, world.group, day=day)
    if changes.get("day") == "past":
        changes["day"] = (local_today() - timedelta(days=1)).isoformat()
    factory.login(client, world.chair)
    data = schedule_data(day, start="17:00", end="18:00") | changes  # after the session already there
    response = client.post(f"/meetings/groups/{world.group}/sessions/new", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in text(response)
    assert count(app, GroupSession) == 1
    assert audit_of(app, "session.schedule") == []


def test_an_overlap_with_another_group_or_a_cancelled_session_is_fine(app, client, factory, world):
    day = weekday_ahead()
    session(app, world.management, day=day)
    session(app, world.group, day=day, status="cancelled", number=1)
    factory.login(client, world.chair)
    assert client.post(f"/meetings/groups/{world.group}/sessions/new", data=schedule_data(day)).status_code == 302
    assert count(app, GroupSession) == 3


def test_changing_the_time_raises_the_sequence_and_keeps_the_uid(app, client, factory, world):
    day = weekday_ahead()
    s = session(app, world.group, day=day)
    other = session(app, world.group, day=day + timedelta(days=7), number=2)
    factory.login(client, world.chair)
    form = client.get(f"/meetings/sessions/{s}/edit").text
    assert 'value="14:00"' in form and 'value="Domes zāle"' in form
    clash = client.post(f"/meetings/sessions/{s}/edit", data=schedule_data(day + timedelta(days=7)))
    assert 'id="day-error">The group already has session' in text(clash)
    before = rows(app, GroupSession, GroupSession.id == s)[0]
    assert before.sequence == 0

    response = client.post(f"/meetings/sessions/{s}/edit", data=schedule_data(day, start="10:00", end="12:00"))
    assert response.status_code == 302
    after = rows(app, GroupSession, GroupSession.id == s)[0]
    assert (after.uid, after.sequence, after.starts_at) == (before.uid, 1, riga(day, 10).astimezone(UTC))
    assert audit_of(app, "session.change")[0].detail["fields"] == ["starts_at", "ends_at", "place"]
    assert rows(app, GroupSession, GroupSession.id == other)[0].sequence == 0


def test_cancelling_needs_a_reason_and_releases_the_agenda(app, client, factory, world):
    s = session(app, world.group)
    item(app, s, case_id=world.case2.id)
    item(app, s, title="Gada pārskats")
    factory.login(client, world.chair)
    refused = client.post(f"/meetings/sessions/{s}/cancel", data={"reason": " "})
    assert 'id="reason-error">' in refused.text
    assert rows(app, GroupSession)[0].status == "planned" and count(app, AgendaItem) == 2

    response = client.post(f"/meetings/sessions/{s}/cancel", data={"reason": "The hall is closed"})
    assert response.status_code == 302
    cancelled = rows(app, GroupSession)[0]
    assert (cancelled.status, cancelled.cancel_reason, cancelled.sequence) == ("cancelled", "The hall is closed", 1)
    assert cancelled.cancelled_at is not None and count(app, AgendaItem) == 0
    assert audit_of(app, "session.cancel")[0].detail["released_case_ids"] == [world.case2.id]
    assert "Cancelled" in client.get(f"/meetings/sessions/{s}").text
    again = client.post(f"/meetings/sessions/{s}/cancel", data={"reason": "twice"})
    assert "Only a session that is still to be held can be cancelled." in text(again)


def test_members_see_their_groups_and_sessions_but_cannot_manage(app, client, factory, world):
    s = session(app, world.group)
    factory.login(client, world.social_worker)
    index = client.get("/meetings/").text
    assert "Ezerkrastu sadarbības grupa" in index and "Kalnu" not in index
    group_page = client.get(f"/meetings/groups/{world.group}").text
    assert "Schedule a session" not in group_page and "Open session requests" not in group_page
    assert client.get(f"/meetings/sessions/{s}").status_code == 200
    for url in (f"/meetings/groups/{world.group}/sessions/new", f"/meetings/sessions/{s}/edit",
                f"/meetings/sessions/{s}/agenda", f"/meetings/sessions/{s}/invitations",
                f"/meetings/sessions/{s}/cancel"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/meetings/sessions/{s}/cancel", data={"reason": "x"}).status_code == 404
    assert rows(app, GroupSession)[0].status == "planned"


@pytest.mark.parametrize("who", ["away_chair", "pedagogue2"])
def test_outsiders_get_404(app, client, factory, world, who):
    s = session(app, world.group)
    factory.login(client, getattr(world, who))
    assert "Ezerkrastu sadarbības grupa" not in client.get("/meetings/").text
    for url in (f"/meetings/groups/{world.group}", f"/meetings/sessions/{s}",
                f"/meetings/groups/{world.group}/sessions/new", f"/meetings/sessions/{s}/agenda"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/meetings/groups/{world.group}/sessions/new",
                       data=schedule_data(weekday_ahead(21))).status_code == 404
    assert count(app, GroupSession) == 1


def test_the_session_page_names_a_pupil_only_while_the_viewer_may_see_the_case(app, client, factory, world):
    s = session(app, world.group)
    item(app, s, case_id=world.case2.id, position=0)
    item(app, s, title="Sadarbības plāns 2027. gadam", position=1)
    factory.login(client, world.social_worker)
    page = client.get(f"/meetings/sessions/{s}").text
    assert "Jānis Ozols" in page and "Sadarbības plāns 2027. gadam" in page
    assert '{% include "meetings/record/_session_links.html"' not in page
    entry = audit_of(app, "session.agenda_read")[-1]
    assert entry.detail == {"case_ids": [world.case2.id], "named_case_ids": [world.case2.id]}

    with app.app_context():
        db.session.get(GroupSession, s).status = "approved"
        db.session.commit()
    page = text(client.get(f"/meetings/sessions/{s}"))
    assert "Ozols" not in page and "A case of Ezerkrastu pamatskola" in page
    assert audit_of(app, "session.agenda_read")[-1].detail["named_case_ids"] == []
    factory.login(client, world.chair)
    assert "Jānis Ozols" in client.get(f"/meetings/sessions/{s}").text


def test_query_budget_of_the_session_agenda_and_group_pages(app, client, factory, world):
    s = session(app, world.group)
    factory.login(client, world.chair)

    def statements(url) -> int:
        with StatementCounter(app) as counter:
            assert client.get(url).status_code == 200
        return len(counter)

    item(app, s, case_id=world.case.id, position=0)
    statements(f"/meetings/sessions/{s}")  # warm caches (keys, sign-in) before counting
    statements(f"/meetings/sessions/{s}/agenda")
    small = (statements(f"/meetings/sessions/{s}"), statements(f"/meetings/sessions/{s}/agenda"),
             statements(f"/meetings/groups/{world.group}"))
    pupils = [factory.pupil(world.school.id, first_name=f"Bērns{n}") for n in range(5)]
    for n, p in enumerate(pupils, start=1):
        case = factory.case(p.id, world.school.id, world.pedagogue.id)
        item(app, s, case_id=case.id, position=n)
        item(app, s, title=f"Politika {n}", position=10 + n)
        session(app, world.group, day=local_today() - timedelta(days=10 * n), status="held", number=10 + n)
    large = (statements(f"/meetings/sessions/{s}"), statements(f"/meetings/sessions/{s}/agenda"),
             statements(f"/meetings/groups/{world.group}"))
    print(f"session page, agenda page, group page: {small} statements")
    assert large == small
