"""An action's page: steps by state, refusals that write nothing, assignment, the follow-up log,
timeline events and audit rows; another institution gets a 404."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from caseflow.actions.models import Action, FollowUp
from caseflow.cases.models import CaseEvent
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from tests.actions.helpers import audit_actions, detail, events, row
from tests.concerns.helpers import count, raw_column
from tests.meetings.world import action
from tests.querycount import StatementCounter


@pytest.fixture
def act(app, world):
    return action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=local_today() + timedelta(days=10), text="Apmeklēt ģimeni mājās")


def writes(app) -> tuple[int, int, int]:
    """What a refusal must leave untouched: timeline events, follow-ups, audit rows of changes."""
    changes = [e for e in audit_actions(app) if e.action not in ("action.read", "action.list")]
    return count(app, CaseEvent), count(app, FollowUp), len(changes)


def test_the_institution_accepts_starts_and_finishes_its_action(app, client, factory, world, act):
    factory.login(client, world.social_worker)
    page = client.get(f"/actions/{act}").text
    assert "Apmeklēt ģimeni mājās" in page and f"L-{world.case.id:06d}" in page and "Marta Kalniņa" in page
    assert 'name="step" value="accept"' in page and 'name="step" value="start"' not in page

    assert client.post(f"/actions/{act}/step", data={"step": "accept"}).status_code == 302
    assert 'name="step" value="start"' in client.get(f"/actions/{act}").text
    assert client.post(f"/actions/{act}/step", data={"step": "start"}).status_code == 302
    response = client.post(f"/actions/{act}/done", data={"result": "Ģimene sāka sadarboties"})

    assert response.status_code == 302
    stored = row(app, Action, act)
    assert stored.status == "done"
    assert stored.accepted_by_id == stored.started_by_id == stored.closed_by_id == world.social_worker.id
    assert stored.accepted_at <= stored.started_at <= stored.closed_at
    with app.app_context():
        assert unseal(db.session.get(Action, act), "result") == "Ģimene sāka sadarboties"
    assert b"sadarboties" not in raw_column(app, "actions", "result_enc", act)
    assert [k for k, _d in events(app, world.case.id)] == ["action_accepted", "action_started", "action_done"]
    assert all(d == {"action_id": act} for _k, d in events(app, world.case.id))
    steps = [e for e in audit_actions(app) if e.action in ("action.accept", "action.start", "action.done")]
    assert [(e.action, e.object_id, e.pupil_id) for e in steps] == [
        ("action.accept", act, world.pupil.id), ("action.start", act, world.pupil.id),
        ("action.done", act, world.pupil.id)]
    assert detail(steps[-1])["fields"] == ["result"] and "sadarboties" not in steps[-1].detail
    page = client.get(f"/actions/{act}").text
    assert "Ģimene sāka sadarboties" in page and "Status history" in page
    assert page.count("<th scope=\"row\">") >= 4  # new, accepted, in progress, done
    assert f'action="/actions/{act}/done"' not in page


@pytest.mark.parametrize(("status", "url", "data", "message"), [
    ("done", "done", {}, "This action is already done; its status cannot change any more."),
    ("new", "done", {}, "Accept the action before marking it done."),
    ("new", "step", {"step": "start"}, "Accept the action before starting it."),
    ("accepted", "step", {"step": "accept"}, "This action has already been accepted."),
    ("cannot", "step", {"step": "accept"}, "This action was already marked as impossible to carry out"),
])
def test_invalid_steps_are_refused_with_a_clear_message(app, client, factory, world, status, url, data, message):
    act = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                 due_on=local_today(), status=status)
    factory.login(client, world.social_worker)
    before = writes(app)
    response = client.post(f"/actions/{act}/{url}", data=data)
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert row(app, Action, act).status == status
    assert writes(app) == before


def test_cannot_be_done_needs_a_reason_and_seals_it(app, client, factory, world, act):
    factory.login(client, world.social_worker)
    before = writes(app)
    response = client.post(f"/actions/{act}/cannot", data={"reason": "   "})
    assert response.status_code == 200
    assert 'id="reason-error">Write why the action cannot be done.' in response.text
    assert row(app, Action, act).status == "new" and writes(app) == before

    assert client.post(f"/actions/{act}/cannot", data={"reason": "Ģimene izbraukusi uz Īriju"}).status_code == 302
    assert row(app, Action, act).status == "cannot"
    assert "Īriju".encode() not in raw_column(app, "actions", "cannot_reason_enc", act)
    assert "Ģimene izbraukusi uz Īriju" in client.get(f"/actions/{act}").text
    assert events(app, world.case.id) == [("action_cannot", {"action_id": act})]


def test_another_institution_gets_404_and_the_chair_sees_but_cannot_work(app, client, factory, world, act):
    factory.login(client, world.inspector)
    before = writes(app)
    assert client.get(f"/actions/{act}").status_code == 404
    for url, data in (("step", {"step": "accept"}), ("done", {}), ("cannot", {"reason": "x"}),
                      ("assign", {"assignee_id": ""}), ("follow-up", {"on": "2026-01-01", "done": "x"})):
        assert client.post(f"/actions/{act}/{url}", data=data).status_code == 404
    factory.login(client, world.chair)
    page = client.get(f"/actions/{act}")
    assert page.status_code == 200 and 'name="step"' not in page.text and "Add an entry" not in page.text
    assert client.post(f"/actions/{act}/step", data={"step": "accept"}).status_code == 404
    assert row(app, Action, act).status == "new" and writes(app) == before


def test_the_action_is_assigned_to_a_person_of_the_institution(app, client, factory, world, act):
    colleague = factory.user("social_worker", world.social.id, locale="en")
    factory.login(client, world.social_worker)
    page = client.get(f"/actions/{act}").text
    assert f'<option value="{colleague.id}">' in page and f'value="{world.inspector.id}"' not in page
    before = writes(app)
    response = client.post(f"/actions/{act}/assign", data={"assignee_id": str(world.inspector.id)})
    assert "Choose a person who works at the action&#39;s institution." in response.text
    assert row(app, Action, act).assignee_id is None and writes(app) == before

    assert client.post(f"/actions/{act}/assign", data={"assignee_id": str(colleague.id)}).status_code == 302
    assert row(app, Action, act).assignee_id == colleague.id
    assert events(app, world.case.id) == [("action_assigned", {"action_id": act})]
    (entry,) = [e for e in audit_actions(app) if e.action == "action.assign"]
    assert detail(entry)["assignee_id"] == colleague.id


def test_follow_up_entries_are_checked_sealed_and_never_edited(app, client, factory, world, act):
    today = local_today()
    factory.login(client, world.social_worker)
    before = writes(app)
    for data, field, message in (
            ({"on": (today + timedelta(days=1)).isoformat(), "done": "Vizīte"}, "on",
             "The date cannot be in the future."),
            ({"on": (today - timedelta(days=3)).isoformat(), "done": "Vizīte"}, "on",
             "The date cannot be before the action was agreed"),
            ({"on": today.isoformat(), "done": "  "}, "done", "Write what was done."),
            ({"on": "", "done": "Vizīte"}, "on", "Enter the date on which it was done.")):
        response = client.post(f"/actions/{act}/follow-up", data=data)
        assert response.status_code == 200
        assert f'id="{field}-error">{message}' in response.text, data
    assert writes(app) == before

    data = {"on": today.isoformat(), "done": "Mājas vizīte ar ģimeni", "result": "Māte apsolīja sadarboties"}
    assert client.post(f"/actions/{act}/follow-up", data=data).status_code == 302
    assert client.post(f"/actions/{act}/follow-up", data={"on": today.isoformat(),
                                                          "done": "Labojums: vizīte bija otrdien"}).status_code == 302
    with app.app_context():
        first, second = db.session.query(FollowUp).order_by(FollowUp.id).all()
        assert (first.on, first.logged_by_id, first.institution_id) == (today, world.social_worker.id, world.social.id)
        ids = (first.id, second.id)
    assert "vizīte".encode() not in raw_column(app, "action_follow_ups", "text_enc", ids[0])
    page = client.get(f"/actions/{act}").text
    assert page.index("Labojums: vizīte bija otrdien") < page.index("Mājas vizīte ar ģimeni")
    assert "Māte apsolīja sadarboties" in page
    assert [k for k, _d in events(app, world.case.id)] == ["follow_up_logged", "follow_up_logged"]
    entries = [e for e in audit_actions(app) if e.action == "action.follow_up"]
    assert [detail(e)["fields"] for e in entries] == [["done", "result"], ["done"]]
    assert not any(url.endswith("/edit") for url in page.split('"') if url.startswith("/actions/"))


def test_an_action_without_a_case_is_sealed_under_its_group_and_leaves_no_timeline(app, client, factory, world):
    act = action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=local_today(),
                 text="Sagatavot pārskatu")
    factory.login(client, world.social_worker)
    assert "Sagatavot pārskatu" in client.get(f"/actions/{act}").text
    assert client.post(f"/actions/{act}/follow-up", data={"on": local_today().isoformat(),
                                                          "done": "Pārskats nosūtīts"}).status_code == 302
    assert client.post(f"/actions/{act}/cannot", data={"reason": "Nav datu"}).status_code == 302
    assert count(app, CaseEvent) == 0
    assert "Pārskats nosūtīts" in client.get(f"/actions/{act}").text


def test_the_action_page_runs_a_constant_number_of_statements(app, client, factory, world, act):
    factory.login(client, world.social_worker)
    client.get(f"/actions/{act}")

    def page_count() -> int:
        with StatementCounter(app) as counter:
            assert client.get(f"/actions/{act}").status_code == 200
        return len(counter)

    small = page_count()
    for n in range(5):
        client.post(f"/actions/{act}/follow-up", data={"on": local_today().isoformat(), "done": f"Solis {n}"})
    large = page_count()
    print(f"action page: {small} statements")
    assert large == small, (small, large)
