"""A municipality with schools, semesters, pupils and the people who import."""
from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.imports import services
from caseflow.imports.messages import message
from caseflow.imports.models import ImportBatch, ImportProblem
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution


def _number(app, institution_id: int) -> str:
    with app.app_context():
        return db.session.get(Institution, institution_id).registration_number


@pytest.fixture
def world(app, factory):
    """Ezerkrastu novads: a basic school and a secondary school; Upmalas novads: one school."""
    return build_world(app, factory)


def build_world(app, factory):
    """The world of the `world` fixture, for tests that build their own app."""
    town = factory.municipality("Ezerkrastu novads", "ezerkrasti")
    other = factory.municipality("Upmalas novads", "upmala")
    board = factory.institution(town.id, kind="education_board")
    school = factory.institution(town.id, kind="basic_school", name="Ezerkrastu pamatskola")
    school2 = factory.institution(town.id, kind="secondary_school", name="Ezerkrastu vidusskola")
    far = factory.institution(other.id, kind="basic_school", name="Upmalas pamatskola")
    with app.app_context():
        db.session.add_all([
            Semester(municipality_id=town.id, school_year="2025/2026", number=1, starts_on=date(2025, 9, 1),
                     ends_on=date(2025, 12, 19)),
            Semester(municipality_id=town.id, school_year="2025/2026", number=2, starts_on=date(2026, 1, 5),
                     ends_on=date(2026, 5, 29)),
        ])
        db.session.commit()
    pupils = []
    for n, name in enumerate(("Anna", "Jānis", "Līga", "Kārlis", "Ērika")):
        p = factory.pupil(school.id, declared_municipality_id=town.id, first_name=name,
                          class_name="7.b" if n % 2 else "8.a")
        p.class_name = "7.b" if n % 2 else "8.a"
        pupils.append(p)
    elsewhere = factory.pupil(school2.id, declared_municipality_id=town.id)
    elsewhere.class_name = "9.c"
    return SimpleNamespace(
        town=town, other=other, board=board, school=school, school2=school2, far=far, pupils=pupils,
        elsewhere=elsewhere, number=_number(app, school.id), number2=_number(app, school2.id),
        far_number=_number(app, far.id),
        pedagogue=factory.user("social_pedagogue", school.id),
        coordinator=factory.user("coordinator", board.id),
        teacher=factory.user("teacher", school.id))


def municipal(world) -> services.Importer:
    """An operator importing for the whole municipality (as `flask imports run` does)."""
    return services.Importer(municipality_id=world.town.id, school_id=None, channel="cli")


def for_school(world) -> services.Importer:
    """The school's social pedagogue importing for the school."""
    return services.Importer(municipality_id=world.town.id, school_id=world.school.id,
                             institution_id=world.school.id, user_id=world.pedagogue.id,
                             role="social_pedagogue")


def run_import(app, importer, data: bytes, *, kind: str | None = None, confirm: bool = False,
               name: str = "dati.csv"):
    """Validate (and, if asked and clean, confirm) a file; return the batch and its problems as text."""
    with app.test_request_context():
        batch = services.validate_file(importer, io.BytesIO(data), file_name=name, kind=kind)
        db.session.commit()
        if confirm and batch.can_confirm:
            services.confirm(batch)
            db.session.commit()
        problems = [(p.row_number, p.column, p.code, message(p.code, p.params)) for p in db.session.scalars(
            select(ImportProblem).where(ImportProblem.batch_id == batch.id).order_by(ImportProblem.row_number, ImportProblem.id))]
        result = SimpleNamespace(**{c: getattr(batch, c) for c in (
            "id", "kind", "status", "encoding", "rows_total", "rows_bad", "rows_new", "rows_unchanged",
            "rows_changed", "rows_written", "problems_total", "file_sha256")}, problems=problems)
        return result


def batch_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(ImportBatch))
