"""Published releases: each term's figures as they were published, one row per version,
never changed once written; and a bulletin's officer-written words, frozen when it is
published; and the draft of a term not yet published, kept for every server to read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .survey import utcnow


class PublishedRelease(db.Model):
    """One version of a term's release. `record` holds everything its outputs show (every
    figure as shown, the wording and measures as they stood, the protection pattern);
    `changes` lists the figures that differ from the version before, for its revisions
    note."""

    __tablename__ = "published_release"
    __table_args__ = (UniqueConstraint("term_name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_name: Mapped[str] = mapped_column(String(40), index=True)  # "Summer 2023"
    version: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[dict] = mapped_column(JSON, deferred=True)
    # Its cells and every fact it published about them: what a reader of this version
    # knows, for protecting later versions (read only when publishing).
    facts: Mapped[dict] = mapped_column(JSON, deferred=True)
    changes: Mapped[list] = mapped_column(JSON, default=list)


class DraftRelease(db.Model):
    """A term's draft as counted and protected, for every app server to read instead of
    counting it again: kept by the term, the disclosure rules, the other settings and code
    it was made by (`settings`, a digest) and the data it was counted from (`fingerprint`,
    a digest of publishing.drafts.fingerprint()). `record` holds its summary and tables as
    a published version's record holds them. A row counted from data that has since
    changed is deleted when the next draft is kept."""

    __tablename__ = "draft_release"
    __table_args__ = (UniqueConstraint("term_name", "min_count", "min_base", "settings"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_name: Mapped[str] = mapped_column(String(40))
    min_count: Mapped[int]
    min_base: Mapped[int]
    settings: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)
    record: Mapped[dict] = mapped_column(JSON)


class PublishedBulletin(db.Model):
    """A bulletin as published: its officers' words (sections, commitments, progress,
    easy-read lines), which no later edit changes."""

    __tablename__ = "published_bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(
        ForeignKey("bulletin.id", ondelete="CASCADE"), unique=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(254))
    words: Mapped[dict] = mapped_column(JSON)
