"""Shared set-up of the notes and people tests: a school with its staff, a pupil's case, the
municipality's coordinator; reading rows back; rendering a case-page section for one user."""
from __future__ import annotations

from types import SimpleNamespace

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func, select

from caseflow.access.policy import load_actor, set_request_actor
from caseflow.audit.models import AuditEntry
from caseflow.cases.models import CaseEvent
from caseflow.cases.selectors.cases import load_case
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from tests.pupils.conftest import StatementCounter


def make_world(factory) -> SimpleNamespace:
    """A school (staff in English), another school, the board's coordinator, a pupil's open case."""
    home = factory.municipality()
    school = factory.institution(home.id)
    other_school = factory.institution(home.id)
    board = factory.institution(home.id, kind="education_board")
    pedagogue = factory.user("social_pedagogue", school.id, locale="en")
    pupil = factory.pupil(school.id)
    case = factory.case(pupil.id, school.id, pedagogue.id)
    return SimpleNamespace(
        home=home, school=school, other_school=other_school, board=board, pupil=pupil, case=case,
        pedagogue=pedagogue,
        head=factory.user("school_head", school.id, locale="en"),
        specialist=factory.user("support_specialist", school.id, locale="en"),
        teacher=factory.user("teacher", school.id, locale="en"),
        coordinator=factory.user("coordinator", board.id, locale="en"),
        stranger=factory.user("social_pedagogue", other_school.id, locale="en"))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def rows(app, model, *where, order=None) -> list:
    """Rows of a model, detached (their loaded columns stay readable)."""
    with app.app_context():
        found = db.session.scalars(select(model).where(*where).order_by(order or model.id)).all()
        db.session.expunge_all()
        return found


def events(app, case_id: int) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(e.kind, e.detail) for e in db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def render_section(app, user, case_id: int, selector, template: str) -> tuple[str, int]:
    """Render one case-page section as the user sees it; return the HTML and the SQL statements run."""
    counter = StatementCounter(app)
    with app.test_request_context(), force_locale("en"):
        actor = load_actor(db.session.get(User, user.id), db.session.get(Membership, user.membership_id))
        set_request_actor(actor)
        case = load_case(case_id)
        with counter:
            context = selector.for_case_page(case, actor)
            html = render_template(template, case=case, **context)
        db.session.remove()
        return html, len(counter.statements)
