"""A municipality's lists as data: case categories, how risk was noticed, outcomes, dropout reasons,
support measures, subjects and the risk-factor taxonomy (groups and items, each group with "other")."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import get_locale
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.extensions import db


class ListKind(StrEnum):
    """Which list an entry belongs to."""

    CATEGORY = "category"
    NOTICED_VIA = "noticed_via"
    OUTCOME = "outcome"
    DROPOUT_REASON = "dropout_reason"
    MEASURE_TYPE = "measure_type"
    SUBJECT = "subject"


class _Labelled:
    """Latvian and English labels; `label` picks the reader's language."""

    label_lv: Mapped[str]
    label_en: Mapped[str]

    @property
    def label(self) -> str:
        locale = get_locale()
        return self.label_en if locale is not None and locale.language == "en" else self.label_lv


class ListEntry(_Labelled, db.Model):
    """One entry of one of a municipality's lists."""

    __tablename__ = "list_entries"
    __table_args__ = (UniqueConstraint("municipality_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    #: stable ASCII code (from the taxonomy file), used by reports and imports
    code: Mapped[str] = mapped_column(String(60))
    label_lv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: measure types only: the measure names a subject (subject consultations)
    needs_subject: Mapped[bool] = mapped_column(Boolean, default=False)
    #: retired entries stay for old records but are not offered any more
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class RiskGroup(_Labelled, db.Model):
    """A group of risk factors in a municipality's taxonomy."""

    __tablename__ = "risk_groups"
    __table_args__ = (UniqueConstraint("municipality_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label_lv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list[RiskItem]] = relationship(back_populates="group", order_by="RiskItem.position")


class RiskItem(_Labelled, db.Model):
    """One risk factor; an "other" item asks for a description."""

    __tablename__ = "risk_items"
    __table_args__ = (UniqueConstraint("group_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("risk_groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label_lv: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_other: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    group: Mapped[RiskGroup] = relationship(back_populates="items")
