"""Helpers of the retention tests: the days around a period's end, settings, closing, running."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.records.services import retention
from caseflow.records.services.retention_categories import BY_CODE

#: the first day of every period in these tests (a case closed, a concern answered, a plan ended …)
CLOSED_ON = date(2026, 9, 30)
#: the same moment as a stored time (12:00 in Riga)
START = datetime(2026, 9, 30, 9, tzinfo=UTC)
LAST_DAY = datetime(2027, 9, 30, 10, tzinfo=UTC)  # CLOSED_ON + 1 year: still within the period
DAY_AFTER = datetime(2027, 10, 1, 10, tzinfo=UTC)


def set_years(app, municipality_id: int, category: str, value: int) -> None:
    """Set a municipality's retention period of a category, as the administrator's settings page does."""
    from caseflow.people import settings
    from caseflow.people.models import MunicipalSetting

    key = BY_CODE[category].setting
    settings.definition(key).clean(value)
    with app.app_context():
        row = db.session.scalar(select(MunicipalSetting).where(
            MunicipalSetting.municipality_id == municipality_id, MunicipalSetting.key == key))
        if row is None:
            row = MunicipalSetting(municipality_id=municipality_id, key=key)
            db.session.add(row)
        row.value = settings.encode(value)
        db.session.commit()


def close(app, *case_ids: int) -> None:
    """Close cases on CLOSED_ON."""
    from caseflow.cases.models import Case

    with app.app_context():
        for case_id in case_ids:
            case = db.session.get(Case, case_id)
            case.status, case.closed_on = "closed", CLOSED_ON
        db.session.commit()


def end_enrolment(app, pupil_id: int, day: date) -> None:
    """The pupil left school on `day`."""
    from caseflow.pupils.models import Enrolment

    with app.app_context():
        for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.pupil_id == pupil_id)):
            enrolment.end_date = day
        db.session.commit()


def run(app, moment: datetime) -> tuple[int, int, int]:
    """Run the job at a moment: (anonymised, held, keys destroyed)."""
    with time_machine.travel(moment, tick=False), app.app_context():
        done = retention.run_retention()
        db.session.commit()
        return done.anonymised, done.held, done.keys_destroyed
