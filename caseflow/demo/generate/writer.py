"""Bulk writing for the generator: ids reserved in memory, rows buffered per table and inserted in
batches with Core (parents before children), PostgreSQL's sequences moved past the ids at the end."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Table, func, select, text

from caseflow.core.bulk import insert_rows
from caseflow.crypto.bulk import BulkSealer
from caseflow.crypto.models import DataKey
from caseflow.extensions import db

BATCH = 5_000

#: progress(label, total) gives a context whose value is update(n): the command shows a bar with it
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], object]]]


@contextmanager
def no_progress(_label: str, _total: int) -> Iterator[Callable[[int], object]]:
    """A progress reporter that shows nothing (tests, library use)."""
    yield lambda _n: None


class Writer:
    """Collect rows per table and insert them in batches; reserve ids without asking the database."""

    def __init__(self, *, batch: int = BATCH, copy: bool | None = None):
        self.batch = batch
        self.connection = db.session.connection()
        self.dialect = self.connection.dialect.name
        #: PostgreSQL: COPY … FROM STDIN instead of INSERT (about 5× faster; see docs/generator.md)
        self.copy = self.dialect == "postgresql" if copy is None else copy
        self.counts: Counter[str] = Counter()
        self._buffers: dict[str, list[dict]] = {}
        self._next_id: dict[str, int] = {}
        self._order = [t.name for t in db.metadata.sorted_tables]
        self._tables = {t.name: t for t in db.metadata.sorted_tables}
        self.sealer = BulkSealer(first_key_id=self._first_id(DataKey.__table__))

    def _first_id(self, table: Table) -> int:
        return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1

    def next_id(self, model) -> int:
        """A fresh primary key for a row of the model's table."""
        name = model.__tablename__
        if name not in self._next_id:
            self._next_id[name] = self._first_id(self._tables[name])
        value = self._next_id[name]
        self._next_id[name] = value + 1
        return value

    def seal(self, plaintext: str | None, *, scope: str, model, row_id: int, field: str) -> bytes | None:
        """The ciphertext of a text for <field>_enc of a row, under the scope's data key."""
        return self.sealer.seal(plaintext, scope=scope, table=model.__tablename__, row_id=row_id, field=field)

    def add(self, model, row: dict) -> None:
        """Queue a row; a full buffer is written together with its parents' buffers."""
        name = model.__tablename__
        buffer = self._buffers.setdefault(name, [])
        buffer.append(row)
        if len(buffer) >= self.batch:
            self.flush(upto=name)

    def flush(self, *, upto: str | None = None) -> None:
        """Write the buffered rows of every table up to `upto` in dependency order (all by default)."""
        keys = self.sealer.take_key_rows()
        if keys:
            self._buffers.setdefault(DataKey.__tablename__, []).extend(keys)
        for name in self._order:
            rows = self._buffers.get(name)
            if rows:
                self._write(self._tables[name], rows)
                self._buffers[name] = []
            if name == upto:
                break

    def _write(self, table: Table, rows: list[dict]) -> None:
        missing = set(table.c.keys()) - set(rows[0])
        if missing:
            filler = _fixed_values(table, missing)
            for row in rows:
                row.update(filler)
        for start in range(0, len(rows), self.batch):
            chunk = rows[start:start + self.batch]
            insert_rows(self.connection, table, chunk, copy=self.copy)
        self.counts[table.name] += len(rows)

    def finish(self) -> None:
        """Write what is left and move PostgreSQL's id sequences past the reserved ids."""
        self.flush()
        if self.dialect != "postgresql":
            return
        for name in sorted(set(self._next_id) | set(self.counts)):
            if "id" not in self._tables[name].c:
                continue
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"))


def _fixed_values(table: Table, names: set[str]) -> dict:
    """Values for columns the rows leave out: a constant default or NULL; never a clock-made one."""
    # a default computed at insert time would break "same seed, same rows", and COPY skips it
    values = {}
    for name in sorted(names):
        column = table.c[name]
        if column.default is not None and column.default.is_scalar:
            values[name] = column.default.arg
        elif column.default is None and column.server_default is None and column.nullable:
            values[name] = None
        else:
            raise ValueError(f"{table.name}.{name}: the generator must give a value")
    return values
