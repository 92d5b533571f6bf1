"""A fresh demo has a semester of school data, so the warning list has pupils on it."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import func, select

from caseflow.access.policy import load_actor
from caseflow.demo.loader import load_demo
from caseflow.extensions import db
from caseflow.imports.models import AbsenceRecord, AbsenceTotal, GradeRecord
from caseflow.people.models import Membership
from caseflow.warning.models import WarningSignal
from caseflow.warning.selectors import school_warnings


def test_demo_school_data_fills_the_warning_list(app):
    with app.test_request_context(), force_locale("en"):
        made = load_demo(seed=3)
        for model in (AbsenceRecord, AbsenceTotal, GradeRecord, WarningSignal):
            assert db.session.scalar(select(func.count()).select_from(model)) > 0, model.__name__
        assert made.cases_made["warning_signals"] == db.session.scalar(
            select(func.count()).select_from(WarningSignal))
        flagged_schools = set(db.session.scalars(select(WarningSignal.school_id).where(
            WarningSignal.school_id.is_not(None))))
        membership = db.session.scalar(select(Membership).where(
            Membership.role == "social_pedagogue", Membership.institution_id.in_(flagged_schools))
            .order_by(Membership.id).limit(1))
        actor = load_actor(membership.user, membership)
        assert school_warnings(actor).rows
