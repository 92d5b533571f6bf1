"""Participation as the policy sees it: a member institution sees an agenda case only while the
session's minutes are open, unless it holds an action; the chair sees every agenda case."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.access import Permission, can, scope
from caseflow.access.policy import load_actor
from caseflow.cases.models import Case
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import GroupSession
from caseflow.people.models import Membership, User
from tests.meetings.world import action, item, session


def actor_of(user):
    membership = db.session.get(Membership, user.membership_id)
    return load_actor(db.session.get(User, user.id), membership)


def sees(app, user, case_id: int) -> bool:
    with app.app_context():
        actor = actor_of(user)
        in_scope = case_id in set(db.session.scalars(scope(select(Case.id), actor, Permission.CASE_VIEW, Case)))
        allowed = can(actor, Permission.CASE_VIEW, db.session.get(Case, case_id))
        assert in_scope == allowed
        return allowed


def set_status(app, session_id: int, status: str) -> None:
    with app.app_context():
        db.session.get(GroupSession, session_id).status = status
        db.session.commit()


@pytest.mark.parametrize("status, member_sees", [("planned", True), ("held", True), ("approved", False),
                                                 ("cancelled", False)])
def test_a_member_sees_an_agenda_case_only_in_its_window(app, world, status, member_sees):
    s = session(app, world.group)
    item(app, s, case_id=world.case2.id)
    set_status(app, s, status)
    for member in (world.social_worker, world.court_member, world.inspector, world.officer):
        assert sees(app, member, world.case2.id) is member_sees
    assert sees(app, world.chair, world.case2.id)  # the chair keeps sight of every agenda case
    assert not sees(app, world.away_chair, world.case2.id)
    assert not sees(app, world.pedagogue2, world.case2.id)  # school2 has no seat
    assert not sees(app, world.teacher, world.case2.id)


def test_an_action_keeps_the_institution_in_sight_after_the_minutes_are_approved(app, world):
    s = session(app, world.group)
    i = item(app, s, case_id=world.case2.id)
    action(app, group_id=world.group, institution_id=world.social.id, case_id=world.case2.id,
           due_on=local_today() + timedelta(days=14), item_id=i)
    set_status(app, s, "approved")
    assert sees(app, world.social_worker, world.case2.id)
    assert not sees(app, world.inspector, world.case2.id)


def test_outside_institutions_see_nothing_without_participation(app, world):
    for user in (world.social_worker, world.court_member, world.inspector, world.officer):
        for case in (world.case, world.case2, world.case_other):
            assert not sees(app, user, case.id)
