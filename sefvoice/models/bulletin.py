"""The termly SEF update bulletin: officers' sections and the commitments carried between terms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .survey import utcnow

# What became of a commitment carried forward from the previous bulletin (as in the check).
COMMITMENT_STATUSES = {"done": "Done", "in-progress": "In progress", "dropped": "Dropped"}


class Bulletin(db.Model):
    """One bulletin per term. Its figures are not stored: they are read afresh at export."""

    __tablename__ = "bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_name: Mapped[str] = mapped_column(String(40), unique=True)  # "Summer 2023"
    starts_on: Mapped[date] = mapped_column(index=True)  # the term's first day, for ordering
    title: Mapped[str] = mapped_column(String(200))
    # "The figures in full" after the main body (every table and question's chart).
    figures_in_full: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sections: Mapped[list[BulletinSection]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(BulletinSection.position, BulletinSection.id)",
    )
    commitments: Mapped[list[Commitment]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Commitment.position",
    )


# The kinds of section officers add to a bulletin (bulletin/sections.py says what each holds).
SECTION_KINDS = (
    "text",
    "outcome",
    "story",
    "table",
    "you-said",
    "co-production",
    "involved",
    "next",
)


class BulletinPicture(db.Model):
    """A picture uploaded for a section (checked like the logo). Never changed once stored,
    so a published bulletin's frozen words can name it by its id."""

    __tablename__ = "bulletin_picture"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(20))  # "image/png", "image/jpeg", "image/svg+xml"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BulletinSection(db.Model):
    """A section of a bulletin, in the officers' order: its kind, its title ("": the
    kind's own), its words (Markdown) and, for an outcome, the stories of what is working;
    for a story, its picture with alt text and caption."""

    __tablename__ = "bulletin_section"
    __table_args__ = (
        UniqueConstraint("bulletin_id", "key"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in SECTION_KINDS) + ")", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(20))  # "welcome", "outcome-3", "story-1", ...
    kind: Mapped[str] = mapped_column(String(20), default="text", server_default="text")
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    picture_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulletin_picture.id", ondelete="SET NULL")
    )
    picture_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    caption: Mapped[str] = mapped_column(String(300), default="", server_default="")
    body: Mapped[str] = mapped_column(Text, default="")
    stories: Mapped[str] = mapped_column(Text, default="")
    # The easy-read edition's lines for this section ("what we are doing"), one per line.
    easy_read: Mapped[str] = mapped_column(Text, default="", server_default="")
    # An outcome's headline measures, as officers picked them: their codes (which a new
    # name for a measure leaves as they are), one per line.
    headline_measures: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Commitment(db.Model):
    """A line under "In the next bulletin", or (carried_from set) one carried forward from
    the previous bulletin, which an officer marks done, in progress or dropped."""

    __tablename__ = "commitment"
    __table_args__ = (
        UniqueConstraint("bulletin_id", "carried_from_id"),
        CheckConstraint("status IN ('done', 'in-progress', 'dropped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE")
    )
    status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(300), default="")
    # How the easy-read edition says it ("" : the line as written above).
    easy_read: Mapped[str] = mapped_column(String(300), default="", server_default="")


class EasyReadLine(db.Model):
    """An officer's easy-read line for one figure (a question's % positive): accepted from
    sefvoice's suggestion or rewritten. A figure without a row gets the suggestion."""

    __tablename__ = "easy_read_line"
    __table_args__ = (UniqueConstraint("bulletin_id", "figure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    figure: Mapped[str] = mapped_column(String(200))  # "survey-slug/question-id"
    text: Mapped[str] = mapped_column(String(300))


class Brand(db.Model):
    """The partnership's look, kept in the database (not on disk) so that every app server
    shows the same: one row. Colours are #rrggbb; the logo is PNG or SVG bytes."""

    __tablename__ = "brand"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    main_colour: Mapped[str] = mapped_column(String(7))
    second_colour: Mapped[str] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))  # "image/png", "image/svg+xml"
    logo_alt: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
