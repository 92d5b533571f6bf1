"""Encrypt many values at once (the data generator): the same ciphertexts as envelope.seal(), but the
data keys are made in memory and returned as rows for a bulk insert, so no statement runs per value."""
from __future__ import annotations

import os
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from caseflow.crypto.envelope import MAGIC, NONCE, _aad, wrap
from caseflow.crypto.keyring import keyring
from caseflow.db import utcnow


class BulkSealer:
    """Seal texts under per-scope data keys whose ids the caller reserves (an empty key table)."""

    def __init__(self, *, first_key_id: int):
        self.next_key_id = first_key_id
        self.version = keyring().active_version
        #: scope → (key id, AESGCM cipher) of keys made by this sealer
        self._ciphers: dict[str, tuple[int, AESGCM]] = {}
        self._new_rows: list[dict] = []

    def _key(self, scope: str) -> tuple[int, AESGCM]:
        found = self._ciphers.get(scope)
        if found is None:
            raw = AESGCM.generate_key(bit_length=256)
            key_id, self.next_key_id = self.next_key_id, self.next_key_id + 1
            self._new_rows.append({"id": key_id, "scope": scope, "master_version": self.version,
                                   "wrapped": wrap(raw, scope=scope, version=self.version),
                                   "created_at": utcnow(), "destroyed_at": None})
            found = self._ciphers[scope] = (key_id, AESGCM(raw))
        return found

    def seal(self, plaintext: str | None, *, scope: str, table: str, row_id: int, field: str) -> bytes | None:
        """The ciphertext envelope.seal() would store in <field>_enc of that row (None stays None)."""
        if plaintext is None:
            return None
        key_id, cipher = self._key(scope)
        nonce = os.urandom(NONCE)
        body = cipher.encrypt(nonce, plaintext.encode(), _aad(table, row_id, field))
        return MAGIC + struct.pack(">Q", key_id) + nonce + body

    def take_key_rows(self) -> list[dict]:
        """The data_keys rows made since the last call, for the caller to insert."""
        rows, self._new_rows = self._new_rows, []
        return rows
