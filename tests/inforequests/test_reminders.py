"""Deadline reminders of information requests: on the day and once overdue, each once, no child data."""
from __future__ import annotations

import json
from datetime import timedelta

import time_machine
from flask_babel import force_locale
from sqlalchemy import select

from caseflow.actions.models import Notice
from caseflow.audit.models import AuditEntry
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.inforequests.models import InfoRequest
from caseflow.inforequests.reminders import notice_text, send_info_request_reminders
from caseflow.notify.models import OutboxMessage
from tests.inforequests.conftest import ANSWER, QUESTION, ask, count, noon


def _run(app) -> int:
    with app.app_context():
        sent = send_info_request_reminders()
        db.session.commit()
        return sent


def test_reminders_go_on_the_day_and_once_overdue_each_once(app, client, factory, world):
    w = world
    day0 = local_today()
    with time_machine.travel(noon(day0), tick=False):
        factory.login(client, w.court_member)
        assert ask(client, w.case.id, institution_id=w.school.id, days=2).status_code == 302
        assert ask(client, w.case.id, institution_id=w.social.id, days=2).status_code == 302
        assert _run(app) == 0
    with app.app_context():
        to_school, to_social = db.session.scalars(select(InfoRequest.id).order_by(InfoRequest.id)).all()
    # the social service answers before the deadline: no reminder for it
    with time_machine.travel(noon(day0 + timedelta(days=1)), tick=False):
        factory.login(client, w.social_worker)
        assert client.post(f"/info-requests/{to_social}/answer", data={"answer": ANSWER}).status_code == 302
    with time_machine.travel(noon(day0 + timedelta(days=2)), tick=False):
        assert _run(app) == 1
        assert _run(app) == 0
    # the school's people who answer (head and social pedagogue), not the teacher
    recipients = {w.head.id, w.pedagogue.id}
    assert count(app, Notice, Notice.kind == "info_request_due") == 2
    with app.app_context():
        due = db.session.scalars(select(Notice).where(Notice.kind == "info_request_due")).all()
        assert {n.user_id for n in due} == recipients
        assert {n.link for n in due} == {f"/info-requests/{to_school}"}
    with time_machine.travel(noon(day0 + timedelta(days=3)), tick=False):
        factory.login(client, w.pedagogue)
        assert "Overdue" in client.get("/info-requests/").get_data(as_text=True)
        assert _run(app) == 1
    with time_machine.travel(noon(day0 + timedelta(days=9)), tick=False):
        assert _run(app) == 0
    assert count(app, Notice, Notice.kind == "info_request_overdue") == 2
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert {m.user_id for m in mails} == recipients and len(mails) == 4
        for mail in mails:
            assert "Marta" not in mail.body + mail.subject and QUESTION not in mail.body
            assert f"/info-requests/{to_school}" in mail.body
        info = db.session.get(InfoRequest, to_school)
        assert info.last_reminder == "overdue"
        audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "info_request.reminder")
                                    .order_by(AuditEntry.id)).all()
        assert [(a.object_id, json.loads(a.detail)) for a in audits] == [
            (to_school, {"stage": "due", "user_ids": sorted(recipients)}),
            (to_school, {"stage": "overdue", "user_ids": sorted(recipients)})]
        with force_locale("en"):
            assert notice_text("info_request_overdue") == "A request for information to your institution is overdue."


def test_a_request_first_seen_overdue_gets_only_the_overdue_reminder(app, client, factory, world):
    w = world
    day0 = local_today()
    with time_machine.travel(noon(day0), tick=False):
        factory.login(client, w.chair)
        assert ask(client, w.case.id, institution_id=w.mpolice.id, days=1).status_code == 302
    with time_machine.travel(noon(day0 + timedelta(days=5)), tick=False):
        assert _run(app) == 1
        assert _run(app) == 0
    assert count(app, Notice, Notice.kind == "info_request_due") == 0
    assert count(app, Notice, Notice.kind == "info_request_overdue", Notice.user_id == w.inspector.id) == 1
