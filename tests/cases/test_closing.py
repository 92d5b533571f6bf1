"""Closing a case with an outcome (and a dropout reason) and reopening it: the HTTP flow, every
refusal next to its field with nothing written, the timeline, audit, encryption, access."""
from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseEvent
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from tests.concerns.helpers import build_world, count, raw_column

YESTERDAY = local_today() - timedelta(days=1)


@pytest.fixture
def world(factory):
    w = build_world(factory)
    w.case = factory.case(w.pupil.id, w.school.id, w.pedagogue.id, opened_on=local_today() - timedelta(days=30))
    w.outcome = factory.entry(w.home.id, "outcome")
    w.dropout = factory.entry(w.home.id, "dropout_reason")
    return w


def close_data(world, **changes) -> dict:
    return {"outcome_id": str(world.outcome), "left_school": "no", "dropout_reason_id": "",
            "closed_on": YESTERDAY.isoformat(), "remark": ""} | changes


def case_row(app, case_id: int) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def events(app, case_id: int) -> list[tuple[str, dict, str | None]]:
    with app.app_context():
        return [(e.kind, e.detail, unseal(e, "text")) for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


def test_pedagogue_closes_a_case_with_an_outcome(app, client, factory, world):
    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{world.case.id}/close").text
    assert f'value="{local_today().isoformat()}"' in page
    assert "<legend>Did the pupil leave school?" in page

    response = client.post(f"/cases/{world.case.id}/close",
                           data=close_data(world, remark="Attends regularly since October"))

    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{world.case.id}#referral"
    case = case_row(app, world.case.id)
    assert (case.status, case.closed_on, case.closed_by_id, case.outcome_id, case.dropout_reason_id) == (
        "closed", YESTERDAY, world.pedagogue.id, world.outcome, None)
    (kind, detail, text), = events(app, world.case.id)
    assert (kind, detail, text) == ("closed", {"outcome_id": world.outcome, "dropout_reason_id": None},
                                    "Attends regularly since October")
    with app.app_context():
        event_id = db.session.scalar(select(CaseEvent.id))
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.close")).one()
        assert (entry.object_id, entry.pupil_id) == (world.case.id, world.pupil.id)
        assert "October" not in entry.detail
    assert b"October" not in raw_column(app, "case_events", "text_enc", event_id)

    case_page = client.get(f"/cases/{world.case.id}").text
    assert "Attends regularly since October" in case_page
    assert f'href="/cases/{world.case.id}/reopen"' in case_page
    assert f'href="/cases/{world.case.id}/close"' not in case_page
    assert f'href="/cases/{world.case.id}/refer"' not in case_page


def test_close_with_a_dropout_reason(app, client, factory, world):
    factory.login(client, world.pedagogue)
    response = client.post(f"/cases/{world.case.id}/close", data=close_data(
        world, left_school="yes", dropout_reason_id=str(world.dropout), closed_on=local_today().isoformat()))
    assert response.status_code == 302
    case = case_row(app, world.case.id)
    assert (case.status, case.outcome_id, case.dropout_reason_id, case.closed_on) == (
        "closed", world.outcome, world.dropout, local_today())
    assert events(app, world.case.id)[0][1] == {"outcome_id": world.outcome, "dropout_reason_id": world.dropout}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"outcome_id": ""}, "outcome_id", "Choose an outcome from the list."),
    ({"outcome_id": "dropout"}, "outcome_id", "Choose an outcome from the list."),
    ({"outcome_id": "far"}, "outcome_id", "Choose an outcome from the list."),
    ({"left_school": ""}, "left_school", "Say whether the pupil left school."),
    ({"left_school": "yes"}, "dropout_reason_id", "Choose why the pupil left school."),
    ({"left_school": "yes", "dropout_reason_id": "outcome"}, "dropout_reason_id",
     "Choose why the pupil left school."),
    ({"dropout_reason_id": "dropout"}, "dropout_reason_id", "A dropout reason is given only when the pupil left"),
    ({"outcome_id": "left"}, "left_school", "The outcome says the pupil left school: answer “yes” here"),
    ({"closed_on": ""}, "closed_on", "Enter the closing date."),
    ({"closed_on": (local_today() + timedelta(days=1)).isoformat()}, "closed_on",
     "The closing date cannot be in the future."),
    ({"closed_on": (local_today() - timedelta(days=31)).isoformat()}, "closed_on",
     "The closing date cannot be before the case was opened"),
])
def test_closing_refusals_stand_next_to_their_field_and_write_nothing(app, client, factory, world, changes,
                                                                      field, message):
    ids = {"dropout": str(world.dropout), "outcome": str(world.outcome),
           "far": str(factory.entry(world.away.id, "outcome")),
           "left": str(factory.entry(world.home.id, "outcome", "left_school"))}
    changes = {k: ids.get(v, v) for k, v in changes.items()}
    factory.login(client, world.pedagogue)
    response = client.post(f"/cases/{world.case.id}/close", data=close_data(world, **changes))
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in html.unescape(response.text)
    assert 'class="error-summary"' in response.text
    assert case_row(app, world.case.id).status == "open"
    assert count(app, CaseEvent) == 0


def test_a_case_with_a_submitted_referral_cannot_be_closed(app, client, factory, world):
    factory.referral(world.case.id, world.group, world.pedagogue.id)
    factory.login(client, world.pedagogue)
    message = "the coordinator must accept or return it before the case can be closed"
    assert message in html.unescape(client.get(f"/cases/{world.case.id}/close").text)
    response = client.post(f"/cases/{world.case.id}/close", data=close_data(world))
    assert response.status_code == 200
    assert message in html.unescape(response.text) and 'id="outcome_id-error"' in response.text
    assert case_row(app, world.case.id).status == "referred"
    assert count(app, CaseEvent) == 0


def test_a_closed_case_reopens_with_a_reason(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/cases/{world.case.id}/close", data=close_data(
        world, left_school="yes", dropout_reason_id=str(world.dropout)))

    refused = client.post(f"/cases/{world.case.id}/reopen", data={"reason": ""})
    assert refused.status_code == 200 and 'id="reason-error">Write why the case is reopened.' in refused.text
    assert case_row(app, world.case.id).status == "closed"

    response = client.post(f"/cases/{world.case.id}/reopen", data={"reason": "Absences started again"})

    assert response.status_code == 302
    case = case_row(app, world.case.id)
    assert (case.status, case.closed_on, case.closed_by_id, case.outcome_id, case.dropout_reason_id) == (
        "open", None, None, None, None)
    assert [(k, t) for k, _d, t in events(app, world.case.id)] == [("closed", None),
                                                                  ("reopened", "Absences started again")]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.reopen")).one()
        assert json.loads(entry.detail) == {"fields": ["reason"]}
    case_page = client.get(f"/cases/{world.case.id}").text
    assert "Absences started again" in case_page and f'href="/cases/{world.case.id}/close"' in case_page

    again = client.post(f"/cases/{world.case.id}/reopen", data={"reason": "Once more"})
    assert again.status_code == 200 and "The case is not closed." in again.text


def test_reopening_is_refused_while_another_case_is_open(app, client, factory, world):
    with app.app_context():
        db.session.get(Case, world.case.id).status = "closed"
        db.session.commit()
    newer = factory.case(world.pupil.id, world.school.id, world.pedagogue.id)
    factory.login(client, world.pedagogue)

    response = client.post(f"/cases/{world.case.id}/reopen", data={"reason": "Absences started again"})

    assert response.status_code == 200
    assert f"The pupil already has another open case at the school (L-{newer.id:06d})" in response.text
    assert f'href="/cases/{newer.id}"' in response.text
    assert case_row(app, world.case.id).status == "closed"
    assert count(app, CaseEvent) == 0


@pytest.mark.parametrize("who", ["teacher", "other_pedagogue", "coordinator", "social_worker"])
def test_only_the_schools_case_owners_close_and_reopen(client, factory, world, who):
    factory.login(client, getattr(world, who))
    assert client.get(f"/cases/{world.case.id}/close").status_code == 404
    assert client.post(f"/cases/{world.case.id}/close", data=close_data(world)).status_code == 404
    assert client.post(f"/cases/{world.case.id}/reopen", data={"reason": "x"}).status_code == 404


def test_the_school_head_closes_too(app, client, factory, world):
    factory.login(client, world.head)
    assert client.post(f"/cases/{world.case.id}/close", data=close_data(world)).status_code == 302
    assert case_row(app, world.case.id).closed_by_id == world.head.id
