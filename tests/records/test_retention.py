"""Retention: closed cases are anonymised the day after their period ends, never under a legal hold,
and a second run changes nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.records.services import retention
from tests.records import conftest as data
from tests.records.helpers import audit_rows

CLOSED_ON = date(2026, 9, 30)
LAST_DAY = datetime(2027, 9, 30, 10, tzinfo=UTC)  # closed_on + 1 year: still within the period
DAY_AFTER = datetime(2027, 10, 1, 10, tzinfo=UTC)


@pytest.fixture
def years(app, monkeypatch):
    """Register the setting (until the lead adds it to people/settings.py) and set it for a municipality."""
    from caseflow.people import settings
    from caseflow.people.models import MunicipalSetting

    monkeypatch.setitem(settings.REGISTRY, retention.CASE_YEARS, settings.SettingDef(
        retention.CASE_YEARS, settings.INT, 0, "Retention", "", minimum=0, maximum=100))

    def set_years(municipality_id: int, value: int) -> None:
        with app.app_context():
            db.session.add(MunicipalSetting(municipality_id=municipality_id, key=retention.CASE_YEARS,
                                            value=settings.encode(value)))
            db.session.commit()
    return set_years


def _close(app, *case_ids: int) -> None:
    from caseflow.cases.models import Case

    with app.app_context():
        for case_id in case_ids:
            case = db.session.get(Case, case_id)
            case.status, case.closed_on = "closed", CLOSED_ON
        db.session.commit()


def _run(app, moment: datetime):
    with time_machine.travel(moment, tick=False), app.app_context():
        run = retention.run_retention()
        db.session.commit()
        return run.anonymised, run.held, run.keys_destroyed


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


def test_intact_on_the_last_day_anonymised_the_day_after(app, world, years):
    years(world.home.id, 1)
    _close(app, world.case.id)
    before = _texts(app, world)
    assert _run(app, LAST_DAY) == (0, 0, 0)
    assert _texts(app, world) == before
    assert _run(app, DAY_AFTER) == (1, 0, 0)
    after = _texts(app, world)
    assert after == {"summary": None, "risk": None, "party": ("—", None), "notes": [None, None],
                     "discussion": None, "report": [None], "follow_up": [None], "goals": None,
                     # another child's item of the same session is not touched
                     "other_discussion": data.OTHER_DISCUSSION,
                     # the pupil's concern is still within its period: the pupil's key stays
                     "code": world.pupil.personal_code}


def test_aggregates_stay(app, world, years):
    from caseflow.cases.models import Case, CaseRiskFactor
    from caseflow.records.models import RetentionRecord

    years(world.home.id, 1)
    _close(app, world.case.id)
    _run(app, DAY_AFTER)
    with app.app_context():
        case = db.session.get(Case, world.case.id)
        assert (case.status, case.municipality_id, case.school_id, case.closed_on, case.opened_on) == (
            "closed", world.home.id, world.school.id, CLOSED_ON, date(2026, 9, 15))
        assert db.session.scalar(select(func.count()).select_from(CaseRiskFactor)) == 1
        record = db.session.scalar(select(RetentionRecord))
        assert record.case_id == world.case.id and record.anonymised_at and not record.key_destroyed


def test_the_key_is_destroyed_when_nothing_else_of_the_pupil_is_kept(app, world, years):
    from caseflow.crypto.models import DataKey

    years(world.home.id, 1)
    _close(app, world.case_other.id)
    assert _run(app, DAY_AFTER) == (1, 0, 1)
    with app.app_context():
        key = db.session.scalar(select(DataKey).where(DataKey.scope == f"pupil:{world.pupil3.id}"))
        assert key.wrapped is None and key.destroyed_at is not None
        kept = db.session.scalar(select(DataKey).where(DataKey.scope == f"pupil:{world.pupil.id}"))
        assert kept.wrapped is not None


def test_a_legal_hold_stops_it_until_released(app, client, factory, world, years):
    from caseflow.records.models import LegalHold

    years(world.home.id, 1)
    _close(app, world.case.id)
    factory.login(client, world.dpo)
    response = client.post("/records/legal-holds/new", data={"case_number": f"L-{world.case.id:06d}",
                                                             "reason": "Tiesvedība Nr. C-12/2027"})
    assert response.status_code == 302
    before = _texts(app, world)
    assert _run(app, DAY_AFTER) == (0, 1, 0)
    assert _texts(app, world) == before
    with app.app_context():
        hold_id = db.session.scalar(select(LegalHold.id))
    assert client.post(f"/records/legal-holds/{hold_id}/release").status_code == 302
    assert _run(app, DAY_AFTER) == (1, 0, 0)
    assert _texts(app, world)["summary"] is None


def test_a_second_run_changes_nothing(app, world, years):
    from caseflow.records.models import RetentionRecord, RetentionRun

    years(world.home.id, 1)
    _close(app, world.case.id, world.case_other.id)
    assert _run(app, DAY_AFTER) == (2, 0, 1)
    first = _texts(app, world)
    assert _run(app, DAY_AFTER) == (0, 0, 0)
    assert _texts(app, world) == first
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetentionRecord)) == 2
        assert db.session.scalar(select(func.count()).select_from(RetentionRun)) == 2
    runs = [detail for _pupil, detail in audit_rows(app, "retention.run")]
    assert [(r["anonymised"], r["held"], r["keys_destroyed"]) for r in runs] == [(2, 0, 1), (0, 0, 0)]
    assert sorted(p for p, _d in audit_rows(app, "retention.anonymise")) == sorted(
        [world.pupil.id, world.pupil3.id])


def test_nothing_is_anonymised_while_the_period_is_not_set(app, world, years):
    _close(app, world.case.id)
    assert _run(app, datetime(2040, 1, 1, tzinfo=UTC)) == (0, 0, 0)
    years(world.home.id, 0)
    assert _run(app, datetime(2040, 1, 1, tzinfo=UTC)) == (0, 0, 0)


def test_open_cases_are_never_anonymised(app, world, years):
    years(world.home.id, 1)
    assert _run(app, datetime(2040, 1, 1, tzinfo=UTC)) == (0, 0, 0)


def test_the_cli_runs_with_a_progress_bar(app, world, years):
    from caseflow.records.cli import records_cli
    from caseflow.records.models import RetentionRun

    years(world.home.id, 1)
    _close(app, world.case.id)
    with time_machine.travel(DAY_AFTER, tick=False):
        result = app.test_cli_runner().invoke(records_cli, ["retention"])
    assert result.exit_code == 0, result.output
    assert "1 anonymised, 0 held" in result.output
    with app.app_context():
        assert db.session.scalar(select(RetentionRun.anonymised)) == 1
