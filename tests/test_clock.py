"""Days are Riga's days: a role, an enrolment or a semester changes at midnight in Latvia."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

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


def test_no_code_asks_the_machine_for_its_own_date():
    """The machine's date is UTC's on servers and CI: everything uses local_today() instead."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for folder in ("caseflow", "tests"):
        for path in (root / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bdate\.today\(\)|datetime\.now\(\)|datetime\.today\(\)|datetime\.utcnow\(\)", line):
                    offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
