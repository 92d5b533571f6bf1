"""The officer's list pages run the same number of statements for few and many rows."""
from __future__ import annotations

from caseflow.extensions import db
from tests.querycount import StatementCounter
from tests.records.retention_helpers import DAY_AFTER, close, run, set_years


def _statements(app, client, url: str) -> tuple[int, list[str]]:
    with StatementCounter(app) as counter:
        assert client.get(url).status_code == 200
    return len(counter), counter.statements


def _hold(app, w, case_id: int) -> None:
    from caseflow.records.models import LegalHold

    with app.app_context():
        db.session.add(LegalHold(case_id=case_id, reason="Tiesvedība", placed_by_id=w.dpo.id))
        db.session.commit()


def _cases(factory, w, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        pupil = factory.pupil(w.school2.id)
        ids.append(factory.case(pupil.id, w.school2.id, w.pedagogue2.id).id)
    return ids


def test_the_holds_page_is_constant_in_the_number_of_holds(app, client, factory, world):
    w = world
    factory.login(client, w.dpo)
    _hold(app, w, w.case.id)
    few, _ = _statements(app, client, "/records/legal-holds")
    for case_id in _cases(factory, w, 4):
        _hold(app, w, case_id)
    many, statements = _statements(app, client, "/records/legal-holds")
    assert many == few, "\n".join(statements)


def test_the_retention_page_is_constant_in_the_number_of_records_and_runs(app, client, factory, world):
    w = world
    for category in ("case", "concern", "plan"):
        set_years(app, w.home.id, category, 1)
    close(app, w.case.id)
    run(app, DAY_AFTER)
    factory.login(client, w.dpo)
    few, _ = _statements(app, client, "/records/retention-runs")
    close(app, *_cases(factory, w, 4))
    run(app, DAY_AFTER)
    run(app, DAY_AFTER)
    factory.login(client, w.dpo)
    many, statements = _statements(app, client, "/records/retention-runs")
    assert many == few, "\n".join(statements)
