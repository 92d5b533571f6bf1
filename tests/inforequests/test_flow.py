"""Ask an institution for information on a case in sight, answer inside caseflow, read the answer."""
from __future__ import annotations

import json
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select, text

from caseflow.access.policy import load_actor, set_request_actor
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseEvent
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.inforequests.models import InfoRequest
from caseflow.inforequests.selectors import for_case_page
from caseflow.people.models import Membership, User
from tests.inforequests.conftest import ANSWER, PURPOSE, QUESTION, ask, count


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return rows


def _request(app) -> InfoRequest:
    with app.app_context():
        info = db.session.scalars(select(InfoRequest)).one()
        db.session.expunge(info)
        return info


def test_the_court_asks_the_school_answers_and_the_court_reads_the_answer(app, client, factory, world):
    w = world
    factory.login(client, w.court_member)
    form = client.get(f"/cases/{w.case.id}/info-requests/new").get_data(as_text=True)
    assert 'for="question"' in form and 'for="purpose"' in form and 'for="due_on"' in form
    assert w.school.name in form and w.court.name not in form
    response = ask(client, w.case.id, institution_id=w.school.id)
    assert response.status_code == 302
    info = _request(app)
    assert response.headers["Location"].endswith(f"/info-requests/{info.id}")
    assert (info.case_id, info.institution_id, info.asker_institution_id, info.asked_by_id, info.status) == (
        w.case.id, w.school.id, w.court.id, w.court_member.id, "open")
    assert info.due_on == local_today() + timedelta(days=10)
    created = _audit(app, "info_request.create")
    assert [(a.object_id, a.pupil_id, a.user_id) for a in created] == [(info.id, w.pupil.id, w.court_member.id)]
    assert QUESTION not in str(created[0].detail) and PURPOSE not in str(created[0].detail)

    factory.login(client, w.pedagogue)
    queue = client.get("/info-requests/").get_data(as_text=True)
    assert "Marta Kalniņa" in queue and w.court.name in queue and "Overdue" not in queue
    assert [json.loads(a.detail)["shown"] for a in _audit(app, "info_request.list")] == [[info.id]]
    page = client.get(f"/info-requests/{info.id}").get_data(as_text=True)
    assert QUESTION in page and PURPOSE in page and 'for="answer"' in page
    assert [(a.object_id, a.user_id) for a in _audit(app, "inforequest.read")] == [(info.id, w.pedagogue.id)]
    response = client.post(f"/info-requests/{info.id}/answer", data={"answer": ANSWER})
    assert response.status_code == 302
    info = _request(app)
    assert (info.status, info.answered_by_id) == ("answered", w.pedagogue.id)
    assert [a.object_id for a in _audit(app, "info_request.answer")] == [info.id]
    assert client.get("/info-requests/").get_data(as_text=True).count("Marta Kalniņa") == 0

    # answering twice: a clear message, nothing changes
    factory.login(client, w.head)
    again = client.post(f"/info-requests/{info.id}/answer", data={"answer": "Cits teksts"})
    assert again.status_code == 200
    assert "This request has already been answered." in again.get_data(as_text=True)
    assert (_request(app).answered_by_id, len(_audit(app, "info_request.answer"))) == (w.pedagogue.id, 1)

    factory.login(client, w.court_member)
    page = client.get(f"/info-requests/{info.id}").get_data(as_text=True)
    assert ANSWER in page and "Cits teksts" not in page and 'for="answer"' not in page
    asked = client.get("/info-requests/asked").get_data(as_text=True)
    assert "Marta Kalniņa" in asked and "Answered" in asked
    with app.app_context():
        kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == w.case.id,
                                                                CaseEvent.kind.like("info_%"))
                                   .order_by(CaseEvent.id)).all()
    assert kinds == ["info_requested", "info_answered"]


def test_the_texts_are_encrypted_at_rest(app, client, factory, world):
    w = world
    factory.login(client, w.chair)
    assert ask(client, w.case.id, institution_id=w.social.id).status_code == 302
    info = _request(app)
    factory.login(client, w.social_worker)
    assert client.post(f"/info-requests/{info.id}/answer", data={"answer": ANSWER}).status_code == 302
    with app.app_context():
        raw = db.session.execute(text("SELECT question_enc, purpose_enc, answer_enc FROM info_requests")).one()
    for column, plain in zip(raw, (QUESTION, PURPOSE, ANSWER), strict=True):
        blob = bytes(column)
        assert blob and plain.encode() not in blob and b"Marta" not in blob


def test_refusals_write_nothing(app, client, factory, world):
    w = world
    factory.login(client, w.court_member)
    cases = [
        ({"question": ""}, "Write what information you ask for."),
        ({"purpose": "  "}, "Write why you need the information."),
        ({"due_on": local_today() - timedelta(days=1)}, "The deadline cannot be in the past."),
        ({"days": 91}, "The deadline can be at most 90 days ahead."),
        ({"institution_id": w.court.id}, "Ask another institution, not your own."),
        ({"institution_id": w.away_board.id}, "Choose an institution of your municipality."),
    ]
    for changes, message in cases:
        data = {"institution_id": w.school.id, **changes}
        response = ask(client, w.case.id, **data)
        assert response.status_code == 200, changes
        assert message in response.get_data(as_text=True), changes
    # a case not in sight is not found, nor a case in sight to a role that may not ask
    assert ask(client, w.case_other.id, institution_id=w.school.id).status_code == 404
    assert client.get(f"/cases/{w.case_other.id}/info-requests/new").status_code == 404
    assert client.get("/cases/999999/info-requests/new").status_code == 404
    factory.login(client, w.chair)
    assert ask(client, w.case_other.id, institution_id=w.school.id).status_code == 404
    factory.login(client, w.pedagogue)
    assert ask(client, w.case.id, institution_id=w.social.id).status_code == 404
    assert count(app, InfoRequest) == 0
    assert count(app, CaseEvent, CaseEvent.kind == "info_requested") == 0
    assert _audit(app, "info_request.create") == []
    # the refusal of a case the actor sees (a case out of sight is "not there", as with @requires)
    assert [a.user_id for a in _audit(app, "access.denied")] == [w.pedagogue.id]


def test_another_institution_gets_not_found_and_the_asker_cannot_answer(app, client, factory, world):
    w = world
    factory.login(client, w.court_member)
    assert ask(client, w.case.id, institution_id=w.school.id).status_code == 302
    info = _request(app)
    for user in (w.inspector, w.pedagogue2, w.chair, w.away_chair):
        factory.login(client, user)
        assert client.get(f"/info-requests/{info.id}").status_code == 404, user.username
        assert client.post(f"/info-requests/{info.id}/answer", data={"answer": ANSWER}).status_code == 404
        assert "Marta" not in client.get("/info-requests/").get_data(as_text=True)
    factory.login(client, w.teacher)
    assert client.get(f"/info-requests/{info.id}").status_code == 403
    factory.login(client, w.court_member)
    assert client.get(f"/info-requests/{info.id}").status_code == 200
    assert client.post(f"/info-requests/{info.id}/answer", data={"answer": ANSWER}).status_code == 404
    assert client.get("/info-requests/999999").status_code == 404
    info = _request(app)
    assert (info.status, info.answer_enc) == ("open", None)
    assert _audit(app, "info_request.answer") == []


def _section(app, user, case_id: int) -> str:
    with app.app_context():
        person = db.session.get(User, user.id)
        actor = load_actor(person, db.session.get(Membership, user.membership_id))
        case = db.session.get(Case, case_id)
        with app.test_request_context(), force_locale("en"):
            set_request_actor(actor)
            return render_template("inforequests/_case_section.html", case=case, **for_case_page(case, actor))


def test_the_case_page_section_shows_the_requests_of_ones_institution(app, client, factory, world):
    w = world
    factory.login(client, w.court_member)
    assert ask(client, w.case.id, institution_id=w.school.id).status_code == 302
    info = _request(app)
    court = _section(app, w.court_member, w.case.id)
    assert f"/info-requests/{info.id}" in court and w.school.name in court
    assert f"/cases/{w.case.id}/info-requests/new" in court
    school = _section(app, w.pedagogue, w.case.id)
    assert f"/info-requests/{info.id}" in school and "/info-requests/new" not in school
    assert _section(app, w.inspector, w.case.id).strip() == ""
