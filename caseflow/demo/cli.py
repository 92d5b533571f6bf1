"""`flask demo …`: load demo data."""
from __future__ import annotations

import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
@click.option("--seed", default=2026, show_default=True, type=int,
              help="Seed for the generated pupils: the same seed gives the same names and codes.")
def load(seed: int) -> None:
    """Fill an empty database with two demo municipalities, accounts and pupils."""
    from caseflow.demo.institutions import PUPIL_TOTAL
    from caseflow.demo.loader import has_data, load_demo

    if has_data():
        click.echo("database already has data; demo not loaded")
        return
    with click.progressbar(length=PUPIL_TOTAL, label="Creating pupils") as bar:
        summary = load_demo(seed=seed, on_pupil=bar.update)
    click.echo(f"Loaded demo data (seed {summary.seed}):")
    for name, count in summary.counts().items():
        click.echo(f"  {name.replace('_', ' ')}: {count}")
    for municipality, count in summary.pupils_by_municipality.items():
        click.echo(f"  pupils studying in {municipality}: {count}")
    click.echo("")
    rows = [("User name", "Role", "Institution")] + [
        (a.username, a.role, a.institution) for a in summary.accounts]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for n, (username, role, institution) in enumerate(rows):
        click.echo(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {institution}")
        if n == 0:
            click.echo(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 11}")
    click.echo("")
    click.echo(f"Password for every demo account: {summary.password}")
    click.echo("Each account sets up two-factor authentication (an authenticator app) "
               "at its first sign-in.")


@demo_cli.command("generate")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0.0001, max=10),
              help="1 = Riga (70,000 pupils, 100 schools, 100,000 cases); 3.5 = the whole country.")
@click.option("--seed", default=2026, show_default=True, type=int,
              help="The same seed, scale and day give the same rows.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the generated history ends (YYYY-MM-DD); default: today in Riga.")
def generate_command(scale: float, seed: int, today) -> None:
    """Fill an empty database with Riga-shaped data (refuses a database that holds anything)."""
    import sys
    import time
    from contextlib import contextmanager

    from caseflow.db import local_today
    from caseflow.demo.generate import DatabaseNotEmpty, generate

    @contextmanager
    def progress(label: str, total: int):
        with click.progressbar(length=max(total, 1), label=f"{label:<14}", file=sys.stderr,
                               show_pos=True) as bar:
            yield bar.update

    started = time.monotonic()
    try:
        summary = generate(seed=seed, scale=scale, today=today.date() if today else local_today(),
                           progress=progress)
    except DatabaseNotEmpty as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Generated (seed {summary.seed}, scale {summary.scale}, today {summary.today}) "
               f"in {time.monotonic() - started:.0f} s:")
    for table, count in summary.counts.items():
        click.echo(f"  {table}: {count}")
    click.echo(f"Password for every generated account: {summary.password}")
    for username, role in summary.sample_accounts:
        click.echo(f"  {role}: {username}")
    click.echo("Each account sets up two-factor authentication at its first sign-in.")
