"""Count the SQL statements a block of test code makes the app run (query-budget tests)."""
from __future__ import annotations

from sqlalchemy import event

from caseflow.extensions import db


class StatementCounter:
    """Count the SQL statements the app's engine runs while the block is open."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)
        return False

    def __len__(self) -> int:
        return len(self.statements)
