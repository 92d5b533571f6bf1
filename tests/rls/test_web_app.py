"""The real app connected as the web role: pages work for the people the policy lets in, and a query
that forgot its scope still finds nothing of another municipality."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from caseflow.cases.models import Case, Note
from caseflow.extensions import db
from tests.rls.conftest import actor_of


def _client(web_app, owner_factory, user):
    client = web_app.test_client()
    owner_factory.login(client, user)
    return client


def test_a_pedagogue_works_with_the_case_list_and_page(web_app, owner_factory, world):
    client = _client(web_app, owner_factory, world.pedagogue)
    listing = client.get("/cases/?view=school")
    assert listing.status_code == 200
    assert f"L-{world.case.id:06d}".encode() in listing.data
    assert f"L-{world.away_case.id:06d}".encode() not in listing.data
    page = client.get(f"/cases/{world.case.id}")
    assert page.status_code == 200 and "Neapmeklē skolu kopš oktobra".encode() in page.data
    assert client.get(f"/pupils/{world.pupil.id}").status_code == 200


def test_another_municipalitys_case_is_404_and_out_of_the_databases_sight(web_app, owner_app, owner_factory,
                                                                         world):
    assert _client(web_app, owner_factory, world.away_pedagogue).get(f"/cases/{world.case.id}").status_code == 404
    # the second line: a query with no scope at all, inside a request of the away pedagogue
    with web_app.test_request_context("/"):
        g.actor = actor_of(owner_app, world.away_pedagogue)
        assert db.session.get(Case, world.case.id) is None
        assert set(db.session.scalars(select(Case.id))) == {world.away_case.id}
        assert list(db.session.scalars(select(Note.case_id))) == [world.away_case.id]
        db.session.rollback()
    with web_app.test_request_context("/"):
        g.actor = actor_of(owner_app, world.pedagogue)
        assert db.session.get(Case, world.case.id) is not None
        db.session.rollback()
    # outside a request (a job run with the web role's URL by mistake): nothing at all
    with web_app.app_context():
        assert db.session.scalars(select(Case.id)).all() == []
        db.session.rollback()


def test_a_case_shared_across_the_border_opens_for_the_receiving_participant(web_app, owner_factory, world):
    chair = _client(web_app, owner_factory, world.chair)
    worker = _client(web_app, owner_factory, world.away_worker)
    url = f"/cases/{world.shared_case.id}"
    assert worker.get(url).status_code == 404
    shared = chair.post(f"{url}/participants/share", data={"share-institution_id": world.away_social.id,
                                                            "share-reason": "Deklarēta Kalnu novadā"})
    assert shared.status_code == 302
    page = worker.get(url)
    assert page.status_code == 200 and "Dzīvo pie vecmāmiņas".encode() in page.data
    # the receiving side writes a note: the row passes the policy's check on insert
    written = worker.post(f"{url}/notes/new", data={"note-kind": "general", "note-visibility": "team",
                                                    "note-text": "Ģimene apmeklēta"})
    assert written.status_code == 302
    assert "Ģimene apmeklēta".encode() in chair.get(url).data
    # a third municipality's social service still gets nothing
    third = owner_factory.user("social_worker", world.third_social.id, locale="en")
    assert _client(web_app, owner_factory, third).get(url).status_code == 404


def test_the_owner_runs_the_worker_over_every_municipality(owner_app, web_app, world):
    from datetime import timedelta

    from caseflow.actions.models import Action
    from caseflow.actions.reminders import send_reminders
    from caseflow.db import local_today
    from tests.meetings.world import action

    overdue = local_today() - timedelta(days=1)
    made = {action(owner_app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                   due_on=overdue),
            action(owner_app, group_id=world.away_group, institution_id=world.away_social.id,
                   case_id=world.away_case.id, due_on=overdue)}
    # the web role outside a request has no key: a job run with its URL by mistake finds nothing
    with web_app.app_context():
        assert send_reminders() == 0
        db.session.rollback()
    with owner_app.app_context():
        assert send_reminders() == 2
        db.session.commit()
        reminded = set(db.session.scalars(select(Action.id).where(Action.last_reminder == "overdue")))
    assert reminded == made


def test_a_token_opened_page_is_keyed_for_every_institution_the_person_works_at(owner_app, web_app, world):
    from datetime import date

    from caseflow.access import rls
    from caseflow.actions.models import Action
    from tests.meetings.world import action

    home = action(owner_app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=date(2026, 12, 20))
    away = action(owner_app, group_id=world.away_group, institution_id=world.away_police.id,
                  case_id=world.away_case.id, due_on=date(2026, 12, 20))
    with web_app.test_request_context("/"):  # no signed-in actor, as on the calendar feed
        assert db.session.scalars(select(Action.id)).all() == []
        rls.key_for_person(world.social_worker.id, [world.social.id, world.away_police.id])
        assert set(db.session.scalars(select(Action.id))) == {home, away}
        db.session.rollback()
