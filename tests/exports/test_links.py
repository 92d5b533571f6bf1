"""The pages offer their downloads, carrying the page's filters (never its page cursor)."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from caseflow.db import local_today
from tests.meetings.test_minutes import minutes_url, recorded_session
from tests.meetings.world import action


def _links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(/exports/[^"]+)"', page)]


def test_the_work_list_and_the_queue_link_their_downloads_with_the_filters(app, client, factory, world):
    action(app, group_id=world.group, institution_id=world.school.id, case_id=world.case.id,
           due_on=local_today() + timedelta(days=3))
    factory.login(client, world.pedagogue)
    page = client.get("/cases/?view=school&status=referred&after=abc").text
    assert _links(page) == ["/exports/cases.xlsx?view=school&status=referred",
                            "/exports/cases.csv?view=school&status=referred"]
    assert _links(client.get("/actions/?status=all").text) == ["/exports/actions.xlsx?status=all",
                                                               "/exports/actions.csv?status=all"]


def test_the_board_plan_and_minutes_link_their_downloads(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)  # signed in as the chair
    assert _links(client.get(f"/actions/board?institution_id={world.social.id}").text) == [
        f"/exports/actions/board.xlsx?institution_id={world.social.id}",
        f"/exports/actions/board.csv?institution_id={world.social.id}"]
    assert _links(client.get(minutes_url(s)).text) == [f"/exports/sessions/{s}/minutes.xlsx"]
