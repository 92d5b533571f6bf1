"""Every data category: intact the day before its period ends, anonymised the day after, kept by a legal
hold on the pupil's case, unchanged by a second run; and each category follows its own setting only."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseflow.crypto import seal, unseal
from caseflow.extensions import db
from caseflow.records.services.retention_categories import CATEGORIES
from tests.records.helpers import audit_rows
from tests.records.retention_helpers import (
    CLOSED_ON,
    DAY_AFTER,
    LAST_DAY,
    START,
    close,
    end_enrolment,
    run,
)
from tests.records.retention_helpers import set_years as set_period

TEXT = "Teksts, kas jāanonimizē"


def _case(app, w):
    """Case2 (pupil2) closed on CLOSED_ON; its summary."""
    from caseflow.cases.models import Case

    close(app, w.case2.id)
    with app.app_context():
        seal(db.session.get(Case, w.case2.id), "summary", TEXT, scope=f"pupil:{w.pupil2.id}")
        db.session.commit()
    return Case, w.case2.id, "summary"


def _concern(app, w):
    """A concern about pupil2 answered with no action at START."""
    from caseflow.concerns.models import Concern

    with app.app_context():
        concern = Concern(municipality_id=w.home.id, school_id=w.school.id, pupil_id=w.pupil2.id,
                          reported_by_id=w.teacher.id, reported_by_institution_id=w.school.id,
                          status="no_action", handled_by_id=w.pedagogue.id, handled_at=START)
        db.session.add(concern)
        db.session.flush()
        seal(concern, "noticed", TEXT, scope=f"pupil:{w.pupil2.id}")
        db.session.commit()
        return Concern, concern.id, "noticed"


def _plan(app, w):
    """An evaluated support plan of pupil2 without a case, ended on CLOSED_ON."""
    from caseflow.plans.models import SupportPlan

    with app.app_context():
        plan = SupportPlan(municipality_id=w.home.id, school_id=w.school.id, pupil_id=w.pupil2.id,
                           starts_on=date(2026, 2, 1), ends_on=CLOSED_ON, status="evaluated",
                           evaluated_on=CLOSED_ON - timedelta(days=3), created_by_id=w.pedagogue.id)
        db.session.add(plan)
        db.session.flush()
        seal(plan, "goals", TEXT, scope=f"pupil:{w.pupil2.id}")
        db.session.commit()
        return SupportPlan, plan.id, "goals"


def _info_request(app, w):
    """A request about case2 (still open) answered at START."""
    from caseflow.inforequests.models import InfoRequest

    with app.app_context():
        request = InfoRequest(municipality_id=w.home.id, case_id=w.case2.id, institution_id=w.social.id,
                              asker_institution_id=w.board.id, asked_by_id=w.chair.id, asked_at=START,
                              due_on=CLOSED_ON, status="answered", answered_at=START,
                              answered_by_id=w.social_worker.id)
        db.session.add(request)
        db.session.flush()
        seal(request, "answer", TEXT, scope=f"pupil:{w.pupil2.id}")
        db.session.commit()
        return InfoRequest, request.id, "answer"


def _grant(app, w):
    """An emergency access to case2 reviewed at START."""
    from caseflow.emergency.models import EmergencyGrant

    with app.app_context():
        grant = EmergencyGrant(user_id=w.court_member.id, institution_id=w.court.id, case_id=w.case2.id,
                               reason="life_or_health", granted_at=START - timedelta(hours=2),
                               expires_at=START - timedelta(hours=1), reviewed_at=START,
                               reviewed_by_id=w.dpo.id, outcome="justified")
        db.session.add(grant)
        db.session.flush()
        seal(grant, "justification", TEXT, scope=f"pupil:{w.pupil2.id}")
        db.session.commit()
        return EmergencyGrant, grant.id, "justification"


BUILDERS = {"case": _case, "concern": _concern, "plan": _plan, "info_request": _info_request,
            "emergency_grant": _grant}


def _text(app, model, object_id: int, field: str) -> str | None:
    with app.app_context():
        return unseal(db.session.get(model, object_id), field)


def _records(app, category: str) -> list[int]:
    from caseflow.records.models import RetentionRecord

    with app.app_context():
        return list(db.session.scalars(select(RetentionRecord.object_id).where(
            RetentionRecord.category == category)))


def _hold(app, w, case_id: int) -> int:
    from caseflow.records.models import LegalHold

    with app.app_context():
        hold = LegalHold(case_id=case_id, reason="Tiesvedība", placed_by_id=w.dpo.id)
        db.session.add(hold)
        db.session.commit()
        return hold.id


def _release(app, hold_id: int) -> None:
    from caseflow.db import utcnow
    from caseflow.records.models import LegalHold

    with app.app_context():
        db.session.get(LegalHold, hold_id).released_at = utcnow()
        db.session.commit()


def test_every_category_has_a_builder_and_its_own_registered_setting():
    from caseflow.people.settings import REGISTRY

    assert set(BUILDERS) == {c.code for c in CATEGORIES}
    settings = [c.setting for c in CATEGORIES]
    assert len(set(settings)) == len(settings)
    for key in settings:
        assert REGISTRY[key].default == 0 and REGISTRY[key].minimum == 0


@pytest.mark.parametrize("category", list(BUILDERS))
def test_intact_the_day_before_anonymised_the_day_after_once(app, world, category):
    model, object_id, field = BUILDERS[category](app, world)
    set_period(app, world.home.id, category, 1)
    assert run(app, LAST_DAY) == (0, 0, 0)
    assert _text(app, model, object_id, field) == TEXT
    assert run(app, DAY_AFTER)[:2] == (1, 0)
    assert _text(app, model, object_id, field) is None
    assert _records(app, category) == [object_id]
    [(pupil_id, detail)] = audit_rows(app, "retention.anonymise")
    assert pupil_id == world.pupil2.id and detail["category"] == category
    # a second run: nothing more
    assert run(app, DAY_AFTER) == (0, 0, 0)
    assert _records(app, category) == [object_id]
    assert len(audit_rows(app, "retention.anonymise")) == 1


@pytest.mark.parametrize("category", list(BUILDERS))
def test_a_hold_on_the_pupils_case_keeps_it(app, world, category):
    model, object_id, field = BUILDERS[category](app, world)
    set_period(app, world.home.id, category, 1)
    hold = _hold(app, world, world.case2.id)
    assert run(app, DAY_AFTER) == (0, 1, 0)
    assert _text(app, model, object_id, field) == TEXT
    assert _records(app, category) == []
    _release(app, hold)
    assert run(app, DAY_AFTER)[:2] == (1, 0)
    assert _text(app, model, object_id, field) is None


@pytest.mark.parametrize("category", list(BUILDERS))
def test_only_its_own_setting_counts(app, world, category):
    model, object_id, field = BUILDERS[category](app, world)
    for other in BUILDERS:
        if other != category:
            set_period(app, world.home.id, other, 1)
    set_period(app, world.away.id, category, 1)
    run(app, DAY_AFTER)
    assert _text(app, model, object_id, field) == TEXT
    assert _records(app, category) == []


def test_a_hold_on_another_pupils_case_does_not_keep_a_concern(app, world):
    model, object_id, field = _concern(app, world)
    set_period(app, world.home.id, "concern", 1)
    _hold(app, world, world.case.id)
    assert run(app, DAY_AFTER) == (1, 0, 0)
    assert _text(app, model, object_id, field) is None


def test_parts_of_a_case_go_with_the_case_once(app, world):
    from caseflow.records.models import RetentionRecord

    request = _info_request(app, world)
    grant = _grant(app, world)
    _case(app, world)
    for category in ("case", "info_request", "emergency_grant"):
        set_period(app, world.home.id, category, 1)
    assert run(app, DAY_AFTER)[:2] == (1, 0)
    assert _text(app, *request) is None and _text(app, *grant) is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RetentionRecord)) == 1
    assert run(app, DAY_AFTER) == (0, 0, 0)


def test_a_part_of_a_case_may_go_before_the_case(app, world):
    request = _info_request(app, world)
    set_period(app, world.home.id, "info_request", 1)
    set_period(app, world.home.id, "case", 5)
    close(app, world.case2.id)
    assert run(app, DAY_AFTER)[:2] == (1, 0)
    assert _text(app, *request) is None
    assert _records(app, "info_request") == [request[1]] and _records(app, "case") == []


def test_the_key_waits_for_the_last_kept_record(app, world):
    from caseflow.crypto.models import DataKey
    _concern(app, world)
    _case(app, world)
    end_enrolment(app, world.pupil2.id, date(2027, 6, 30))
    set_period(app, world.home.id, "case", 1)
    set_period(app, world.home.id, "concern", 2)
    # the case goes, the concern stays for another year, and with it the key
    assert run(app, DAY_AFTER) == (1, 0, 0)
    assert run(app, DAY_AFTER.replace(year=2028)) == (1, 0, 1)
    with app.app_context():
        key = db.session.scalar(select(DataKey).where(DataKey.scope == f"pupil:{world.pupil2.id}"))
        assert key.wrapped is None
