"""`flask backup …`: create a backup, restore it into an empty database, verify a restored installation."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup

from caseflow.backup.manifest import BackupError, read_manifest

backup_cli = AppGroup("backup", help="Backups: database plus sealed key material; restore; verify.")

PASSPHRASE_VARIABLE = "CASEFLOW_BACKUP_PASSPHRASE"
_passphrase_file = click.option(
    "--passphrase-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"File holding the passphrase (default: the {PASSPHRASE_VARIABLE} environment variable).")


def _passphrase(path: Path | None) -> str:
    if path is not None:
        return path.read_text().rstrip("\r\n")
    passphrase = os.environ.get(PASSPHRASE_VARIABLE, "")
    if not passphrase:
        raise click.ClickException(f"give the passphrase with --passphrase-file or {PASSPHRASE_VARIABLE}")
    return passphrase


@backup_cli.command("create")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A new (or empty) folder for the backup.")
@_passphrase_file
def create(folder: Path, passphrase_file: Path | None) -> None:
    """Back up the database and the key material it needs (sealed with the passphrase)."""
    from caseflow.backup.services import create_backup

    try:
        manifest = create_backup(folder, _passphrase(passphrase_file), say=click.echo)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["row_counts"].values())
    click.echo(f"backup written to {folder}: {len(manifest['row_counts'])} tables, {rows} rows, "
               f"audit entry {manifest['audit']['last_seq']}, migration {manifest['alembic_revision']}, "
               f"master key versions {manifest['master_key_versions']}")


def restore_options(command):
    """The options of `restore` (shared with `python -m caseflow.backup restore`)."""
    for option in reversed([
        click.option("--from", "folder", required=True,
                     type=click.Path(exists=True, file_okay=False, path_type=Path)),
        click.option("--into", "into", required=True,
                     help="URL of a new, EMPTY database (PostgreSQL or SQLite)."),
        click.option("--keys-out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Where to write the restored key file (mode 0600); must not exist yet."),
        _passphrase_file,
    ]):
        command = option(command)
    return command


def run_restore(folder: Path, into: str, keys_out: Path, passphrase_file: Path | None) -> None:
    """Restore a backup, reporting progress and errors on the terminal."""
    from caseflow.backup.services import restore_backup

    try:
        manifest = restore_backup(folder, into, _passphrase(passphrase_file), keys_out, say=click.echo)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored the backup of {manifest['created_at']}. Next: start caseflow on the restored "
               f"database with CASEFLOW_KEY_FILE={keys_out} and run `flask backup verify --from {folder}`")


@backup_cli.command("restore")
@restore_options
def restore(folder: Path, into: str, keys_out: Path, passphrase_file: Path | None) -> None:
    """Restore a backup into an empty database and write its keys for the restored installation."""
    run_restore(folder, into, keys_out, passphrase_file)


@backup_cli.command("verify")
@click.option("--from", "folder", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The backup folder the running database was restored from.")
def verify(folder: Path) -> None:
    """Check this installation against a backup: migrations, row counts, audit chain, decryption."""
    from caseflow.backup.checks import verify_restore

    try:
        checks = verify_restore(read_manifest(folder))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for check in checks:
        click.echo(f"{'ok' if check.ok else 'FAILED'}: {check.name}: {check.detail}")
    failed = [check.name for check in checks if not check.ok]
    if failed:
        click.echo(f"RESTORE VERIFICATION FAILED: {', '.join(failed)}", err=True)
        raise SystemExit(1)
    click.echo("restore verified")
