"""`flask imports run FILE`: validate a file with a progress bar, then import it all or nothing."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.imports import selectors, services
from caseflow.imports.formats import KINDS
from caseflow.people.models import Institution, Municipality

imports_cli = AppGroup("imports", help="Import school data (absences, totals, grades, enrolment lists).")


def _importer(municipality_code: str, school_number: str | None) -> services.Importer:
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == municipality_code))
    if municipality is None:
        raise click.BadParameter(f"no municipality with code {municipality_code!r}", param_hint="--municipality")
    school_id = None
    if school_number:
        school_id = db.session.scalar(select(Institution.id).where(
            Institution.registration_number == school_number, Institution.municipality_id == municipality.id))
        if school_id is None:
            raise click.BadParameter(f"no school {school_number!r} in {municipality.name}", param_hint="--school")
    return services.Importer(municipality_id=municipality.id, school_id=school_id, channel="cli")


@imports_cli.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--municipality", "municipality_code", required=True, help="The municipality's code, e.g. ezerkrasti.")
@click.option("--kind", type=click.Choice(KINDS), help="The kind of data (default: told from the columns).")
@click.option("--school", "school_number", help="Only rows of this school (its registration number) are allowed.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--lang", type=click.Choice(["lv", "en"]), default="lv", show_default=True,
              help="Language of the problems.")
def run(file: Path, municipality_code: str, kind: str | None, school_number: str | None, dry_run: bool,
        lang: str) -> None:
    """Validate FILE, list its problems, and (unless --dry-run) import it in one transaction."""
    importer = _importer(municipality_code, school_number)
    bar = {}

    def opened(sheet):
        bar["bar"] = click.progressbar(length=max(sheet.total, 1), label="Validating", file=sys.stderr)
        bar["bar"].__enter__()
        bar["done"] = 0

    def progress(position: int):
        step = max(position - bar["done"], 0)
        bar["bar"].update(step)
        bar["done"] += step

    with force_locale(lang), file.open("rb") as stream:
        try:
            batch = services.validate_file(importer, stream, file_name=file.name, kind=kind,
                                           progress=progress, on_open=opened)
        finally:
            if "bar" in bar:
                bar["bar"].render_finish()
                bar["bar"].__exit__(None, None, None)
        _report(batch)
        if dry_run:
            db.session.rollback()
            click.echo("Dry run: nothing was written.")
            sys.exit(0 if batch.can_confirm else 1)
        db.session.commit()
        if not batch.can_confirm:
            click.echo("Not imported: correct the file and run again.")
            sys.exit(1)
        services.confirm(batch)
        db.session.commit()
        click.echo(f"Imported batch {batch.id}: {batch.rows_written} rows written.")


def _report(batch) -> None:
    click.echo(f"{batch.file_name}: {batch.kind}, {batch.encoding or '?'}, sha256 {batch.file_sha256 or '-'}")
    click.echo(f"  rows {batch.rows_total}: fine {batch.rows_fine}, with problems {batch.rows_bad}; "
               f"new {batch.rows_new}, unchanged {batch.rows_unchanged}, changed {batch.rows_changed}")
    page = selectors.problems(batch, limit=50)
    for problem in page.rows:
        where = f"row {problem.row_number}" if problem.row_number else "file"
        column = f", {problem.column}" if problem.column else ""
        click.echo(f"  {where}{column}: {problem.text}")
    if batch.problems_total > len(page.rows):
        click.echo(f"  … {batch.problems_total - len(page.rows)} more problems")


@imports_cli.command("work")
@click.option("--limit", default=100, show_default=True, help="At most this many queued files.")
def work(limit: int) -> None:
    """Check the big files uploaded in the browser that wait for the worker."""
    from caseflow.imports.jobs import run_queued

    click.echo(f"Checked {run_queued(limit=limit)} queued file(s).")
