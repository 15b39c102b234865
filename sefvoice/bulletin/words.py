"""A bulletin's officer-written words: editable (the bulletin's rows) until the bulletin is
published, then frozen (a PublishedBulletin's copy), so no later edit changes what was
published. Both read alike: the frozen copy has the attributes the content reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Bulletin, EasyReadLine, PublishedBulletin
from ..terms import Term
from .register import RegisterEntry, register_entries


@dataclass(frozen=True)
class FrozenSection:
    key: str
    body: str
    stories: str
    easy_read: str
    headline_measures: str = ""  # absent from bulletins published before officers chose them
    # Absent from bulletins published before officers shaped their sections ("": as then).
    kind: str = ""
    position: int = 0
    title: str = ""
    picture_id: int | None = None  # a BulletinPicture, never changed once stored
    picture_alt: str = ""
    caption: str = ""


@dataclass(frozen=True)
class FrozenCommitment:
    section: str
    position: int
    text: str
    carried_from_id: int | None
    status: str | None
    note: str
    easy_read: str


@dataclass(frozen=True)
class FrozenBulletin:
    """A published bulletin's words, as they were when it was published."""

    title: str
    number: int  # its number among the bulletins, as published
    previous_term: str | None  # the bulletin its "you said, we did" reports on
    sections: list[FrozenSection]
    commitments: list[FrozenCommitment]
    lines: dict[str, str]  # officers' easy-read lines, by figure
    published_at: datetime
    published_by: str
    figures_in_full: bool = True
    # "You said, we did" as the register stood (None: published before it was frozen too).
    register: list[RegisterEntry] | None = None


def bulletin_row(term: Term) -> Bulletin | None:
    return db.session.scalar(select(Bulletin).filter_by(term_name=term.name))


def written_lines(bulletin: Bulletin | FrozenBulletin) -> dict[str, str]:
    """The officers' easy-read lines for figures, by figure."""
    if isinstance(bulletin, FrozenBulletin):
        return dict(bulletin.lines)
    rows = db.session.scalars(select(EasyReadLine).filter_by(bulletin_id=bulletin.id))
    return {row.figure: row.text for row in rows}


def number_of(term: Term) -> int:
    """The bulletin's number: 1 for the first, counting the bulletins before it."""
    earlier = db.session.scalar(
        select(func.count(Bulletin.id)).where(Bulletin.starts_on < term.starts_on)
    )
    return earlier + 1


def previous_bulletin(starts_on) -> Bulletin | None:
    """The latest bulletin before the term starting on `starts_on`: the one whose "in the
    next bulletin" lines this one reports on."""
    return db.session.scalar(
        select(Bulletin)
        .where(Bulletin.starts_on < starts_on)
        .order_by(Bulletin.starts_on.desc())
        .limit(1)
    )


def freeze(bulletin: Bulletin, term: Term) -> dict:
    """The bulletin's words as JSON-ready data, to store when it is published."""
    previous = previous_bulletin(bulletin.starts_on)
    return {
        "title": bulletin.title,
        "figures_in_full": bulletin.figures_in_full,
        "number": number_of(term),
        "previous_term": previous.term_name if previous else None,
        "sections": [
            {
                "key": s.key,
                "body": s.body,
                "stories": s.stories,
                "easy_read": s.easy_read,
                "headline_measures": s.headline_measures,
                "kind": s.kind,
                "position": s.position,
                "title": s.title,
                "picture_id": s.picture_id,
                "picture_alt": s.picture_alt,
                "caption": s.caption,
            }
            for s in bulletin.sections
        ],
        "commitments": [
            {
                "section": c.section,
                "position": c.position,
                "text": c.text,
                "carried_from_id": c.carried_from_id,
                "status": c.status,
                "note": c.note,
                "easy_read": c.easy_read,
            }
            for c in bulletin.commitments
        ],
        "lines": written_lines(bulletin),
        "register": [asdict(entry) for entry in register_entries(term)],
    }


def published_bulletin(bulletin: Bulletin) -> PublishedBulletin | None:
    return db.session.scalar(select(PublishedBulletin).filter_by(bulletin_id=bulletin.id))


def words_for(term: Term) -> Bulletin | FrozenBulletin | None:
    """What the term's bulletin says: its frozen words once published, else its rows (None:
    no bulletin written)."""
    bulletin = bulletin_row(term)
    if bulletin is None:
        return None
    published = published_bulletin(bulletin)
    if published is None:
        return bulletin
    words = published.words
    return FrozenBulletin(
        title=words["title"],
        number=words["number"],
        previous_term=words["previous_term"],
        sections=[FrozenSection(**s) for s in words["sections"]],
        commitments=[FrozenCommitment(**c) for c in words["commitments"]],
        lines=words["lines"],
        published_at=published.published_at,
        published_by=published.published_by,
        figures_in_full=words.get("figures_in_full", True),
        register=None
        if words.get("register") is None
        else [
            RegisterEntry(**{**entry, "history": [tuple(h) for h in entry["history"]]})
            for entry in words["register"]
        ],
    )
