"""Failed sign-in throttling that never lets an attacker lock the real user out.

Failures are counted per (account, address), per address and per account. A browser that has
signed in to the account before carries a signed device cookie and is counted only under its
own key, so a flood of guesses from elsewhere does not block the real user's known device.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from caseflow.crypto.tokens import digest
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.people.auth.models import SignInFailure


def _keys(username: str, address: str, device: str | None) -> dict[str, int]:
    cfg = current_app.config
    username = username.strip().lower()
    if device:
        return {f"device:{device}": int(cfg["THROTTLE_DEVICE"])}
    return {
        f"acct_addr:{username}|{address}": int(cfg["THROTTLE_ACCOUNT_ADDRESS"]),
        f"addr:{address}": int(cfg["THROTTLE_ADDRESS"]),
        f"acct:{username}": int(cfg["THROTTLE_ACCOUNT"]),
    }


def _since():
    return utcnow() - timedelta(minutes=int(current_app.config["THROTTLE_WINDOW_MINUTES"]))


def is_throttled(username: str, address: str, device: str | None, *, allowance: int = 0) -> bool:
    """True if any key of this attempt has used up its failures in the window (plus `allowance`)."""
    since = _since()
    for key, limit in _keys(username, address, device).items():
        count = db.session.scalar(select(func.count()).select_from(SignInFailure).where(
            SignInFailure.key_digest == digest(key), SignInFailure.at >= since))
        if count >= limit + allowance:
            return True
    return False


def reserve(username: str, address: str, device: str | None) -> list[int]:
    """Count an attempt as failed before checking it, committed at once on its own connection, so
    parallel guesses see each other; returns the rows to forget if the attempt succeeds."""
    now = utcnow()
    rows = [{"key_digest": digest(key), "at": now} for key in _keys(username, address, device)]
    with db.engine.begin() as connection:
        return [connection.execute(insert(SignInFailure).values(**row).returning(SignInFailure.id))
                .scalar_one() for row in rows]


def release(ids: list[int]) -> None:
    """Forget the failures reserved for an attempt that succeeded."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.id.in_(ids)))


def record_failure(username: str, address: str, device: str | None) -> None:
    """Count a failed attempt under every key that applies."""
    now = utcnow()
    for key in _keys(username, address, device):
        db.session.add(SignInFailure(key_digest=digest(key), at=now))


def clear_account(username: str, address: str, device: str | None) -> None:
    """Forget the failures of this account from this address or device after a success."""
    username = username.strip().lower()
    keys = [f"acct_addr:{username}|{address}"] + ([f"device:{device}"] if device else [])
    db.session.execute(delete(SignInFailure).where(
        SignInFailure.key_digest.in_([digest(k) for k in keys])))


def purge_old() -> int:
    """Delete failures older than the window (run by the worker)."""
    return db.session.execute(delete(SignInFailure).where(SignInFailure.at < _since())).rowcount
