"""All cryptography of caseflow: keys, envelope encryption, blind index, audit MAC."""
from caseflow.crypto.envelope import (
    DecryptionError,
    KeyDestroyed,
    blind_index,
    decrypt,
    encrypt,
    mac,
    preload_keys,
    seal,
    shred,
    unseal,
)

__all__ = [
    "DecryptionError",
    "KeyDestroyed",
    "blind_index",
    "decrypt",
    "encrypt",
    "mac",
    "preload_keys",
    "seal",
    "shred",
    "unseal",
]
