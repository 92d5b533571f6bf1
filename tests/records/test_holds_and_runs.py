"""The officer's legal holds and retention runs pages."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.extensions import db
from tests.records.helpers import audit_rows


def _holds(app) -> list:
    from caseflow.records.models import LegalHold

    with app.app_context():
        return [(h.case_id, h.reason, h.placed_by_id, h.released_at is not None)
                for h in db.session.scalars(select(LegalHold).order_by(LegalHold.id))]


def _place(client, number: str, reason: str = "Tiesvedība Nr. C-12/2027"):
    return client.post("/records/legal-holds/new", data={"case_number": number, "reason": reason})


def test_the_officer_places_lists_and_releases_a_hold(app, client, factory, world):
    factory.login(client, world.dpo)
    assert client.get("/records/legal-holds/new").status_code == 200
    response = _place(client, f"l{world.case.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/records/legal-holds")
    assert _holds(app) == [(world.case.id, "Tiesvedība Nr. C-12/2027", world.dpo.id, False)]
    page = client.get("/records/legal-holds").get_data(as_text=True)
    assert f"L-{world.case.id:06d}" in page and "Tiesvedība Nr. C-12/2027" in page
    assert "Neapmeklē skolu" not in page and "Marta" not in page  # no case content, no name
    assert audit_rows(app, "legal_hold.place") == [(world.pupil.id, {"hold_id": 1})]
    assert client.post("/records/legal-holds/1/release").status_code == 302
    assert _holds(app)[0][3] is True
    assert audit_rows(app, "legal_hold.release") == [(world.pupil.id, {"hold_id": 1})]
    # a second release says so and changes nothing
    response = client.post("/records/legal-holds/1/release", follow_redirects=True)
    assert "already been released" in response.get_data(as_text=True)
    assert len(audit_rows(app, "legal_hold.release")) == 1


def test_bad_input_is_answered_next_to_the_field_and_writes_nothing(app, client, factory, world):
    factory.login(client, world.dpo)
    page = _place(client, "L-999999").get_data(as_text=True)
    assert "No case has this number" in page
    page = _place(client, "abc").get_data(as_text=True)
    assert "No case has this number" in page
    page = _place(client, f"L-{world.case.id:06d}", reason="").get_data(as_text=True)
    assert 'id="reason-error"' in page
    page = _place(client, f"L-{world.case.id:06d}", reason="x" * 501).get_data(as_text=True)
    assert 'id="reason-error"' in page
    assert _holds(app) == []
    _place(client, f"L-{world.case.id:06d}")
    page = _place(client, f"L-{world.case.id:06d}", reason="Otrs").get_data(as_text=True)
    assert "already under a legal hold" in page
    assert len(_holds(app)) == 1
    assert client.post("/records/legal-holds/999/release").status_code == 404


def test_the_runs_page_lists_the_runs(app, client, factory, world):
    from caseflow.records.services.retention import run_retention

    factory.login(client, world.dpo)
    assert "has not run yet" in client.get("/records/retention-runs").get_data(as_text=True)
    with app.app_context():
        run_retention()
        db.session.commit()
    page = client.get("/records/retention-runs").get_data(as_text=True)
    assert 'id="run-1"' in page


def test_only_the_officer_reaches_the_pages(app, client, factory, world):
    for user in (world.chair, world.pedagogue, world.social_worker):
        factory.login(client, user)
        assert client.get("/records/legal-holds").status_code == 403
        assert _place(client, f"L-{world.case.id:06d}").status_code == 403
        assert client.get("/records/retention-runs").status_code == 403
    assert _holds(app) == []
