"""Envelope encryption: AES-256-GCM under per-scope data keys, bound to table, row and field."""
from __future__ import annotations

import hashlib
import hmac
import os
import struct
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from caseflow.crypto.keyring import keyring
from caseflow.crypto.models import DataKey
from caseflow.db import utcnow
from caseflow.extensions import db

MAGIC = b"CF1"
NONCE = 12
TAG = 16
#: magic, key id (8 bytes), nonce, then at least the GCM tag
_HEADER = len(MAGIC) + 8
_CACHE = "caseflow.data_keys"


class DecryptionError(RuntimeError):
    """A ciphertext failed authentication: altered, moved to another row, or wrong key."""


class KeyDestroyed(DecryptionError):
    """The data key was crypto-shredded: the plaintext is gone for good."""


def _wrap_aad(scope: str, version: int) -> bytes:
    return f"caseflow:data-key:{scope}:{version}".encode()


def wrap(raw: bytes, *, scope: str, version: int) -> bytes:
    """Encrypt a data key under master key `version`."""
    nonce = os.urandom(NONCE)
    master = keyring().master_keys[version]
    return nonce + AESGCM(master).encrypt(nonce, raw, _wrap_aad(scope, version))


def unwrap(key: DataKey) -> bytes:
    """Decrypt a data key with the master key that wrapped it."""
    if key.wrapped is None:
        raise KeyDestroyed(f"data key {key.scope} was destroyed")
    master = keyring().master_keys.get(key.master_version)
    if master is None:
        raise DecryptionError(f"master key version {key.master_version} is not loaded")
    wrapped = bytes(key.wrapped)
    if len(wrapped) < NONCE + TAG:
        raise DecryptionError(f"data key {key.scope} is damaged")
    try:
        return AESGCM(master).decrypt(wrapped[:NONCE], wrapped[NONCE:],
                                      _wrap_aad(key.scope, key.master_version))
    except InvalidTag as exc:
        raise DecryptionError(f"data key {key.scope} failed authentication") from exc


def _cache() -> dict:
    return db.session.info.setdefault(_CACHE, {})


def _forget_keys_on_rollback(session: Session, previous_transaction) -> None:
    """A rolled-back transaction may have created data keys whose ids get reused: forget them."""
    if previous_transaction.parent is None:
        session.info.pop(_CACHE, None)


if not event.contains(Session, "after_soft_rollback", _forget_keys_on_rollback):
    event.listen(Session, "after_soft_rollback", _forget_keys_on_rollback)


def preload_keys(scopes) -> list[DataKey]:
    """Load the scopes' data keys in one statement; while the caller holds the list, decrypting
    texts of those scopes finds the keys in the session (no statement per row)."""
    scopes = set(scopes)
    if not scopes:
        return []
    return list(db.session.scalars(select(DataKey).where(DataKey.scope.in_(scopes))))


def data_key_for(scope: str) -> DataKey:
    """Return the data key of a scope, creating it on first use."""
    key = db.session.scalar(select(DataKey).where(DataKey.scope == scope))
    if key is None:
        version = keyring().active_version
        raw = AESGCM.generate_key(bit_length=256)
        key = DataKey(scope=scope, master_version=version, wrapped=wrap(raw, scope=scope, version=version))
        db.session.add(key)
        db.session.flush()
        _cache()[key.id] = raw
    return key


def _raw_key(key_id: int) -> bytes:
    cache = _cache()
    if key_id not in cache:
        key = db.session.get(DataKey, key_id)
        if key is None:
            raise DecryptionError(f"data key {key_id} does not exist")
        cache[key_id] = unwrap(key)
    return cache[key_id]


def _aad(table: str, row_id: int, field: str) -> bytes:
    return f"caseflow:{table}:{row_id}:{field}".encode()


def encrypt(plaintext: str, *, scope: str, table: str, row_id: int, field: str) -> bytes:
    """Encrypt text under the scope's data key, bound to (table, row, field)."""
    key = data_key_for(scope)
    nonce = os.urandom(NONCE)
    body = AESGCM(_raw_key(key.id)).encrypt(nonce, plaintext.encode(), _aad(table, row_id, field))
    return MAGIC + struct.pack(">Q", key.id) + nonce + body


def decrypt(blob: bytes, *, table: str, row_id: int, field: str) -> str:
    """Decrypt a value produced by encrypt() for the same (table, row, field)."""
    blob = bytes(blob)  # some drivers return memoryview for binary columns
    if not blob.startswith(MAGIC) or len(blob) < _HEADER + NONCE + TAG:
        raise DecryptionError("not a caseflow ciphertext")
    (key_id,) = struct.unpack(">Q", blob[len(MAGIC):_HEADER])
    nonce, body = blob[_HEADER:_HEADER + NONCE], blob[_HEADER + NONCE:]
    try:
        return AESGCM(_raw_key(key_id)).decrypt(nonce, body, _aad(table, row_id, field)).decode()
    except InvalidTag as exc:
        raise DecryptionError(f"{table}.{field} of row {row_id} failed authentication") from exc


def seal(obj, field: str, plaintext: str | None, *, scope: str) -> None:
    """Store plaintext encrypted in obj.<field>_enc; flushes first if the row has no id yet."""
    if plaintext is None:
        setattr(obj, f"{field}_enc", None)
        return
    if obj.id is None:
        db.session.add(obj)
        db.session.flush()
    blob = encrypt(plaintext, scope=scope, table=obj.__tablename__, row_id=obj.id, field=field)
    setattr(obj, f"{field}_enc", blob)


def unseal(obj, field: str) -> str | None:
    """Return the plaintext of obj.<field>_enc, or None when empty."""
    blob = getattr(obj, f"{field}_enc")
    if blob is None:
        return None
    return decrypt(blob, table=obj.__tablename__, row_id=obj.id, field=field)


def shred(scope: str) -> bool:
    """Destroy a scope's data key so everything encrypted under it is unreadable for good."""
    key = db.session.scalar(select(DataKey).where(DataKey.scope == scope))
    if key is None or key.wrapped is None:
        return False
    key.wrapped = None
    key.destroyed_at = utcnow()
    _cache().pop(key.id, None)
    return True


def normalise_for_index(value: str) -> str:
    """Canonical form for exact look-up: NFC, no spaces or dashes (of any kind), upper case."""
    value = unicodedata.normalize("NFC", value)
    return "".join(ch for ch in value
                   if not ch.isspace() and unicodedata.category(ch) != "Pd").upper()


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of a value for exact look-up without storing the value."""
    message = f"{purpose}:{normalise_for_index(value)}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()


def mac(data: bytes) -> str:
    """HMAC-SHA256 of data under the audit key (for the audit hash chain)."""
    return hmac.new(keyring().audit_key, data, hashlib.sha256).hexdigest()
