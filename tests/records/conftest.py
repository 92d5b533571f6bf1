"""A pupil with something in every table the export reads, a second pupil on the same session,
and a data-protection officer."""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from caseflow.crypto import seal
from caseflow.db import local_today
from caseflow.extensions import db
from tests.meetings import world as w_helpers
from tests.meetings.world import build_world

SUMMARY = "Neapmeklē skolu kopš oktobra"
RISK_TEXT = "Mājās trūkst siltuma"
NOTE_V1 = "Saruna ar māti pirmdien"
NOTE_V2 = "Saruna ar māti otrdien, labots"
PARTY = "Inga Kalniņa"
PHONE = "+371 20000001"
DISCUSSION = "Grupa uzklausīja Martu un māti"
REPORT = "Sociālais dienests apmeklēja ģimeni"
FOLLOW_UP = "Ģimene apmeklēta otro reizi"
GOALS = "Uzlabot matemātikas sekmes"
CONCERN = "Bieži guļ stundās"
OTHER_DISCUSSION = "Jāņa konflikti ar klasesbiedriem"
OTHER_REPORT = "Policija saņēma ziņu par Jāni"


@pytest.fixture
def world(app, factory):
    """build_world plus a rich record for `pupil` (case `case`) and pupil2's item on the same session."""
    from caseflow.actions.models import Action, FollowUp
    from caseflow.cases.models import Case, CaseEvent, CaseParty, CaseRiskFactor, Note
    from caseflow.concerns.models import Concern
    from caseflow.meetings.models import AgendaItem, Attendance, ItemReport, SessionRequest
    from caseflow.plans.models import DeliveredHours, PlanMeasure, SupportPlan

    w = build_world(app, factory)
    w.dpo = factory.user("dpo", w.board.id, locale="en")
    w.session = w_helpers.session(app, w.group, day=local_today() - timedelta(days=3), status="held")
    w.item = w_helpers.item(app, w.session, case_id=w.case.id, position=1)
    w.other_item = w_helpers.item(app, w.session, case_id=w.case2.id, position=2)
    w.action = w_helpers.action(app, group_id=w.group, institution_id=w.social.id, case_id=w.case.id,
                                due_on=local_today() + timedelta(days=10), item_id=w.item)
    scope, other_scope = f"pupil:{w.pupil.id}", f"pupil:{w.pupil2.id}"
    risk_item, measure_type = factory.risk_item(w.home.id), factory.entry(w.home.id, "measure_type")
    with app.app_context():
        case = db.session.get(Case, w.case.id)
        risk = CaseRiskFactor(case_id=case.id, item_id=risk_item, added_on=date(2026, 9, 15),
                              added_by_id=w.pedagogue.id)
        party = CaseParty(case_id=case.id, kind="mother", full_name=PARTY, is_legal_representative=True)
        event = CaseEvent(case_id=case.id, kind="opened", user_id=w.pedagogue.id, institution_id=w.school.id)
        v1 = Note(case_id=case.id, author_id=w.pedagogue.id, author_institution_id=w.school.id, kind="health")
        db.session.add_all([risk, party, event, v1])
        db.session.flush()
        v1.root_id = v1.id
        v1.superseded_at = v1.created_at
        v2 = Note(case_id=case.id, root_id=v1.id, version=2, author_id=w.pedagogue.id,
                  author_institution_id=w.school.id, kind="health")
        db.session.add(v2)
        seal(risk, "description", RISK_TEXT, scope=scope)
        seal(party, "contact", json.dumps({"phone": PHONE}), scope=scope)
        seal(event, "text", "Atvērta pēc skolotājas ziņojuma", scope=scope)
        seal(v1, "body", NOTE_V1, scope=scope)
        seal(v2, "body", NOTE_V2, scope=scope)
        item = db.session.get(AgendaItem, w.item)
        seal(item, "discussion", DISCUSSION, scope=scope)
        report = ItemReport(item_id=w.item, institution_id=w.social.id)
        other = db.session.get(AgendaItem, w.other_item)
        seal(other, "discussion", OTHER_DISCUSSION, scope=other_scope)
        other_report = ItemReport(item_id=w.other_item, institution_id=w.mpolice.id)
        db.session.add_all([report, other_report, Attendance(session_id=w.session, kind="parent",
                                                             name="Pēteris Ozols", item_id=w.other_item)])
        seal(report, "text", REPORT, scope=scope)
        seal(other_report, "text", OTHER_REPORT, scope=other_scope)
        follow = FollowUp(action_id=w.action, on=local_today(), logged_by_id=w.social_worker.id,
                          institution_id=w.social.id)
        seal(follow, "text", json.dumps({"done": FOLLOW_UP, "result": "Labi"}), scope=scope)
        request = SessionRequest(group_id=w.group, case_id=case.id, requester_kind="parents",
                                 submitted_by_id=w.pedagogue.id, submitted_by_institution_id=w.school.id)
        seal(request, "reasons", "Māte lūdz uzklausīt", scope=scope)
        concern = Concern(municipality_id=w.home.id, school_id=w.school.id, pupil_id=w.pupil.id,
                          reported_by_id=w.teacher.id, reported_by_institution_id=w.school.id)
        seal(concern, "noticed", CONCERN, scope=scope)
        plan = SupportPlan(municipality_id=w.home.id, school_id=w.school.id, pupil_id=w.pupil.id, case_id=case.id,
                           starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 22), created_by_id=w.pedagogue.id)
        seal(plan, "goals", GOALS, scope=scope)
        measure = PlanMeasure(plan_id=plan.id, type_id=measure_type,
                              planned_hours=Decimal("10"), deliverer_id=w.teacher.id)
        db.session.add(measure)
        db.session.flush()
        db.session.add(DeliveredHours(measure_id=measure.id, on=date(2026, 10, 1), hours=Decimal("1.5"),
                                      logged_by_id=w.teacher.id))
        db.session.add(Action(municipality_id=w.home.id, group_id=w.group, case_id=w.case2.id,
                              institution_id=w.mpolice.id, due_on=local_today()))
        db.session.commit()
        w.plan, w.party, w.note = plan.id, party.id, v1.id
    return w
