"""An institution's queue: its own actions by deadline, overdue marked, status filter, keyset pages,
the list read audited, a constant number of statements per page."""
from __future__ import annotations

import re
from datetime import timedelta

from caseflow.db import local_today
from tests.actions.helpers import audit_actions, detail
from tests.meetings.world import action
from tests.querycount import StatementCounter

ACTION_LINK = re.compile(r'href="/actions/(\d+)"')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


def test_the_queue_lists_the_institutions_open_actions_by_deadline(app, client, factory, world):
    today = local_today()
    late = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=today - timedelta(days=2), text="Apmeklēt ģimeni mājās")
    soon = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case2.id,
                  due_on=today + timedelta(days=5), status="accepted", assignee_id=world.social_worker.id,
                  supervisor_institution_id=world.board.id, text="Sarunāties ar tēvu")
    done = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=today - timedelta(days=9), status="done")
    police = action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id,
                    due_on=today, text="Policijas reids")
    no_case = action(app, group_id=world.group, institution_id=world.social.id, case_id=None,
                     due_on=today + timedelta(days=30), text="Sagatavot pārskatu")
    factory.login(client, world.social_worker)

    page = client.get("/actions/")

    assert page.status_code == 200
    assert [int(i) for i in ACTION_LINK.findall(page.text)] == [late, soon, no_case]
    assert "Apmeklēt ģimeni mājās" in page.text and "Sarunāties ar tēvu" in page.text
    assert f"L-{world.case.id:06d}, Marta Kalniņa" in page.text
    assert f"L-{world.case2.id:06d}, Jānis Ozols" in page.text
    assert page.text.count(">Overdue</strong>") == 1
    assert "Ezerkrastu izglītības pārvalde" in page.text  # the supervisor
    assert "Policijas reids" not in page.text
    (entry,) = [e for e in audit_actions(app) if e.action == "action.list"]
    assert detail(entry)["shown"] == [late, soon, no_case]

    done_page = client.get("/actions/?status=done").text
    assert [int(i) for i in ACTION_LINK.findall(done_page)] == [done]
    everything = client.get("/actions/?status=all").text
    assert [int(i) for i in ACTION_LINK.findall(everything)] == [done, late, soon, no_case]
    assert police not in [int(i) for i in ACTION_LINK.findall(client.get("/actions/?status=nonsense").text)]


def test_the_queue_pages_by_key_without_repeats(app, client, factory, world):
    app.config["PAGE_SIZE"] = 3
    today = local_today()
    made = [action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                   due_on=today + timedelta(days=i // 2)) for i in range(8)]
    factory.login(client, world.social_worker)
    seen, url = [], "/actions/"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += [int(i) for i in ACTION_LINK.findall(page.text)]
        match = NEXT_LINK.search(page.text)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert seen == made


def test_a_school_without_actions_sees_an_empty_queue_and_a_teacher_is_refused(app, client, factory, world):
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=local_today())
    factory.login(client, world.pedagogue2)
    page = client.get("/actions/")
    assert page.status_code == 200 and "Your institution has no open actions." in page.text
    factory.login(client, world.teacher)
    assert client.get("/actions/").status_code == 403


def test_the_queue_runs_a_constant_number_of_statements(app, client, factory, world):
    today = local_today()
    pupils = [factory.pupil(world.school.id, first_name=f"Skolēns{i}") for i in range(6)]
    cases = [factory.case(p.id, world.school.id, world.pedagogue.id) for p in pupils]
    factory.login(client, world.social_worker)

    def count() -> int:
        with StatementCounter(app) as counter:
            assert client.get("/actions/").status_code == 200
        return len(counter)

    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=today,
           assignee_id=world.social_worker.id, supervisor_institution_id=world.board.id)
    client.get("/actions/")  # the audit trail's first entry creates its head
    small = count()
    for c in cases:
        action(app, group_id=world.group, institution_id=world.social.id, case_id=c.id, due_on=today,
               assignee_id=world.social_worker.id, supervisor_institution_id=world.board.id)
    action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=today)
    large = count()
    print(f"action queue: {small} statements per page")
    assert large == small, (small, large)
