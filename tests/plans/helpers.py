"""Helpers for the support plan tests: semesters, plans and measures straight in the tables, reads,
and a statement counter."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from caseflow.crypto import seal
from caseflow.db import local_today
from caseflow.extensions import db
from tests.querycount import StatementCounter  # noqa: F401 — shared by the tests that import it from here

TODAY = local_today()


def semester(app, municipality_id: int, school_year: str, number: int, starts_on: date, ends_on: date) -> int:
    """A semester of a municipality."""
    from caseflow.people.calendar import Semester

    with app.app_context():
        s = Semester(municipality_id=municipality_id, school_year=school_year, number=number,
                     starts_on=starts_on, ends_on=ends_on)
        db.session.add(s)
        db.session.commit()
        return s.id


def set_setting(app, municipality_id: int, key: str, value) -> None:
    """Store a municipal setting."""
    from caseflow.people.models import MunicipalSetting
    from caseflow.people.settings import encode

    with app.app_context():
        db.session.add(MunicipalSetting(municipality_id=municipality_id, key=key, value=encode(value)))
        db.session.commit()


def plan(app, *, pupil_id: int, school_id: int, created_by_id: int, semester_id: int | None = None,
         starts_on: date | None = None, ends_on: date | None = None, case_id: int | None = None,
         goals: str = "Uzlabot lasītprasmi", status: str = "active") -> int:
    """A plan straight in the tables (the services are tested through the pages)."""
    from caseflow.people.calendar import Semester
    from caseflow.people.models import Institution
    from caseflow.plans.models import SupportPlan

    with app.app_context():
        if semester_id is not None:
            s = db.session.get(Semester, semester_id)
            starts_on, ends_on = s.starts_on, s.ends_on
        p = SupportPlan(municipality_id=db.session.get(Institution, school_id).municipality_id,
                        school_id=school_id, pupil_id=pupil_id, case_id=case_id, semester_id=semester_id,
                        starts_on=starts_on, ends_on=ends_on, status=status, created_by_id=created_by_id)
        db.session.add(p)
        db.session.flush()
        seal(p, "goals", goals, scope=f"pupil:{pupil_id}")
        db.session.commit()
        return p.id


def measure(app, plan_id: int, type_id: int, *, deliverer_id: int | None, planned: str = "10",
            subject_id: int | None = None, basis: str | None = None) -> int:
    """A measure straight in the tables."""
    from caseflow.plans.models import PlanMeasure, SupportPlan

    with app.app_context():
        m = PlanMeasure(plan_id=plan_id, type_id=type_id, subject_id=subject_id, deliverer_id=deliverer_id,
                        planned_hours=Decimal(planned), position=1)
        db.session.add(m)
        db.session.flush()
        if basis:
            seal(m, "basis", basis, scope=f"pupil:{db.session.get(SupportPlan, plan_id).pupil_id}")
        db.session.commit()
        return m.id


def delivered(app, measure_id: int, logged_by_id: int, *, on: date | None = None, hours: str = "1") -> int:
    """Delivered hours straight in the tables."""
    from caseflow.plans.models import DeliveredHours

    with app.app_context():
        d = DeliveredHours(measure_id=measure_id, on=on or TODAY - timedelta(days=1), hours=Decimal(hours),
                           mode="in_person", logged_by_id=logged_by_id)
        db.session.add(d)
        db.session.commit()
        return d.id


def count(app, model, *conditions) -> int:
    """Rows of a model (meeting the conditions)."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def audit_actions(app, prefix: str = "plan.") -> list[str]:
    """The audit trail's actions that start with the prefix, in order."""
    from caseflow.audit.models import AuditEntry

    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith(prefix))
                                       .order_by(AuditEntry.seq)))


def raw_column(app, table: str, column: str, row_id: int) -> bytes:
    """A column's stored bytes, read past the ORM."""
    from sqlalchemy import text

    with app.app_context():
        value = db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
        return bytes(value) if value is not None else b""


def error_of(page: str, field_id: str) -> str | None:
    """The error message shown next to a field (by the field's id), unescaped."""
    import html
    import re

    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else None


def new_id(response) -> int:
    """The id at the end of a redirect's address."""
    return int(response.headers["Location"].split("#")[0].rstrip("/").rsplit("/", 1)[1])


def actor_of(app, user):
    """The Actor of a factory user in their membership (for calling selectors directly)."""
    from caseflow.access.policy import load_actor
    from caseflow.people.models import Membership, User

    with app.app_context():
        return load_actor(db.session.get(User, user.id), db.session.get(Membership, user.membership_id))


def allow_evaluation_days_before_end(app, municipality_id: int, days: int) -> None:
    """Set the municipality's window for evaluating a plan before its end (the default is 0)."""
    from caseflow.people.models import MunicipalSetting

    with app.app_context():
        db.session.add(MunicipalSetting(municipality_id=municipality_id, key="plan_evaluation_days_before_end",
                                        value=str(days)))
        db.session.commit()
