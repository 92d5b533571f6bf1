"""Helpers of the record and minutes tests: a session of today with its items, attendance straight
in the tables, the item form's data, audit actions, PDF text."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseflow.audit.models import AuditEntry
from caseflow.db import local_today
from caseflow.extensions import db
from tests.meetings.world import item, session

DISCUSSION = "Māte apsolīja katru rītu pavadīt Martu līdz skolai"
MEASURE = "Apmeklēt ģimeni un izvērtēt atbalsta vajadzības"


def today() -> date:
    return local_today()


def todays_session(app, world, *, status: str = "planned", measures_are: str | None = None,
                   day: date | None = None) -> tuple[int, int, int]:
    """A session of the group today with a case item (`case`) and a policy item: (session, case item,
    policy item). `measures_are` sets the group's setting."""
    from caseflow.meetings.models import CooperationGroup

    if measures_are is not None:
        with app.app_context():
            db.session.get(CooperationGroup, world.group).measures_are = measures_are
            db.session.commit()
    s = session(app, world.group, day=day or today(), status=status, created_by_id=world.chair.id)
    case_item = item(app, s, case_id=world.case.id, reason="referral", position=1, referral_id=world.referral)
    policy_item = item(app, s, title="Kavējumu uzskaite skolās", position=2)
    return s, case_item, policy_item


def attend_all(app, world, session_id: int, presence: str = "present") -> None:
    """Attendance rows for every seat of the group, with the given presence."""
    from caseflow.meetings.models import Attendance, GroupMember

    with app.app_context():
        for seat in db.session.scalars(select(GroupMember).where(GroupMember.group_id == world.group)):
            db.session.add(Attendance(session_id=session_id, member_id=seat.id, kind=seat.kind, name=seat.office,
                                      institution_id=seat.institution_id, presence=presence))
        db.session.commit()


def set_status(app, session_id: int, status: str) -> None:
    from caseflow.meetings.models import GroupSession

    with app.app_context():
        db.session.get(GroupSession, session_id).status = status
        db.session.commit()


def measure_row(n: int, *, institution_id, text: str = MEASURE, due: date | str | None = None,
                evaluate: date | None = None, assignee_id=None, supervisor_id=None) -> dict:
    """Form data of measure row n (due "" leaves the deadline empty; None means in two weeks)."""
    due = due if due is not None else today() + timedelta(days=14)
    data = {f"measures-{n}-text": text, f"measures-{n}-institution_id": str(institution_id or ""),
            f"measures-{n}-due_on": due.isoformat() if isinstance(due, date) else due,
            f"measures-{n}-evaluate_on": evaluate.isoformat() if evaluate else "",
            f"measures-{n}-assignee_id": str(assignee_id or ""),
            f"measures-{n}-supervisor_institution_id": str(supervisor_id or "")}
    return data


def item_data(world, *, outcome: str = "new_measures", next_evaluation: date | str | None = None,
              measures: tuple[dict, ...] = (), reports: dict[int, str] | None = None,
              discussion: str = DISCUSSION) -> dict:
    """Form data of the item page (next_evaluation "" leaves it empty; None means in a month)."""
    nxt = next_evaluation if next_evaluation is not None else today() + timedelta(days=30)
    data = {"discussion": discussion, "outcome": outcome, "next_evaluation_on": nxt.isoformat() if isinstance(nxt, date) else nxt}
    for institution_id, text in (reports or {}).items():
        data[f"report_{institution_id}"] = text
    for m in measures:
        data |= m
    return data


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext reads it (whitespace folded)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())
