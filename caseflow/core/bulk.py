"""Writing many rows at once: COPY … FROM STDIN on PostgreSQL where row security allows it (about 5×
faster than INSERT), one executemany INSERT everywhere else."""
from __future__ import annotations

import json

from sqlalchemy import JSON, Table, any_, bindparam, insert
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from caseflow.access import rls
from caseflow.extensions import db


def can_copy(connection: Connection) -> bool:
    """COPY FROM works on PostgreSQL for a role that row security does not govern."""
    return connection.dialect.name == "postgresql" and not rls.under_row_security(connection)


def insert_rows(connection: Connection, table: Table, rows: list[dict], *, copy: bool | None = None) -> None:
    """Insert rows (each with the same keys) in one COPY or one executemany."""
    if rows:
        names = list(rows[0])
        insert_values(connection, table, names, [[row[n] for n in names] for row in rows], copy=copy)


def insert_values(connection: Connection, table: Table, names: list[str], rows: list, *,
                  copy: bool | None = None) -> None:
    """Insert rows given as sequences of values in the order of `names` (one COPY or one executemany)."""
    if not rows:
        return
    if copy if copy is not None else can_copy(connection):
        _copy(connection, table, names, rows)
    else:
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])


def _copy(connection: Connection, table: Table, names: list[str], rows: list) -> None:
    """Stream rows with COPY, values converted as SQLAlchemy would bind them."""
    processors = [_processor(connection, table.c[name]) for name in names]
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    # announce the COPY like any other statement, so statement counters and SQL logs see it
    connection.dispatch.before_cursor_execute(connection, cursor, statement, (), None, False)
    converting = any(processors)
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([value if process is None or value is None else process(value)
                            for process, value in zip(processors, row, strict=True)] if converting else row)


def _processor(connection: Connection, column):
    if isinstance(column.type, JSON):
        return json.dumps
    return column.type.bind_processor(connection.dialect)


def any_of(column, values: list):
    """`column IN values`: on PostgreSQL one array parameter (`= ANY`), which stays cheap for thousands."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(list(values))
