"""Helpers of the export tests: read a download back with a real reader, look into the audit trail."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
from sqlalchemy import select

from caseflow.extensions import db


def workbook(data: bytes) -> dict[str, list[tuple]]:
    """An XLSX file's sheets as lists of row tuples (openpyxl reads it; no formula evaluated)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def cells(data: bytes):
    """Every cell of an XLSX file (openpyxl cell objects)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV download as rows; it must begin with the UTF-8 byte-order mark and use `;`."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def audit_entries(app, prefix: str = "export.") -> list:
    """The audit entries whose action starts with the prefix, oldest first, detached."""
    from caseflow.audit.models import AuditEntry

    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                  .order_by(AuditEntry.seq)).all()
        db.session.expunge_all()
        return rows


def detail(entry) -> dict:
    """An audit entry's detail as a dict."""
    return json.loads(entry.detail)


def assert_download(response, filename: str, mimetype: str) -> None:
    """An attachment with a name naming no child, never cached."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == mimetype
