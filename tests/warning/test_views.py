"""The warning list, turning a signal into a case or dismissing it, the overview and a pupil's data."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from caseflow.audit.models import AuditEntry
from caseflow.cases.taxonomy import ListEntry
from caseflow.extensions import db
from caseflow.warning.models import WarningDismissal, WarningSignal
from caseflow.warning.services.compute import compute_signals
from tests.querycount import StatementCounter
from tests.warning.conftest import add_absences, add_total, weekdays


def _compute(app, w):
    with app.app_context():
        compute_signals(w.m.id)
        db.session.commit()


def _ticked(page: str, value: int) -> bool:
    """True if the checkbox with this value is ticked."""
    return any("checked" in tag for tag in re.findall(r"<input[^>]*>", page) if f'value="{value}"' in tag)


def _signal_id(app, pupil_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(WarningSignal.id).where(WarningSignal.pupil_id == pupil_id).limit(1))


def test_school_sees_its_pupils_with_signals_and_no_case(app, client, factory, world):
    w = world
    flagged = factory.pupil(w.school.id, first_name="Kārlis", last_name="Ozoliņš")
    on_case = factory.pupil(w.school.id, first_name="Līga", last_name="Zariņa")
    other_school = factory.pupil(w.other.id, first_name="Pēteris", last_name="Kalniņš")
    for pupil, school in ((flagged, w.school), (on_case, w.school), (other_school, w.other)):
        add_total(app, w, pupil, unexcused=30, school=school)
    factory.case(on_case.id, w.school.id, w.pedagogue.id)
    _compute(app, w)
    factory.login(client, w.pedagogue)
    page = client.get("/warning/").get_data(as_text=True)
    assert "Kārlis Ozoliņš" in page
    assert "Līga Zariņa" not in page and "Pēteris Kalniņš" not in page
    assert f"/cases/new/{flagged.id}?source=warning" in page
    factory.login(client, w.teacher)
    assert client.get("/warning/").status_code == 403


def test_a_case_from_a_signal_is_prefilled(app, client, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    add_total(app, w, pupil, unexcused=30)
    _compute(app, w)
    factory.login(client, w.pedagogue)
    page = client.get(f"/cases/new/{pupil.id}?source=warning").get_data(as_text=True)
    with app.app_context():
        noticed = db.session.scalar(select(ListEntry.id).where(
            ListEntry.municipality_id == w.m.id, ListEntry.kind == "noticed_via", ListEntry.code == "absences"))
    assert _ticked(page, noticed)
    assert "30" in page.split('name="summary"', 1)[1].split("</textarea>", 1)[0]
    plain = client.get(f"/cases/new/{pupil.id}").get_data(as_text=True)
    assert not _ticked(plain, noticed)


def test_dismissing_needs_a_reason_and_hides_the_pupil(app, client, factory, world):
    w = world
    pupil = factory.pupil(w.school.id, first_name="Marta", last_name="Liepiņa")
    add_total(app, w, pupil, unexcused=30, excused=60)
    _compute(app, w)
    signal_id = _signal_id(app, pupil.id)
    factory.login(client, w.pedagogue)
    short = client.post(f"/warning/signals/{signal_id}/dismiss", data={"reason": "nav"})
    assert short.status_code == 200 and 'class="error"' in short.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WarningDismissal)) == 0
    reason = "Ārsta zīme iesniegta vēlāk, kavējumi attaisnoti."
    done = client.post(f"/warning/signals/{signal_id}/dismiss", data={"reason": reason})
    assert done.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(WarningDismissal)).all()
        # both of the pupil's signals (unexcused lessons and share missed) went with one reason
        assert len(rows) == 2 and all(reason.encode() not in r.reason_enc for r in rows)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "warning.dismiss", AuditEntry.pupil_id == pupil.id)) == 2
    assert "Marta Liepiņa" not in client.get("/warning/").get_data(as_text=True)
    # recomputing keeps the dismissal
    _compute(app, w)
    assert "Marta Liepiņa" not in client.get("/warning/").get_data(as_text=True)


def test_another_schools_signal_cannot_be_dismissed(app, client, factory, world):
    w = world
    pupil = factory.pupil(w.other.id)
    add_total(app, w, pupil, unexcused=30, school=w.other)
    _compute(app, w)
    factory.login(client, w.pedagogue)
    signal_id = _signal_id(app, pupil.id)
    assert client.get(f"/warning/signals/{signal_id}/dismiss").status_code == 404
    assert client.post(f"/warning/signals/{signal_id}/dismiss",
                       data={"reason": "Mēģinājums no citas skolas."}).status_code == 404


def test_coordinator_overview_puts_silent_schools_first(app, client, factory, world):
    w = world
    for _ in range(2):
        add_total(app, w, factory.pupil(w.other.id), unexcused=30, school=w.other)
    handled = factory.pupil(w.school.id)
    add_total(app, w, handled, unexcused=30)
    factory.case(handled.id, w.school.id, w.pedagogue.id, opened_on=date(2026, 10, 1))
    factory.pupil(None, declared_municipality_id=w.m.id, first_name="Rūdolfs", last_name="Bērziņš",
                  born=date(2014, 2, 2))
    _compute(app, w)
    factory.login(client, w.coordinator)
    page = client.get("/warning/overview").get_data(as_text=True)
    assert page.index(w.other.name) < page.index(w.school.name)
    assert "Rūdolfs Bērziņš" in client.get("/warning/overview?tab=unenrolled").get_data(as_text=True)
    notified = client.get("/warning/overview?tab=notified").get_data(as_text=True)
    assert w.other.name in notified and w.school.name in notified
    factory.login(client, w.pedagogue)
    assert client.get("/warning/overview").status_code == 403


def test_pupil_data_page_draws_absences_with_a_table_twin(app, client, factory, world):
    w = world
    pupil = factory.pupil(w.school.id)
    add_absences(app, w, pupil, weekdays(date(2026, 10, 5), 3), lessons=5)
    add_absences(app, w, pupil, [date(2026, 11, 3)], lessons=2, kind="illness")
    factory.login(client, w.pedagogue)
    page = client.get(f"/warning/pupils/{pupil.id}").get_data(as_text=True)
    assert '<svg class="chart"' in page and "<title id=\"absence-title\">" in page
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "<td>15</td>" in table and "<td>2</td>" in table
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.pupil_id == pupil.id, AuditEntry.action == "pupil.read")) >= 1
    factory.login(client, w.other_pedagogue)
    assert client.get(f"/warning/pupils/{pupil.id}").status_code == 404


def test_warning_list_statements_do_not_grow_with_pupils(app, client, factory, world):
    w = world
    for _ in range(3):
        add_total(app, w, factory.pupil(w.school.id), unexcused=30, excused=80)
    _compute(app, w)
    factory.login(client, w.pedagogue)
    client.get("/warning/")

    def count():
        with StatementCounter(app) as counter:
            assert client.get("/warning/").status_code == 200
        return len(counter)

    small = count()
    for _ in range(9):
        add_total(app, w, factory.pupil(w.school.id), unexcused=30, excused=80)
    _compute(app, w)
    assert count() == small
