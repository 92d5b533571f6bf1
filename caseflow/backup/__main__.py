"""`python -m caseflow.backup restore …`: restore on a machine where caseflow cannot start yet (no keys)."""
from __future__ import annotations

from pathlib import Path

import click

from caseflow.backup.cli import restore_options, run_restore


@click.group()
def main() -> None:
    """caseflow backup tools that run without a configured installation."""


@main.command("restore")
@restore_options
def restore(folder: Path, into: str, keys_out: Path, passphrase_file: Path | None) -> None:
    """Restore a backup into an empty database and write its keys to --keys-out."""
    run_restore(folder, into, keys_out, passphrase_file)


if __name__ == "__main__":
    main()
