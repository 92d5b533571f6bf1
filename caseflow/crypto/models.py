"""Data keys: one per scope (a case, a pupil, the system), wrapped by a versioned master key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime, utcnow
from caseflow.extensions import db


class DataKey(db.Model):
    """A data-encryption key, stored only wrapped by a master key."""

    __tablename__ = "data_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the key protects, e.g. "pupil:17", "case:4", "system"
    scope: Mapped[str] = mapped_column(String(64), unique=True)
    #: version of the master key that wraps it
    master_version: Mapped[int] = mapped_column(Integer, index=True)
    #: nonce + AES-GCM ciphertext of the key; NULL once crypto-shredded
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
