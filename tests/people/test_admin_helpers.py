"""Helpers shared by the administration tests (test_admin_*.py), and a check of the helpers."""
from __future__ import annotations

import html
import json
import re

from sqlalchemy import func, select

from caseflow.extensions import db


def sign_in_admin(factory, client, *, municipality_id: int | None = None):
    """Sign in an administrator (English interface) working at an education board."""
    board = factory.institution(municipality_id, kind="education_board")
    admin = factory.user("admin", board.id, locale="en")
    factory.login(client, admin)
    return admin, board


def field_error(page: str, field_id: str) -> str | None:
    """The error text shown next to a field (the forms macro's `<id>-error` paragraph), or None."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def count(app, model, *where) -> int:
    """How many rows of a model match."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_actions(app, prefix: str = "admin.") -> list[tuple[str, str | None, int | None, dict]]:
    """Audited (action, object type, object id, detail) rows whose action starts with the prefix."""
    from caseflow.audit.models import AuditEntry

    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix))
                                  .order_by(AuditEntry.seq)).all()
        return [(r.action, r.object_type, r.object_id, json.loads(r.detail or "{}")) for r in rows]


def test_field_error_reads_the_message_next_to_a_field():
    page = '<div class="field has-error"><label for="code">Code</label>' \
           '<p class="error" id="code-error">Another municipality already has this code.</p></div>'
    assert field_error(page, "code") == "Another municipality already has this code."
    assert field_error(page, "name") is None
