"""Printed paper copies of a survey version, each with a reference, so each is entered once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import Survey, utcnow


class PaperBatch(db.Model):
    """Copies printed together from one survey version. Who printed it is in the audit log."""

    __tablename__ = "paper_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    copies: Mapped[int]
    large_print: Mapped[bool] = mapped_column(default=False)
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(lazy="joined")


class PaperCopy(db.Model):
    """One printed copy. `reference` is printed on it (the resume-code alphabet, no 0/O or
    1/I/L); once entered it points at its response, and the reference's hash is that
    response's code, so the respondent can withdraw with it like an online code."""

    __tablename__ = "paper_copy"

    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batch.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("response.id", ondelete="SET NULL"), unique=True
    )
    entered_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    batch: Mapped[PaperBatch] = relationship(lazy="joined")
