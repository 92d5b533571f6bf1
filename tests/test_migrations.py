"""Alembic is the only way the schema changes: `upgrade head` equals the models, every step downgrades."""
from __future__ import annotations

import uuid

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import caseflow.models  # noqa: F401 — every table
from caseflow.core.migrate import alembic_config
from caseflow.extensions import db
from tests.conftest import PG_ADMIN_URL, _pg_available


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    """An engine on a brand-new, empty database of each backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
        yield engine
        engine.dispose()
        return
    problem = _pg_available()
    if problem:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"caseflow_mig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(f"{base}/{name}")
    yield engine
    engine.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _upgrade(engine, revision="head"):
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def _downgrade(engine, revision):
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def _diff(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)


def test_upgrade_head_gives_exactly_the_models_schema(empty_engine):
    _upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_every_migration_downgrades_and_upgrades_again(empty_engine):
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in script.walk_revisions("base", "head")]  # newest first
    assert revisions, "no migrations found"
    _upgrade(empty_engine)
    for revision in revisions:
        down_to = script.get_revision(revision).down_revision or "base"
        _downgrade(empty_engine, down_to)
    tables = set(inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    _upgrade(empty_engine)
    assert _diff(empty_engine) == []


def test_audit_trail_is_append_only_after_migrating_postgresql(empty_engine):
    if empty_engine.dialect.name != "postgresql":
        pytest.skip("triggers are PostgreSQL-only")
    _upgrade(empty_engine)
    with empty_engine.connect() as conn:
        names = set(conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal")).scalars())
    assert {"audit_log_append_only", "audit_log_no_truncate"} <= names


def test_migration_starts_the_audit_chain(empty_engine):
    _upgrade(empty_engine)
    with empty_engine.connect() as conn:
        head = conn.execute(text("SELECT id, seq, hash FROM audit_head")).all()
    assert head == [(1, 0, "0" * 64)]
