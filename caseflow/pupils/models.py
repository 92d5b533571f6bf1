"""Pupils and their enrolments."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from caseflow.db import UTCDateTime, local_today, utcnow
from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality

#: byte order on both backends (SQLite compares bytes already), so that sorting, keyset
#: pagination and LIKE 'prefix%' index scans behave the same whatever the database's locale
_KEY_TYPE = String(100).with_variant(String(100, collation="C"), "postgresql")


def name_key(value: str | None) -> str:
    """A name folded for search and sorting: no case, no diacritics ("Bērziņa" → "berzina")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


class Pupil(db.Model):
    """A child in the registry. The personal code is stored only encrypted and as a blind index."""

    __tablename__ = "pupils"
    __table_args__ = (Index("ix_pupils_name_key", "last_name_key", "first_name_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    #: name_key(first_name), set with the name: prefix search and sort order
    first_name_key: Mapped[str] = mapped_column(_KEY_TYPE, index=True)
    #: name_key(last_name), set with the name: prefix search and sort order
    last_name_key: Mapped[str] = mapped_column(_KEY_TYPE)
    birth_date: Mapped[date | None] = mapped_column(Date)
    #: AES-GCM ciphertext of the canonical code (scope "pupil:<id>")
    personal_code_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: keyed hash of the canonical code, for exact look-up
    personal_code_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    declared_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))

    declared_municipality: Mapped[Municipality | None] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="pupil", order_by="Enrolment.start_date.desc()", cascade="all, delete-orphan")

    @validates("first_name", "last_name")
    def _keep_name_key(self, name: str, value: str) -> str:
        # folding can lengthen a name ("ß" → "ss"); the key only has to sort and match prefixes
        setattr(self, f"{name}_key", name_key(value)[:100])
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def current_enrolment(self, day: date | None = None) -> Enrolment | None:
        """The enrolment in force on a day (today by default)."""
        day = day or local_today()
        return next((e for e in self.enrolments if e.is_current(day)), None)


class Enrolment(db.Model):
    """A pupil's time at a school in a class."""

    __tablename__ = "enrolments"
    __table_args__ = (Index("ix_enrolments_school_current", "school_id", "end_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    #: class as the school writes it, e.g. "7.b"
    class_name: Mapped[str] = mapped_column(String(20))
    #: grade level 1–12 (0 for pre-school)
    grade: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    pupil: Mapped[Pupil] = relationship(back_populates="enrolments")
    school: Mapped[Institution] = relationship()

    def is_current(self, day: date) -> bool:
        """True if the enrolment covers the day."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
