"""Deadline reminders from the worker: days before (a municipal setting), on the day, once overdue
(then to the chair too); each once, by e-mail and notice, without child data; delivered over SMTP."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from caseflow.actions.models import Action, Notice
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.notify.worker import deliver_due, run_periodic
from caseflow.people.models import MunicipalSetting
from tests.actions.helpers import row
from tests.meetings.world import action
from tests.notify.smtp import free_port, smtp, smtp_server, text_of  # noqa: F401 — the SMTP fixture

DUE = date(2031, 3, 12)


def at(day: int, hour: int = 7) -> datetime:
    """A moment of March 2031 (UTC)."""
    return datetime(2031, 3, day, hour, 0, tzinfo=UTC)


def run(app) -> None:
    with app.app_context():
        run_periodic()


def outbox(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(m.to_address, m.subject, m.body) for m in
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def notices(app) -> list[tuple[int, str, dict, str]]:
    with app.app_context():
        return [(n.user_id, n.kind, json.loads(n.params), n.link) for n in
                db.session.scalars(select(Notice).order_by(Notice.id))]


def test_each_reminder_goes_once_and_overdue_also_to_the_chair(app, factory, world):
    colleague = factory.user("social_worker", world.social.id, locale="en")
    act = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=DUE,
                 text="Apmeklēt ģimeni mājās")
    with time_machine.travel(at(8), tick=False):
        run(app)
        assert outbox(app) == []  # four days before: nothing yet
    with time_machine.travel(at(9), tick=False):
        run(app)
        run(app)
    first = outbox(app)
    assert sorted(to for to, _s, _b in first) == sorted([world.social_worker.email, colleague.email])
    to, subject, body = first[0]
    assert subject == "caseflow: an action is due"
    assert body.startswith("An action of Ezerkrastu sadarbības grupa is due on 12.03.2031.\n")
    assert f"http://127.0.0.1:5000/actions/{act}" in body
    for secret in ("Marta", "Kalniņa", "Apmeklēt", f"L-{world.case.id:06d}"):
        assert all(secret not in b and secret not in s for _t, s, b in first)
    assert row(app, Action, act).last_reminder == "before"

    with time_machine.travel(at(12), tick=False):
        run(app)
        run(app)
    assert len(outbox(app)) == 4
    with time_machine.travel(at(13), tick=False):
        run(app)
    with time_machine.travel(at(20), tick=False):
        run(app)
    messages = outbox(app)
    assert len(messages) == 7  # two before, two on the day, two overdue and the chair's
    overdue = messages[4:]
    assert sorted(to for to, _s, _b in overdue) == sorted([world.social_worker.email, colleague.email,
                                                           world.chair.email])
    assert all(s == "caseflow: an action is overdue" and "was due on 12.03.2031 and is overdue" in b
               for _t, s, b in overdue)
    kinds = [(user, kind) for user, kind, _p, _l in notices(app)]
    assert sorted(kinds) == sorted([(world.social_worker.id, "action_before"), (colleague.id, "action_before"),
                                    (world.social_worker.id, "action_due"), (colleague.id, "action_due"),
                                    (world.social_worker.id, "action_overdue"), (colleague.id, "action_overdue"),
                                    (world.chair.id, "action_overdue")])
    assert all(params == {"group": "Ezerkrastu sadarbības grupa", "due_on": "2031-03-12"} and link == f"/actions/{act}"
               for _u, _k, params, link in notices(app))


def test_the_assignee_alone_is_reminded_and_finished_actions_are_not(app, factory, world):
    mine = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=DUE,
                  assignee_id=world.social_worker.id)
    action(app, group_id=world.group, institution_id=world.mpolice.id, case_id=world.case.id, due_on=DUE,
           status="done")
    with time_machine.travel(at(12), tick=False):
        run(app)
    assert [to for to, _s, _b in outbox(app)] == [world.social_worker.email]
    assert row(app, Action, mine).last_reminder == "due"


def test_the_days_before_come_from_the_municipal_setting(app, factory, world):
    with app.app_context():
        db.session.add(MunicipalSetting(municipality_id=world.home.id, key="action_reminder_days_before",
                                        value="7"))
        db.session.commit()
    action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=DUE,
           assignee_id=world.social_worker.id)
    with time_machine.travel(at(4), tick=False):
        run(app)
    assert outbox(app) == []
    with time_machine.travel(at(5), tick=False):
        run(app)
    assert len(outbox(app)) == 1


def test_without_a_chair_seat_the_coordinators_of_the_municipality_hear_of_overdue(app, factory, world):
    other_group = factory.group(world.home.id, name="Ezerkrastu starpprofesionālā komanda")
    action(app, group_id=other_group, institution_id=world.court.id, case_id=None, due_on=DUE)
    with time_machine.travel(at(14), tick=False):
        run(app)
    assert sorted(to for to, _s, _b in outbox(app)) == sorted([world.court_member.email, world.chair.email])


def test_reminders_are_delivered_over_smtp_once(app, app_factory, factory, world, smtp):  # noqa: F811
    mailer = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": smtp.port})
    act = action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id, due_on=DUE,
                 assignee_id=world.social_worker.id)
    with time_machine.travel(at(12), tick=False):
        run(mailer)
        with mailer.app_context():
            assert deliver_due() == (1, 0)
            run_periodic()
            assert deliver_due() == (0, 0)
    (mail,) = smtp.messages
    assert mail["To"] == world.social_worker.email and mail["Subject"] == "caseflow: an action is due"
    assert f"/actions/{act}" in text_of(mail) and "Marta" not in text_of(mail)


def test_smtp_down_the_reminder_waits_and_goes_once_when_back(app, app_factory, factory, world):
    port = free_port()
    mailer = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": port, "SMTP_TIMEOUT_SECONDS": 2})
    action(app, group_id=world.group, institution_id=world.social.id, case_id=None, due_on=DUE,
           assignee_id=world.social_worker.id)
    with time_machine.travel(at(12), tick=False) as traveller:
        run(mailer)
        with mailer.app_context():
            assert deliver_due() == (0, 1)
        run(mailer)  # the worker goes on: no second reminder is queued
        with smtp_server(port) as sink:
            traveller.shift(31)
            with mailer.app_context():
                assert deliver_due() == (1, 0)
                traveller.shift(3600)
                run_periodic()
                assert deliver_due() == (0, 0)
    assert len(sink.messages) == 1 and len(outbox(app)) == 1
