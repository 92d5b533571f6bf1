"""Invitations: every current seat and the invited persons get an e-mail with a calendar entry that two
independent parsers read; changes and cancellations keep the UID and raise SEQUENCE; no child data."""
from __future__ import annotations

import icalendar
import pytest
import vobject
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.meetings.models import AgendaItem, Attendance, GroupMember, GroupSession
from caseflow.notify.models import OutboxMessage
from caseflow.notify.worker import deliver_due
from caseflow.people.models import User
from tests.meetings.sessions_helpers import (
    audit_of,
    count,
    rows,
    schedule_data,
    text,
    weekday_ahead,
)
from tests.meetings.world import item, session
from tests.notify.smtp import (
    smtp,  # noqa: F401 — a real SMTP server on a free port
    text_of,
)

CHILD_WORDS = ("Marta", "Kalniņa", "Jānis", "Ozols", "Neapmeklē")


def invite(app, client, factory, world, **session_kwargs) -> int:
    s = session(app, world.group, day=weekday_ahead(), **session_kwargs)
    item(app, s, case_id=world.case.id)
    factory.login(client, world.chair)
    return s


def outbox(app) -> list[OutboxMessage]:
    return rows(app, OutboxMessage)


def parse(ics: str):
    """The calendar and its event, read by icalendar and (independently) by vobject."""
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = [c for c in calendar.walk("VEVENT")]
    other = vobject.readOne(ics)
    assert str(other.vevent.uid.value) == str(event["UID"])
    assert int(other.vevent.sequence.value) == int(event["SEQUENCE"])
    assert other.vevent.dtstart.value.utcoffset() == event.decoded("DTSTART").utcoffset()
    return calendar, event, other


def test_sending_invites_every_seat_with_a_calendar_entry(app, client, factory, world):
    s = invite(app, client, factory, world)
    response = client.post(f"/meetings/sessions/{s}/invitations/send", follow_redirects=True)
    assert "Invitations sent: 6." in text(response)
    attendees = rows(app, Attendance)
    assert {a.member_id for a in attendees} == set(vars(world.seats).values())
    assert {a.kind for a in attendees} == {"member", "advisory"}
    assert all(a.invited_at is not None and a.email for a in attendees)
    the_session = rows(app, GroupSession)[0]
    assert the_session.invitations_sent_at is not None
    messages = outbox(app)
    assert sorted(m.to_address for m in messages) == sorted(a.email for a in attendees)
    for message in messages:
        assert message.subject == f"Invitation: session {the_session.label} of Ezerkrastu sadarbības grupa"
        assert f"/meetings/sessions/{s}" in message.body and "Domes zāle" in message.body
        for word in CHILD_WORDS:
            assert word not in message.subject + message.body + message.ics
        calendar, event, other = parse(message.ics)
        assert str(calendar["METHOD"]) == "REQUEST" and other.method.value == "REQUEST"
        assert str(event["UID"]) == the_session.uid and int(event["SEQUENCE"]) == 0
        assert event["DTSTART"].params["TZID"] == "Europe/Riga" and event["DTEND"].params["TZID"] == "Europe/Riga"
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Riga"]
        assert event.decoded("DTSTART") == the_session.starts_at and event.decoded("DTEND") == the_session.ends_at
        assert str(event["LOCATION"]) == "Domes zāle"
        assert str(event["URL"]).endswith(f"/meetings/sessions/{s}")
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert str(event["ATTENDEE"]) == f"mailto:{message.to_address}"
    assert audit_of(app, "session.invite")[0].detail["attendance_ids"] == sorted(a.id for a in attendees)

    # sending again mails nobody twice
    again = client.post(f"/meetings/sessions/{s}/invitations/send", follow_redirects=True)
    assert "Invitations sent: 0." in text(again) and len(outbox(app)) == 6


def test_a_seat_without_an_address_is_named_and_nothing_is_sent(app, client, factory, world):
    s = invite(app, client, factory, world)
    with app.app_context():
        db.session.get(GroupMember, world.seats.court).user_id = None
        db.session.commit()
    response = client.post(f"/meetings/sessions/{s}/invitations/send", follow_redirects=True)
    assert ('The seat "Bāriņtiesas priekšsēdētājs" (Ezerkrastu bāriņtiesa) has no person with an e-mail '
            "address") in text(response)
    assert count(app, Attendance) == 0 and count(app, OutboxMessage) == 0
    assert rows(app, GroupSession)[0].invitations_sent_at is None


def test_an_invitee_without_an_address_is_refused(app, client, factory, world):
    s = invite(app, client, factory, world)
    item_id = rows(app, AgendaItem)[0].id
    data = {"name": "Inese Kalniņa", "email": "", "kind": "parent", "item_id": str(item_id)}
    response = client.post(f"/meetings/sessions/{s}/invitations/add", data=data)
    assert 'id="email-error">An invited person needs an e-mail address' in text(response)
    assert count(app, Attendance) == 0 and count(app, OutboxMessage) == 0

    client.post(f"/meetings/sessions/{s}/invitations/add", data=data | {"email": "inese@example.lv"})
    (parent,) = rows(app, Attendance)
    assert (parent.kind, parent.item_id, parent.invited_at) == ("parent", item_id, None)
    assert count(app, OutboxMessage) == 0  # mailed with the others when the invitations go out
    client.post(f"/meetings/sessions/{s}/invitations/send")
    mail = rows(app, OutboxMessage, OutboxMessage.to_address == "inese@example.lv")[0]
    assert "Kalniņa" not in mail.subject + mail.body + mail.ics
    late = data | {"name": "Marta Kalniņa", "email": "marta@example.lv", "kind": "pupil"}
    client.post(f"/meetings/sessions/{s}/invitations/add", data=late)
    mail = rows(app, OutboxMessage, OutboxMessage.to_address == "marta@example.lv")[0]
    assert "Marta" not in mail.subject + mail.body + mail.ics
    _calendar, event, _other = parse(mail.ics)
    assert "CN" not in event["ATTENDEE"].params


def test_a_proposed_session_is_confirmed_before_invitations(app, client, factory, world):
    s = invite(app, client, factory, world, status="proposed")
    response = client.post(f"/meetings/sessions/{s}/invitations/send", follow_redirects=True)
    assert "Confirm the proposed session before sending invitations." in text(response)
    assert count(app, OutboxMessage) == 0
    client.post(f"/meetings/sessions/{s}/confirm")
    assert rows(app, GroupSession)[0].status == "planned"
    assert "Invitations sent: 6." in text(client.post(f"/meetings/sessions/{s}/invitations/send",
                                                      follow_redirects=True))


def test_a_change_sends_an_update_and_a_cancellation_cancels_with_the_same_uid(app, client, factory, world):
    s = invite(app, client, factory, world)
    client.post(f"/meetings/sessions/{s}/invitations/send")
    the_session = rows(app, GroupSession)[0]
    first = {m.id for m in outbox(app)}
    day = weekday_ahead(21)
    client.post(f"/meetings/sessions/{s}/edit", data=schedule_data(day, place="Skolas aktu zāle"))
    updates = [m for m in outbox(app) if m.id not in first]
    assert len(updates) == 6
    for message in updates:
        calendar, event, _other = parse(message.ics)
        assert str(calendar["METHOD"]) == "REQUEST" and message.subject.startswith("Changed:")
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (the_session.uid, 1)
        assert event.decoded("DTSTART").date() == day and str(event["LOCATION"]) == "Skolas aktu zāle"

    seen = {m.id for m in outbox(app)}
    client.post(f"/meetings/sessions/{s}/cancel", data={"reason": "Priekšsēdētājs slims"})
    cancellations = [m for m in outbox(app) if m.id not in seen]
    assert len(cancellations) == 6
    for message in cancellations:
        calendar, event, other = parse(message.ics)
        assert str(calendar["METHOD"]) == "CANCEL" and other.method.value == "CANCEL"
        assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (the_session.uid, 2, "CANCELLED")
        assert "slims" not in message.body + message.ics


def test_invitations_reach_a_real_smtp_server(app_factory, factory_on, smtp):  # noqa: F811
    app, client, factory, world = factory_on(smtp.port)
    s = session(app, world.group, day=weekday_ahead())
    factory.login(client, world.chair)
    client.post(f"/meetings/sessions/{s}/invitations/send")
    with app.app_context():
        assert deliver_due() == (6, 0)
        assert deliver_due() == (0, 0)
        addresses = set(db.session.scalars(select(User.email).where(User.id.in_(
            select(GroupMember.user_id).where(GroupMember.group_id == world.group)))))
    assert {m["To"] for m in smtp.messages} == addresses
    received = smtp.messages[0]
    assert "Ezerkrastu sadarbības grupa" in received["Subject"]
    assert f"/meetings/sessions/{s}" in text_of(received)
    (attachment,) = [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
    payload = attachment.get_content()
    payload = payload.decode() if isinstance(payload, bytes) else payload
    _calendar, event, _other = parse(payload)
    assert str(event["UID"]) == rows(app, GroupSession)[0].uid


@pytest.fixture
def factory_on(app_factory):
    """An app that sends mail over SMTP to the given port, with the meetings world built in it."""
    from tests.factories import Factory
    from tests.meetings.world import build_world

    def make(port: int):
        app = app_factory({"MAIL_TRANSPORT": "smtp", "SMTP_PORT": port})
        factory = Factory(app)
        return app, app.test_client(), factory, build_world(app, factory)

    return make


def test_the_invitations_page_lists_invitees_for_the_chair_only(app, client, factory, world):
    s = invite(app, client, factory, world)
    client.post(f"/meetings/sessions/{s}/invitations/add",
                data={"name": "Inese Kalniņa", "email": "inese@example.lv", "kind": "parent", "item_id": ""})
    page = text(client.get(f"/meetings/sessions/{s}/invitations"))
    assert "Inese Kalniņa" in page and "inese@example.lv" in page and "Not sent yet" in page
    factory.login(client, world.inspector)
    assert client.get(f"/meetings/sessions/{s}/invitations").status_code == 404
    session_page = text(client.get(f"/meetings/sessions/{s}"))
    assert "Inese Kalniņa" not in session_page and "Parent or legal representative" in session_page
