"""The area's measures (education, health, care), their values by period, and import history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import utcnow


class Indicator(db.Model):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    domain: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    higher_is_better: Mapped[bool | None]
    outcome: Mapped[int | None]  # the SEF outcome area (1-5) the measure evidences
    source: Mapped[str] = mapped_column(String(300), default="")

    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.period"
    )


class Import(db.Model):
    """One confirmed import of a file: who, when, which file, what it changed."""

    __tablename__ = "indicator_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int]
    new: Mapped[int]
    changed: Mapped[int]


class IndicatorValue(db.Model):
    """A measure's figure for one period. A marker (c, x, z, u, low, :) stands where there
    is no number, and is never turned into 0."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[date]  # the first day the figure covers
    # The last day it covers ("calendar year 2023": 1 January to 31 December 2023); None for
    # figures imported before periods had an end, which count as one day.
    period_end: Mapped[date | None]
    period_label: Mapped[str] = mapped_column(String(40), default="")
    value: Mapped[float | None] = mapped_column(Float)
    value_marker: Mapped[str | None] = mapped_column(String(4))
    england: Mapped[float | None] = mapped_column(Float)
    england_marker: Mapped[str | None] = mapped_column(String(4))
    target: Mapped[float | None] = mapped_column(Float)
    import_id: Mapped[int] = mapped_column(ForeignKey("indicator_import.id"))

    indicator: Mapped[Indicator] = relationship(back_populates="values")

    @property
    def period_start(self) -> date:
        return self.period

    @property
    def period_last_day(self) -> date:
        """The last day the figure covers (its start, for a figure with no end stored)."""
        return self.period_end or self.period


class IndicatorValueHistory(db.Model):
    """What a value was before an import changed it."""

    __tablename__ = "indicator_value_history"
    __table_args__ = (Index("ix_indicator_value_history_value", "value_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("indicator_value.id", ondelete="CASCADE"))
    replaced_by_import_id: Mapped[int] = mapped_column(ForeignKey("indicator_import.id"))
    old_period_label: Mapped[str] = mapped_column(String(40))
    old_period_end: Mapped[date | None]
    old_value: Mapped[float | None] = mapped_column(Float)
    old_value_marker: Mapped[str | None] = mapped_column(String(4))
    old_england: Mapped[float | None] = mapped_column(Float)
    old_england_marker: Mapped[str | None] = mapped_column(String(4))
    old_target: Mapped[float | None] = mapped_column(Float)
    old_import_id: Mapped[int] = mapped_column(ForeignKey("indicator_import.id"))
