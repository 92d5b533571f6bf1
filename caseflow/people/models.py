"""Municipalities, their settings, institutions, user accounts and memberships."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.db import UTCDateTime, local_today, utcnow
from caseflow.extensions import db


class InstitutionKind(StrEnum):
    """What an institution is; decides which roles make sense there."""

    EDUCATION_BOARD = "education_board"
    PRESCHOOL = "preschool"
    PRIMARY_SCHOOL = "primary_school"
    BASIC_SCHOOL = "basic_school"
    SECONDARY_SCHOOL = "secondary_school"
    STATE_GYMNASIUM = "state_gymnasium"
    VOCATIONAL_SCHOOL = "vocational_school"
    SPECIAL_SCHOOL = "special_school"
    SOCIAL_SERVICE = "social_service"
    ORPHANS_COURT = "orphans_court"
    MUNICIPAL_POLICE = "municipal_police"
    STATE_POLICE = "state_police"
    YOUTH_CENTRE = "youth_centre"
    NGO = "ngo"
    MEDICAL = "medical"
    OTHER = "other"


SCHOOL_KINDS = frozenset({
    InstitutionKind.PRESCHOOL, InstitutionKind.PRIMARY_SCHOOL, InstitutionKind.BASIC_SCHOOL,
    InstitutionKind.SECONDARY_SCHOOL, InstitutionKind.STATE_GYMNASIUM,
    InstitutionKind.VOCATIONAL_SCHOOL, InstitutionKind.SPECIAL_SCHOOL,
})


class Ownership(StrEnum):
    """Who founded the institution."""

    MUNICIPAL = "municipal"
    STATE = "state"
    PRIVATE = "private"


class Municipality(db.Model):
    """A Latvian municipality (pašvaldība)."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: short stable identifier used in imports and fixtures, e.g. "kraslava"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    institutions: Mapped[list[Institution]] = relationship(back_populates="municipality")

    def __str__(self) -> str:
        return self.name


class MunicipalSetting(db.Model):
    """One setting of a municipality; keys and types are defined in people/settings.py."""

    __tablename__ = "municipal_settings"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    #: JSON-encoded value
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Institution(db.Model):
    """A school, the education board, the social service, a court, police, an NGO …"""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    ownership: Mapped[str] = mapped_column(String(20), default=Ownership.MUNICIPAL)
    #: registration number in the register of educational institutions or enterprises
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    merged_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality] = relationship(back_populates="institutions")
    merged_into: Mapped[Institution | None] = relationship(remote_side=[id])

    @property
    def is_school(self) -> bool:
        """True for every kind of educational institution."""
        return self.kind in SCHOOL_KINDS

    def is_active_on(self, day: date) -> bool:
        """True if the institution exists and works on the given day."""
        if self.opened_on and day < self.opened_on:
            return False
        ended = min(d for d in (self.closed_on, self.merged_on, date.max) if d)
        return day < ended

    def __str__(self) -> str:
        return self.name


class User(db.Model):
    """A person who signs in to caseflow."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: lower-case sign-in name (usually the work e-mail address)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="lv")
    #: TOTP secret, encrypted (scope "system", bound to this row and field)
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: last accepted TOTP time-step: a code is never accepted twice
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", order_by="Membership.id", cascade="all, delete-orphan")

    # Flask-Login interface
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return str(self.id)

    @property
    def mfa_enrolled(self) -> bool:
        """True once the user has confirmed a TOTP authenticator."""
        return self.totp_enrolled_at is not None

    def active_memberships(self, day: date | None = None) -> list[Membership]:
        """Memberships valid on the given day (today by default)."""
        day = day or local_today()
        return [m for m in self.memberships if m.is_valid_on(day)]

    def __str__(self) -> str:
        return self.full_name


class Membership(db.Model):
    """A user's role at an institution; a person may hold several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "institution_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    #: position as the institution calls it, e.g. "bērnu tiesību aizsardzības speciālists"
    title: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    institution: Mapped[Institution] = relationship()

    def is_valid_on(self, day: date) -> bool:
        """True if the membership is in force on the given day."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)
