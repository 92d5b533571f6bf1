"""Random tokens (sessions, links, recovery codes) and their one-way digests for storage."""
from __future__ import annotations

import hashlib
import hmac
import secrets

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """SHA-256 of a high-entropy token: what the database stores instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode(), b.encode())


def new_recovery_code() -> str:
    """A recovery code like 'k7mq-2x9d-4hpt' (about 74 bits)."""
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(15))
    return "-".join(chars[i:i + 5] for i in range(0, 15, 5))


def normalise_recovery_code(code: str) -> str:
    """Lower-case without spaces or dashes, as typed codes vary."""
    return "".join(ch for ch in code.lower() if ch.isalnum())
