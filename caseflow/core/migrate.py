"""`flask db …`: Alembic migrations, the only way the schema changes."""
from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask.cli import AppGroup

from caseflow.config import PROJECT_ROOT

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(connection=None) -> Config:
    """An Alembic config pointing at migrations/, optionally bound to an open connection."""
    cfg = Config(str(PROJECT_ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(revision: str = "head", connection=None) -> None:
    """Migrate the database up to a revision."""
    command.upgrade(alembic_config(connection), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_cmd(revision: str) -> None:
    """Migrate the database to REVISION (default: head)."""
    upgrade(revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_cmd(revision: str) -> None:
    """Migrate the database down to REVISION."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_cmd(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    command.revision(alembic_config(), message=message, autogenerate=True)


@db_cli.command("current")
def current_cmd() -> None:
    """Show the database's revision."""
    command.current(alembic_config())
