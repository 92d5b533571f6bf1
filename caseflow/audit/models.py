"""Audit entries, chained by an HMAC over each entry and its predecessor's hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.db import UTCDateTime
from caseflow.extensions import db

GENESIS = "0" * 64


class AuditEntry(db.Model):
    """One audited event. Never updated or deleted (a PostgreSQL trigger refuses both)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        # "who saw this pupil", a user's or an institution's trail: newest first by seq
        Index("ix_audit_log_pupil_seq", "pupil_id", "seq"),
        Index("ix_audit_log_user_seq", "user_id", "seq"),
        Index("ix_audit_log_institution_seq", "institution_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: position in the hash chain, contiguous from 1
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(40))
    institution_id: Mapped[int | None] = mapped_column(Integer)
    #: e.g. "auth.sign_in", "auth.sign_in_failed", "access.denied", "pupil.read", "pupil.create"
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    #: the child concerned, for "who saw this pupil"
    pupil_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(40))
    #: JSON without any child data (ids, field names, reasons)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(db.Model):
    """The single row holding the chain's last position; locking it serialises sealing."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
