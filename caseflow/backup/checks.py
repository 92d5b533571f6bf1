"""Check a restored installation against its backup's manifest: migrations, row counts,
the audit chain and a sample of encrypted values."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseflow.audit.verify import verify_chain
from caseflow.backup.database import database_facts
from caseflow.backup.services import code_head
from caseflow.crypto import DecryptionError, KeyDestroyed, blind_index, decrypt
from caseflow.extensions import db

#: rows tried per encrypted column before the column counts as unreadable
SAMPLE_ROWS = 5


@dataclass
class Check:
    """One check's outcome."""

    name: str
    ok: bool
    detail: str


def _migrations(facts: dict, manifest: dict) -> Check:
    head, revision = code_head(), facts["alembic_revision"]
    if revision != head:
        return Check("migrations", False, f"database at {revision}, the code's head is {head}")
    if revision != manifest.get("alembic_revision"):
        return Check("migrations", False, f"database at {revision}, the backup was at "
                                          f"{manifest.get('alembic_revision')}")
    return Check("migrations", True, f"database at the code's head {head}")


def _row_counts(facts: dict, manifest: dict) -> Check:
    expected, actual = manifest.get("row_counts") or {}, facts["row_counts"]
    differ = [f"{name}: {actual.get(name)} rows, backup had {expected.get(name)}"
              for name in sorted(set(expected) | set(actual)) if expected.get(name) != actual.get(name)]
    if differ:
        return Check("row counts", False, "; ".join(differ[:10]))
    return Check("row counts", True, f"{len(actual)} tables, {sum(actual.values())} rows as in the backup")


def _audit_chain(manifest: dict) -> Check:
    verdict = verify_chain()
    if not verdict.ok:
        return Check("audit chain", False, verdict.problem)
    expected = manifest.get("audit") or {}
    if verdict.head != (expected.get("last_seq"), expected.get("last_hash")):
        return Check("audit chain", False, f"the chain ends at entry {verdict.head[0]}, the backup's at "
                                           f"{expected.get('last_seq')}")
    return Check("audit chain", True, f"{verdict.checked} entries verified; last entry {verdict.head[0]} "
                                      "matches the backup")


def _encrypted_columns():
    import caseflow.models  # noqa: F401 — every table

    for table in db.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        for column in table.c:
            if column.name.endswith("_enc"):
                yield table, column


def _decrypts_sample() -> Check:
    problems, read, shredded = [], 0, 0
    for table, column in _encrypted_columns():
        field = column.name.removesuffix("_enc")
        rows = db.session.execute(select(table.c.id, column).where(column.is_not(None))
                                  .order_by(table.c.id).limit(SAMPLE_ROWS)).all()
        for row_id, blob in rows:
            try:
                decrypt(blob, table=table.name, row_id=row_id, field=field)
            except KeyDestroyed:
                shredded += 1
                continue
            except DecryptionError as exc:
                problems.append(f"{table.name}.{field} row {row_id}: {exc}")
                break
            read += 1
            break
    problems += _blind_index_problems()
    if problems:
        return Check("decryption", False, "; ".join(problems[:10]))
    if not read:
        return Check("decryption", True, "no encrypted values to sample")
    return Check("decryption", True, f"one value of each of {read} encrypted columns decrypted"
                                     + (f" ({shredded} shredded values skipped)" if shredded else ""))


def _blind_index_problems() -> list[str]:
    """Personal codes must decrypt and hash to their stored blind index (checks the blind-index key)."""
    from caseflow.pupils.models import Pupil

    pupils = db.session.scalars(select(Pupil).where(Pupil.personal_code_enc.is_not(None),
                                                    Pupil.personal_code_index.is_not(None))
                                .order_by(Pupil.id).limit(SAMPLE_ROWS)).all()
    for pupil in pupils:
        try:
            code = decrypt(pupil.personal_code_enc, table="pupils", row_id=pupil.id, field="personal_code")
        except DecryptionError:
            continue  # shredded, or reported by the column sample
        if blind_index(code, purpose="personal_code") != pupil.personal_code_index:
            return [f"pupils row {pupil.id}: the blind index does not match (wrong blind-index key)"]
    return []


def verify_restore(manifest: dict) -> list[Check]:
    """Run every check against the running installation's database and keys."""
    facts = database_facts(db.session.connection())
    return [_migrations(facts, manifest), _row_counts(facts, manifest), _audit_chain(manifest),
            _decrypts_sample()]
