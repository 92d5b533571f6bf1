"""`flask keys …`: key status, new master key, rotation."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from caseflow.crypto import rotation
from caseflow.crypto.keyring import KeyError_, add_master_key, keyring
from caseflow.crypto.models import DataKey
from caseflow.extensions import db

keys_cli = AppGroup("keys", help="Encryption keys: status, new master key, rotation.")


@keys_cli.command("status")
def status() -> None:
    """Show master key versions and how many data keys each wraps."""
    ring = keyring()
    click.echo(f"master key versions loaded: {sorted(ring.master_keys)}; active: {ring.active_version}")
    rows = db.session.execute(
        select(DataKey.master_version, func.count()).where(DataKey.wrapped.is_not(None))
        .group_by(DataKey.master_version)
    ).all()
    for version, count in rows:
        click.echo(f"  data keys wrapped by version {version}: {count}")


@keys_cli.command("new-master")
def new_master() -> None:
    """Add a new master key version to the local key file (demo mode only)."""
    if current_app.config["ENV_MODE"] == "production":
        raise click.ClickException("in production, add the key to the key file or environment by hand")
    try:
        version = add_master_key(current_app)
    except KeyError_ as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added master key version {version}")


@keys_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1))
def rotate(batch_size: int) -> None:
    """Re-wrap every data key under the newest master key; resumable after interruption."""
    total = rotation.pending_count()
    with click.progressbar(length=total, label="re-wrapping data keys") as bar:
        done = rotation.rotate(batch_size=batch_size, on_batch=bar.update)
    click.echo(f"re-wrapped {done} data keys; all now under version {keyring().active_version}")
