"""The printable bulletin: A4, reportlab platypus.

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
from functools import lru_cache, partial
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from flask import current_app
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents
from svglib.svglib import svg2rlg

from ..feedback.charts import percent_bars
from ..feedback.tables import Table
from ..publishing.service import Status
from .brand import WHITE, Look
from .content import BulletinContent, Card, Figure, Section
from .easy_read import EasyReadEdition
from .markdown import Block, to_reportlab

FONT, BOLD = "Vera", "Vera-Bold"
INK = HexColor("#0b0c0c")  # 19:1 on white
RULE = HexColor("#505a5f")  # 7:1 on white: lines that print in grey
FILL = HexColor("#f3f2f1")  # header rows: bold as well, so not shading alone
PAD = 4
MAX_COLUMNS = 6
MARGIN = 20 * mm
SECTION_ROOM = (A4[1] - 2 * MARGIN) / 4  # a section starts a new page with less room left
LANGUAGE = "en-GB"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, folder / "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, folder / "VeraBd.ttf"))
    # No italics: the bulletin has none (italic is harder to read).
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, size: float = 12, font: str = FONT, **kw) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.4)
    kw.setdefault("textColor", INK)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


BODY = _style("body", spaceAfter=8)
CELL = _style("cell", leading=15)
CELL_RIGHT = _style("cell-right", leading=15, alignment=2)  # numbers line up on the right
CELL_HEAD = _style("cell-head", font=BOLD, leading=15)
CAPTION = _style("caption", font=BOLD, spaceBefore=10, spaceAfter=6, keepWithNext=1)
QUOTE = _style("quote", leftIndent=18, spaceAfter=2)
CARD_LABEL = _style("card-label", leading=15, spaceAfter=4)  # regular: narrower than bold
CARD_VALUE = _style("card-value", 18, BOLD, leading=22, spaceAfter=4)
CARD_LINE = _style("card-line", leading=15)
CARDS_PER_ROW = 4
CITE = _style("cite", leftIndent=18, spaceAfter=10)
HEADINGS = {
    0: _style("h1", 22, BOLD, spaceAfter=12, keepWithNext=1),
    1: _style("h2", 17, BOLD, spaceBefore=14, spaceAfter=8, keepWithNext=1),
    2: _style("h3", 14, BOLD, spaceBefore=10, spaceAfter=6, keepWithNext=1),
}
COVER_TITLE = _style("cover-title", 30, BOLD, spaceAfter=20, textColor=HexColor(WHITE))
COVER_LINE = _style("cover-line", 18, spaceAfter=14)
COVER_LINE_ON_BRAND = _style("cover-line-on-brand", 18, textColor=HexColor(WHITE))
TOC_STYLES = [  # the right indent keeps the page numbers clear of the titles
    _style("toc-0", font=BOLD, leading=16, rightIndent=30),
    _style("toc-1", leftIndent=18, leading=16, rightIndent=30),
]
TOC_TABLE = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1)]
TOC_TABLE += [("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]


class Heading(Paragraph):
    """A heading that becomes a bookmark, and (when `listed`) a line on the contents page;
    with an `anchor`, also a destination that links elsewhere in the PDF go to."""

    def __init__(
        self,
        text: str,
        level: int,
        listed: bool = True,
        anchor: str | None = None,
        styles: dict[int, ParagraphStyle] | None = None,
    ):
        super().__init__(escape(text), (styles or HEADINGS)[min(level, 2)])
        self.title, self.level, self.listed, self.anchor = text, level, listed, anchor


class NumberedCanvas(Canvas):
    """Keeps each page until the end, then draws the header and "Page X of Y" on all but
    the cover, now that Y is known."""

    def __init__(
        self,
        *args,
        header: str,
        look: Look,
        created: datetime | None,
        size: float = 12,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._header, self._look, self._size = header, look, size
        self._pages: list[dict] = []
        self._bookmarks: list[tuple[str, float]] = []
        if created is not None:
            stamp = created.strftime("D:%Y%m%d%H%M%S+00'00'")
            self.setDateFormatter(lambda *_: stamp)

    def bookmark_heading(self, key: str, top: float) -> None:
        """Bookmark the page being laid out. Kept until save(): the PDF page it points to
        only exists once that page is really shown."""
        self._bookmarks.append((key, top))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._bookmarks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            for key, top in self._bookmarks:
                self.bookmarkPage(key, fit="XYZ", left=0, top=top)
            if self._pageNumber > 1:
                self._furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, total: int) -> None:
        width, height = A4
        brand = HexColor(self._look.main_colour)  # 4.5:1 on white at least (brand.py)
        self.setFillColor(brand)
        self.setStrokeColor(brand)
        self.setFont(BOLD, self._size)
        self.drawString(MARGIN, height - 12 * mm, self._look.name)
        self.setFont(FONT, self._size)
        self.drawRightString(width - MARGIN, height - 12 * mm, self._header)
        self.setLineWidth(1.5)
        self.line(MARGIN, height - 14 * mm, width - MARGIN, height - 14 * mm)
        self.setFillColor(INK)
        self.setStrokeColor(RULE)
        self.setLineWidth(1)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.drawString(MARGIN, 9 * mm, f"Page {self._pageNumber} of {total}")


class BulletinDocument(BaseDocTemplate):
    """A4 with one frame; bookmarks and contents entries from its Headings."""

    def __init__(self, buffer: io.BytesIO, title: str, author: str, subject: str, invariant: bool):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            keywords="SEND, self-evaluation, SEF, bulletin, co-production",
            creator="sefvoice",
            lang=LANGUAGE,
            displayDocTitle=True,
            invariant=invariant,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        self._keys, self._level = 0, -1  # each layout pass numbers its bookmarks afresh

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Heading):
            return
        self._keys += 1
        key = f"h{self._keys}"
        level = min(flowable.level, self._level + 1)  # outline levels may not skip one
        self._level = level
        top = self.frame._y + flowable.height + 12
        self.canv.bookmark_heading(key, top)
        if flowable.anchor:
            self.canv.bookmark_heading(flowable.anchor, top)
        self.canv.addOutlineEntry(flowable.title, key, level=level, closed=level > 0)
        if flowable.listed:
            self.notify("TOCEntry", (level, escape(flowable.title), self.page, key))


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


def _table(table: Table, width: float) -> list[Flowable]:
    """A data table: caption, a header row repeated on each page, numbers on the right.
    Columns past the sixth (too many for A4 at 12 pt) go on a line under each row."""
    text = table.text_rows()
    header = table.columns[:MAX_COLUMNS] if any(table.columns) else None
    kept = [row[:MAX_COLUMNS] for row in text]
    widths = _column_widths(([header] if header else []) + kept, width)
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
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in table.numeric if i < MAX_COLUMNS]
    rows: list[list] = []
    if header:
        rows.append([_cell(c, w, CELL_HEAD) for c, w in zip(header, widths, strict=True)])
        style += [("FONT", (0, 0), (-1, 0), BOLD, 12, 15), ("BACKGROUND", (0, 0), (-1, 0), FILL)]
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
    chart = _fonts_of(percent_bars(figure.table, width=int(width)))
    return [
        KeepTogether([Paragraph(escape(figure.summary), CAPTION), chart]),
        *_table(figure.table, width),
    ]


def _list(paragraphs: list[Paragraph], start: int | None = None) -> ListFlowable:
    """A bulleted list, or a numbered one from `start`."""
    return ListFlowable(
        [ListItem(p) for p in paragraphs],
        bulletType="bullet" if start is None else "1",
        start=start,
        bulletFormat=None if start is None else "%s.",
        bulletFontName=FONT,
        bulletFontSize=12,
        leftIndent=22,
    )


def _blocks(blocks: list[Block], base_url: str | None, outline_level: int) -> list[Flowable]:
    """An officer's Markdown: its headings go in the outline, below the section's."""
    story: list[Flowable] = []
    for block in blocks:
        if block.kind == "heading":
            story.append(Heading(block.text, outline_level + block.level - 2, listed=False))
        elif block.kind == "paragraph":
            story.append(Paragraph(to_reportlab(block.spans, base_url), BODY))
        else:
            items = [Paragraph(to_reportlab(item, base_url), BODY) for item in block.items]
            story.append(_list(items, block.start if block.kind == "numbers" else None))
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


def _chart(figure: Figure, width: float) -> Flowable:
    """A chart with its summary sentence, without its table (that is in the appendix)."""
    chart = _fonts_of(percent_bars(figure.table, width=int(width)))
    return KeepTogether([Paragraph(escape(figure.summary), CAPTION), chart, Spacer(1, 8)])


def _section_start(title: str, anchor: str | None = None) -> list[Flowable]:
    """A section's heading: on this page if there is room for it and a good part of what
    follows, else on the next (no forced page break, so no half-empty pages)."""
    return [CondPageBreak(SECTION_ROOM), Heading(title, 0, anchor=anchor)]


def _section(
    section: Section, content: BulletinContent, width: float, base_url: str | None
) -> list[Flowable]:
    story = _section_start(section.title)
    story += _blocks(section.body, base_url, 1) or [Paragraph(content.NO_TEXT, BODY)]
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
            story.append(_chart(data.overview, width))
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
            story += _blocks(section.stories, base_url, 2)
    if section.commitments:
        story += [
            Heading("In the next bulletin", 1, listed=False),
            _list([Paragraph(escape(line), BODY) for line in section.commitments]),
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


def picture(data: bytes, kind: str, width: float, height: float) -> Flowable:
    """A PNG or SVG picture, scaled to fit width x height, keeping its shape."""
    if kind == "image/svg+xml":
        drawing = svg2rlg(io.BytesIO(data))
        scale = min(width / drawing.width, height / drawing.height)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        return drawing
    natural_width, natural_height = ImageReader(io.BytesIO(data)).getSize()
    scale = min(width / natural_width, height / natural_height)
    return Image(io.BytesIO(data), natural_width * scale, natural_height * scale)


def _cover(
    look: Look, title: str, heading: str, author: str, audience: str, width: float
) -> list[Flowable]:
    """The partnership's logo and name, then the title in white on its main colour."""
    story: list[Flowable] = [Spacer(1, 20 * mm)]
    if look.logo:
        logo = picture(look.logo, look.logo_type, width / 2, 35 * mm)
        logo.hAlign = "LEFT"
        story += [logo, Spacer(1, 10 * mm)]
    story += [Paragraph(escape(look.name), COVER_LINE), Spacer(1, 10 * mm)]
    band = PdfTable(
        [
            [Paragraph(escape(title), COVER_TITLE)],
            [Paragraph(escape(heading), COVER_LINE_ON_BRAND)],
        ],
        colWidths=[width],
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(look.main_colour)),
            ("LEFTPADDING", (0, 0), (-1, -1), 16),
            ("RIGHTPADDING", (0, 0), (-1, -1), 16),
            ("TOPPADDING", (0, 0), (0, 0), 20),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 20),
        ],
    )
    story += [band, Spacer(1, 10 * mm)]
    if author != look.name:
        story.append(Paragraph(escape(author), COVER_LINE))
    return story + [Paragraph(escape(audience), COVER_LINE)]


def _status(status: Status) -> list[Flowable]:
    """Whether the figures are published (which version) or a draft, and any revisions."""
    story: list[Flowable] = [Paragraph(f"<b>{escape(status.line)}</b>", COVER_LINE)]
    if status.revisions:
        story.append(Paragraph("<b>Revisions</b>", BODY))
        story += [Paragraph(escape(note), BODY) for note in status.revision_notes]
    return story


def _story(content: BulletinContent, width: float, base_url: str | None) -> list[Flowable]:
    contents = TableOfContents(
        levelStyles=TOC_STYLES, tableStyle=TOC_TABLE, dotsMinLevel=0, rightColumnWidth=50
    )
    story: list[Flowable] = [
        *_cover(
            content.look,
            content.title,
            content.heading,
            content.author,
            "For leaders, practitioners and families",
            width,
        ),
        *_status(content.status),
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
        story += [_chart(figure, width) for figure in content.overview]
    for section in content.outcomes:
        story += _section(section, content, width, base_url)
    story += _section_start("About the figures")
    story += [Paragraph(escape(line), BODY) for line in content.about]
    return story + _appendix(content, width)


def build_pdf(
    content: BulletinContent, *, created: datetime | None = None, base_url: str | None = None
) -> bytes:
    """The bulletin as PDF bytes. With `created`, the same content gives the same bytes."""
    _register_fonts()
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


# The easy-read edition: 16 pt and more, a picture beside every point.

EASY_SIZE = 16
EASY_BODY = _style("easy-body", EASY_SIZE, leading=24, spaceAfter=6)
EASY_HEADINGS = {
    0: _style("easy-h1", 26, BOLD, leading=32, spaceBefore=6, spaceAfter=12, keepWithNext=1),
    1: _style("easy-h2", 20, BOLD, leading=26, spaceBefore=12, spaceAfter=8, keepWithNext=1),
    2: _style("easy-h3", 18, BOLD, leading=24, spaceBefore=8, spaceAfter=6, keepWithNext=1),
}
PICTURE = 22 * mm


def _static_picture(path: str) -> Flowable:
    """One of the surveys' pictures (static/pictures), drawn as vectors."""
    return _parsed_picture(str(Path(current_app.static_folder, path)))


@lru_cache(maxsize=128)
def _parsed_picture(path: str) -> Flowable:
    """Parsed once per process (the files never change while the app runs); a Drawing is
    not changed by drawing it, so one can sit beside many points."""
    return picture(Path(path).read_bytes(), "image/svg+xml", PICTURE, PICTURE)


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
    story = _cover(edition.look, edition.title, edition.heading, "", "", width)
    story += [
        *_status(edition.status),
        PageBreak(),
        *(Paragraph(escape(line), EASY_BODY) for line in edition.intro),
    ]

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
    if edition.glossary:
        story += [CondPageBreak(SECTION_ROOM), heading(words["glossary"]["heading"])]
        story += [_point(p.picture, p.text, width) for p in edition.glossary]
    story += [CondPageBreak(SECTION_ROOM), heading(words["take_part"]["heading"])]
    story += [_point(p.picture, p.text, width) for p in edition.take_part]
    return story


def build_easy_read_pdf(edition: EasyReadEdition, *, created: datetime | None = None) -> bytes:
    """The easy-read edition as PDF bytes: 16 pt and more throughout."""
    _register_fonts()
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
