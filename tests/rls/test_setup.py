"""Setting row security up: the migration installs exactly what rls.py installs, and
`flask db grant-web-role` is idempotent and refuses a role that could get around the policies."""
from __future__ import annotations

import uuid

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseflow.access import rls
from caseflow.core.migrate import alembic_config
from tests.conftest import PG_ADMIN_URL

POLICIES = "SELECT tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public'"
SECURED = "SELECT relname FROM pg_class WHERE relrowsecurity AND NOT relforcerowsecurity AND relkind = 'r'"
FUNCTIONS = ("SELECT proname, prosrc, prosecdef, provolatile FROM pg_proc "
             "WHERE proname LIKE 'caseflow\\_%' AND proname NOT LIKE 'caseflow\\_audit\\_%'")


def _snapshot(engine) -> tuple[set, set, set]:
    with engine.connect() as conn:
        return (set(map(tuple, conn.execute(text(POLICIES)))), set(conn.execute(text(SECURED)).scalars()),
                set(map(tuple, conn.execute(text(FUNCTIONS)))))


def test_the_migration_installs_what_rls_py_installs_and_takes_it_away(rls_database, backend):
    from alembic import command

    name = f"caseflow_rlsmig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    migrated = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name))
    installed = create_engine(rls_database.owner_url)
    try:
        with migrated.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        policies, secured, functions = _snapshot(migrated)
        assert (policies, secured, functions) == _snapshot(installed)
        assert secured == set(rls.POLICIES) and len(policies) == len(rls.POLICIES)
        with migrated.begin() as conn:
            command.downgrade(alembic_config(conn), "0004")
        assert _snapshot(migrated) == (set(), set(), set())
    finally:
        migrated.dispose()
        installed.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_grant_web_role_is_idempotent_and_refuses_roles_that_bypass(owner_app, rls_database):
    runner = owner_app.test_cli_runner()
    again = runner.invoke(args=["db", "grant-web-role", rls_database.role])
    assert again.exit_code == 0 and f"role {rls_database.role} updated" in again.output
    with psycopg.connect(PG_ADMIN_URL) as conn:  # short queries never pay for JIT compilation
        settings = conn.execute("SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                                "WHERE r.rolname = %s", (rls_database.role,)).fetchone()
    assert settings is not None and "jit=off" in settings[0]
    refused = runner.invoke(args=["db", "grant-web-role", "postgres"])
    assert refused.exit_code != 0
    assert "must not serve the web" in refused.output and "bypasses row security" in refused.output
    odd = runner.invoke(args=["db", "grant-web-role", "web; DROP TABLE cases"])
    assert odd.exit_code != 0 and "not a plain role name" in odd.output


def test_a_new_role_is_created_without_any_way_around_the_policies(owner_app):
    role = f"caseflow_web_new_{uuid.uuid4().hex[:6]}"
    runner = owner_app.test_cli_runner()
    try:
        made = runner.invoke(args=["db", "grant-web-role", role])
        assert made.exit_code == 0 and f"role {role} created" in made.output
        with psycopg.connect(PG_ADMIN_URL) as conn:
            row = conn.execute("SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                               "FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        assert row == (True, False, False, False, False)
    finally:
        from caseflow.extensions import db

        with owner_app.app_context(), db.engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
