"""Password hashing with Argon2id; parameters from config, outdated hashes are re-hashed."""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# Verifying against a dummy hash when the user does not exist takes as long as a real
# check, so timing does not tell whether an account exists.
_DUMMY = "dummy-password-that-never-matches"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=int(cfg["ARGON2_TIME_COST"]),
                          memory_cost=int(cfg["ARGON2_MEMORY_COST"]),
                          parallelism=int(cfg["ARGON2_PARALLELISM"]), type=Type.ID)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Check a password against its hash (constant work when there is no hash)."""
    hasher = _hasher()
    if not stored:
        _burn(hasher, password)
        return False
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _burn(hasher: PasswordHasher, password: str) -> None:
    try:
        hasher.verify(_dummy_hash(hasher), password)
    except VerificationError:
        pass


_dummy_cache: dict[tuple, str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_cache:
        _dummy_cache[key] = hasher.hash(_DUMMY)
    return _dummy_cache[key]


def needs_rehash(stored: str) -> bool:
    """True if the hash was made with other parameters than the configured ones."""
    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True
