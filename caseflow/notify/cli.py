"""`flask worker`: the background worker."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseflow.notify.worker import run_forever


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one cycle and exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver queued e-mail and run periodic jobs."""
    click.echo("caseflow worker started" if not once else "caseflow worker: one cycle")
    run_forever(once=once)
