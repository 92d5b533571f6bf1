"""The case page's "who takes part" section: every participating institution, since when and why,
in a constant number of statements."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_babel import force_locale

from caseflow.access.policy import load_actor, set_request_actor
from caseflow.cases.models import Case
from caseflow.cases.selectors.cases import load_case
from caseflow.crypto import seal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from caseflow.sharing.models import CaseParticipant
from caseflow.sharing.selectors import for_case_page
from tests.meetings.world import action, item, session
from tests.querycount import StatementCounter


def _participant(app, case_id, institution_id, why, by_id):
    with app.app_context():
        row = CaseParticipant(case_id=case_id, institution_id=institution_id, why=why, since=utcnow(),
                              added_by_id=by_id)
        db.session.add(row)
        db.session.flush()
        seal(row, "reason", f"Iemesls {institution_id}", scope=f"pupil:{db.session.get(Case, case_id).pupil_id}")
        db.session.commit()


def _section(app, user, case_id, counter=None):
    with app.test_request_context(), force_locale("en"):
        actor = load_actor(db.session.get(User, user.id), db.session.get(Membership, user.membership_id))
        set_request_actor(actor)
        case = load_case(case_id)
        _ = case.school.name
        if counter is None:
            return for_case_page(case, actor), None
        with counter:
            context = for_case_page(case, actor)
        return context, render_template("sharing/_case_section.html", case=case, **context)


def _build(app, world, extra: int):
    s = session(app, world.group, day=local_today() + timedelta(days=3 + extra), number=1 + extra)
    item(app, s, case_id=world.shared_case.id)
    action(app, group_id=world.group, institution_id=[world.social, world.court][extra % 2].id,
           case_id=world.shared_case.id, due_on=local_today() + timedelta(days=30))
    institution, why = [(world.away_social, "shared"), (world.away_court, "shared"),
                        (world.mpolice, "added_by_coordinator"), (world.spolice, "added_by_coordinator")][extra]
    _participant(app, world.shared_case.id, institution.id, why, world.chair.id)


def test_the_section_lists_every_participant_and_why(app, world):
    _build(app, world, 0)
    _build(app, world, 2)
    context, _ = _section(app, world.chair, world.shared_case.id)
    rows = [(r.institution, r.why) for r in context["sharing_rows"]]
    assert rows[0] == (world.school.name, "Owns the case")
    assert (world.social.name, "Holds an action") in rows
    assert (world.away_social.name, "Shared with the pupil's declared municipality") in rows
    assert (world.mpolice.name, "Added by the coordinator") in rows
    on_agenda = {name for name, why in rows if why.startswith("On the agenda of")}
    assert {world.board.name, world.social.name, world.court.name, world.school.name} <= on_agenda
    assert context["sharing_may_manage"]
    # the receiving social worker sees the list, not the managing link
    worker_context, _ = _section(app, world.away_worker, world.shared_case.id)
    assert not worker_context["sharing_may_manage"]
    assert all(r.reason is None for r in worker_context["sharing_rows"])  # reasons are the coordinators'
    assert len(worker_context["sharing_rows"]) == len(rows)


def test_the_section_costs_a_constant_number_of_statements(app, world):
    _build(app, world, 0)
    counter = StatementCounter(app)
    _, html = _section(app, world.chair, world.shared_case.id, counter)
    first = len(counter)
    assert "Who takes part" in html and world.away_social.name in html
    for extra in (1, 2, 3):
        _build(app, world, extra)
    counter = StatementCounter(app)
    _, html = _section(app, world.chair, world.shared_case.id, counter)
    assert len(counter) == first <= 6, counter.statements
    assert world.away_court.name in html and f"Iemesls {world.away_court.id}" in html
