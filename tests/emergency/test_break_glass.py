"""Break-the-glass: one case, 60 minutes, a reason, a justification and a fresh second factor."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from caseflow.access.policy import can, load_actor, set_request_actor
from caseflow.actions.models import Notice
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case
from caseflow.emergency.models import EmergencyGrant
from caseflow.emergency.selectors import active_grant
from caseflow.emergency.services import notice_text
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.people.auth.models import SignInFailure
from caseflow.people.models import Membership, User
from tests.emergency.conftest import JUSTIFICATION, T0, ask, count


def _number(case_id: int) -> str:
    return f"L-{case_id:06d}"


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return rows


def _nothing_written(app) -> None:
    assert count(app, EmergencyGrant) == 0
    assert count(app, Notice) == 0
    assert count(app, OutboxMessage) == 0


def test_a_grant_opens_one_case_for_sixty_minutes_and_not_a_minute_more(app, client, factory, world):
    w = world
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.court_member)
        assert client.get(f"/cases/{w.case_other.id}").status_code == 404
        form = client.get("/emergency/").get_data(as_text=True)
        assert 'for="reference"' in form and 'autocomplete="one-time-code"' in form
        assert "A crime in progress" in form
        response = ask(client, w.court_member, _number(w.case_other.id))
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/cases/{w.case_other.id}")
        assert client.get(f"/cases/{w.case_other.id}").status_code == 200
        # only that case
        assert client.get(f"/cases/{w.case2.id}").status_code == 404
    with app.app_context():
        grant = db.session.scalars(select(EmergencyGrant)).one()
        assert (grant.user_id, grant.institution_id, grant.case_id) == (w.court_member.id, w.court.id,
                                                                       w.case_other.id)
        assert grant.reason == "life_or_health"
        assert grant.granted_at == T0 and grant.expires_at == T0 + timedelta(minutes=60)
        assert grant.reviewed_at is None
        assert JUSTIFICATION.encode() not in bytes(grant.justification_enc)
    with time_machine.travel(T0 + timedelta(minutes=59, seconds=59), tick=False):
        factory.login(client, w.court_member)
        assert client.get(f"/cases/{w.case_other.id}").status_code == 200
    with time_machine.travel(T0 + timedelta(minutes=60), tick=False):
        factory.login(client, w.court_member)
        assert client.get(f"/cases/{w.case_other.id}").status_code == 404
    reads = [e for e in _audit(app, "case.read") if e.user_id == w.court_member.id]
    assert len(reads) == 2 and {e.pupil_id for e in reads} == {w.pupil3.id}
    [granted] = _audit(app, "emergency.grant")
    assert granted.pupil_id == w.pupil3.id and granted.user_id == w.court_member.id
    assert JUSTIFICATION not in granted.detail


def test_the_grant_shows_the_case_only_and_changes_nothing(app, client, factory, world):
    w = world
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.inspector)
        assert ask(client, w.inspector, _number(w.case2.id)).status_code == 302
        with app.app_context():
            account = db.session.get(User, w.inspector.id)
            actor = load_actor(account, db.session.get(Membership, w.inspector.membership_id))
            case = db.session.get(Case, w.case2.id)
            assert can(actor, "case.view", case)
            assert not can(actor, "case.edit", case)
            assert not can(actor, "case.view", db.session.get(Case, w.case.id))
            assert active_grant(actor, case).expires_at == T0 + timedelta(minutes=60)
            assert active_grant(actor, db.session.get(Case, w.case.id)) is None
        with app.test_request_context(), force_locale("en"):
            set_request_actor(actor)
            banner = render_template("emergency/_banner.html", case=case)
            other = render_template("emergency/_banner.html", case=db.session.get(Case, w.case.id))
        local = (T0 + timedelta(minutes=60)).astimezone(ZoneInfo("Europe/Riga")).strftime("%H:%M")
        assert f"Emergency access until {local}" in banner
        assert "Emergency access" not in other


def test_asking_again_after_expiry_creates_a_new_grant(app, client, factory, world):
    w = world
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.officer)
        assert ask(client, w.officer, _number(w.case_other.id)).status_code == 302
    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        factory.login(client, w.officer)
        assert client.get(f"/cases/{w.case_other.id}").status_code == 404
        response = ask(client, w.officer, _number(w.case_other.id), reason="crime_in_progress",
                       justification="Policija saņēma ziņu par noziegumu, kas notiek tagad.")
        assert response.status_code == 302
        assert client.get(f"/cases/{w.case_other.id}").status_code == 200
    with app.app_context():
        grants = db.session.scalars(select(EmergencyGrant).order_by(EmergencyGrant.id)).all()
        assert [g.reason for g in grants] == ["life_or_health", "crime_in_progress"]
        assert grants[1].expires_at == T0 + timedelta(minutes=121)


def test_a_pupils_exact_personal_code_finds_the_case(app, client, factory, world):
    w = world
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.court_member)
        response = ask(client, w.court_member, w.pupil3.personal_code)
        assert response.headers["Location"].endswith(f"/cases/{w.case_other.id}")
    with app.app_context():
        assert db.session.scalar(select(EmergencyGrant.case_id)) == w.case_other.id


@pytest.mark.parametrize("role", ["teacher", "social_worker", "social_pedagogue", "coordinator", "dpo"])
def test_other_roles_are_refused_the_form(app, client, factory, world, role):
    user = factory.user(role, world.school.id if role in ("teacher", "social_pedagogue") else world.social.id)
    factory.login(client, user)
    assert client.get("/emergency/").status_code == 403
    assert ask(client, user, _number(world.case_other.id)).status_code == 403
    _nothing_written(app)


def test_a_wrong_code_refuses_and_writes_nothing(app, client, factory, world):
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        response = ask(client, world.court_member, _number(world.case_other.id), code="000000")
        assert response.status_code == 200
        assert "The code is not right" in response.get_data(as_text=True)
        assert client.get(f"/cases/{world.case_other.id}").status_code == 404
    _nothing_written(app)
    [failed] = _audit(app, "emergency.code_failed")
    assert failed.user_id == world.court_member.id
    assert count(app, SignInFailure) == 3  # counted like a failed sign-in: account, address, both


def test_a_short_justification_is_too_short(app, client, factory, world):
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        response = ask(client, world.court_member, _number(world.case_other.id), justification="Steidzami!")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="justification-error"' in html and "too short" in html
    _nothing_written(app)


@pytest.mark.parametrize("reference", ["L-999999", "nav numurs", "010203-12345"])
def test_an_unknown_case_is_refused(app, client, factory, world, reference):
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        response = ask(client, world.court_member, reference)
    assert response.status_code == 200
    assert 'id="reference-error"' in response.get_data(as_text=True)
    _nothing_written(app)
    assert [e.user_id for e in _audit(app, "emergency.case_not_found")] == [world.court_member.id]


def test_a_case_of_another_municipality_cannot_be_opened(app, client, factory, world):
    away_school = factory.institution(world.away.id, kind="basic_school")
    pupil = factory.pupil(away_school.id)
    pedagogue = factory.user("social_pedagogue", away_school.id)
    away_case = factory.case(pupil.id, away_school.id, pedagogue.id)
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        for reference in (_number(away_case.id), pupil.personal_code):
            response = ask(client, world.court_member, reference)
            assert 'id="reference-error"' in response.get_data(as_text=True)
    _nothing_written(app)
    assert [e.user_id for e in _audit(app, "emergency.case_not_found")] == [world.court_member.id] * 2


def test_a_case_already_in_sight_needs_no_grant(app, client, factory, world):
    from tests.meetings.world import item, session

    agenda = session(app, world.group)
    item(app, agenda, case_id=world.case.id)
    with time_machine.travel(T0, tick=False):
        factory.login(client, world.court_member)
        response = ask(client, world.court_member, _number(world.case.id))
    assert response.headers["Location"].endswith(f"/cases/{world.case.id}")
    _nothing_written(app)


def test_the_school_owners_and_the_municipalitys_officer_are_told(app, client, factory, world):
    w = world
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.court_member)
        ask(client, w.court_member, _number(w.case2.id))
    with app.app_context():
        notices = {n.user_id: n for n in db.session.scalars(select(Notice))}
        mails = {m.user_id: m for m in db.session.scalars(select(OutboxMessage))}
        grant_id = db.session.scalar(select(EmergencyGrant.id))
    assert set(notices) == set(mails) == {w.head.id, w.pedagogue.id, w.dpo.id}
    assert notices[w.head.id].kind == "emergency_owner"
    assert notices[w.head.id].link == f"/cases/{w.case2.id}"
    assert notices[w.dpo.id].kind == "emergency_review"
    assert notices[w.dpo.id].link == f"/emergency/review/{grant_id}"
    for mail in mails.values():
        text = mail.subject + (mail.body or "")
        assert "Ozols" not in text and "Jānis" not in text and JUSTIFICATION not in text
        assert "emergency access" in text
    with app.test_request_context(), force_locale("en"):
        assert "emergency access" in notice_text(notices[w.head.id].kind)
        assert "waits for your review" in notice_text(notices[w.dpo.id].kind)
    [told] = _audit(app, "emergency.notify")
    assert told.detail and str(w.dpo.id) in told.detail


def test_without_an_officer_in_the_municipality_every_officer_is_told(app, client, factory, world):
    w = world
    with app.app_context():
        db.session.get(Membership, w.dpo.membership_id).institution_id = w.away_board.id
        db.session.commit()
    with time_machine.travel(T0, tick=False):
        factory.login(client, w.court_member)
        ask(client, w.court_member, _number(w.case_other.id))
    with app.app_context():
        told = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "emergency_review")))
    assert told == {w.dpo.id, w.away_dpo.id}
