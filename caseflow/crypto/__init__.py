"""All cryptography of caseflow: keys, envelope encryption, blind index, audit MAC."""
from caseflow.crypto.envelope import (
    DecryptionError,
    KeyDestroyed,
    blind_index,
    decrypt,
    encrypt,
    mac,
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
    "seal",
    "shred",
    "unseal",
]
