"""Shared fixtures: every database test runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import os
import shutil
import uuid

import psycopg
import pytest
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import text

from caseflow import create_app
from caseflow.extensions import db

# Property tests judge correctness, never speed: no per-example deadline on a loaded CI machine.
settings.register_profile("caseflow", deadline=None, print_blob=True)
settings.load_profile("caseflow")

PG_ADMIN_URL = os.environ.get("CASEFLOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
_pg_state: dict = {}


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"


@pytest.fixture(scope="session")
def pg_database():
    """A scratch PostgreSQL database for this test run (dropped at the end)."""
    problem = _pg_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} — PostgreSQL tests are required under CI=true")
        pytest.skip(problem)
    name = f"caseflow_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # a throw-away database: commits need not wait for the disk
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(config, items):
    """Tests marked `one_backend` run on SQLite only (file formats, input checks: not the database's)."""
    keep, dropped = [], []
    for item in items:
        on_postgresql = getattr(item, "callspec", None) and item.callspec.params.get("backend") == "postgresql"
        (dropped if on_postgresql and item.get_closest_marker("one_backend") else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """The database backend of this test run."""
    return request.param


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for every app this test process builds."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        """Fill the bucket from memory when the template was compiled before."""
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        """Keep a newly compiled template."""
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


def _make_app(url: str, instance: str, extra: dict | None = None):
    overrides = {"DATABASE_URL": url, "INSTANCE_PATH": instance, "SMTP_PORT": 1}
    overrides.update(extra or {})
    application = create_app(overrides, testing=True)
    application.jinja_env.bytecode_cache = _BYTECODE
    return application


def _create_schema(app) -> None:
    import caseflow.models  # noqa: F401
    from caseflow.access.rls import install_policies
    from caseflow.audit.ddl import install_append_only

    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            install_append_only(conn)
            install_policies(conn)  # as migration 0005 does (the tests' superuser is not bound by them)


def _truncate(app) -> None:
    """Empty the tables a test wrote to and restart every sequence it used (cheaper than all tables)."""
    with app.app_context(), db.engine.begin() as conn:
        probes = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"
                                    for t in db.metadata.sorted_tables)
        dirty = list(conn.scalars(text(probes)))
        conn.execute(text("SET session_replication_role = replica"))
        if dirty:
            names = ", ".join(f'"{name}"' for name in dirty)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                          "FROM pg_sequences WHERE last_value IS NOT NULL"))
        conn.execute(text("SET session_replication_role = DEFAULT"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """An SQLite file holding the schema, copied for each test instead of creating the schema again."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    application = _make_app(f"sqlite:///{folder / 'template.db'}", str(folder / "instance"))
    _create_schema(application)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()  # the last connection checkpoints the WAL into the file
    return folder / "template.db"


@pytest.fixture
def app_factory(backend, tmp_path, request):
    """Build an app on this test's database, with optional config overrides."""
    made = []

    def factory(extra: dict | None = None):
        instance = str(tmp_path / "instance")
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'caseflow.db'}"
            if not made:
                shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "caseflow.db")
        else:
            url = request.getfixturevalue("pg_database")
        application = _make_app(url, instance, extra)
        if backend == "postgresql" and not _pg_state.get(url):
            _create_schema(application)
            _pg_state[url] = True
        made.append(application)
        return application

    yield factory
    if made and backend == "postgresql":
        with made[0].app_context():
            db.session.remove()
            db.engine.dispose()
        _truncate(made[0])
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    """The application on a fresh, empty database."""
    return app_factory()


@pytest.fixture
def client(app):
    """A test client (keeps cookies between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def factory(app):
    """Factories that create committed data and return plain records (see tests/factories.py)."""
    from tests.factories import Factory

    return Factory(app)
