"""`flask audit verify`: check the hash chain."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseflow.audit.verify import verify_chain

audit_cli = AppGroup("audit", help="Audit trail tools.")


@audit_cli.command("verify")
def verify() -> None:
    """Verify the audit hash chain; exit 1 naming the first broken entry."""
    verdict = verify_chain()
    if verdict.ok:
        seq, digest = verdict.head
        click.echo(f"audit chain intact: {verdict.checked} entries verified; head {seq} {digest}")
        return
    click.echo(f"AUDIT CHAIN BROKEN: {verdict.problem} ({verdict.checked} entries verified before it)",
               err=True)
    raise SystemExit(1)
