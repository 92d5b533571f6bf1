"""Administration services: every change an administrator makes, validated, flushed and audited.

A service checks everything before it writes; when a rule fails it raises `Invalid` with
translated messages keyed by the form field they belong to, so the view can show them next to
the field. The request's transaction (caseflow/core/transactions.py) commits the change together
with its audit row.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from caseflow.extensions import db


class Invalid(ValueError):
    """A change that breaks a rule; `errors` maps field names to translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class Refused(Exception):
    """An action that cannot be done in the object's present state; the message is user-facing."""


class Errors(dict):
    """Collects messages by field; `raise_if_any()` raises Invalid before anything is written."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise Invalid(dict(self))


def apply(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set attributes that differ from the given values; return the changed names (sorted)."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return sorted(changed)


def flush(*, on_conflict: tuple[str, str]) -> None:
    """Flush; a unique constraint that a concurrent request won turns into Invalid on a field."""
    try:
        db.session.flush()
    except IntegrityError:  # the caller (the view) rolls the request's transaction back
        field, message = on_conflict
        raise Invalid({field: [message]}) from None
