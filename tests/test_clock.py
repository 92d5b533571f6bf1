"""Days are Riga's days: a role, an enrolment or a semester changes at midnight in Latvia."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from caseflow.db import local_today


def test_local_today_follows_riga_not_utc():
    with time_machine.travel(datetime(2030, 12, 31, 22, 30, tzinfo=UTC), tick=False):
        assert local_today() == date(2031, 1, 1)
    with time_machine.travel(datetime(2031, 7, 1, 20, 59, tzinfo=UTC), tick=False):
        assert local_today() == date(2031, 7, 1)  # 23:59 in summer time (UTC+3)


def test_local_today_uses_the_configured_zone(app):
    app.config["TIMEZONE"] = "UTC"
    with app.app_context(), time_machine.travel(datetime(2030, 12, 31, 22, 30, tzinfo=UTC), tick=False):
        assert local_today() == date(2030, 12, 31)
