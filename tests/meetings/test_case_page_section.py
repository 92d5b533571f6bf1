"""The case page's cooperation-group section: the sessions that heard the case and the actions the
reader may see; the way to ask the group for a hearing."""
from __future__ import annotations

from datetime import timedelta

from caseflow.db import local_today
from tests.meetings.world import action, item, session


def test_the_case_page_shows_hearings_and_the_actions_each_reader_may_see(app, client, factory, world):
    s = session(app, world.group, day=local_today() - timedelta(days=7), status="approved")
    i = item(app, s, case_id=world.case.id)
    due = local_today() - timedelta(days=1)
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=due,
           item_id=i, text="Apmeklēt ģimeni dzīvesvietā")
    action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id,
           due_on=local_today() + timedelta(days=9), item_id=i, text="Profilaktiska pārruna")

    factory.login(client, world.pedagogue)  # the case's own school: every action on it
    page = client.get(f"/cases/{world.case.id}").text
    assert "Ezerkrastu sadarbības grupa" in page and f"/meetings/sessions/{s}" in page  # an advisory seat
    assert "Apmeklēt ģimeni dzīvesvietā" in page and "Profilaktiska pārruna" in page and "Overdue" in page
    assert f"/meetings/cases/{world.case.id}/request" in page

    factory.login(client, world.social_worker)  # holds an action: sees the case and its own action only
    page = client.get(f"/cases/{world.case.id}")
    assert page.status_code == 200
    assert "Apmeklēt ģimeni dzīvesvietā" in page.text and "Profilaktiska pārruna" not in page.text

    factory.login(client, world.chair)  # the chair: the session link and every action
    page = client.get(f"/cases/{world.case.id}").text
    assert f"/meetings/sessions/{s}" in page and "Profilaktiska pārruna" in page

    factory.login(client, world.court_member)  # no action, minutes approved: out of sight
    assert client.get(f"/cases/{world.case.id}").status_code == 404
