"""Helpers of the records tests: audit rows and PDF text."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import select

from caseflow.extensions import db


def audit_rows(app, action: str) -> list:
    """(pupil_id, detail) of the audit entries with this action, oldest first."""
    from caseflow.audit.models import AuditEntry

    with app.app_context():
        return [(p, json.loads(d)) for p, d in db.session.execute(
            select(AuditEntry.pupil_id, AuditEntry.detail).where(AuditEntry.action == action)
            .order_by(AuditEntry.seq))]


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF, whitespace collapsed (pdftotext from poppler-utils)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "export.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())
