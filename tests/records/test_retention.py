"""Retention of closed cases: anonymised the day after their period ends, never under a legal hold,
a second run changes nothing, and the pupil's data key goes only when nothing of the pupil is kept."""
from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.records.services import retention
from tests.records import conftest as data
from tests.records import retention_helpers as r
from tests.records.helpers import audit_rows


def _texts(app, w) -> dict:
    from caseflow.actions.models import FollowUp
    from caseflow.cases.models import Case, CaseParty, CaseRiskFactor, Note
    from caseflow.crypto import unseal
    from caseflow.meetings.models import AgendaItem, ItemReport
    from caseflow.plans.models import SupportPlan
    from caseflow.pupils.models import Pupil

    with app.app_context():
        party = db.session.get(CaseParty, w.party)
        return {
            "summary": unseal(db.session.get(Case, w.case.id), "summary"),
            "risk": unseal(db.session.scalars(select(CaseRiskFactor)).first(), "description"),
            "party": (party.full_name, unseal(party, "contact")),
            "notes": [unseal(n, "body") for n in db.session.scalars(select(Note).where(Note.case_id == w.case.id))],
            "discussion": unseal(db.session.get(AgendaItem, w.item), "discussion"),
            "report": [unseal(r, "text") for r in db.session.scalars(select(ItemReport).where(
                ItemReport.item_id == w.item))],
            "follow_up": [unseal(f, "text") for f in db.session.scalars(select(FollowUp))],
            "goals": unseal(db.session.get(SupportPlan, w.plan), "goals"),
            "other_discussion": unseal(db.session.get(AgendaItem, w.other_item), "discussion"),
            "code": unseal(db.session.get(Pupil, w.pupil.id), "personal_code"),
        }


def _key(app, pupil_id: int):
    from caseflow.crypto.models import DataKey

    with app.app_context():
        key = db.session.scalar(select(DataKey).where(DataKey.scope == f"pupil:{pupil_id}"))
        return key.wrapped is not None, key.destroyed_at is not None


def _registry(app, pupil_id: int) -> tuple:
    from caseflow.pupils.models import Pupil

    with app.app_context():
        p = db.session.get(Pupil, pupil_id)
        return p.first_name, p.last_name, p.birth_date, p.personal_code_index is not None


def test_intact_on_the_last_day_anonymised_the_day_after(app, world):
    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id)
    before = _texts(app, world)
    assert r.run(app, r.LAST_DAY) == (0, 0, 0)
    assert _texts(app, world) == before
    assert r.run(app, r.DAY_AFTER) == (1, 0, 0)
    after = _texts(app, world)
    assert after == {"summary": None, "risk": None, "party": ("—", None), "notes": [None, None],
                     "discussion": None, "report": [None], "follow_up": [None], "goals": None,
                     # another child's item of the same session is not touched
                     "other_discussion": data.OTHER_DISCUSSION,
                     # the pupil's concern waits in the inbox and the pupil still studies: the key stays
                     "code": world.pupil.personal_code}


def test_aggregates_stay(app, world):
    from caseflow.cases.models import Case, CaseRiskFactor
    from caseflow.records.models import RetentionRecord

    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id)
    r.run(app, r.DAY_AFTER)
    with app.app_context():
        case = db.session.get(Case, world.case.id)
        assert (case.status, case.municipality_id, case.school_id, case.closed_on, case.opened_on) == (
            "closed", world.home.id, world.school.id, r.CLOSED_ON, date(2026, 9, 15))
        assert db.session.scalar(select(func.count()).select_from(CaseRiskFactor)) == 1
        record = db.session.scalar(select(RetentionRecord))
        assert (record.category, record.object_id, record.municipality_id, record.pupil_id) == (
            "case", world.case.id, world.home.id, world.pupil.id)


def test_a_pupil_who_still_studies_keeps_the_key_until_leaving(app, world):
    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case_other.id)
    assert r.run(app, r.DAY_AFTER) == (1, 0, 0)
    assert _key(app, world.pupil3.id) == (True, False)
    assert _registry(app, world.pupil3.id)[:2] == ("Ilze", "Liepa")
    # the pupil leaves school; the next run forgets them without anonymising anything new
    r.end_enrolment(app, world.pupil3.id, date(2027, 10, 1))
    assert r.run(app, datetime(2027, 10, 2, 10, tzinfo=r.DAY_AFTER.tzinfo)) == (0, 0, 1)
    assert _key(app, world.pupil3.id) == (False, True)
    assert _registry(app, world.pupil3.id) == ("—", "—", None, False)
    # the other pupils are not touched
    assert _key(app, world.pupil.id) == (True, False)
    assert _registry(app, world.pupil.id)[:2] == ("Marta", "Kalniņa")


def test_the_key_is_destroyed_when_nothing_of_the_pupil_is_kept(app, world):
    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case_other.id)
    r.end_enrolment(app, world.pupil3.id, date(2027, 6, 30))
    assert r.run(app, r.LAST_DAY) == (0, 0, 0)
    assert _key(app, world.pupil3.id) == (True, False)
    assert r.run(app, r.DAY_AFTER) == (1, 0, 1)
    assert _key(app, world.pupil3.id) == (False, True)
    assert _registry(app, world.pupil3.id) == ("—", "—", None, False)
    [(pupil_id, detail)] = audit_rows(app, "retention.forget_pupil")
    assert pupil_id == world.pupil3.id and detail["key_destroyed"] is True
    assert r.run(app, r.DAY_AFTER) == (0, 0, 0)


def test_a_child_early_warning_still_flags_keeps_the_key(app, world):
    from caseflow.warning.models import WarningSignal

    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case_other.id)
    r.end_enrolment(app, world.pupil3.id, date(2027, 6, 30))
    with app.app_context():
        signal = WarningSignal(municipality_id=world.home.id, pupil_id=world.pupil3.id, rule="unenrolled",
                               value=1, threshold=1, evidence={})
        db.session.add(signal)
        db.session.commit()
        signal_id = signal.id
    assert r.run(app, r.DAY_AFTER) == (1, 0, 0)
    assert _key(app, world.pupil3.id) == (True, False)
    with app.app_context():  # the next recomputation no longer flags the child
        db.session.delete(db.session.get(WarningSignal, signal_id))
        db.session.commit()
    assert r.run(app, r.DAY_AFTER) == (0, 0, 1)
    assert _registry(app, world.pupil3.id) == ("—", "—", None, False)


def test_an_open_concern_keeps_the_key(app, world):
    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id)
    r.end_enrolment(app, world.pupil.id, date(2027, 6, 30))
    assert r.run(app, r.DAY_AFTER) == (1, 0, 0)
    # the concern in the school's inbox was never answered: it is kept, and with it the key
    assert _key(app, world.pupil.id) == (True, False)


def test_a_legal_hold_stops_it_until_released(app, client, factory, world):
    from caseflow.records.models import LegalHold

    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id)
    factory.login(client, world.dpo)
    response = client.post("/records/legal-holds/new", data={"case_number": f"L-{world.case.id:06d}",
                                                             "reason": "Tiesvedība Nr. C-12/2027"})
    assert response.status_code == 302
    before = _texts(app, world)
    assert r.run(app, r.DAY_AFTER) == (0, 1, 0)
    assert _texts(app, world) == before
    with app.app_context():
        hold_id = db.session.scalar(select(LegalHold.id))
    assert client.post(f"/records/legal-holds/{hold_id}/release").status_code == 302
    assert r.run(app, r.DAY_AFTER) == (1, 0, 0)
    assert _texts(app, world)["summary"] is None


def test_a_second_run_changes_nothing(app, world):
    from caseflow.records.models import RetentionRecord, RetentionRun

    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id, world.case_other.id)
    r.end_enrolment(app, world.pupil3.id, date(2027, 6, 30))
    assert r.run(app, r.DAY_AFTER) == (2, 0, 1)
    first = _texts(app, world)
    assert r.run(app, r.DAY_AFTER) == (0, 0, 0)
    assert _texts(app, world) == first
    with app.app_context():
        # two cases and one forgotten pupil
        assert db.session.scalar(select(func.count()).select_from(RetentionRecord)) == 3
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 2
    runs = [detail for _pupil, detail in audit_rows(app, "retention.run")]
    assert [(d["anonymised"], d["held"], d["keys_destroyed"]) for d in runs] == [(2, 0, 1), (0, 0, 0)]
    assert sorted(p for p, _d in audit_rows(app, "retention.anonymise")) == sorted(
        [world.pupil.id, world.pupil3.id])


def test_nothing_is_anonymised_while_the_period_is_not_set(app, world):
    r.close(app, world.case.id)
    assert r.run(app, datetime(2040, 1, 1, tzinfo=r.DAY_AFTER.tzinfo)) == (0, 0, 0)
    r.set_years(app, world.home.id, "case", 0)
    assert r.run(app, datetime(2040, 1, 1, tzinfo=r.DAY_AFTER.tzinfo)) == (0, 0, 0)


def test_another_municipalitys_period_does_not_apply(app, world):
    r.set_years(app, world.away.id, "case", 1)
    r.close(app, world.case.id)
    assert r.run(app, datetime(2040, 1, 1, tzinfo=r.DAY_AFTER.tzinfo)) == (0, 0, 0)


def test_open_cases_are_never_anonymised(app, world):
    r.set_years(app, world.home.id, "case", 1)
    assert r.run(app, datetime(2040, 1, 1, tzinfo=r.DAY_AFTER.tzinfo)) == (0, 0, 0)


def test_the_cli_runs_with_a_progress_bar(app, world):
    from caseflow.records.cli import records_cli
    from caseflow.records.models import RetentionRun

    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id)
    with time_machine.travel(r.DAY_AFTER, tick=False):
        result = app.test_cli_runner().invoke(records_cli, ["retention"])
    assert result.exit_code == 0, result.output
    assert "1 anonymised, 0 held" in result.output
    with app.app_context():
        assert db.session.scalar(select(RetentionRun.anonymised)) == 1


def test_the_plan_of_a_day_is_what_the_run_does(app, world):
    r.set_years(app, world.home.id, "case", 1)
    r.close(app, world.case.id, world.case_other.id)
    with time_machine.travel(r.DAY_AFTER, tick=False), app.app_context():
        plan = retention.plan_retention()
        assert sorted(i.object_id for i in plan.to_anonymise) == sorted([world.case.id, world.case_other.id])
        assert plan.counts(world.home.id)["case"] == (2, 0)
        assert plan.counts(world.away.id)["case"] == (0, 0)
