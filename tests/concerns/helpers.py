"""A small world for the concern, referral and closing tests, and helpers to look into the database."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from caseflow.extensions import db


def build_world(factory):
    """Municipality `home` (two schools, board, social service, a group) and `away` (school, board)."""
    home, away = factory.municipality(), factory.municipality()
    factory.taxonomy(home.id)
    factory.taxonomy(away.id)
    school = factory.institution(home.id, kind="basic_school")
    other_school = factory.institution(home.id, kind="secondary_school")
    board = factory.institution(home.id, kind="education_board")
    social = factory.institution(home.id, kind="social_service")
    far_school = factory.institution(away.id, kind="basic_school")
    far_board = factory.institution(away.id, kind="education_board")
    return SimpleNamespace(
        home=home, away=away, school=school, other_school=other_school, board=board, social=social,
        far_school=far_school,
        teacher=factory.user("teacher", school.id, locale="en"),
        pedagogue=factory.user("social_pedagogue", school.id, locale="en"),
        head=factory.user("school_head", school.id, locale="en"),
        other_teacher=factory.user("teacher", other_school.id, locale="en"),
        other_pedagogue=factory.user("social_pedagogue", other_school.id, locale="en"),
        coordinator=factory.user("coordinator", board.id, locale="en"),
        far_coordinator=factory.user("coordinator", far_board.id, locale="en"),
        social_worker=factory.user("social_worker", social.id, locale="en"),
        pupil=factory.pupil(school.id, first_name="Marta", last_name="Kalniņa", class_name="7.b"),
        classmate=factory.pupil(school.id, first_name="Jānis", last_name="Ozols", class_name="7.b"),
        older=factory.pupil(school.id, first_name="Ilze", last_name="Liepa", class_name="9.a"),
        other_pupil=factory.pupil(other_school.id, first_name="Pēteris", last_name="Zariņš", class_name="7.b"),
        group=factory.group(home.id, name="Ezerkrastu sadarbības grupa"),
        far_group=factory.group(away.id, name="Upmalas sadarbības grupa"))


def count(app, model, *where) -> int:
    """How many rows of a model (meeting the conditions) are in the database."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def raw_column(app, table: str, column: str, row_id: int) -> bytes:
    """A column's stored bytes, read past the ORM (what an attacker with the database sees)."""
    from sqlalchemy import text

    with app.app_context():
        value = db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar()
        return bytes(value) if value is not None else b""
