"""Helpers for audit tests: write entries as a given actor, tamper with the table like an attacker."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from caseflow.access.policy import load_actor, set_request_actor
from caseflow.audit import services as audit
from caseflow.audit.models import AuditEntry
from caseflow.extensions import db
from caseflow.people.models import Membership, User


class AuditHelper:
    """Write and inspect audit entries of a test's app."""

    def __init__(self, app):
        self.app = app

    def record(self, count: int = 1, *, action: str = "test.event", per_commit: int = 1, **kwargs) -> None:
        """Record `count` entries without a request, `per_commit` entries per transaction."""
        with self.app.app_context():
            for i in range(count):
                audit.record(action, detail={"i": i}, **kwargs)
                if (i + 1) % per_commit == 0 or i == count - 1:
                    db.session.commit()

    def record_as(self, user, action: str, *, pupil_id: int | None = None, ip: str = "10.0.0.7",
                  object_type: str | None = "Pupil") -> None:
        """Record one entry as a signed-in user acting in their membership, from an address."""
        with self.app.test_request_context(environ_base={"REMOTE_ADDR": ip}):
            account = db.session.get(User, user.id)
            membership = db.session.get(Membership, user.membership_id) if user.membership_id else None
            set_request_actor(load_actor(account, membership))
            audit.record(action, object_type=object_type, object_id=pupil_id, pupil_id=pupil_id)
            db.session.commit()

    def entries(self) -> list[AuditEntry]:
        """Every entry in chain order (detached, attributes loaded)."""
        with self.app.app_context():
            rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
            db.session.expunge_all()
            return rows

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(AuditEntry))

    def attack(self, *statements: str) -> None:
        """Run SQL on a raw connection as a database superuser would: triggers bypassed on PostgreSQL."""
        with self.app.app_context(), db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement))


@pytest.fixture
def trail(app):
    """The audit helper of the test's app."""
    return AuditHelper(app)
