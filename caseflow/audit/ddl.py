"""PostgreSQL DDL that makes the audit trail append-only (used by the migration and the tests)."""
from __future__ import annotations

APPEND_ONLY_SQL = [
    """
    CREATE OR REPLACE FUNCTION caseflow_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION caseflow_audit_append_only()
    """,
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_audit_append_only()
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS caseflow_audit_append_only()",
]


def install_append_only(connection) -> None:
    """Create the triggers that refuse UPDATE, DELETE and TRUNCATE on audit_log (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for statement in APPEND_ONLY_SQL:
        connection.execute(text(statement))
