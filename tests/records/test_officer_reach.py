"""A data-protection officer answers for their own municipality (and any without an officer of its own):
holds, retention and subject access reach nothing else, and another municipality's object is a 404."""
from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select

from caseflow.extensions import db
from tests.records.retention_helpers import DAY_AFTER, close, run, set_years


@pytest.fixture
def away(app, factory, world):
    """The other municipality's officer, school, pupil and case."""
    w = world
    w.away_dpo = factory.user("dpo", w.away_board.id, locale="en")
    w.away_school = factory.institution(w.away.id, kind="basic_school", name="Kalnu pamatskola")
    w.away_pedagogue = factory.user("social_pedagogue", w.away_school.id, locale="en")
    w.away_pupil = factory.pupil(w.away_school.id, first_name="Roberts", last_name="Kalns")
    w.away_case = factory.case(w.away_pupil.id, w.away_school.id, w.away_pedagogue.id)
    return w


def _hold(app, w, case_id: int, by) -> int:
    from caseflow.records.models import LegalHold

    with app.app_context():
        hold = LegalHold(case_id=case_id, reason=f"Lieta {case_id}", placed_by_id=by.id)
        db.session.add(hold)
        db.session.commit()
        return hold.id


def _holds(app) -> list[tuple[int, bool]]:
    from caseflow.records.models import LegalHold

    with app.app_context():
        return [(h.case_id, h.released_at is not None) for h in db.session.scalars(select(LegalHold))]


def test_holds_list_only_the_officers_municipality(app, client, factory, away):
    w = away
    home_hold = _hold(app, w, w.case.id, w.dpo)
    away_hold = _hold(app, w, w.away_case.id, w.away_dpo)
    factory.login(client, w.away_dpo)
    page = client.get("/records/legal-holds").get_data(as_text=True)
    assert f'id="hold-{away_hold}"' in page and f"L-{w.away_case.id:06d}" in page
    assert f'id="hold-{home_hold}"' not in page and f"L-{w.case.id:06d}" not in page
    # another municipality's hold cannot be released, and its case cannot be held
    assert client.post(f"/records/legal-holds/{home_hold}/release").status_code == 404
    page = client.post("/records/legal-holds/new", data={"case_number": f"L-{w.case2.id:06d}",
                                                         "reason": "Tiesvedība"}).get_data(as_text=True)
    assert "No case has this number" in page
    assert _holds(app) == [(w.case.id, False), (w.away_case.id, False)]
    factory.login(client, w.dpo)
    page = client.get("/records/legal-holds").get_data(as_text=True)
    assert f'id="hold-{home_hold}"' in page and f'id="hold-{away_hold}"' not in page


def test_a_municipality_without_an_officer_is_served_by_the_others(app, client, factory, away):
    from caseflow.people.models import User

    w = away
    with app.app_context():
        db.session.get(User, w.away_dpo.id).is_active_account = False
        db.session.commit()
    factory.login(client, w.dpo)
    response = client.post("/records/legal-holds/new", data={"case_number": f"L-{w.away_case.id:06d}",
                                                             "reason": "Tiesvedība"})
    assert response.status_code == 302
    assert _holds(app) == [(w.away_case.id, False)]
    page = client.get("/records/retention-runs").get_data(as_text=True)
    assert "Kalnu novads" in page and "Ezerkrastu novads" in page


def test_subject_access_finds_only_related_pupils(app, client, factory, away):
    w = away
    factory.login(client, w.away_dpo)
    found = client.post("/records/subject-access", data={"personal_code": w.away_pupil.personal_code})
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/subject-access/{w.away_pupil.id}")
    missing = client.post("/records/subject-access", data={"personal_code": w.pupil.personal_code})
    assert missing.status_code == 200 and f"/subject-access/{w.pupil.id}" not in missing.get_data(as_text=True)
    for url in (f"/records/subject-access/{w.pupil.id}", f"/records/subject-access/{w.pupil.id}/export.json"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/records/subject-access/{w.away_pupil.id}").status_code == 200


def test_a_pupil_declared_in_the_municipality_is_found_there(app, client, factory, away):
    from caseflow.pupils.models import Pupil

    w = away
    with app.app_context():
        db.session.get(Pupil, w.pupil3.id).declared_municipality_id = w.away.id
        db.session.commit()
    factory.login(client, w.away_dpo)
    assert client.get(f"/records/subject-access/{w.pupil3.id}").status_code == 200
    assert client.get(f"/records/subject-access/{w.pupil2.id}").status_code == 404


def test_the_retention_page_shows_the_officers_municipality_only(app, client, factory, away):
    w = away
    set_years(app, w.home.id, "case", 1)
    set_years(app, w.home.id, "concern", 3)
    set_years(app, w.away.id, "case", 2)
    close(app, w.case.id, w.case_other.id)
    _hold(app, w, w.case_other.id, w.dpo)
    with time_machine.travel(DAY_AFTER, tick=False):
        factory.login(client, w.dpo)
        page = client.get("/records/retention-runs").get_data(as_text=True)
    assert "Ezerkrastu novads" in page and "Kalnu novads" not in page
    row = page.split(f'id="outlook-{w.home.id}-case"', 1)[1].split("</tr>", 1)[0]
    assert "1 year" in row and "<td>1</td><td>1</td>" in row
    row = page.split(f'id="outlook-{w.home.id}-concern"', 1)[1].split("</tr>", 1)[0]
    assert "3 years" in row and "<td>0</td><td>0</td>" in row
    row = page.split(f'id="outlook-{w.home.id}-plan"', 1)[1].split("</tr>", 1)[0]
    assert "Not set: kept" in row
    assert "has not run yet" in page

    assert run(app, DAY_AFTER) == (1, 1, 0)
    factory.login(client, w.dpo)
    page = client.get("/records/retention-runs").get_data(as_text=True)
    run_row = page.split('id="run-1"', 1)[1].split("</tr>", 1)[0]
    assert "Closed cases: 1" in run_row
    factory.login(client, w.away_dpo)
    page = client.get("/records/retention-runs").get_data(as_text=True)
    assert "Kalnu novads" in page and "Ezerkrastu novads" not in page
    run_row = page.split('id="run-1"', 1)[1].split("</tr>", 1)[0]
    assert "Closed cases" not in run_row  # the run did nothing in Kalnu novads
    row = page.split(f'id="outlook-{w.away.id}-case"', 1)[1].split("</tr>", 1)[0]
    assert "2 years" in row
