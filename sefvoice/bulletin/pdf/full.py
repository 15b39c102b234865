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

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from ...feedback.charts import percent_bars
from ...release.tables import Table
from ..brand import Look
from ..content import BulletinContent, Card, Figure, Section
from ..markdown import Block, to_reportlab
from .shared import (
    BODY,
    BOLD,
    CAPTION,
    CARD_LABEL,
    CARD_LINE,
    CARD_VALUE,
    CARDS_PER_ROW,
    CELL,
    CELL_HEAD,
    CELL_RIGHT,
    CITE,
    FILL,
    FONT,
    INK,
    LIST_ITEM,
    MAX_COLUMNS,
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


def _fonts_of(drawing: Drawing) -> Drawing:
    """The chart's labels in the embedded font (the charts are drawn in Helvetica)."""
    for node in drawing.getContents():
        if isinstance(node, String):
            node.fontName = FONT
        elif isinstance(node, Group):
            _fonts_of(node)
    return drawing


def _width(text: str) -> float:
    return stringWidth(text, BOLD, 12)  # bold: a safe estimate for headers and cells alike


def _column_widths(rows: list[list[str]], width: float) -> list[float]:
    """Each column but the first as wide as its text needs (wrapping a long text at a word,
    never inside one), within 70% of the width; the first column (the labels) takes the
    rest."""
    least, wanted = [], []
    for column in range(1, len(rows[0])):
        cells = [row[column] for row in rows]
        natural = max(_width(c) for c in cells)
        longest_word = max((_width(word) for c in cells for word in c.split()), default=0)
        least.append(longest_word + 2 * PAD)
        wanted.append(min(natural, max(longest_word, width * 0.22)) + 2 * PAD)
    room, extra = width * 0.7, sum(wanted) - sum(least)
    if sum(wanted) > room and extra:
        share = max(room - sum(least), 0) / extra  # what each column gets above its least
        wanted = [low + (want - low) * share for low, want in zip(least, wanted, strict=True)]
    return [width - sum(wanted), *wanted]


def _cell(text: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    """Plain text when it fits on one line (much quicker to lay out), else a Paragraph."""
    return text if _width(text) + 2 * PAD <= width else Paragraph(escape(text), style)


def _grid(right: set[int] | frozenset[int], header: bool) -> list[tuple]:
    """A ruled table's style: a bold, shaded header row (when there is one) and the
    `right` columns' numbers on the right."""
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 12, 15),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("GRID", (0, 0), (-1, -1), 0.75, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in right]
    if header:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 12, 15), ("BACKGROUND", (0, 0), (-1, 0), FILL)]
    return style


def _written_table(block: Block, width: float, base_url: str | None) -> PdfTable:
    """An officer's Markdown table: its header row repeated on each page it runs onto. The
    columns share the width by how much text they hold, each at least its longest word."""
    rows = [[to_reportlab(cell, base_url) for cell in row] for row in block.rows]
    texts = [["".join(s.text for s in cell) for cell in row] for row in block.rows]
    widths = _column_widths(texts, width)
    cells = [
        [
            Paragraph(markup, CELL_HEAD if r == 0 else CELL_RIGHT if c in block.right else CELL)
            for c, markup in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    return PdfTable(cells, colWidths=widths, repeatRows=1, style=_grid(block.right, header=True))


def _table(table: Table, width: float) -> list[Flowable]:
    """A data table: caption, a header row repeated on each page, numbers on the right.
    Columns past the sixth (too many for A4 at 12 pt) go on a line under each row."""
    text = table.text_rows()
    header = table.columns[:MAX_COLUMNS] if any(table.columns) else None
    kept = [row[:MAX_COLUMNS] for row in text]
    widths = _column_widths(([header] if header else []) + kept, width)
    style = _grid(table.numeric & set(range(MAX_COLUMNS)), header=bool(header))
    rows: list[list] = []
    if header:
        rows.append([_cell(c, w, CELL_HEAD) for c, w in zip(header, widths, strict=True)])
    for full, row in zip(text, kept, strict=True):
        rows.append(
            [
                _cell(c, w, CELL_RIGHT if i in table.numeric else CELL)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
        )
        extra = "; ".join(
            f"{name}: {value}"
            for name, value in zip(table.columns[MAX_COLUMNS:], full[MAX_COLUMNS:], strict=True)
        )
        if extra:
            style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            style.append(("NOSPLIT", (0, len(rows) - 1), (-1, len(rows))))
            rows.append([Paragraph(escape(extra), CELL)] + [""] * (len(row) - 1))
    return [
        Paragraph(escape(table.title), CAPTION),
        PdfTable(rows, colWidths=widths, repeatRows=1 if header else 0, style=style),
        Spacer(1, 10),
    ]


def _figure(figure: Figure, width: float) -> list[Flowable]:
    """A chart (with its summary sentence) followed by its data table."""
    if figure.summary is None:
        return _table(figure.table, width)
    return [*_chart(figure, width), *_table(figure.table, width)]


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
            story += [_written_table(block, width, base_url), Spacer(1, 10)]
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
    chart = _fonts_of(percent_bars(figure.table, width=int(width)))
    return [Paragraph(escape(figure.summary), CAPTION), chart, Spacer(1, 8)]


def _section_start(title: str, anchor: str | None = None) -> list[Flowable]:
    """A section's heading: on this page if there is room for it and a good part of what
    follows, else on the next (no forced page break, so no half-empty pages)."""
    return [CondPageBreak(SECTION_ROOM), Heading(title, 0, anchor=anchor)]


def _section(
    section: Section, content: BulletinContent, width: float, base_url: str | None
) -> list[Flowable]:
    story = _section_start(section.title)
    story += _blocks(section.body, base_url, 1, width) or [Paragraph(content.NO_TEXT, BODY)]
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
            story += _table(figure.table, width)
    for section in content.outcomes:
        data = section.feedback
        story += [CondPageBreak(SECTION_ROOM), Heading(section.title, 1, anchor=section.figures_id)]
        story.append(Heading("Key measures", 2, listed=False))
        story += (
            _table(data.measures, width)
            if data.measures.rows
            else [Paragraph(content.NO_MEASURES, BODY)]
        )
        if not content.has_feedback:
            continue
        if data.overview:
            story += _table(data.overview.table, width)
        for group in data.questions:
            story.append(Heading(group.survey_title, 2, listed=False))
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
    for section in content.intro:
        story += _section(section, content, width, base_url)
    story += _section_start("You said, we did")
    if content.progress_note:
        story.append(Paragraph(escape(content.progress_note), BODY))
    else:
        story += _table(content.progress, width)
    story += [
        *_section_start("What families told us"),
        Paragraph(escape(content.feedback_line), BODY),
    ]
    if content.has_feedback:
        story += [f for figure in content.overview for f in _chart(figure, width)]
    for section in content.outcomes:
        story += _section(section, content, width, base_url)
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
