"""PostgreSQL DDL that makes the audit trail append-only (used by the migration and the tests).

audit_log refuses UPDATE, DELETE and TRUNCATE. audit_head, the chain's last position, may only
move forward: without that, someone allowed to write the head could cut entries off the end
of the chain and rewind the head to hide it. (A table's owner or a superuser can still switch
triggers off: run the application as a role that owns neither table; `flask audit verify`
catches what gets past.)
"""
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
    """
    CREATE OR REPLACE FUNCTION caseflow_audit_head_forward_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (NEW.seq > OLD.seq
                OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_head only moves forward: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    """
    CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION caseflow_audit_head_forward_only()
    """,
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    """
    CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION caseflow_audit_head_forward_only()
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head",
    "DROP FUNCTION IF EXISTS caseflow_audit_head_forward_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS caseflow_audit_append_only()",
]


def install_append_only(connection) -> None:
    """Create the triggers that keep audit_log append-only and audit_head moving forward (PostgreSQL only)."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for statement in APPEND_ONLY_SQL:
        connection.execute(text(statement))


def drop_append_only(connection) -> None:
    """Remove those triggers again (a migration's downgrade)."""
    if connection.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for statement in DROP_SQL:
        connection.execute(text(statement))
