"""The database part of a backup: a consistent copy with its facts, and the restore into an empty database.

PostgreSQL: `pg_dump -Fc` reads the snapshot a REPEATABLE READ transaction exported, so the row
counts, the audit head and the master key versions in the manifest describe exactly what was dumped.
SQLite: the online backup API copies the file; the facts are then read from the copy itself.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from caseflow.audit.models import GENESIS, AuditEntry
from caseflow.backup.manifest import BackupError
from caseflow.crypto.models import DataKey
from caseflow.extensions import db

#: relations a restore target may not hold (tables, views, sequences, materialised views …)
_PG_RELATIONS_SQL = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
"""


def parse_url(url: str) -> URL:
    """A database URL with the driver part removed (postgresql+psycopg → postgresql)."""
    try:
        parsed = make_url(url)
    except (ValueError, SQLAlchemyError) as exc:
        raise BackupError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"unsupported database {backend!r}: use PostgreSQL or SQLite")
    return parsed.set(drivername=backend)


def same_database(first: URL, second: URL) -> bool:
    """Whether two URLs name the same database (SQLite: the same file)."""
    if first.get_backend_name() != second.get_backend_name():
        return False
    if first.get_backend_name() == "sqlite":
        return Path(first.database or "").resolve() == Path(second.database or "").resolve()
    return ((first.host or "localhost", first.port or 5432, first.database)
            == (second.host or "localhost", second.port or 5432, second.database))


def _engine_url(url: URL) -> URL:
    return url.set(drivername="postgresql+psycopg") if url.get_backend_name() == "postgresql" else url


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and an environment that carries the password
    (so it never shows in the process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client tools")
    return path


def database_facts(conn: Connection) -> dict:
    """Row counts per table, the migration revision, the audit chain's last entry, master key versions."""
    import caseflow.models  # noqa: F401 — every table

    counts = {table.name: conn.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    revision = None
    if inspect(conn).has_table("alembic_version"):
        revision = ",".join(sorted(conn.scalars(text("SELECT version_num FROM alembic_version"))))
    last = conn.execute(select(AuditEntry.seq, AuditEntry.hash)
                        .order_by(AuditEntry.seq.desc()).limit(1)).first()
    versions = conn.scalars(select(DataKey.master_version).distinct().where(DataKey.wrapped.is_not(None)))
    return {"row_counts": dict(sorted(counts.items())), "alembic_revision": revision,
            "audit": {"last_seq": last.seq if last else 0, "last_hash": last.hash if last else GENESIS},
            "master_key_versions": sorted(versions)}


def dump(url: URL, target: Path) -> dict:
    """Copy the database to target and return the facts of exactly that copy."""
    if url.get_backend_name() == "sqlite":
        return _dump_sqlite(url, target)
    return _dump_postgresql(url, target)


def _dump_postgresql(url: URL, target: Path) -> dict:
    pg_dump = _tool("pg_dump")
    engine = create_engine(_engine_url(url), poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            facts = database_facts(conn)
            conninfo, env = _libpq(url)
            done = subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot}",
                                   f"--file={target}", f"--dbname={conninfo}"],
                                  env=env, capture_output=True, text=True, check=False)
            conn.rollback()
    finally:
        engine.dispose()
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[-800:]}")
    return facts


def _dump_sqlite(url: URL, target: Path) -> dict:
    source_path = Path(url.database or "")
    if not url.database or not source_path.is_file():
        raise BackupError(f"SQLite database {source_path} not found")
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # a self-contained file: no -wal beside it
    finally:
        copy.close()
        source.close()
    engine = create_engine(f"sqlite:///{target}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return database_facts(conn)
    finally:
        engine.dispose()


def ensure_empty(url: URL) -> None:
    """Refuse a restore target that holds any table (or cannot be reached)."""
    if url.get_backend_name() == "sqlite":
        if not url.database:
            raise BackupError("an SQLite restore target needs a file path (sqlite:////path/to/file.db)")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(_engine_url(url), poolclass=NullPool)
    shown = url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            if url.get_backend_name() == "sqlite":
                count = conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
            else:
                count = conn.scalar(text(_PG_RELATIONS_SQL))
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot connect to {shown}: create an empty database first "
                          f"({type(exc.orig or exc).__name__})") from exc
    finally:
        engine.dispose()
    if count:
        raise BackupError(f"{shown} is not empty ({count} tables or other relations): "
                          "restore only into a new, empty database")


def restore(dump_file: Path, url: URL) -> None:
    """Load a dump into an empty database of the same backend."""
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{dump_file}?mode=ro", uri=True)
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    conninfo, env = _libpq(url)
    done = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
                           "--single-transaction", f"--dbname={conninfo}", str(dump_file)],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {done.stderr.strip()[-800:]}")
