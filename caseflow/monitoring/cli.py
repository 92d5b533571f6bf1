"""`flask monitoring load-seeds [PROFILE …]`: load the seed plans' indicators, plan and statistics."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.monitoring.fixtures import FixtureError, available_profiles, load_into, load_profile
from caseflow.people.models import Municipality

monitoring_cli = AppGroup("monitoring", help="Monitoring of the municipal plans.")


@monitoring_cli.command("load-seeds")
@click.argument("profiles", nargs=-1)
def load_seeds(profiles: tuple[str, ...]) -> None:
    """Load PROFILES (default: all) into their municipalities, creating a missing one; all or nothing."""
    names = list(profiles) or available_profiles()
    try:
        parsed = [load_profile(name) for name in names]
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from exc
    for profile in parsed:
        municipality = db.session.scalar(select(Municipality).where(Municipality.code == profile["name"]))
        if municipality is None:
            municipality = Municipality(code=profile["name"], name=profile["meta"]["name_lv"])
            db.session.add(municipality)
            db.session.flush()
        try:
            counts = load_into(municipality.id, profile)
        except FixtureError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{profile['name']}: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    db.session.commit()
