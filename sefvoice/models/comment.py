"""Officers' decisions on free-text answers before forum reps see them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import Answer, utcnow
from .user import User

REVIEW_STATUSES = ("approved", "rejected")  # as in the check constraint


class CommentReview(db.Model):
    """An officer's decision on one comment (an answer with text in a submitted response).

    A comment with no row here waits in the moderation queue. Reps only ever see
    `redacted_text`, and only when the status is "approved".
    """

    __tablename__ = "comment_review"
    __table_args__ = (CheckConstraint("status IN ('approved', 'rejected')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10))
    redacted_text: Mapped[str] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(80), default="")
    principle: Mapped[str | None] = mapped_column(String(80))  # a charter principle id
    # The SEF outcome it is filed under: its question's unless the officer chose another.
    # None on reviews stored before officers chose it: the question's outcome applies.
    outcome: Mapped[int | None] = mapped_column()
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer: Mapped[Answer] = relationship()
    reviewer: Mapped[User | None] = relationship()
