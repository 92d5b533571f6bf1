"""`flask records retention`: anonymise records past their retention period."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseflow.extensions import db
from caseflow.records.services import retention

records_cli = AppGroup("records", help="Records management: retention of cases, concerns, plans and requests.")


@records_cli.command("retention")
def retention_command() -> None:
    """Anonymise every record past its municipality's retention period (legal holds excepted)."""
    plan = retention.plan_retention()
    with click.progressbar(length=len(plan.to_anonymise), label="Anonymising records") as bar:
        run = retention.execute_retention(plan, on_item=lambda: bar.update(1))
    db.session.commit()
    click.echo(f"retention run {run.id}: {run.anonymised} anonymised, {run.held} held, "
               f"{run.keys_destroyed} data keys destroyed")
