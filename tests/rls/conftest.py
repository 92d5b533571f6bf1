"""Fixtures of the row-security tests (PostgreSQL only): a scratch database whose tables the test
superuser owns, a web login role made by `grant_web_role`, an owner app that builds the data and a
web app that connects as the web role, and the sharing tests' two-municipality world."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseflow import create_app
from caseflow.access import rls
from caseflow.access.permissions import Role
from caseflow.access.policy import Actor
from caseflow.extensions import db
from tests.conftest import PG_ADMIN_URL, _pg_available, _truncate


def _make(url: str, instance: str):
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "SMTP_PORT": 1}, testing=True)


@pytest.fixture(scope="module")
def rls_database(tmp_path_factory):
    """A scratch database with the models' schema, row security and a web role (dropped at the end)."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} — PostgreSQL tests are required under CI=true")
        pytest.skip(problem)
    suffix = uuid.uuid4().hex[:8]
    name, role = f"caseflow_rls_{suffix}", f"caseflow_web_{suffix}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    owner_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
    instance = str(tmp_path_factory.mktemp("rls") / "instance")
    owner = _make(owner_url.render_as_string(hide_password=False), instance)
    import caseflow.models  # noqa: F401 — every table
    from caseflow.audit.ddl import install_append_only

    try:
        with owner.app_context():
            db.create_all()
            with db.engine.begin() as conn:
                install_append_only(conn)
                rls.install_policies(conn)
                rls.grant_web_role(conn, role)
            db.engine.dispose()
        yield SimpleNamespace(name=name, role=role, instance=instance,
                              owner_url=owner_url.render_as_string(hide_password=False),
                              web_url=owner_url.set(username=role, password=None).render_as_string(
                                  hide_password=False))
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture(params=["postgresql"])
def backend(request):
    """PostgreSQL only (the name keeps `-k postgresql` / `-k sqlite` selections meaningful)."""
    return request.param


@pytest.fixture
def owner_app(rls_database, backend):
    """The app as the tables' owner (what the worker and CLI jobs run as); emptied after the test."""
    application = _make(rls_database.owner_url, rls_database.instance)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    _truncate(application)


@pytest.fixture
def web_app(rls_database, owner_app):
    """The app as the web processes run it: connected as the web role."""
    application = _make(rls_database.web_url, rls_database.instance)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def owner_factory(owner_app):
    """Factories that build committed data as the owner."""
    from tests.factories import Factory

    return Factory(owner_app)


@pytest.fixture
def web_engine(rls_database):
    """A plain engine connected as the web role, for raw SQL."""
    engine = create_engine(rls_database.web_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(owner_app, owner_factory):
    """Two municipalities (`home`, `away`) and a third; cases on both sides (see tests/sharing)."""
    from tests.meetings.world import build_world

    factory = owner_factory
    w = build_world(owner_app, factory)
    w.third = factory.municipality(name="Trešais novads")
    w.away_social = factory.institution(w.away.id, kind="social_service", name="Kalnu sociālais dienests")
    w.away_police = factory.institution(w.away.id, kind="municipal_police", name="Kalnu pašvaldības policija")
    w.away_school = factory.institution(w.away.id, kind="basic_school", name="Kalnu pamatskola")
    w.third_social = factory.institution(w.third.id, kind="social_service", name="Trešā sociālais dienests")
    w.away_worker = factory.user("social_worker", w.away_social.id, locale="en")
    w.away_pedagogue = factory.user("social_pedagogue", w.away_school.id, locale="en")
    w.away_inspector = factory.user("municipal_police", w.away_police.id, locale="en")
    w.third_worker = factory.user("social_worker", w.third_social.id, locale="en")
    w.dpo = factory.user("dpo", w.board.id, locale="en")
    # studies at home, declared away; the case is referred, so the home coordinator has it in sight
    w.crossing = factory.pupil(w.school.id, declared_municipality_id=w.away.id, first_name="Līga",
                               last_name="Robežniece")
    w.shared_case = factory.case(w.crossing.id, w.school.id, w.pedagogue.id, summary="Dzīvo pie vecmāmiņas")
    factory.referral(w.shared_case.id, w.group, w.pedagogue.id)
    # wholly away: studies and is declared there
    w.away_pupil = factory.pupil(w.away_school.id, declared_municipality_id=w.away.id, first_name="Ieva",
                                 last_name="Tālā")
    w.away_case = factory.case(w.away_pupil.id, w.away_school.id, w.away_pedagogue.id, summary="Kavē stundas")
    w.home_cases = {w.case.id, w.case2.id, w.case_other.id, w.shared_case.id}
    w.note = note(owner_app, w.case.id, w.pedagogue, "Mājās neviens neatver durvis")
    w.away_note = note(owner_app, w.away_case.id, w.away_pedagogue, "Tālā piezīme")
    return w


def note(app, case_id: int, author, body: str) -> int:
    """A team note written straight in the table (sealed under the pupil's key)."""
    from caseflow.cases.models import Case, Note
    from caseflow.crypto import seal

    with app.app_context():
        case = db.session.get(Case, case_id)
        row = Note(case_id=case_id, author_id=author.id, author_institution_id=author.institution_id)
        db.session.add(row)
        db.session.flush()
        row.root_id = row.id
        seal(row, "body", body, scope=f"pupil:{case.pupil_id}")
        db.session.commit()
        return row.id


def actor_of(app, user) -> Actor:
    """The actor a user is in their (only) membership."""
    from caseflow.people.models import Institution

    with app.app_context():
        municipality_id = db.session.get(Institution, user.institution_id).municipality_id
    return Actor(user.id, user.username, Role(user.role), user.membership_id, user.institution_id, municipality_id)


@contextmanager
def keyed(engine, actor: Actor | None):
    """A transaction of the web role, keyed as the app keys a request's (no key without an actor)."""
    with engine.connect() as conn, conn.begin():
        if actor is not None:
            conn.execute(text(rls.KEY_SQL), rls.key_parameters(actor))
        yield conn


def ids(conn, table: str) -> set[int]:
    """The ids of a table's rows the connection sees."""
    return set(conn.execute(text(f"SELECT id FROM {table}")).scalars())
