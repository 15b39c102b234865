"""The printable bulletin, full edition: A4, reportlab platypus.

- Cover, then a contents page whose page numbers come from a second layout pass
  (TableOfContents + multiBuild), then the main body: the sections one after another (a
  heading moves to the next page, with what follows it, when the page is three-quarters full:
  keep-with-next, not forced page breaks, so no page is left half empty). Each outcome
  gives its headline figures as cards and one chart; the appendix ("The figures in full")
  holds every table and each question's chart, and each outcome links to its part of it.
- Every heading is a bookmark (outline entry); the running header and "Page X of Y"
  footer are drawn once the page count is known (NumberedCanvas).
- Body text is 12 pt Bitstream Vera Sans (shipped with reportlab, embedded, so every
  viewer and printer shows the same letters), left-aligned, near-black on white.
- Greyscale-safe: every chart prints its values as text and is followed by its data table;
  statuses are words; links are underlined and followed by where they go.
- The same content gives the same bytes when `created` is given (reportlab's invariant
  mode, with that date as the creation date).
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import partial
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    ImageAndFlowables,
    PageBreak,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from ...feedback.charts import percent_bars
from ...release.tables import Table
from ..brand import Look
from ..content import FAMILIES, BulletinContent, Card, Figure, Section, SectionPicture
from ..markdown import Block, to_reportlab
from .shared import (
    BODY,
    CAPTION,
    CAPTION_SMALL,
    CARD_LABEL,
    CARD_LINE,
    CARD_VALUE,
    CARDS_PER_ROW,
    CELL,
    CELL_HEAD,
    CITE,
    FILL,
    LIST_ITEM,
    PAD,
    QUOTE,
    RULE,
    SECTION_ROOM,
    TOC_STYLES,
    TOC_TABLE,
    BulletinDocument,
    Heading,
    NumberedCanvas,
    cover,
    register_fonts,
    release_status,
)
from .shared import (
    picture as picture_flowable,
)
from .tables import data_table, fonts_of, written_table


def _figure(figure: Figure, width: float) -> list[Flowable]:
    """A chart (with its summary sentence) followed by its data table."""
    if figure.summary is None:
        return data_table(figure.table, width)
    return [*_chart(figure, width), *data_table(figure.table, width)]


def _list(items: list[str], start: int | None = None) -> list[Paragraph]:
    """A bulleted list, or a numbered one from `start`, of reportlab markup: one paragraph
    an item (not a ListFlowable, which a heading before it cannot keep with)."""
    return [
        Paragraph(item, LIST_ITEM, bulletText="•" if start is None else f"{start + i}.")
        for i, item in enumerate(items)
    ]


def _blocks(
    blocks: list[Block], base_url: str | None, outline_level: int, width: float
) -> list[Flowable]:
    """An officer's Markdown: its headings go in the outline, below the section's."""
    story: list[Flowable] = []
    for block in blocks:
        if block.kind == "heading":
            story.append(Heading(block.text, outline_level + block.level - 2, listed=False))
        elif block.kind == "paragraph":
            story.append(Paragraph(to_reportlab(block.spans, base_url), BODY))
        elif block.kind == "table":
            story += [written_table(block, width, base_url), Spacer(1, 10)]
        else:
            items = [to_reportlab(item, base_url) for item in block.items]
            story += _list(items, block.start if block.kind == "numbers" else None)
    return story


def _cards(cards: list[Card], width: float, look: Look) -> Flowable:
    """The headline figures, four to a row: what each is, the figure, then its lines."""
    per_row = CARDS_PER_ROW
    cells = [
        [
            Paragraph(escape(card.label), CARD_LABEL),
            Paragraph(escape(card.figure[0]), CARD_VALUE),
            *(Paragraph(escape(line), CARD_LINE) for line in (card.figure[1], *card.lines) if line),
        ]
        for card in cards
    ]
    cells += [""] * (-len(cells) % per_row)
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]
    for i in range(len(cards)):
        row, column = divmod(i, per_row)
        style += [
            ("BOX", (column, row), (column, row), 0.75, RULE),
            ("LINEABOVE", (column, row), (column, row), 4, HexColor(look.main_colour)),
            ("BACKGROUND", (column, row), (column, row), HexColor(look.second_colour)),
        ]
    table = PdfTable(rows, colWidths=[width / per_row] * per_row)
    table.setStyle(style)
    table.hAlign = "LEFT"
    return table


def _appendix_link(section: Section) -> Paragraph:
    """A live link in the PDF (and words that say where to turn in print)."""
    return Paragraph(
        f'Every question and measure for this outcome is in <a href="#{section.figures_id}">'
        f"<u>{escape(BulletinContent.APPENDIX)}: {escape(section.title)}</u></a>,"
        " at the end of the bulletin.",
        BODY,
    )


def _chart(figure: Figure, width: float) -> list[Flowable]:
    """A chart after its summary sentence (which keeps with it, and a heading before it with
    both: reportlab keeps a heading only with a plain flowable, not with a KeepTogether)."""
    chart = fonts_of(percent_bars(figure.table, width=int(width)))
    return [Paragraph(escape(figure.summary), CAPTION), chart, Spacer(1, 8)]


def _section_start(title: str, anchor: str | None = None) -> list[Flowable]:
    """A section's heading: on this page if there is room for it and a good part of what
    follows, else on the next (no forced page break, so no half-empty pages)."""
    return [CondPageBreak(SECTION_ROOM), Heading(title, 0, anchor=anchor)]


class _Framed(PdfTable):
    """A picture with its caption, of a fixed size: what ImageAndFlowables sets the words
    around (it asks an image for its size, never to shrink)."""

    def _restrictSize(self, width: float, height: float) -> tuple[float, float]:  # noqa: N802
        return self.wrap(width, height)

    def _unRestrictSize(self) -> None:  # noqa: N802
        pass


def _story_picture(picture: SectionPicture, width: float) -> Flowable:
    """A story's picture, at most `width` wide and 70 mm high, with its caption under it:
    kept together, on the right of the story's words, which flow around it."""
    drawn = picture_flowable(picture.data, picture.kind, width, 70 * mm)
    drawn.hAlign = "LEFT"
    rows = [[drawn]] + (
        [[Paragraph(escape(picture.caption), CAPTION_SMALL)]] if picture.caption else []
    )
    padding = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]
    return _Framed(rows, colWidths=[width], style=padding)


REGISTER_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.75, RULE),
    ("BACKGROUND", (0, 0), (0, -1), FILL),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("NOSPLIT", (0, 0), (-1, -1)),
    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
]


def _register(table: Table, width: float) -> list[Flowable]:
    """ "You said, we did" for print: each commitment as a small ruled table of its own
    (what families said, the comments behind it, what we did, its status and progress), so
    that the list runs on over a page between commitments, never leaving a page half empty
    as one tall table of five narrow columns would. The web page and the Word document
    give it as one table."""
    label = 0.3 * width
    story: list[Flowable] = [Paragraph(escape(table.title), CAPTION)]
    for row in table.text_rows():
        cells = [
            [Paragraph(escape(name), CELL_HEAD), Paragraph(escape(value), CELL)]
            for name, value in zip(table.columns, row, strict=True)
        ]
        block = PdfTable(cells, colWidths=[label, width - label], style=REGISTER_GRID)
        story += [block, Spacer(1, 8)]
    return story


def _kind(section: Section, content: BulletinContent, width: float) -> list[Flowable]:
    """What the section's kind adds after the officers' words (sections.py)."""
    story: list[Flowable] = []
    if section.kind == "you-said":
        if content.progress_note:
            story.append(Paragraph(escape(content.progress_note), BODY))
        else:
            story += _register(content.progress, width)
    if section.kind == "co-production":
        if content.has_feedback:
            story += data_table(section.taking_part, width)
        else:
            story.append(Paragraph(escape(content.feedback_line), BODY))
    if section.ways:
        story.append(Heading("Ways to take part", 2, listed=False))
        story += _list([escape(line) for line in section.ways])
    for title, lines in section.gathered:
        story.append(Heading(title, 2, listed=False))
        story += _list([escape(line) for line in lines])
    return story


def _families(content: BulletinContent, width: float) -> list[Flowable]:
    story = [*_section_start(FAMILIES), Paragraph(escape(content.feedback_line), BODY)]
    if content.has_feedback:
        story += [f for figure in content.overview for f in _chart(figure, width)]
    return story


def _section(
    section: Section, content: BulletinContent, width: float, base_url: str | None
) -> list[Flowable]:
    story = _section_start(section.title)
    body = _blocks(section.body, base_url, 1, width)
    if section.picture:  # beside the words, as a newsletter sets a picture
        picture = _story_picture(section.picture, width * 0.42)
        story.append(ImageAndFlowables(picture, body or [Spacer(1, 1)], imageLeftPadding=12))
    else:
        story += body
    if not section.body and not content.adds_to(section):
        story.append(Paragraph(content.NO_TEXT, BODY))
    story += _kind(section, content, width)
    data = section.feedback
    if data:
        answered = content.has_feedback
        story += [
            Heading("Headline figures", 1, listed=False),
            _cards(data.cards, width, content.look),
        ]
        headline = data.headline if answered else content.feedback_line
        story += [Heading("What families said", 1), Paragraph(escape(headline), BODY)]
        if data.overview and answered:
            story += _chart(data.overview, width)
        if content.figures_in_full:
            story.append(_appendix_link(section))
        story += [Heading("What families wrote", 2, listed=False)]
        for comment in data.comments:
            story += [
                Paragraph(f"“{escape(comment.text)}”", QUOTE),
                Paragraph(escape(comment.source), CITE),
            ]
        if not data.comments:
            story.append(Paragraph(content.NO_COMMENTS, BODY))
        if section.stories:
            story.append(Heading("What is working", 1))
            story += _blocks(section.stories, base_url, 2, width)
    if section.commitments:
        story += [
            Heading("In the next bulletin", 1, listed=False),
            *_list([escape(line) for line in section.commitments]),
        ]
    return story


def _appendix(content: BulletinContent, width: float) -> list[Flowable]:
    """The figures in full: every table, and each question's chart, grouped by outcome."""
    story: list[Flowable] = [
        PageBreak(),
        Heading(content.APPENDIX, 0, anchor=content.APPENDIX_ID),
        Paragraph(escape(content.feedback_line), BODY),
    ]
    if content.has_feedback:
        story.append(Heading("What families told us", 1))
        for figure in content.overview:
            story += data_table(figure.table, width)
    for section in content.outcomes:
        data = section.feedback
        story += [CondPageBreak(SECTION_ROOM), Heading(section.title, 1, anchor=section.figures_id)]
        story.append(Heading("Key measures", 2, listed=False))
        story += (
            data_table(data.measures, width)
            if data.measures.rows
            else [Paragraph(content.NO_MEASURES, BODY)]
        )
        if not content.has_feedback:
            continue
        if data.overview:
            story += data_table(data.overview.table, width)
        for group in data.questions:
            story.append(Heading(group.survey_title, 2, listed=False))
            if group.note:
                story.append(Paragraph(f"{group.note}.", BODY))
            for figure in group.figures:
                story += _figure(figure, width)
        if not data.questions:
            story.append(Paragraph(content.NO_QUESTIONS, BODY))
    return story


def _story(content: BulletinContent, width: float, base_url: str | None) -> list[Flowable]:
    contents = TableOfContents(
        levelStyles=TOC_STYLES, tableStyle=TOC_TABLE, dotsMinLevel=0, rightColumnWidth=50
    )
    story: list[Flowable] = [
        *cover(
            content.look,
            content.title,
            content.heading,
            "For leaders, practitioners and families",
            width,
        ),
        *release_status(content.status),
        PageBreak(),
        Heading("Contents", 0, listed=False),
        contents,
        PageBreak(),
    ]
    for section in content.sections:
        if section.key == content.families_before:
            story += _families(content, width)
        story += _section(section, content, width, base_url)
    if content.families_before is None:
        story += _families(content, width)
    story += _section_start("About the figures")
    story += [Paragraph(escape(line), BODY) for line in content.about]
    return story + (_appendix(content, width) if content.figures_in_full else [])


def build_pdf(
    content: BulletinContent, *, created: datetime | None = None, base_url: str | None = None
) -> bytes:
    """The bulletin as PDF bytes. With `created`, the same content gives the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    document = BulletinDocument(
        buffer,
        f"{content.title}: {content.heading}",
        content.author,
        content.subject,
        invariant=created is not None,
    )
    document.multiBuild(
        _story(content, document.width, base_url),
        canvasmaker=partial(
            NumberedCanvas, header=content.heading, look=content.look, created=created
        ),
    )
    return buffer.getvalue()
