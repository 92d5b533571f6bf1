"""Alembic environment: uses the caseflow app's database unless a connection is handed in."""
from __future__ import annotations

from alembic import context

config = context.config


def _metadata():
    import caseflow.models  # noqa: F401 — registers every table
    from caseflow.extensions import db

    return db.metadata


def run_migrations(connection) -> None:
    context.configure(connection=connection, target_metadata=_metadata(), compare_type=True,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from flask import current_app, has_app_context

    from caseflow.extensions import db

    if has_app_context():
        with db.engine.connect() as conn:
            run_migrations(conn)
        return
    from caseflow import create_app

    with create_app().app_context(), db.engine.connect() as conn:
        run_migrations(conn)
        del current_app


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=_metadata(),
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
