"""The easy-read edition: 16 pt and more, a picture beside every point."""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable

from ...pictures import PictureRefused, read_picture
from ..easy_read import EasyReadEdition
from .shared import (
    BOLD,
    SECTION_ROOM,
    BulletinDocument,
    Heading,
    NumberedCanvas,
    cover,
    paragraph_style,
    picture,
    register_fonts,
    release_status,
)

EASY_SIZE = 16
EASY_BODY = paragraph_style("easy-body", EASY_SIZE, leading=24, spaceAfter=6)
EASY_HEADINGS = {
    0: paragraph_style(
        "easy-h1", 26, BOLD, leading=32, spaceBefore=6, spaceAfter=12, keepWithNext=1
    ),
    1: paragraph_style(
        "easy-h2", 20, BOLD, leading=26, spaceBefore=12, spaceAfter=8, keepWithNext=1
    ),
    2: paragraph_style(
        "easy-h3", 18, BOLD, leading=24, spaceBefore=8, spaceAfter=6, keepWithNext=1
    ),
}
PICTURE = 22 * mm


def _static_picture(name: str) -> Flowable:
    """One of the surveys' pictures (static/pictures); an empty space for a name that is
    not one (a version stored before pictures were checked)."""
    try:
        found = read_picture(Path(current_app.static_folder), name)
    except PictureRefused:
        return Spacer(PICTURE, PICTURE)
    return _parsed_picture(found.data, found.kind)


@lru_cache(maxsize=128)
def _parsed_picture(data: bytes, kind: str) -> Flowable:
    """Parsed once per process; a Drawing is not changed by drawing it, so one can sit
    beside many points."""
    return picture(data, kind, PICTURE, PICTURE)


def _point(picture_path: str, text: str, width: float) -> Flowable:
    """A picture, and the point beside it."""
    row = [_static_picture(picture_path), Paragraph(escape(text), EASY_BODY)]
    table = PdfTable([row], colWidths=[PICTURE + 8 * mm, width - PICTURE - 8 * mm])
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]
    )
    return table


def _easy_story(edition: EasyReadEdition, width: float) -> list[Flowable]:
    words = edition.words
    story = cover(edition.look, edition.title, edition.heading, "", width)
    story += [*release_status(edition.status), PageBreak()]
    story += [Paragraph(escape(line), EASY_BODY) for line in edition.intro]

    def heading(text: str, level: int = 0) -> Heading:
        return Heading(text, level, styles=EASY_HEADINGS)

    story += [heading(words["answered"]["heading"])]
    story.append(_point(edition.answered.picture, edition.answered.text, width))
    story += [CondPageBreak(SECTION_ROOM), heading(words["told_us"]["heading"])]
    for outcome in edition.outcomes:
        story.append(heading(outcome.name, 1))
        story += [_point(p.picture, p.text, width) for p in outcome.points]
        if outcome.note:
            story.append(_point(outcome.picture, outcome.note, width))
        if outcome.doing:
            story.append(heading(words["told_us"]["doing"], 2))
            story += [_point(outcome.picture, line, width) for line in outcome.doing]
    story += [CondPageBreak(SECTION_ROOM), heading(words["you_said"]["heading"])]
    story += [_point(p.picture, p.text, width) for p in edition.you_said] or [
        _point(words["you_said"]["picture"], words["you_said"]["none"], width)
    ]
    if edition.stories:
        story += [CondPageBreak(SECTION_ROOM), heading(words["stories"]["heading"])]
    for told in edition.stories:
        if told.picture:
            drawn = picture(told.picture.data, told.picture.kind, width * 0.6, 70 * mm)
            drawn.hAlign = "LEFT"
            story += [drawn, Spacer(1, 4 * mm)]
        story += [Paragraph(escape(line), EASY_BODY) for line in told.lines]
    if edition.glossary:
        story += [CondPageBreak(SECTION_ROOM), heading(words["glossary"]["heading"])]
        story += [_point(p.picture, p.text, width) for p in edition.glossary]
    story += [CondPageBreak(SECTION_ROOM), heading(words["take_part"]["heading"])]
    story += [_point(p.picture, p.text, width) for p in edition.take_part]
    return story


def build_easy_read_pdf(edition: EasyReadEdition, *, created: datetime | None = None) -> bytes:
    """The easy-read edition as PDF bytes: 16 pt and more throughout."""
    register_fonts()
    buffer = io.BytesIO()
    document = BulletinDocument(
        buffer,
        edition.title,
        edition.look.name,
        f"{edition.title}: the easy-read edition of {edition.heading}",
        invariant=created is not None,
    )
    document.build(
        _easy_story(edition, document.width),
        canvasmaker=partial(
            NumberedCanvas,
            header=edition.term,
            look=edition.look,
            created=created,
            size=EASY_SIZE,
        ),
    )
    return buffer.getvalue()
