"""The commitments register: what families said (by the themes of their comments) and what
the partnership does about it, each commitment with its status and a change log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import utcnow

# A commitment's status, as in the check constraints; done and dropped close it.
WE_DID_STATUSES = {
    "planned": "Planned",
    "in-progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
CLOSED = ("done", "dropped")
_STATUS_CHECK = "status IN ('planned', 'in-progress', 'done', 'dropped')"


class YouSaid(db.Model):
    """Something families told us, in the officers' words, tied to the themes of the
    approved comments that said it."""

    __tablename__ = "you_said"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    themes: Mapped[list[YouSaidTheme]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="YouSaidTheme.theme"
    )
    commitments: Mapped[list[WeDid]] = relationship(
        back_populates="you_said",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="WeDid.id",
    )


class YouSaidTheme(db.Model):
    """One comment theme (as officers file comments) that a "you said" answers."""

    __tablename__ = "you_said_theme"
    __table_args__ = (UniqueConstraint("you_said_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    you_said_id: Mapped[int] = mapped_column(ForeignKey("you_said.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(80))


class WeDid(db.Model):
    """What the partnership committed to do: its wording and status now. It stays on each
    term's bulletin from the term it was made until the term it is done or dropped."""

    __tablename__ = "we_did"
    __table_args__ = (CheckConstraint(_STATUS_CHECK, name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    you_said_id: Mapped[int] = mapped_column(
        ForeignKey("you_said.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    note: Mapped[str] = mapped_column(String(300), default="")  # progress, or why dropped

    you_said: Mapped[YouSaid] = relationship(back_populates="commitments")
    changes: Mapped[list[WeDidChange]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(WeDidChange.term_starts_on, WeDidChange.id)",
    )


class WeDidChange(db.Model):
    """A commitment as it stood after a change in a term: the log its history is read from."""

    __tablename__ = "we_did_change"
    __table_args__ = (CheckConstraint(_STATUS_CHECK, name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    we_did_id: Mapped[int] = mapped_column(ForeignKey("we_did.id", ondelete="CASCADE"), index=True)
    term_name: Mapped[str] = mapped_column(String(40))
    term_starts_on: Mapped[date]
    text: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(300), default="")
    actor: Mapped[str] = mapped_column(String(254), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
